/**
 * A location's 15-minute slots as a customer picks from them: what each has
 * left of the kitchen's capacity, which are full, and which dates may be
 * asked about; and the capacity as an admin sets it.
 */
import { describe, expect, it } from "vitest";
import { MAX_DAYS_AHEAD, MIN_LEAD_MINUTES } from "../src/cart/domain/checkout";
import { addDays } from "../src/intelligence/domain/calendar";
import { localClock, WEEKDAYS } from "../src/menu/domain/availability";
import {
	addItem,
	call,
	checkout,
	errorOf,
	json,
	locationInput,
	londonLunchTomorrow,
	newCart,
	PICKUP,
	STAFF,
	send,
} from "./helpers";

const ZONE = "Europe/London";
const ROUND_THE_CLOCK = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]]));

interface SlotList {
	location: string;
	date: string;
	timeZone: string;
	slotMinutes: number;
	capacity: { orders: number | null; units: number | null };
	open: boolean;
	note: string | null;
	slots: { start: string; end: string; remaining: { orders: number | null; units: number | null }; full: boolean }[];
}

function today(): string {
	return localClock(new Date(), ZONE).date;
}

function putLocation(slug: string, overrides: Record<string, unknown>): Promise<Response> {
	return send(
		"PUT",
		`/api/v1/locations/${slug}`,
		locationInput({ openingHours: ROUND_THE_CLOCK, ...overrides }),
		STAFF,
	);
}

/** A new London location open round the clock with the given capacity per slot. */
async function locationWith(
	slotCapacity: { orders: number | null; units: number | null },
	overrides: Record<string, unknown> = {},
): Promise<string> {
	const slug = `slots-${crypto.randomUUID().slice(0, 8)}`;
	const response = await putLocation(slug, { slotCapacity, ...overrides });
	expect(response.status, await response.clone().text()).toBe(201);
	return slug;
}

function slotsOf(slug: string, date: string): Promise<Response> {
	return call(`/api/v1/locations/${slug}/slots?date=${encodeURIComponent(date)}`);
}

async function listed(slug: string, date: string): Promise<SlotList> {
	const response = await slotsOf(slug, date);
	expect(response.status, await response.clone().text()).toBe(200);
	return json<SlotList>(response);
}

describe("slot capacity as an admin sets it", () => {
	it.each([0, -3])("refuses %i orders a slot, naming slotCapacity.orders", async (orders) => {
		const response = await putLocation(`slots-${crypto.randomUUID().slice(0, 8)}`, {
			slotCapacity: { orders, units: 24 },
		});
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("validation_failed");
		expect(error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: "slotCapacity.orders" })]));
	});

	it("refuses a fractional unit count, naming slotCapacity.units", async () => {
		const response = await putLocation(`slots-${crypto.randomUUID().slice(0, 8)}`, {
			slotCapacity: { orders: 4, units: 2.5 },
		});
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual(
			expect.arrayContaining([expect.objectContaining({ field: "slotCapacity.units" })]),
		);
	});

	it("keeps the capacity it was given, and no limit once it is set back to null", async () => {
		const slug = await locationWith({ orders: 6, units: 24 });
		const read = await json<{ slotCapacity: unknown }>(await call(`/api/v1/locations/${slug}`));
		expect(read.slotCapacity).toEqual({ orders: 6, units: 24 });
		expect((await putLocation(slug, { slotCapacity: { orders: null, units: 30 } })).status).toBe(200);
		const again = await json<{ slotCapacity: unknown }>(await call(`/api/v1/locations/${slug}`));
		expect(again.slotCapacity).toEqual({ orders: null, units: 30 });
		expect((await listed(slug, addDays(today(), 1))).capacity).toEqual({ orders: null, units: 30 });
	});

	it("is on the graph's Location", async () => {
		const slug = await locationWith({ orders: 5, units: null });
		const response = await send("POST", "/api/v1/graphql", {
			query: "query ($slug: ID!) { location(slug: $slug) { slotCapacity { orders units } } }",
			variables: { slug },
		});
		const answer = await json<{ data: { location: { slotCapacity: unknown } } }>(response);
		expect(answer.data.location.slotCapacity).toEqual({ orders: 5, units: null });
	});
});

