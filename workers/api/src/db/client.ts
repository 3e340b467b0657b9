/**
 * The one way into D1 for every context: drizzle over the shared schema, on
 * the database itself or on a Sessions API session (replica or primary).
 */
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

export function database(d1: D1Database | D1DatabaseSession): Database {
	// A session has D1Database's query surface; drizzle only asks for that.
	return drizzle(d1 as D1Database, { schema });
}
