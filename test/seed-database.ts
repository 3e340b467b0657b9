/** Applies migrations and the demo catalogue to a test database, once. */
import { applyD1Migrations, type D1Migration } from "cloudflare:test";
import { demoSeedStatements } from "../scripts/seed/sql";
import { demoAccountStatements } from "../scripts/seed/staff";

export async function prepareDatabase(db: D1Database, migrations: D1Migration[]): Promise<void> {
	// Setup files may run more than once; both steps are no-ops the second time.
	await applyD1Migrations(db, migrations);
	const seeded = await db.prepare("SELECT count(*) AS count FROM locations").first<{ count: number }>();
	if (seeded?.count) return;
	const statements = [...demoSeedStatements(), ...(await demoAccountStatements())];
	await db.batch(statements.map((statement) => db.prepare(statement)));
}

/** Applies the regional migrations to each region's order database, once. */
export async function prepareOrderDatabases(databases: D1Database[], migrations: D1Migration[]): Promise<void> {
	await Promise.all(databases.map((db) => applyD1Migrations(db, migrations)));
}
