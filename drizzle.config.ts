import { defineConfig } from "drizzle-kit";

/**
 * The global database: `npm run db:generate` writes its SQL migrations for
 * wrangler's `d1 migrations apply` (each region's order database has its own
 * set, from drizzle.regional.config.ts).
 */
export default defineConfig({
	dialect: "sqlite",
	schema: "./workers/api/src/db/global-schema.ts",
	out: "./migrations/global",
});
