/**
 * Applies migrations to the local D1 databases (the global one and each
 * region's order database) and loads the demo catalogue when the global one is
 * empty. `npm run db:seed -- --reset` reloads it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { DATABASE, PERSIST_DIR, wrangler } from "./local";
import { demoSeedStatements, demoSlotCapacityStatements } from "./seed/sql";
import { demoAccountStatements } from "./seed/staff";

const reset = process.argv.includes("--reset");
const local = ["--local", "--persist-to", PERSIST_DIR];

await import("./migrate");

const counted = wrangler(
	["d1", "execute", DATABASE, ...local, "--json", "--command", "SELECT count(*) AS count FROM locations"],
	{ capture: true },
);
const count = (JSON.parse(counted) as { results: { count: number }[] }[])[0].results[0].count;

if (count > 0 && !reset) {
	console.log(`Local database already holds ${count} locations; not seeding (use --reset to reload).`);
} else {
	const statements = [
		...(reset ? ["DELETE FROM locations;", "DELETE FROM accounts;"] : []),
		...demoSeedStatements(),
		...demoSlotCapacityStatements(),
		...(await demoAccountStatements()),
	];
	mkdirSync(".wrangler/seed", { recursive: true });
	const file = ".wrangler/seed/demo.sql";
	writeFileSync(file, `${statements.join("\n")}\n`);
	wrangler(["d1", "execute", DATABASE, ...local, "--file", file]);
	console.log(`Seeded the demo catalogue (${statements.length} statements).`);
}
