import { defineConfig } from "drizzle-kit";

/** Every region's order database: one set of migrations, applied to each (`npm run db:generate` writes both sets). */
export default defineConfig({
	dialect: "sqlite",
	schema: "./workers/api/src/db/regional-schema.ts",
	out: "./migrations/regional",
});
