/**
 * The back office's location writes through the api worker: creating a
 * location (POST), the stricter checks on a location's details, its opening
 * hours, closures and pausing ordering; what customers then see (openNow,
 * slots, the menu) and what checkout refuses; who may do each; the audit log.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { menuKeys } from "../src/menu/contract";
import { localClock } from "../src/menu/domain/availability";
import type { MenuDocument } from "../src/menu/domain/document";
import {
	addItem,
	bearer,
	call,
	checkout,
	errorOf,
	json,
	locationInput,
	newCart,
	PICKUP,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

const ALL_DAY = { opens: "00:00", closes: "24:00" };
const ROUND_THE_CLOCK = Object.fromEntries(
	["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((day) => [day, [ALL_DAY]]),
);

interface Closure {
	id: string;
	from: string;
	to: string;
	reason: string;
}

interface LocationBody {
	slug: string;
	openNow: boolean;
	menuVersion: number;
	openingHours: Record<string, { opens: string; closes: string }[]>;
	ordering: { paused: boolean; reason: string | null; since: string | null };
	closures: Closure[];
}

function newSlug(): string {
	return `bo-${crypto.randomUUID().slice(0, 8)}`;
}

function today(): string {
	return localClock(new Date(), "Europe/London").date;
}

function dayFromToday(days: number): string {
	return new Date(Date.parse(`${today()}T12:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** A London location open round the clock, so "now" is always within its hours; made by the admin. */
async function openLocation(): Promise<string> {
	const slug = newSlug();
	const response = await send(
		"POST",
		"/api/v1/locations",
		{ slug, ...locationInput({ openingHours: ROUND_THE_CLOCK }) },
		STAFF,
	);
	expect(response.status).toBe(201);
	return slug;
}

/** A manager of exactly this location. */
function managerOf(slug: string) {
	return bearer({ id: `acc-test-manager-${slug}`, role: "manager", locations: [slug] });
}

/** The location with one item on its menu, and a cart there holding it. */
async function cartAt(slug: string): Promise<string> {
	const category = await send("POST", `/api/v1/locations/${slug}/categories`, { name: "Coffee" }, STAFF);
	const { id: categoryId } = await json<{ id: string }>(category);
	const item = await send(
		"POST",
		`/api/v1/locations/${slug}/items`,
		{ categoryId, name: "Espresso", price: { amount: 250, currency: "GBP" } },
		STAFF,
	);
	const { id: itemId } = await json<{ id: string }>(item);
	const cart = await newCart(slug);
	expect((await addItem(cart.id, { itemId, quantity: 1 })).status).toBe(201);
	return cart.id;
}

async function location(slug: string): Promise<LocationBody> {
	return json<LocationBody>(await call(`/api/v1/locations/${slug}`));
}

async function auditEntries(slug: string, action: string) {
	return database(env.DB)
		.select()
		.from(schema.auditLog)
		.where(and(eq(schema.auditLog.locationSlug, slug), eq(schema.auditLog.action, action)));
}

describe("creating a location with POST", () => {
	it("creates it at version 1, taking orders and with no closures, its menu published to KV", async () => {
		const slug = newSlug();
		const response = await send("POST", "/api/v1/locations", { slug, ...locationInput() }, STAFF);
		expect(response.status).toBe(201);
		expect(await response.json()).toMatchObject({
			slug,
			menuVersion: 1,
			ordering: { paused: false, reason: null, since: null },
			closures: [],
		});
		const stored = await env.MENU_KV.get<MenuDocument>(menuKeys.document(slug, 1), "json");
		expect(stored?.location.ordering.paused).toBe(false);
		const [entry] = await auditEntries(slug, "POST /api/v1/locations");
		expect(entry).toMatchObject({ before: null, after: expect.objectContaining({ slug }) });
	});

	it("refuses a slug another location has with 409 location_exists naming slug, and changes nothing", async () => {
		const response = await send("POST", "/api/v1/locations", { slug: "london-soho", ...locationInput() }, STAFF);
		expect(response.status).toBe(409);
		const error = await errorOf(response);
		expect(error.code).toBe("location_exists");
		expect(error.details).toEqual([expect.objectContaining({ field: "slug" })]);
		expect((await location("london-soho")).ordering).toBeDefined();
		expect(((await location("london-soho")) as unknown as { name: string }).name).not.toBe("GoodFood Shoreditch");
	});

	it("refuses a region that is not configured with 422 unknown_region", async () => {
		const response = await send(
			"POST",
			"/api/v1/locations",
			{ slug: newSlug(), ...locationInput({ region: "mars" }) },
			STAFF,
		);
		expect(response.status).toBe(422);
		expect((await errorOf(response)).code).toBe("unknown_region");
	});

	it("is for admins only: 403 for a manager, 401 without a token", async () => {
		const body = { slug: newSlug(), ...locationInput() };
		expect((await send("POST", "/api/v1/locations", body, await bearer(PRINCIPALS.manager))).status).toBe(403);
		expect((await send("POST", "/api/v1/locations", body)).status).toBe(401);
		expect((await call(`/api/v1/locations/${body.slug}`)).status).toBe(404);
	});
});

