import { defineConfig } from "drizzle-kit";

/** `npm run db:generate` writes SQL migrations for wrangler's `d1 migrations apply`. */
export default defineConfig({
	dialect: "sqlite",
	schema: "./workers/api/src/db/schema.ts",
	out: "./migrations",
});
