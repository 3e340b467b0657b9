import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { CART_MIGRATIONS, CURRENT_SCHEMA, migrate } from "./schema";

/** Node's SQLite behind the slice of SqlStorage that `migrate` uses. */
function sqlStorage(db: DatabaseSync): SqlStorage {
	return {
		exec: (query: string, ...bindings: unknown[]) => {
			if (bindings.length === 0 && query.includes(";")) {
				db.exec(query);
				return { toArray: () => [] };
			}
			const statement = db.prepare(query);
			if (/^\s*select/i.test(query)) {
				const rows = statement.all(...(bindings as never[]));
				return { toArray: () => rows };
			}
			statement.run(...(bindings as never[]));
			return { toArray: () => [] };
		},
	} as unknown as SqlStorage;
}

/** Every table's columns and indexes, as SQLite reports them. */
function shape(db: DatabaseSync) {
	const tables = db
		.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
		.all()
		.map((row) => String(row.name));
	return Object.fromEntries(
		tables.map((table) => [
			table,
			{
				columns: db.prepare(`PRAGMA table_info(${table})`).all(),
				indexes: db.prepare(`PRAGMA index_list(${table})`).all(),
			},
		]),
	);
}

describe("the Cart object's schema", () => {
	it("gives a new object the same tables as replaying every migration", () => {
		const replayed = new DatabaseSync(":memory:");
		replayed.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
		for (const migration of CART_MIGRATIONS) for (const statement of migration) replayed.exec(statement);
		replayed.exec(`INSERT INTO schema_version (version) VALUES (${CART_MIGRATIONS.length})`);

		const created = new DatabaseSync(":memory:");
		migrate(sqlStorage(created));

		expect(shape(created)).toEqual(shape(replayed));
		expect(created.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: CART_MIGRATIONS.length }]);
	});

	it("brings an object made by an older version up to date, keeping its rows", () => {
		const replayed = new DatabaseSync(":memory:");
		replayed.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
		for (const migration of CART_MIGRATIONS) for (const statement of migration) replayed.exec(statement);

		const old = new DatabaseSync(":memory:");
		old.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (1)");
		for (const statement of CART_MIGRATIONS[0]) old.exec(statement);
		old.exec(
			`INSERT INTO outbox (sequence, message, next_attempt_at) VALUES (1, '{"id":"evt_1"}', 0);
			 INSERT INTO idempotency (key, fingerprint, response, created_at)
			 VALUES ('key', 'print', '{"orderId":"ord_1","trackingToken":"secret"}', '2026-01-01T00:00:00.000Z')`,
		);
		migrate(sqlStorage(old));

		expect(shape(old)).toEqual(shape(replayed));
		expect(old.prepare("SELECT version FROM schema_version").all()).toEqual([{ version: CART_MIGRATIONS.length }]);
		expect(old.prepare("SELECT sequence, sent_at, resends FROM outbox").all()).toEqual([
			{ sequence: 1, sent_at: null, resends: 0 },
		]);
		expect(old.prepare("SELECT response FROM idempotency").all()).toEqual([{ response: '{"orderId":"ord_1"}' }]);
	});

	it("leaves a migrated object as it is", () => {
		const db = new DatabaseSync(":memory:");
		migrate(sqlStorage(db));
		const before = shape(db);
		migrate(sqlStorage(db));
		expect(shape(db)).toEqual(before);
		expect(CURRENT_SCHEMA).toContain("CREATE TABLE outbox");
	});
});
