/**
 * plan and apply against an account in memory (fake-account.ts answers the
 * Cloudflare API calls): only what is missing is created, in the right place;
 * a second run creates nothing; drift stops everything; extras are reported.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { cloudflareApi } from "./cloudflare-api";
import { desiredResources, type Worker } from "./declaration";
import { fakeAccount } from "./fake-account";
import { plan } from "./plan";
import { runInfra } from "./run";
import { readWorkers } from "./workers";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

let workers: Worker[];
beforeAll(async () => {
	workers = await readWorkers();
}, 60_000);

/** Staging half set up by hand, with a production database and a stray staging namespace beside it. */
function halfSetUpAccount() {
	return fakeAccount(ACCOUNT, {
		d1: [
			{ uuid: "db-staging", name: "goodfood-staging", jurisdiction: null },
			{ uuid: "db-production", name: "goodfood-production", jurisdiction: null },
		],
		kv: [
			{ id: "kv-menu", title: "goodfood-menu-kv-staging" },
			{ id: "kv-stray", title: "goodfood-menu-edge-staging-menu-kv" },
		],
		queues: [{ queue_id: "q-events", queue_name: "goodfood-order-events-staging" }],
		r2: [{ name: "goodfood-menu-images-staging" }],
	});
}

async function run(args: string[], account: ReturnType<typeof fakeAccount>) {
	const lines: string[] = [];
	const api = cloudflareApi({ accountId: ACCOUNT, apiToken: "test-token", fetch: account.fetch });
	const code = await runInfra(args, { workers, api, log: (line) => lines.push(line) });
	return { code, lines };
}

describe("apply", () => {
	it("creates only what is missing, each database where its region lives", async () => {
		const account = halfSetUpAccount();
		const { code } = await run(["apply", "--env", "staging"], account);
		expect(code).toBe(0);
		expect(account.creations().map(({ path, body }) => ({ path, body }))).toEqual([
			{
				path: `/accounts/${ACCOUNT}/d1/database`,
				body: { name: "goodfood-orders-apac-staging", primary_location_hint: "apac" },
			},
			{ path: `/accounts/${ACCOUNT}/d1/database`, body: { name: "goodfood-orders-eu-staging", jurisdiction: "eu" } },
			{
				path: `/accounts/${ACCOUNT}/d1/database`,
				body: { name: "goodfood-orders-us-staging", primary_location_hint: "enam" },
			},
			{ path: `/accounts/${ACCOUNT}/storage/kv/namespaces`, body: { title: "goodfood-revocations-staging" } },
			// The dead-letter queue only a consumer names; the producers' queues are left to wrangler's provisioning.
			{ path: `/accounts/${ACCOUNT}/queues`, body: { queue_name: "goodfood-notifications-dlq-staging" } },
		]);
	});

	it("creates nothing the second time", async () => {
		const account = halfSetUpAccount();
		await run(["apply", "--env", "staging"], account);
		const created = account.creations().length;
		const second = await run(["apply", "--env", "staging"], account);
		expect(second.code).toBe(0);
		expect(account.creations()).toHaveLength(created);
		expect(account.settings()).toHaveLength(1);
		expect(second.lines).toContain("Nothing to change.");
		const actions = plan(desiredResources(workers, "staging"), account.state, "staging");
		expect(actions.filter((action) => action.action === "create")).toEqual([]);
	});

	it("turns on the global database's read replicas, whether it made the database or found it without them", async () => {
		const account = halfSetUpAccount();
		account.state.d1.splice(0, 1);
		await run(["apply", "--env", "staging"], account);
		const created = account.state.d1.find((database) => database.name === "goodfood-staging");
		expect(account.settings().map(({ path, body }) => ({ path, body }))).toEqual([
			{ path: `/accounts/${ACCOUNT}/d1/database/${created?.uuid}`, body: { read_replication: { mode: "auto" } } },
		]);

		const byHand = halfSetUpAccount();
		await run(["apply", "--env", "staging"], byHand);
		expect(byHand.settings().map(({ path }) => path)).toEqual([`/accounts/${ACCOUNT}/d1/database/db-staging`]);
		// Only the global database: each region's order database keeps its one copy.
		expect(byHand.state.d1.filter((database) => database.readReplication === "auto").map((d) => d.name)).toEqual([
			"goodfood-staging",
		]);
	});

	it("refuses, creating nothing, when a database is in the wrong jurisdiction", async () => {
		const account = halfSetUpAccount();
		account.state.d1.push({ uuid: "db-eu", name: "goodfood-orders-eu-staging", jurisdiction: null });
		const { code, lines } = await run(["apply", "--env", "staging"], account);
		expect(code).toBe(1);
		expect(account.creations()).toEqual([]);
		expect(lines).toContain(
			"  DRIFT       d1 goodfood-orders-eu-staging (jurisdiction eu): D1 goodfood-orders-eu-staging is in jurisdiction (none), declared eu: a jurisdiction is set only when a database is created; move its data to a new database",
		);
	});
});