describe("a location's details are checked on POST and PUT alike", () => {
	const refusals: [string, Record<string, unknown>, string][] = [
		["an unknown time zone", { timeZone: "Mars/Olympus_Mons" }, "timeZone"],
		["an offset for a time zone", { timeZone: "+01:00" }, "timeZone"],
		["a time zone in the wrong case", { timeZone: "europe/london" }, "timeZone"],
		[
			"a currency ISO 4217 does not have",
			{ currency: "ABC", fulfilment: { pickup: true, delivery: null } },
			"currency",
		],
		[
			"overlapping ranges",
			{
				openingHours: {
					...ROUND_THE_CLOCK,
					mon: [
						{ opens: "08:00", closes: "14:00" },
						{ opens: "12:00", closes: "18:00" },
					],
				},
			},
			"openingHours.mon.1",
		],
		[
			"an inverted range",
			{ openingHours: { ...ROUND_THE_CLOCK, tue: [{ opens: "18:00", closes: "09:00" }] } },
			"openingHours.tue.0",
		],
		[
			"a range past midnight over the next day's first range",
			{
				openingHours: {
					...ROUND_THE_CLOCK,
					fri: [{ opens: "18:00", closes: "02:00" }],
					sat: [{ opens: "01:00", closes: "12:00" }],
				},
			},
			"openingHours.sat.0",
		],
	];

	for (const [what, overrides, field] of refusals) {
		it(`refuses ${what} with 400 naming ${field}`, async () => {
			const slug = newSlug();
			const created = await send("POST", "/api/v1/locations", { slug, ...locationInput(overrides) }, STAFF);
			expect(created.status).toBe(400);
			expect((await errorOf(created)).details).toEqual([expect.objectContaining({ field })]);
			const replaced = await send("PUT", `/api/v1/locations/${slug}`, locationInput(overrides), STAFF);
			expect(replaced.status).toBe(400);
			expect((await errorOf(replaced)).details).toEqual([expect.objectContaining({ field })]);
			expect((await call(`/api/v1/locations/${slug}`)).status).toBe(404);
		});
	}

	it("accepts the demo's 07:00–01:00 and records PUT's before and after in the audit log", async () => {
		const slug = await openLocation();
		const hours = {
			...ROUND_THE_CLOCK,
			fri: [{ opens: "07:00", closes: "01:00" }],
			sat: [{ opens: "01:00", closes: "23:00" }],
		};
		const response = await send(
			"PUT",
			`/api/v1/locations/${slug}`,
			locationInput({ openingHours: hours, name: "Renamed" }),
			STAFF,
		);
		expect(response.status).toBe(200);
		const [entry] = await auditEntries(slug, "PUT /api/v1/locations/:slug");
		expect(entry.before).toMatchObject({ name: "GoodFood Shoreditch" });
		expect(entry.after).toMatchObject({ name: "Renamed" });
	});
});

describe("opening hours", () => {
	it("lets the location's manager replace them, bumping the menu version, and refuses bad ranges by field", async () => {
		const slug = await openLocation();
		const manager = await managerOf(slug);
		const hours = { ...ROUND_THE_CLOCK, sun: [] };
		const response = await send("PUT", `/api/v1/locations/${slug}/opening-hours`, { openingHours: hours }, manager);
		expect(response.status).toBe(200);
		const changed = await json<LocationBody>(response);
		expect(changed).toMatchObject({ menuVersion: 2, openingHours: { sun: [] } });
		const menu = await json<MenuDocument>(await call(`/api/v1/locations/${slug}/menu`));
		expect(menu.location.openingHours.sun).toEqual([]);

		// The same hours again: no new version.
		const again = await send("PUT", `/api/v1/locations/${slug}/opening-hours`, { openingHours: hours }, manager);
		expect((await json<LocationBody>(again)).menuVersion).toBe(2);

		const bad = await send(
			"PUT",
			`/api/v1/locations/${slug}/opening-hours`,
			{ openingHours: { ...hours, wed: [{ opens: "10:00", closes: "10:00" }] } },
			manager,
		);
		expect(bad.status).toBe(400);
		expect((await errorOf(bad)).details).toEqual([expect.objectContaining({ field: "openingHours.wed.0" })]);

		const [entry] = await auditEntries(slug, "PUT /api/v1/locations/:slug/opening-hours");
		expect(entry.before).toEqual({ openingHours: ROUND_THE_CLOCK });
		expect(entry.after).toEqual({ openingHours: hours });
	});

	it("refuses a manager of another location, kitchen staff and customers with 403", async () => {
		const slug = await openLocation();
		for (const principal of [PRINCIPALS.manager, PRINCIPALS.kitchen, PRINCIPALS.customer]) {
			const response = await send(
				"PUT",
				`/api/v1/locations/${slug}/opening-hours`,
				{ openingHours: ROUND_THE_CLOCK },
				await bearer(principal),
			);
			expect(response.status).toBe(403);
		}
	});
});

