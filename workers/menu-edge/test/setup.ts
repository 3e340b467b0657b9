import { env } from "cloudflare:workers";
import { prepareDatabase, prepareOrderDatabases } from "../../../test/seed-database";

// TEST_DB and TEST_ORDERS_* are the api worker's databases, bound here so the tests can migrate and seed them.
await prepareDatabase(env.TEST_DB, env.TEST_MIGRATIONS);
await prepareOrderDatabases(
	[env.TEST_ORDERS_EU, env.TEST_ORDERS_US, env.TEST_ORDERS_APAC],
	env.TEST_REGIONAL_MIGRATIONS,
);
