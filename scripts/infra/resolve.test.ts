/**
 * resolve: the generated deploy configs carry the environment's ids, found by
 * name, with the api and the edge on one menu namespace, and wrangler reads
 * them with the same paths as the wrangler.toml beside them.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cloudflareApi } from "./cloudflare-api";
import type { Worker } from "./declaration";
import { fakeAccount } from "./fake-account";
import { generatedConfigPath, type RawConfig, resolveConfig } from "./resolve";
import { runInfra } from "./run";
import { REPOSITORY_ROOT, readWorkers, WORKER_CONFIGS } from "./workers";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
let workers: Worker[];
let root: string;

beforeAll(async () => {
	workers = await readWorkers();
	// A copy of the three configs in the repository's layout, so the generated files land in a scratch tree.
	root = mkdtempSync(join(tmpdir(), "goodfood-infra-"));
	for (const { configPath } of WORKER_CONFIGS) {
		mkdirSync(dirname(join(root, configPath)), { recursive: true });
		copyFileSync(join(REPOSITORY_ROOT, configPath), join(root, configPath));
	}
}, 60_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function applyThenResolve() {
	const account = fakeAccount(ACCOUNT);
	const api = cloudflareApi({ accountId: ACCOUNT, apiToken: "test-token", fetch: account.fetch });
	const log = () => {};
	const env = { CLOUDFLARE_ACCOUNT_ID: ACCOUNT };
	expect(await runInfra(["apply", "--env", "staging"], { workers, api, root, log, env })).toBe(0);
	expect(await runInfra(["resolve", "--env", "staging"], { workers, api, root, log, env })).toBe(0);
	const read = (configPath: string) =>
		JSON.parse(readFileSync(join(root, generatedConfigPath(configPath, "staging")), "utf8")) as RawConfig & {
			env: Record<
				string,
				RawConfig & {
					kv_namespaces: { binding: string; id: string }[];
					d1_databases: { binding: string; database_id: string }[];
				}
			>;
		};
	return {
		account,
		api: read("wrangler.toml"),
		edge: read("workers/menu-edge/wrangler.toml"),
		watch: read("workers/watch/wrangler.toml"),
	};
}

describe("resolve", () => {
	it("fills each KV and D1 id from the account by name, the api and the edge sharing MENU_KV", async () => {
		const { account, api, edge, watch } = await applyThenResolve();
		const kvId = (title: string) => account.state.kv.find((namespace) => namespace.title === title)?.id;
		const d1Id = (name: string) => account.state.d1.find((database) => database.name === name)?.uuid;
		expect(api.env.staging.kv_namespaces).toEqual([
			{ binding: "MENU_KV", id: kvId("goodfood-menu-kv-staging") },
			{ binding: "REVOCATIONS", id: kvId("goodfood-revocations-staging") },
		]);
		expect(edge.env.staging.kv_namespaces).toEqual([{ binding: "MENU_KV", id: kvId("goodfood-menu-kv-staging") }]);
		expect(kvId("goodfood-menu-kv-staging")).toMatch(/^id-/);
		for (const config of [api, watch]) {
			expect(config.env.staging.d1_databases.map((database) => [database.binding, database.database_id])).toEqual([
				["DB", d1Id("goodfood-staging")],
				["ORDERS_EU", d1Id("goodfood-orders-eu-staging")],
				["ORDERS_US", d1Id("goodfood-orders-us-staging")],
				["ORDERS_APAC", d1Id("goodfood-orders-apac-staging")],
			]);
		}
	});

	it("gives the watch the account it is deployed to, for its Analytics Engine queries", async () => {
		const { watch } = await applyThenResolve();
		expect((watch.env.staging.vars as Record<string, unknown>).CLOUDFLARE_ACCOUNT_ID).toBe(ACCOUNT);
		expect((watch.env.production.vars as Record<string, unknown>).CLOUDFLARE_ACCOUNT_ID).toBe("");
	});

	it("keeps every environment and every other setting as declared", async () => {
		const { api } = await applyThenResolve();
		expect(api.env.production.kv_namespaces).toEqual([{ binding: "MENU_KV" }, { binding: "REVOCATIONS" }]);
		expect(api.main).toBe("workers/api/src/index.ts");
		expect(api.env.staging.name).toBe("goodfood-api-staging");
		expect(api.env.staging.d1_databases[0]).toMatchObject({ migrations_dir: "migrations/global" });
	});

	it("writes beside each wrangler.toml, so wrangler resolves the same paths from it", async () => {
		await applyThenResolve();
		const { unstable_readConfig } = await import("wrangler");
		for (const { configPath } of WORKER_CONFIGS) {
			const generated = join(root, generatedConfigPath(configPath, "staging"));
			expect(existsSync(generated)).toBe(true);
			const fromGenerated = unstable_readConfig({ config: generated, env: "staging" }, { hideWarnings: true });
			const fromToml = unstable_readConfig(
				{ config: join(REPOSITORY_ROOT, configPath), env: "staging" },
				{ hideWarnings: true },
			);
			expect(relative(root, fromGenerated.main as string)).toBe(relative(REPOSITORY_ROOT, fromToml.main as string));
			expect(fromGenerated.assets?.directory).toBe(fromToml.assets?.directory);
			expect(fromGenerated.name).toBe(fromToml.name);
			expect((fromGenerated.kv_namespaces as { id?: string }[]).every((namespace) => namespace.id)).toBe(true);
		}
	});

	it("refuses, writing nothing, before the resources exist", async () => {
		const account = fakeAccount(ACCOUNT);
		const api = cloudflareApi({ accountId: ACCOUNT, apiToken: "test-token", fetch: account.fetch });
		await expect(runInfra(["resolve", "--env", "production"], { workers, api, root, log: () => {} })).rejects.toThrow(
			/run npm run infra -- apply --env production\):\n {2}wrangler.toml: KV namespace goodfood-menu-kv-production \(MENU_KV\)/,
		);
		expect(existsSync(join(root, generatedConfigPath("wrangler.toml", "production")))).toBe(false);
	});

	it("names what is missing rather than writing half a config", () => {
		const { missing } = resolveConfig({ env: { staging: { kv_namespaces: [{ binding: "MENU_KV" }] } } }, "staging", {
			d1: [],
			kv: [],
		});
		expect(missing).toEqual(["KV namespace goodfood-menu-kv-staging (MENU_KV)"]);
	});
});
