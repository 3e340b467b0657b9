import { env } from "cloudflare:workers";
import { prepareDatabase } from "../../../test/seed-database";

// TEST_DB is the api worker's database, bound here so the tests can migrate and seed it.
await prepareDatabase(env.TEST_DB, env.TEST_MIGRATIONS);