describe("GET /locations/{slug}/slots", () => {
	it("lists tomorrow's quarter hours with the whole capacity left in each", async () => {
		const slug = await locationWith({ orders: 3, units: 12 });
		const tomorrow = addDays(today(), 1);
		const list = await listed(slug, tomorrow);
		expect(list).toMatchObject({ location: slug, date: tomorrow, timeZone: ZONE, slotMinutes: 15, open: true });
		expect(list.note).toBeNull();
		// 96 on most days; 92 or 100 when the clocks change.
		expect([92, 96, 100]).toContain(list.slots.length);
		for (const slot of list.slots) {
			expect(localClock(new Date(slot.start), ZONE).date).toBe(tomorrow);
			expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(15 * 60_000);
			expect(slot.remaining).toEqual({ orders: 3, units: 12 });
			expect(slot.full).toBe(false);
		}
	});

	it("answers null remaining where the location sets no limit", async () => {
		const slug = await locationWith({ orders: null, units: null });
		const list = await listed(slug, addDays(today(), 1));
		expect(list.slots.length).toBeGreaterThan(0);
		expect(list.slots.every((slot) => slot.remaining.orders === null && slot.remaining.units === null)).toBe(true);
	});

	it("leaves out today's slots that are past or too soon to order for", async () => {
		const slug = await locationWith({ orders: 2, units: null });
		const list = await listed(slug, today());
		const earliest = Date.now() + MIN_LEAD_MINUTES * 60_000;
		for (const slot of list.slots) expect(Date.parse(slot.start)).toBeGreaterThanOrEqual(earliest - 5_000);
		// The first slot listed is the first one far enough ahead, not a later one.
		if (list.slots.length > 0) expect(Date.parse(list.slots[0].start)).toBeLessThan(earliest + 15 * 60_000);
		else expect(list.note).toContain(`${MIN_LEAD_MINUTES} minutes`);
	});

	it("answers an empty list, saying so, for a day the location is closed", async () => {
		const tomorrow = addDays(today(), 1);
		const closedDay = localClock(new Date(`${tomorrow}T12:00:00Z`), ZONE).weekday;
		const slug = await locationWith(
			{ orders: 2, units: null },
			{ openingHours: { ...ROUND_THE_CLOCK, [closedDay]: [] } },
		);
		const list = await listed(slug, tomorrow);
		expect(list.open).toBe(false);
		expect(list.slots).toEqual([]);
		expect(list.note).toContain("closed");
	});

	it.each(["tomorrow", "2026-13-01", "2026-02-30", ""])("refuses the malformed date %j, naming date", async (date) => {
		const response = await slotsOf(await locationWith({ orders: 2, units: null }), date);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual(
			expect.arrayContaining([expect.objectContaining({ field: "date" })]),
		);
	});

	it("refuses a date in the past, naming date", async () => {
		const response = await slotsOf(await locationWith({ orders: 2, units: null }), addDays(today(), -1));
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.details).toEqual([expect.objectContaining({ field: "date" })]);
		expect(error.message).toContain("past");
	});

	it(`lists ${MAX_DAYS_AHEAD} days ahead and refuses a date further out, naming date`, async () => {
		const slug = await locationWith({ orders: 2, units: null });
		expect((await slotsOf(slug, addDays(today(), MAX_DAYS_AHEAD))).status).toBe(200);
		const response = await slotsOf(slug, addDays(today(), MAX_DAYS_AHEAD + 1));
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual([expect.objectContaining({ field: "date" })]);
	});

	it("answers 404 for an unknown location", async () => {
		const response = await slotsOf("no-such-place", addDays(today(), 1));
		expect(response.status).toBe(404);
		expect((await errorOf(response)).code).toBe("not_found");
	});
});

interface Placed {
	orderId: string;
	status: string;
	predictedReadyAt: string | null;
}

/** A new location with the capacity and hours given and one coffee on its menu, and a cart holding `quantity` of it. */
async function cartAt(
	slotCapacity: { orders: number | null; units: number | null },
	overrides: Record<string, unknown> = {},
	quantity = 1,
): Promise<{ slug: string; cartId: string }> {
	const slug = await locationWith(slotCapacity, overrides);
	const category = await send("POST", `/api/v1/locations/${slug}/categories`, { name: "Coffee" }, STAFF);
	expect(category.status, await category.clone().text()).toBe(201);
	const { id: categoryId } = await json<{ id: string }>(category);
	const item = await send(
		"POST",
		`/api/v1/locations/${slug}/items`,
		{ categoryId, name: "Cortado", price: { amount: 320, currency: "GBP" } },
		STAFF,
	);
	expect(item.status, await item.clone().text()).toBe(201);
	const { id: itemId } = await json<{ id: string }>(item);
	const cart = await newCart(slug);
	const added = await addItem(cart.id, { itemId, quantity });
	expect(added.status, await added.clone().text()).toBe(201);
	return { slug, cartId: cart.id };
}

