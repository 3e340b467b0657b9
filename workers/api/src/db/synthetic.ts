/**
 * The one rule that keeps the synthetic probe's test location and kitchen
 * account out of every list and figure (docs/synthetic-probe.md): a row with
 * `synthetic = 1` is not real. Lists of locations and staff filter with
 * `realLocation()` / `realAccount()`; figures over the regional order
 * databases, which know a location only by its slug, leave out the slugs
 * `syntheticLocationSlugs()` answers. A read of one location or account by
 * its slug or id never applies the rule, so the probe itself still works.
 */
import { type Column, eq, isNull, notInArray, or, type SQL } from "drizzle-orm";
import type { Database } from "./client";
import * as schema from "./global-schema";

/** A location that is not the probe's: the condition every location list adds. */
export function realLocation(): SQL {
	return eq(schema.locations.synthetic, false);
}

/** An account that is not the probe's: the condition every staff list adds. */
export function realAccount(): SQL {
	return eq(schema.accounts.synthetic, false);
}

/** The synthetic locations' slugs as a subquery in hand-written SQL on the global database. */
export const SYNTHETIC_LOCATION_SLUGS_SQL = "SELECT slug FROM locations WHERE synthetic = 1";

/** The synthetic locations' slugs, for figures read from another database (the regional order databases). */
export async function syntheticLocationSlugs(db: Database): Promise<string[]> {
	const rows = await db
		.select({ slug: schema.locations.slug })
		.from(schema.locations)
		.where(eq(schema.locations.synthetic, true));
	return rows.map((row) => row.slug);
}

/** A row whose location column (nullable) names no synthetic location, in a query on the global database. */
export function notAtSyntheticLocation(db: Database, column: Column): SQL | undefined {
	const synthetic = db
		.select({ slug: schema.locations.slug })
		.from(schema.locations)
		.where(eq(schema.locations.synthetic, true));
	return or(isNull(column), notInArray(column, synthetic));
}

/** A row whose account column names no synthetic account, in a query on the global database. */
export function notBySyntheticAccount(db: Database, column: Column): SQL {
	const synthetic = db
		.select({ id: schema.accounts.id })
		.from(schema.accounts)
		.where(eq(schema.accounts.synthetic, true));
	return notInArray(column, synthetic);
}

/** Leaves the synthetic locations' orders out of a regional query, by their slugs; nothing to add when there are none. */
export function excludingLocations(column: Column, slugs: readonly string[]): SQL | undefined {
	return slugs.length > 0 ? notInArray(column, [...slugs]) : undefined;
}
