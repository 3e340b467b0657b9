/**
 * The probe's test location and kitchen account, written straight into the
 * global database before each run, so a fresh environment (or a deleted row)
 * needs nothing done by hand. Every write is idempotent: a second run changes
 * nothing, and a changed PROBE_PASSWORD rewrites the hash. Both rows are
 * `synthetic`, which hides them from every list and figure
 * (workers/api/src/db/synthetic.ts).
 */
import { eq } from "drizzle-orm";
import { hashPassword, verifyPassword } from "../../../api/src/accounts/domain/passwords";
import { database } from "../../../api/src/db/client";
import { accounts, categories, items, locations } from "../../../api/src/db/global-schema";
import type { WeeklyOpeningHours } from "../../../api/src/menu/domain/availability";
import type { ProbeEnv } from "./run";

/** What the probe needs to know of what it provisioned to place its order. */
export interface ProbeFixture {
	location: string;
	itemId: string;
	email: string;
	password: string;
}

const ALL_DAY = [{ opens: "00:00", closes: "24:00" }];
/** Open every day all day, so an ASAP order is always possible. */
const OPEN_ALWAYS: WeeklyOpeningHours = {
	mon: ALL_DAY,
	tue: ALL_DAY,
	wed: ALL_DAY,
	thu: ALL_DAY,
	fri: ALL_DAY,
	sat: ALL_DAY,
	sun: ALL_DAY,
};

/** The probe's ids, from its location's slug, so they are the same on every run. */
export function probeIds(location: string) {
	return {
		categoryId: `cat-${location}`,
		itemId: `itm-${location}-test-order`,
		accountId: `acc-${location}-kitchen`,
	};
}

/** The region the probe location lives in: the first the environment has, as the api worker's REGIONS. */
export function probeRegion(regions: Record<string, unknown>): string {
	return Object.keys(regions)[0] ?? "eu";
}

/** Creates the probe's location, menu and kitchen account where missing; rewrites the hash when the password changed. */
export async function provisionProbe(env: ProbeEnv): Promise<ProbeFixture> {
	const password = env.PROBE_PASSWORD;
	if (!password) throw new Error("PROBE_PASSWORD is not set (wrangler secret put PROBE_PASSWORD)");
	const slug = env.PROBE_LOCATION;
	const ids = probeIds(slug);
	const db = database(env.DB);
	await db.batch([
		db
			.insert(locations)
			.values({
				slug,
				name: "GoodFood synthetic probe",
				addressLine: "Not a real kitchen",
				city: "Nowhere",
				postcode: "PROBE",
				country: "GB",
				latitude: 0,
				longitude: 0,
				timeZone: "UTC",
				region: probeRegion(env.REGIONS),
				currency: "EUR",
				taxRateBps: 2000,
				pricesIncludeTax: true,
				openingHours: OPEN_ALWAYS,
				pickupEnabled: true,
				// Paid at the counter, which never comes: no card is ever charged.
				payAtPickup: true,
				deliveryEnabled: false,
				synthetic: true,
			})
			// A row already there keeps what it has, but is always hidden.
			.onConflictDoUpdate({ target: locations.slug, set: { synthetic: true } }),
		db
			.insert(categories)
			.values({ id: ids.categoryId, locationSlug: slug, name: "Probe", description: "The synthetic probe's menu" })
			.onConflictDoNothing(),
		db
			.insert(items)
			.values({
				id: ids.itemId,
				locationSlug: slug,
				categoryId: ids.categoryId,
				name: "Test order",
				description: "Ordered every five minutes by the synthetic probe",
				priceMinor: 100,
			})
			.onConflictDoNothing(),
	]);

	const existing = await db.select().from(accounts).where(eq(accounts.email, env.PROBE_EMAIL)).get();
	const kitchen = { role: "kitchen" as const, locations: [slug], synthetic: true };
	if (!existing) {
		await db
			.insert(accounts)
			.values({
				id: ids.accountId,
				email: env.PROBE_EMAIL,
				name: "Synthetic probe",
				passwordHash: await hashPassword(password),
				emailVerifiedAt: new Date().toISOString(),
				...kitchen,
			})
			.onConflictDoNothing();
		return { location: slug, itemId: ids.itemId, email: env.PROBE_EMAIL, password };
	}
	const passwordMatches = await verifyPassword(password, existing.passwordHash);
	const asProvisioned = existing.synthetic && existing.role === "kitchen" && existing.locations.join() === slug;
	if (!passwordMatches || !asProvisioned) {
		await db
			.update(accounts)
			.set({
				...kitchen,
				passwordHash: passwordMatches ? existing.passwordHash : await hashPassword(password),
				updatedAt: new Date().toISOString(),
			})
			.where(eq(accounts.id, existing.id));
	}
	return { location: slug, itemId: ids.itemId, email: env.PROBE_EMAIL, password };
}
