/**
 * The LocationKitchen object's SQLite schema, applied in order on start-up.
 * A migration is never edited once shipped: add a new entry instead.
 */
export const KITCHEN_MIGRATIONS: string[][] = [
	[
		// Tracked counts; option_id '' is the item itself. No row: untracked, unlimited.
		`CREATE TABLE stock (
			item_id TEXT NOT NULL,
			option_id TEXT NOT NULL DEFAULT '',
			count INTEGER NOT NULL,
			PRIMARY KEY (item_id, option_id)
		)`,
		// What each order holds: the units it took from tracked counts (given back on release),
		// the slot it booked, and the local date it was placed on.
		`CREATE TABLE reservations (
			order_id TEXT PRIMARY KEY,
			taken TEXT NOT NULL,
			slot_start TEXT NOT NULL,
			units INTEGER NOT NULL,
			business_date TEXT NOT NULL,
			created_at INTEGER NOT NULL
		)`,
		"CREATE INDEX reservations_slot ON reservations (slot_start)",
		// Orders in the kitchen, placed and not ready yet: what the ETA counts as ahead. due_at is
		// when the kitchen starts on it: its placement, or the time asked for when booked for later.
		`CREATE TABLE queue (
			order_id TEXT PRIMARY KEY,
			placed_at INTEGER NOT NULL,
			due_at INTEGER NOT NULL,
			lines TEXT NOT NULL
		)`,
		"CREATE INDEX queue_due ON queue (due_at)",
		// Counts a local date opens with, applied at that day's first touch; option_id '' is the item.
		`CREATE TABLE opening_stock (
			date TEXT NOT NULL,
			item_id TEXT NOT NULL,
			option_id TEXT NOT NULL DEFAULT '',
			count INTEGER,
			PRIMARY KEY (date, item_id, option_id)
		)`,
		// Sold-out flags still to write to the catalogue (D1 + menu publish), retried until done.
		`CREATE TABLE menu_sync (
			item_id TEXT PRIMARY KEY,
			sold_out INTEGER NOT NULL,
			attempts INTEGER NOT NULL DEFAULT 0,
			next_attempt_at INTEGER NOT NULL,
			last_error TEXT
		)`,
		"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
	],
];

export function migrateKitchen(sql: SqlStorage): void {
	sql.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
	const row = sql.exec<{ version: number }>("SELECT version FROM schema_version").toArray()[0];
	const applied = row?.version ?? 0;
	for (let version = applied; version < KITCHEN_MIGRATIONS.length; version++) {
		for (const statement of KITCHEN_MIGRATIONS[version]) sql.exec(statement);
	}
	if (!row) sql.exec("INSERT INTO schema_version (version) VALUES (?)", KITCHEN_MIGRATIONS.length);
	else if (applied < KITCHEN_MIGRATIONS.length)
		sql.exec("UPDATE schema_version SET version = ?", KITCHEN_MIGRATIONS.length);
}
