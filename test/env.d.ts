/** Bindings that exist only in tests (see vitest.config.ts). */
declare namespace Cloudflare {
	interface Env {
		TEST_MIGRATIONS: import("cloudflare:test").D1Migration[];
		TEST_REGIONAL_MIGRATIONS: import("cloudflare:test").D1Migration[];
		TEST_DB: D1Database;
		TEST_ORDERS_EU: D1Database;
		TEST_ORDERS_US: D1Database;
		TEST_ORDERS_APAC: D1Database;
		TEST_JWT_SECRET: string;
		TEST_RATE_LIMIT: RateLimit;
		TEST_REGISTER_LIMIT: RateLimit;
	}
}
