/**
 * The Cart Durable Object's SQLite schema, applied in order on start-up. A
 * migration is never edited once shipped: add a new entry instead.
 */
export const CART_MIGRATIONS: string[][] = [
	[
		`CREATE TABLE cart (
			id INTEGER PRIMARY KEY CHECK (id = 1),
			cart_id TEXT NOT NULL,
			order_id TEXT NOT NULL,
			location_slug TEXT NOT NULL,
			status TEXT NOT NULL,
			revision INTEGER NOT NULL DEFAULT 0,
			tracking_token_hash TEXT,
			created_at TEXT NOT NULL,
			updated_at TEXT NOT NULL,
			expires_at INTEGER NOT NULL
		)`,
		`CREATE TABLE cart_lines (
			line_id TEXT PRIMARY KEY,
			item_id TEXT NOT NULL,
			category_id TEXT NOT NULL,
			name TEXT NOT NULL,
			quantity INTEGER NOT NULL,
			unit_price INTEGER NOT NULL,
			options TEXT NOT NULL,
			option_key TEXT NOT NULL,
			note TEXT,
			position INTEGER NOT NULL
		)`,
		`CREATE TABLE order_events (
			sequence INTEGER PRIMARY KEY,
			event_id TEXT NOT NULL UNIQUE,
			type TEXT NOT NULL,
			occurred_at TEXT NOT NULL,
			payload TEXT NOT NULL
		)`,
		`CREATE TABLE outbox (
			sequence INTEGER PRIMARY KEY,
			message TEXT NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at INTEGER NOT NULL,
			last_error TEXT
		)`,
		`CREATE TABLE idempotency (
			key TEXT PRIMARY KEY,
			fingerprint TEXT NOT NULL,
			response TEXT NOT NULL,
			created_at TEXT NOT NULL
		)`,
	],
	// Carts started by a signed-in customer belong to that customer.
	["ALTER TABLE cart ADD COLUMN owner_id TEXT"],
	// Tracking tokens are derived now, and a replay derives them again: no stored answer keeps one in plain text.
	["UPDATE idempotency SET response = json_remove(response, '$.trackingToken')"],
	// A sent event stays in the outbox until reconciliation confirms it was projected and
	// notified (`sent_at` set, `next_attempt_at` its next check); `resends` counts repairs.
	["ALTER TABLE outbox ADD COLUMN sent_at INTEGER", "ALTER TABLE outbox ADD COLUMN resends INTEGER NOT NULL DEFAULT 0"],
	// Payments: an unpaid order's expiry and the second step it waits on; the provider calls still to
	// make (capture, void, refund: retried with backoff); webhooks that came before their predecessor.
	[
		"ALTER TABLE cart ADD COLUMN payment_due_at INTEGER",
		"ALTER TABLE cart ADD COLUMN payment_intent_id TEXT",
		"ALTER TABLE cart ADD COLUMN payment_action_url TEXT",
		`CREATE TABLE payment_jobs (
			key TEXT PRIMARY KEY,
			kind TEXT NOT NULL,
			amount INTEGER NOT NULL,
			reason TEXT,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at INTEGER NOT NULL,
			last_error TEXT,
			created_at INTEGER NOT NULL
		)`,
		`CREATE TABLE parked_payment_events (
			event_id TEXT PRIMARY KEY,
			event TEXT NOT NULL,
			received_at INTEGER NOT NULL
		)`,
	],
];

/**
 * The tables as every migration above leaves them, for an object created now
 * (each order is a new object): one batch instead of replaying the history,
 * whose ALTERs each rewrite the schema. `schema.test.ts` proves both give the same tables.
 * When adding a migration, change this to match.
 */
export const CURRENT_SCHEMA = `
	CREATE TABLE cart (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		cart_id TEXT NOT NULL,
		order_id TEXT NOT NULL,
		location_slug TEXT NOT NULL,
		status TEXT NOT NULL,
		revision INTEGER NOT NULL DEFAULT 0,
		tracking_token_hash TEXT,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL,
		expires_at INTEGER NOT NULL,
		owner_id TEXT,
		payment_due_at INTEGER,
		payment_intent_id TEXT,
		payment_action_url TEXT
	);
	CREATE TABLE cart_lines (
		line_id TEXT PRIMARY KEY,
		item_id TEXT NOT NULL,
		category_id TEXT NOT NULL,
		name TEXT NOT NULL,
		quantity INTEGER NOT NULL,
		unit_price INTEGER NOT NULL,
		options TEXT NOT NULL,
		option_key TEXT NOT NULL,
		note TEXT,
		position INTEGER NOT NULL
	);
	CREATE TABLE order_events (
		sequence INTEGER PRIMARY KEY,
		event_id TEXT NOT NULL UNIQUE,
		type TEXT NOT NULL,
		occurred_at TEXT NOT NULL,
		payload TEXT NOT NULL
	);
	CREATE TABLE outbox (
		sequence INTEGER PRIMARY KEY,
		message TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL,
		last_error TEXT,
		sent_at INTEGER,
		resends INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE idempotency (
		key TEXT PRIMARY KEY,
		fingerprint TEXT NOT NULL,
		response TEXT NOT NULL,
		created_at TEXT NOT NULL
	);
	CREATE TABLE payment_jobs (
		key TEXT PRIMARY KEY,
		kind TEXT NOT NULL,
		amount INTEGER NOT NULL,
		reason TEXT,
		attempts INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL,
		last_error TEXT,
		created_at INTEGER NOT NULL
	);
	CREATE TABLE parked_payment_events (
		event_id TEXT PRIMARY KEY,
		event TEXT NOT NULL,
		received_at INTEGER NOT NULL
	);
`;

/**
 * Applies the migrations this object has not run yet; called inside
 * blockConcurrencyWhile. A new object (each order is one) reads the catalogue
 * once and creates everything, its version included, in one batch: no
 * `CREATE TABLE IF NOT EXISTS` round before it.
 */
export function migrate(sql: SqlStorage): void {
	const versioned = sql
		.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
		.toArray().length;
	if (!versioned) {
		sql.exec(
			`CREATE TABLE schema_version (version INTEGER NOT NULL); ${CURRENT_SCHEMA}; INSERT INTO schema_version (version) VALUES (${CART_MIGRATIONS.length})`,
		);
		return;
	}
	const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
	const applied = row?.version ?? 0;
	for (let version = applied; version < CART_MIGRATIONS.length; version++) {
		for (const statement of CART_MIGRATIONS[version]) sql.exec(statement);
	}
	if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", CART_MIGRATIONS.length);
	else if (applied < CART_MIGRATIONS.length) sql.exec("UPDATE schema_version SET version = ?", CART_MIGRATIONS.length);
}