/** Tomorrow 12:00 UTC, as the slot listing names it. */
function lunchSlot(): string {
	return new Date(londonLunchTomorrow()).toISOString();
}

async function slotAt(slug: string, start: string) {
	const list = await listed(slug, localClock(new Date(start), ZONE).date);
	const slot = list.slots.find((entry) => entry.start === start);
	if (!slot) throw new Error(`no slot at ${start} in ${JSON.stringify(list.slots.map((entry) => entry.start))}`);
	return slot;
}

describe("slots as orders are placed", () => {
	it("counts each order placed into a slot off its room, until it is full", async () => {
		const { slug, cartId } = await cartAt({ orders: 2, units: 5 }, {}, 2);
		const start = lunchSlot();
		expect(await slotAt(slug, start)).toMatchObject({ remaining: { orders: 2, units: 5 }, full: false });

		const first = await checkout(cartId, { ...PICKUP, requestedTime: start });
		expect(first.status, await first.clone().text()).toBe(201);
		expect(await slotAt(slug, start)).toMatchObject({ remaining: { orders: 1, units: 3 }, full: false });

		const { cartId: second } = await cartAtSameLocation(slug, 1);
		expect((await checkout(second, { ...PICKUP, requestedTime: start })).status).toBe(201);
		expect(await slotAt(slug, start)).toMatchObject({ remaining: { orders: 0, units: 2 }, full: true });
		// The slot after it is untouched.
		const next = new Date(Date.parse(start) + 15 * 60_000).toISOString();
		expect(await slotAt(slug, next)).toMatchObject({ remaining: { orders: 2, units: 5 }, full: false });
	});

	it("refuses a checkout into a full slot with 409 slot_full naming free slots, places nothing, and takes one of them", async () => {
		const { slug, cartId } = await cartAt({ orders: 1, units: null });
		const start = lunchSlot();
		expect((await checkout(cartId, { ...PICKUP, requestedTime: start })).status).toBe(201);

		const { cartId: late } = await cartAtSameLocation(slug, 1);
		const refused = await checkout(late, { ...PICKUP, requestedTime: start });
		expect(refused.status).toBe(409);
		const error = await errorOf(refused);
		expect(error.code).toBe("slot_full");
		const { freeSlots } = error.details as unknown as { freeSlots: string[] };
		expect(freeSlots.length).toBeGreaterThan(0);
		for (const free of freeSlots) {
			expect(Date.parse(free)).toBeGreaterThan(Date.parse(start));
			expect(await slotAt(slug, free)).toMatchObject({ full: false });
		}

		// Nothing placed: the cart is still open and the slot still holds the one order.
		const cart = await json<{ status: string; orderId: string | null }>(await call(`/api/v1/carts/${late}`));
		expect(cart.status).toBe("open");
		expect(await slotAt(slug, start)).toMatchObject({ remaining: { orders: 0, units: null }, full: true });

		const taken = await checkout(late, { ...PICKUP, requestedTime: freeSlots[0] });
		expect(taken.status, await taken.clone().text()).toBe(201);
		const placed = await json<Placed>(taken);
		expect(placed.predictedReadyAt).not.toBeNull();
		expect(await slotAt(slug, freeSlots[0])).toMatchObject({ remaining: { orders: 0, units: null }, full: true });
	});

	it("still refuses a time outside opening hours with 422 slot_unavailable naming requestedTime", async () => {
		const hours = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "08:00", closes: "09:00" }]]));
		const { cartId } = await cartAt({ orders: 2, units: null }, { openingHours: hours });
		const evening = `${lunchSlot().slice(0, 10)}T20:00:00.000Z`;
		const response = await checkout(cartId, { ...PICKUP, requestedTime: evening });
		expect(response.status).toBe(422);
		const error = await errorOf(response);
		expect(error.code).toBe("slot_unavailable");
		expect(error.details).toEqual([expect.objectContaining({ field: "requestedTime" })]);
	});
});

/** Another cart at a location `cartAt` made, with its coffee. */
async function cartAtSameLocation(slug: string, quantity: number): Promise<{ cartId: string }> {
	const menu = await json<{ categories: { items: { id: string }[] }[] }>(await call(`/api/v1/locations/${slug}/menu`));
	const cart = await newCart(slug);
	const added = await addItem(cart.id, { itemId: menu.categories[0].items[0].id, quantity });
	expect(added.status, await added.clone().text()).toBe(201);
	return { cartId: cart.id };
}
