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

	it("leaves a migrated object as it is", () => {
		const db = new DatabaseSync(":memory:");
		migrate(sqlStorage(db));
		const before = shape(db);
		migrate(sqlStorage(db));
		expect(shape(db)).toEqual(before);
		expect(CURRENT_SCHEMA).toContain("CREATE TABLE outbox");
	});
});