describe("closures", () => {
	it("closes the location today: not open now, no slots, checkout refused with location_closed; removing it reopens", async () => {
		const slug = await openLocation();
		const cartId = await cartAt(slug);
		const manager = await managerOf(slug);

		const added = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: today(), reason: "Burst pipe" },
			manager,
		);
		expect(added.status).toBe(201);
		const closure = await json<Closure>(added);
		expect(closure).toMatchObject({ from: today(), to: today(), reason: "Burst pipe" });

		const closed = await location(slug);
		expect(closed.openNow).toBe(false);
		expect(closed.closures).toEqual([closure]);
		const menu = await json<MenuDocument & { openNow: boolean }>(await call(`/api/v1/locations/${slug}/menu`));
		expect(menu.openNow).toBe(false);
		expect(menu.location.closures).toEqual([closure]);
		const slots = await json<{ open: boolean; slots: unknown[]; note: string }>(
			await call(`/api/v1/locations/${slug}/slots?date=${today()}`),
		);
		expect(slots).toMatchObject({ open: false, slots: [] });
		expect(slots.note).toContain("Burst pipe");
		const refused = await checkout(cartId, PICKUP);
		expect(refused.status).toBe(409);
		expect((await errorOf(refused)).code).toBe("location_closed");

		const removed = await call(`/api/v1/locations/${slug}/closures/${closure.id}`, {
			method: "DELETE",
			headers: manager,
		});
		expect(removed.status).toBe(204);
		expect((await location(slug)).openNow).toBe(true);
		expect((await checkout(cartId, PICKUP)).status).toBe(201);
	});

	it("lists today's and future closures to the location's staff, soonest first", async () => {
		const slug = await openLocation();
		const later = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: dayFromToday(20), to: dayFromToday(21), reason: "Christmas" },
			STAFF,
		);
		const sooner = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: dayFromToday(3), reason: "Inventory" },
			STAFF,
		);
		const kitchen = await bearer({ id: "acc-test-kitchen", role: "kitchen", locations: [slug] });
		const listed = await call(`/api/v1/locations/${slug}/closures`, { headers: kitchen });
		expect(listed.status).toBe(200);
		expect(await listed.json()).toEqual({ closures: [await sooner.json(), await later.json()] });
		// A future closure leaves today open.
		expect((await location(slug)).openNow).toBe(true);
		expect(
			(await call(`/api/v1/locations/${slug}/closures`, { headers: await bearer(PRINCIPALS.kitchen) })).status,
		).toBe(403);
	});

	it("refuses a first day already past at the location (422 closure_in_past) and a last day before the first (400 naming to)", async () => {
		const slug = await openLocation();
		const past = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: dayFromToday(-1), reason: "Too late" },
			STAFF,
		);
		expect(past.status).toBe(422);
		const pastError = await errorOf(past);
		expect(pastError.code).toBe("closure_in_past");
		expect(pastError.details).toEqual([expect.objectContaining({ field: "from" })]);

		const backwards = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: dayFromToday(5), to: dayFromToday(4), reason: "Backwards" },
			STAFF,
		);
		expect(backwards.status).toBe(400);
		expect((await errorOf(backwards)).details).toEqual([expect.objectContaining({ field: "to" })]);

		const noReason = await send(
			"POST",
			`/api/v1/locations/${slug}/closures`,
			{ from: dayFromToday(5), reason: " " },
			STAFF,
		);
		expect(noReason.status).toBe(400);
		expect((await errorOf(noReason)).details).toEqual([expect.objectContaining({ field: "reason" })]);
		expect((await location(slug)).closures).toEqual([]);
	});

	it("answers 404 for a closure the location does not have, and records additions in the audit log", async () => {
		const slug = await openLocation();
		const added = await json<Closure>(
			await send("POST", `/api/v1/locations/${slug}/closures`, { from: dayFromToday(2), reason: "Party" }, STAFF),
		);
		const missing = await call(`/api/v1/locations/${slug}/closures/clo_nope`, { method: "DELETE", headers: STAFF });
		expect(missing.status).toBe(404);
		const [entry] = await auditEntries(slug, "POST /api/v1/locations/:slug/closures");
		expect(entry).toMatchObject({ before: { closures: [] }, after: { closures: [added] } });
	});

	it("keeps both of two closures added at the same moment", async () => {
		const slug = await openLocation();
		const [first, second] = await Promise.all(
			[3, 4].map((days) =>
				send("POST", `/api/v1/locations/${slug}/closures`, { from: dayFromToday(days), reason: `Day ${days}` }, STAFF),
			),
		);
		expect([first.status, second.status]).toEqual([201, 201]);
		expect((await location(slug)).closures.map((closure) => closure.reason)).toEqual(["Day 3", "Day 4"]);
	});
});

