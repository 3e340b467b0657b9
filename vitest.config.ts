/**
 * Four test projects: pure domain rules in Node, and each worker inside
 * workerd through @cloudflare/vitest-plugin. The menu edge's tests run against
 * the real api worker as its origin, bundled here with esbuild.
 */
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { build } from "esbuild";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const migrations = await readD1Migrations(path.join(root, "migrations/global"));
const regionalMigrations = await readD1Migrations(path.join(root, "migrations/regional"));

// Shared by both workers in the edge tests, as in production (ids from the wrangler configs).
const D1_DATABASE_ID = "00000000-0000-4000-8000-000000000001";
const ORDER_DATABASE_IDS = {
	ORDERS_EU: "00000000-0000-4000-8000-000000000101",
	ORDERS_US: "00000000-0000-4000-8000-000000000102",
	ORDERS_APAC: "00000000-0000-4000-8000-000000000103",
} as const;
// As wrangler.toml's development REGIONS: no jurisdiction, which workerd does not implement.
const REGIONS = {
	eu: { locationHint: "weur" },
	us: { locationHint: "enam" },
	apac: { locationHint: "apac" },
};
const MENU_KV_ID = "00000000000040008000000000000002";
const COMPATIBILITY_DATE = "2026-11-01";
const TEST_JWT_SECRET = "test-jwt-secret-0123456789abcdef0123456789abcdef";
const TEST_TRACKING_TOKEN_SECRET = "test-tracking-token-secret-0123456789abcdef";
const TEST_PAYMENT_SIMULATOR_SECRET = "test-payment-simulator-secret-0123456789abcdef";
const CORS_ORIGINS = "http://localhost:8787,http://localhost:5173";

// Test requests mostly share one client IP, so the production limits would throttle the suite.
const TEST_RATE_LIMITS = {
	RATE_LIMIT_ANONYMOUS: { namespace_id: "1001", simple: { limit: 100_000, period: 60 } },
	RATE_LIMIT_ACCOUNT: { namespace_id: "1002", simple: { limit: 100_000, period: 60 } },
	RATE_LIMIT_REGISTER: { namespace_id: "1004", simple: { limit: 100_000, period: 60 } },
	RATE_LIMIT_AUTH_FAILURES: { namespace_id: "1005", simple: { limit: 100_000, period: 60 } },
} as const;
// A small limit the gateway tests swap in to exhaust.
const TEST_RATE_LIMIT = { namespace_id: "1901", simple: { limit: 3, period: 60 } } as const;
// wrangler.toml's registration limit (5 a minute), for the test that exhausts it; the suite runs with the high one above.
const TEST_REGISTER_LIMIT = { namespace_id: "1902", simple: { limit: 5, period: 60 } } as const;

