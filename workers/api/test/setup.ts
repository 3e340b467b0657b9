import { env } from "cloudflare:workers";
import { prepareDatabase } from "../../../test/seed-database";

await prepareDatabase(env.DB, env.TEST_MIGRATIONS);
