import { env } from "cloudflare:workers";
import { prepareDatabase, prepareOrderDatabases } from "../../../test/seed-database";

await prepareDatabase(env.DB, env.TEST_MIGRATIONS);
await prepareOrderDatabases([env.ORDERS_EU, env.ORDERS_US, env.ORDERS_APAC], env.TEST_REGIONAL_MIGRATIONS);
