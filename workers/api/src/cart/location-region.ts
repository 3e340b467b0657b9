/**
 * The region a location is in now, from the global catalogue: where a new
 * cart at it is opened (and so where its order lives for good), which
 * region's database its staff list reads and which region's kitchen feed its
 * board follows. Kept in isolate memory for a short while: a location moving
 * region is rare and only has to reach carts opened after it, so a few seconds
 * of the old answer cost nothing, while a read per cart would cost a statement.
 */
import { ApiError } from "@goodfood/platform/errors";
import { type Region, regionsOf } from "@goodfood/platform/regions";

/** How long a location's region is trusted from memory. */
export const LOCATION_REGION_TTL_MS = 10_000;
/** Enough for every location of a chain; past it the oldest entries go first. */
const MAX_CACHED = 1_000;

const cached = new Map<string, { region: string; expiresAt: number }>();

type D1 = D1Database | D1DatabaseSession;

/** Forgets every cached region (tests that move a location between regions). */
export function forgetLocationRegions(): void {
	cached.clear();
}

/** The location's region name as the catalogue has it; undefined for an unknown location (never cached). */
async function regionNameOf(db: D1, slug: string, now: number): Promise<string | undefined> {
	const hit = cached.get(slug);
	if (hit && hit.expiresAt > now) return hit.region;
	const row = await db.prepare("SELECT region FROM locations WHERE slug = ?").bind(slug).first<{ region: string }>();
	if (!row) return undefined;
	cached.delete(slug);
	if (cached.size >= MAX_CACHED) cached.delete(cached.keys().next().value as string);
	cached.set(slug, { region: row.region, expiresAt: now + LOCATION_REGION_TTL_MS });
	return row.region;
}

/**
 * The location's current region. An unknown location is 404, as the cart
 * itself answers it; a location whose region is not configured here (one from
 * before regions, with none set yet, or a region this deployment lacks) takes
 * no orders: 503, saying what is missing, rather than a failure deeper down.
 */
export async function currentRegionOf(env: Env, db: D1, slug: string, now = Date.now()): Promise<Region> {
	const name = await regionNameOf(db, slug, now);
	if (name === undefined) throw ApiError.notFound("Location");
	const region = regionsOf(env).get(name);
	if (!region) {
		throw new ApiError(
			"unavailable",
			name === ""
				? `The location ${slug} has no region yet, so it cannot take orders until an admin sets one`
				: `The location ${slug} is in the region "${name}", which this deployment does not serve`,
			undefined,
			503,
		);
	}
	return region;
}