const ROUTINE_LOG_LINE =
	/^\{"level":"info","message":"(request|rpc call|order event recorded|order event (?:already )?projected(?: in the request)?)"/;

const apiBundle = path.join(root, ".build/test/api/index.js");
await build({
	entryPoints: [path.join(root, "workers/api/src/index.ts")],
	outfile: apiBundle,
	bundle: true,
	format: "esm",
	platform: "neutral",
	target: "es2024",
	conditions: ["workerd", "worker", "browser"],
	// As wrangler resolves them: the browser build of a package that has one (graphql-yoga's fetch ponyfill).
	mainFields: ["browser", "module", "main"],
	external: ["cloudflare:*", "node:*"],
	logLevel: "warning",
});

export default defineConfig({
	test: {
		// The workers log a line per request, RPC call and event; in tests that would bury everything else.
		onConsoleLog: (log) => !ROUTINE_LOG_LINE.test(log),
		// Istanbul, because V8 coverage cannot be collected inside workerd; `npm run test:coverage` enforces the threshold.
		coverage: {
			provider: "istanbul",
			include: ["workers/*/src/**/*.ts", "packages/*/src/**/*.ts", "durable-objects/src/**/*.ts"],
			exclude: ["**/*.test.ts"],
			reporter: ["text-summary", "text", "json-summary"],
			thresholds: { lines: 90 },
		},
		projects: [
			{
				test: {
					name: "unit",
					// Rules and helpers are tested beside their module, in Node.
					include: [
						"workers/*/src/**/*.test.ts",
						"packages/*/src/**/*.test.ts",
						"durable-objects/src/**/*.test.ts",
						"web/src/**/*.test.ts",
						"scripts/seed/**/*.test.ts",
						"scripts/release/**/*.test.ts",
						"scripts/infra/**/*.test.ts",
					],
					environment: "node",
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: path.join(root, "wrangler.toml") },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: migrations,
								TEST_REGIONAL_MIGRATIONS: regionalMigrations,
								JWT_SECRET: TEST_JWT_SECRET,
								TRACKING_TOKEN_SECRET: TEST_TRACKING_TOKEN_SECRET,
								PAYMENT_SIMULATOR_SECRET: TEST_PAYMENT_SIMULATOR_SECRET,
							},
							ratelimits: { ...TEST_RATE_LIMITS, TEST_RATE_LIMIT, TEST_REGISTER_LIMIT },
						},
					}),
				],
				test: {
					name: "api",
					include: ["workers/api/test/**/*.test.ts"],
					setupFiles: [path.join(root, "workers/api/test/setup.ts")],
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: path.join(root, "workers/menu-edge/wrangler.toml") },
						miniflare: {
							d1Databases: {
								TEST_DB: D1_DATABASE_ID,
								TEST_ORDERS_EU: ORDER_DATABASE_IDS.ORDERS_EU,
								TEST_ORDERS_US: ORDER_DATABASE_IDS.ORDERS_US,
								TEST_ORDERS_APAC: ORDER_DATABASE_IDS.ORDERS_APAC,
							},
							ratelimits: {
								RATE_LIMIT_MENU_ORIGIN: { namespace_id: "1006", simple: { limit: 100_000, period: 60 } },
								TEST_RATE_LIMIT,
							},
							bindings: { TEST_MIGRATIONS: migrations, TEST_REGIONAL_MIGRATIONS: regionalMigrations, TEST_JWT_SECRET },
							workers: [
								{
									name: "goodfood-api",
									modules: true,
									scriptPath: apiBundle,
									compatibilityDate: COMPATIBILITY_DATE,
									d1Databases: { DB: D1_DATABASE_ID, ...ORDER_DATABASE_IDS },
									queueProducers: { ORDER_EVENTS: "goodfood-order-events" },
									kvNamespaces: { MENU_KV: MENU_KV_ID, REVOCATIONS: "00000000000040008000000000000003" },
									// The edge's MENU_IMAGES too (menu-edge/wrangler.toml): uploads here are served there.
									r2Buckets: { MENU_IMAGES: "goodfood-menu-images" },
									bindings: {
										JWT_SECRET: TEST_JWT_SECRET,
										TRACKING_TOKEN_SECRET: TEST_TRACKING_TOKEN_SECRET,
										ENVIRONMENT: "test",
										REGIONS,
										CORS_ORIGINS,
									},
									ratelimits: {
										...TEST_RATE_LIMITS,
										RATE_LIMIT_SIGN_IN: { namespace_id: "1003", simple: { limit: 5, period: 60 } },
									},
								},
							],
						},
					}),
				],
				test: {
					name: "menu-edge",
					include: ["workers/menu-edge/test/**/*.test.ts"],
					setupFiles: [path.join(root, "workers/menu-edge/test/setup.ts")],
				},
			},
			{
				plugins: [
					cloudflareTest({
						wrangler: { configPath: path.join(root, "workers/watch/wrangler.toml") },
						miniflare: {
							bindings: {
								TEST_MIGRATIONS: migrations,
								TEST_REGIONAL_MIGRATIONS: regionalMigrations,
								PROBE_PASSWORD: "test-probe-password-0123456789",
							},
							// The watch's tests answer for the front door themselves; nothing here reaches the other workers.
							serviceBindings: {
								FRONT_DOOR: () => new Response("No front door in the watch's tests", { status: 503 }),
							},
						},
					}),
				],
				test: {
					name: "watch",
					include: ["workers/watch/test/**/*.test.ts"],
					setupFiles: [path.join(root, "workers/watch/test/setup.ts")],
				},
			},
		],
	},
});
