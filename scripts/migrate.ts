/**
 * `npm run db:migrate`: applies migrations/global to the local global database
 * and migrations/regional to each region's order database (wrangler.toml's
 * REGIONS, checked first).
 */
import { DATABASE, PERSIST_DIR, regionalDatabases, wrangler } from "./local";

const local = ["--local", "--persist-to", PERSIST_DIR];
const regions = regionalDatabases();
wrangler(["d1", "migrations", "apply", DATABASE, ...local]);
for (const { database } of regions) wrangler(["d1", "migrations", "apply", database, ...local]);