describe("plan", () => {
	it("says what exists, what it would create, what wrangler provisions, and what is declared nowhere", async () => {
		const account = halfSetUpAccount();
		const { code, lines } = await run(["plan", "--env", "staging"], account);
		expect(code).toBe(0);
		expect(account.creations()).toEqual([]);
		expect(lines).toEqual([
			"staging:",
			"  create      d1 goodfood-orders-apac-staging (location apac)",
			"  create      d1 goodfood-orders-eu-staging (jurisdiction eu)",
			"  create      d1 goodfood-orders-us-staging (location enam)",
			// Made by hand, without the read replicas the global database is declared with.
			"  configure   d1 goodfood-staging (location weur, read replicas auto) db-staging: read replication disabled → auto",
			"  exists      kv goodfood-menu-kv-staging kv-menu",
			"  create      kv goodfood-revocations-staging",
			"  create      queue goodfood-notifications-dlq-staging",
			"  provision   queue goodfood-notifications-staging (created by wrangler on the first deploy)",
			"  provision   queue goodfood-order-events-dlq-staging (created by wrangler on the first deploy)",
			"  exists      queue goodfood-order-events-staging q-events",
			"  exists      r2 goodfood-menu-images-staging goodfood-menu-images-staging",
			// What a deploy without resolved ids provisions for the edge: its own namespace, which the api never writes.
			"  undeclared  kv goodfood-menu-edge-staging-menu-kv (declared nowhere; left alone)",
		]);
	});

	it("walks every page of a long list", async () => {
		const account = halfSetUpAccount();
		for (let i = 0; i < 250; i++)
			account.state.d1.unshift({ uuid: `other-${i}`, name: `another-project-${i}`, jurisdiction: null });
		const { lines } = await run(["plan", "--env", "staging"], account);
		expect(lines).toContain(
			"  configure   d1 goodfood-staging (location weur, read replicas auto) db-staging: read replication disabled → auto",
		);
		expect(account.calls.filter((call) => call.path.endsWith("/d1/database")).length).toBe(3);
	});

	it("prints the declaration and the calls it would make, with no network, without a token", async () => {
		const lines: string[] = [];
		const code = await runInfra(["plan", "--env", "production"], {
			workers,
			env: { CLOUDFLARE_ACCOUNT_ID: ACCOUNT },
			log: (line) => lines.push(line),
		});
		expect(code).toBe(0);
		expect(lines).toContain(
			"  d1 goodfood-orders-eu-production (jurisdiction eu)  [made by script; bound by goodfood-api-production.ORDERS_EU, goodfood-watch-production.ORDERS_EU]",
		);
		expect(lines).toContain(`  GET /accounts/${ACCOUNT}/d1/database?per_page=100`);
		expect(lines).toContain("Dry run: no calls made. With a token, plan would check:");
	});

	it("refuses apply without a token rather than pretending", async () => {
		const lines: string[] = [];
		const code = await runInfra(["apply", "--env", "staging"], { workers, env: {}, log: (line) => lines.push(line) });
		expect(code).toBe(2);
		expect(lines).toEqual(["apply needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (only plan has a dry run)"]);
	});

	it("reports the API's refusal with its code", async () => {
		const account = halfSetUpAccount();
		const api = cloudflareApi({ accountId: ACCOUNT, apiToken: "wrong-token", fetch: account.fetch });
		await expect(runInfra(["plan", "--env", "staging"], { workers, api, log: () => {} })).rejects.toThrow(
			/answered 403: 10000 Authentication error/,
		);
	});
});