describe("pausing ordering", () => {
	it("refuses checkout with 409 location_paused and the reason until resumed, shown on the location and menu", async () => {
		const slug = await openLocation();
		const cartId = await cartAt(slug);
		const manager = await managerOf(slug);

		const response = await send("POST", `/api/v1/locations/${slug}/pause`, { reason: "Kitchen overwhelmed" }, manager);
		expect(response.status).toBe(200);
		const paused = await json<LocationBody>(response);
		expect(paused.ordering).toMatchObject({ paused: true, reason: "Kitchen overwhelmed", since: expect.any(String) });
		expect((await location(slug)).ordering.paused).toBe(true);
		const menu = await json<MenuDocument>(await call(`/api/v1/locations/${slug}/menu`));
		expect(menu.location.ordering).toEqual(paused.ordering);
		const stored = await env.MENU_KV.get<MenuDocument>(menuKeys.document(slug, paused.menuVersion), "json");
		expect(stored?.location.ordering.paused).toBe(true);
		const graph = await send("POST", "/api/v1/graphql", {
			query: `{ location(slug: "${slug}") { ordering { paused reason since } closures { id } } }`,
		});
		expect(await graph.json()).toEqual({ data: { location: { ordering: paused.ordering, closures: [] } } });

		const refused = await checkout(cartId, PICKUP);
		expect(refused.status).toBe(409);
		const error = await errorOf(refused);
		expect(error.code).toBe("location_paused");
		expect(error.details).toEqual({ reason: "Kitchen overwhelmed" });

		const resumed = await send("POST", `/api/v1/locations/${slug}/resume`, undefined, manager);
		expect(resumed.status).toBe(200);
		expect((await json<LocationBody>(resumed)).ordering).toEqual({ paused: false, reason: null, since: null });
		expect((await checkout(cartId, PICKUP)).status).toBe(201);

		const [entry] = await auditEntries(slug, "POST /api/v1/locations/:slug/pause");
		expect(entry).toMatchObject({
			before: { ordering: { paused: false } },
			after: { ordering: { paused: true, reason: "Kitchen overwhelmed" } },
		});
	});

	it("is idempotent: the same pause or a resume of a running location writes no new version", async () => {
		const slug = await openLocation();
		const resumed = await json<LocationBody>(await send("POST", `/api/v1/locations/${slug}/resume`, undefined, STAFF));
		expect(resumed.menuVersion).toBe(1);
		const first = await json<LocationBody>(
			await send("POST", `/api/v1/locations/${slug}/pause`, { reason: "Oven broken" }, STAFF),
		);
		const again = await json<LocationBody>(
			await send("POST", `/api/v1/locations/${slug}/pause`, { reason: "Oven broken" }, STAFF),
		);
		expect(again).toMatchObject({ menuVersion: first.menuVersion, ordering: first.ordering });
		// Another reason is taken, and the pause keeps its start.
		const other = await json<LocationBody>(
			await send("POST", `/api/v1/locations/${slug}/pause`, { reason: "No gas" }, STAFF),
		);
		expect(other.ordering).toEqual({ paused: true, reason: "No gas", since: first.ordering.since });
	});

	it("needs a reason, and is refused to kitchen staff and other locations' managers", async () => {
		const slug = await openLocation();
		const noReason = await send("POST", `/api/v1/locations/${slug}/pause`, {}, STAFF);
		expect(noReason.status).toBe(400);
		expect((await errorOf(noReason)).details).toEqual([expect.objectContaining({ field: "reason" })]);
		const kitchen = await bearer({ id: "acc-test-kitchen", role: "kitchen", locations: [slug] });
		for (const headers of [kitchen, await bearer(PRINCIPALS.manager)]) {
			expect((await send("POST", `/api/v1/locations/${slug}/pause`, { reason: "No" }, headers)).status).toBe(403);
			expect((await send("POST", `/api/v1/locations/${slug}/resume`, undefined, headers)).status).toBe(403);
		}
		expect((await location(slug)).ordering.paused).toBe(false);
	});

	it("answers 404 for a location that does not exist", async () => {
		expect((await send("POST", "/api/v1/locations/no-such-place/pause", { reason: "x" }, STAFF)).status).toBe(404);
	});
});
