/**
 * Applies migrations to the local D1 databases (the global one and each
 * region's order database) and loads the demo catalogue when the global one is
 * empty, with ten weeks of sales history in each location's region (the last
 * four weeks as finished orders too, for the back office's daily figures) and
 * the forecasts the nightly job makes from it. `npm run db:seed -- --reset` reloads it.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { DATABASE, PERSIST_DIR, regionalDatabases, wrangler } from "./local";
import { DEMO_HISTORY_DAYS, demoHistoryPlan } from "./seed/demo-history";
import { DEMO_ORDER_DAYS } from "./seed/demo-orders";
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

/** Whether this run loaded the demo (so `npm run dev` also gives it its stock). */
export const seeded = count === 0 || reset;

if (!seeded) {
	console.log(`Local database already holds ${count} locations; not seeding (use --reset to reload).`);
} else {
	const history = demoHistoryPlan(new Date());
	const statements = [
		...(reset ? ["DELETE FROM locations;", "DELETE FROM accounts;"] : []),
		...demoSeedStatements(),
		...demoSlotCapacityStatements(),
		...(await demoAccountStatements()),
		...history.global,
	];
	mkdirSync(".wrangler/seed", { recursive: true });
	const file = ".wrangler/seed/demo.sql";
	writeFileSync(file, `${statements.join("\n")}\n`);
	// One wrangler start-up each (a few seconds), so the databases are written side by side.
	const writes = [execute(DATABASE, file)];
	for (const { region, database } of regionalDatabases()) {
		const sales = history.regional.get(region);
		if (!sales || sales.length === 0) continue;
		const regionFile = `.wrangler/seed/history-${region}.sql`;
		writeFileSync(regionFile, `${sales.join("\n")}\n`);
		// Sales rows and demo orders already there (a reseed, orders placed locally) are kept; see seed/demo-history.ts.
		writes.push(execute(database, regionFile));
	}
	await Promise.all(writes);
	console.log(
		`Seeded the demo catalogue, ${DEMO_HISTORY_DAYS} days of sales (${history.itemDays} item-days), ${history.orders} finished orders over the last ${DEMO_ORDER_DAYS} days and ${history.forecastRows} forecasts.`,
	);
}

/** `wrangler d1 execute --file` on a local database, its output kept back unless it fails. */
function execute(database: string, file: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn("wrangler", ["d1", "execute", database, ...local, "--file", file], {
			stdio: ["ignore", "pipe", "pipe"],
			env: { ...process.env, CI: process.env.CI ?? "true" },
		});
		let output = "";
		child.stdout.on("data", (chunk) => (output += chunk));
		child.stderr.on("data", (chunk) => (output += chunk));
		child.on("error", reject);
		child.on("exit", (code) => {
			if (code === 0) return resolve();
			process.stderr.write(output);
			reject(new Error(`wrangler d1 execute ${database} --file ${file} failed with exit code ${code}`));
		});
	});
}
