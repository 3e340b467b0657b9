/**
 * Three test projects: pure domain rules in Node, and each worker inside
 * workerd through @cloudflare/vitest-plugin. The menu edge's tests run against
 * the real api worker as its origin, bundled here with esbuild.
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const migrations = await readD1Migrations(path.join(root, "migrations"));

// Shared by both workers in the edge tests, as in production (ids from the wrangler configs).
const D1_DATABASE_ID = "00000000-0000-4000-8000-000000000001";
const MENU_KV_ID = "00000000000040008000000000000002";
const COMPATIBILITY_DATE = "2026-11-01";
const TEST_STAFF_TOKEN = "test-staff-token";

const apiBundle = path.join(root, ".build/test/api/index.js");
await build({
	entryPoints: [path.join(root, "workers/api/src/index.ts")],
	outfile: apiBundle,
	bundle: true,
	format: "esm",
	platform: "neutral",
	target: "es2024",
	conditions: ["workerd", "worker", "browser"],
	mainFields: ["module", "main"],
	external: ["cloudflare:*", "node:*"],
	logLevel: "warning",
});

export default defineConfig({
	test: {
		projects: [
			{
				test: {
					name: "unit",
					include: ["workers/*/test/unit/**/*.test.ts"],
					environment: "node",
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: path.join(root, "wrangler.toml") },
						miniflare: {
							bindings: { TEST_MIGRATIONS: migrations, STAFF_TOKEN: TEST_STAFF_TOKEN },
						},
					}),
				],
				test: {
					name: "api",
					include: ["workers/api/test/**/*.test.ts"],
					exclude: ["workers/api/test/unit/**"],
					setupFiles: [path.join(root, "workers/api/test/setup.ts")],
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: path.join(root, "workers/menu-edge/wrangler.toml") },
						miniflare: {
							d1Databases: { TEST_DB: D1_DATABASE_ID },
							bindings: { TEST_MIGRATIONS: migrations, TEST_STAFF_TOKEN },
							workers: [
								{
									name: "goodfood-api",
									modules: true,
									scriptPath: apiBundle,
									compatibilityDate: COMPATIBILITY_DATE,
									d1Databases: { DB: D1_DATABASE_ID },
									kvNamespaces: { MENU_KV: MENU_KV_ID },
									bindings: { STAFF_TOKEN: TEST_STAFF_TOKEN, ENVIRONMENT: "test" },
								},
							],
						},
					}),
				],
				test: {
					name: "menu-edge",
					include: ["workers/menu-edge/test/**/*.test.ts"],
					exclude: ["workers/menu-edge/test/unit/**"],
					setupFiles: [path.join(root, "workers/menu-edge/test/setup.ts")],
				},
			},
		],
	},
});
