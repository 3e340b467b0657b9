/**
 * GET /api/v1/admin/stats over a known set of orders in the read models:
 * orders by status, placed-to-ready median and p90, the cancellation and
 * rejection rates (apart) and the top items over the last day (happy path);
 * unknown locations and bad input (errors); who may ask (security).
 */
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import type { OrderStatus } from "../src/ordering/domain/order";
import { bearer, call, errorOf, json, PRINCIPALS } from "./helpers";

const SLUG = `stats-${crypto.randomUUID().slice(0, 8)}`;
const db = database(env.DB);
/** The test location is in the eu region, so its orders are in that region's database. */
const orders = database(env.ORDERS_EU);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

interface Stats {
	location: string | null;
	window: { from: string; to: string };
	orders: number;
	ordersByStatus: Record<OrderStatus, number>;
	placedToReady: { orders: number; medianSeconds: number | null; p90Seconds: number | null };
	cancellationRate: number | null;
	rejectionRate: number | null;
	topItems: { itemId: string; name: string; quantity: number; orders: number }[];
	regions: { region: string; orders: number }[];
}

const ITEMS = {
	a: { itemId: `${SLUG}-tonkotsu`, name: "Tonkotsu Ramen" },
	b: { itemId: `${SLUG}-gyoza`, name: "Gyoza" },
	c: { itemId: `${SLUG}-matcha`, name: "Matcha Latte" },
	d: { itemId: `${SLUG}-mochi`, name: "Mochi" },
};

async function insertOrder(
	status: OrderStatus,
	placedAgoMs: number,
	readyAfterMs: number | null,
	lines: [keyof typeof ITEMS, number][],
): Promise<void> {
	const id = `ord_eu_${crypto.randomUUID().replaceAll("-", "")}`;
	const placedAt = new Date(Date.now() - placedAgoMs);
	await orders.batch([
		orders.insert(schema.orders).values({
			id,
			locationSlug: SLUG,
			status,
			fulfilment: "pickup",
			contactName: "Ada Lovelace",
			contactEmail: "ada@example.com",
			contactPhone: "+44 20 7946 0000",
			currency: "GBP",
			subtotalMinor: 1000,
			taxMinor: 167,
			taxIncluded: true,
			deliveryFeeMinor: 0,
			tipMinor: 0,
			totalMinor: 1000,
			placedAt: placedAt.toISOString(),
			businessDate: placedAt.toISOString().slice(0, 10),
			readyAt: readyAfterMs === null ? null : new Date(placedAt.getTime() + readyAfterMs).toISOString(),
			lastSequence: 1,
			updatedAt: new Date().toISOString(),
		}),
		...lines.map(([item, quantity], position) =>
			orders.insert(schema.orderLines).values({
				orderId: id,
				lineId: `line-${position}`,
				position,
				...ITEMS[item],
				categoryId: `${SLUG}-mains`,
				quantity,
				unitPriceMinor: 500,
				lineTotalMinor: 500 * quantity,
				options: [],
			}),
		),
	]);
}

beforeAll(async () => {
	await db.insert(schema.locations).values({
		slug: SLUG,
		name: "GoodFood Stats",
		addressLine: "1 Test Street",
		city: "London",
		postcode: "W1 1AA",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: "Europe/London",
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
	});
	// Placed in the last day: 8 orders, 1 cancelled and 2 rejected; 3 of them ready in 10, 20 and 5 minutes.
	await insertOrder("delivered", 3 * HOUR, 10 * MINUTE, [
		["a", 2],
		["b", 1],
	]);
	await insertOrder("ready", 2 * HOUR, 20 * MINUTE, [["a", 1]]);
	await insertOrder("picked_up", 1 * HOUR, 5 * MINUTE, [["c", 3]]);
	await insertOrder("cancelled", 30 * MINUTE, null, [["c", 10]]);
	await insertOrder("rejected", 20 * MINUTE, null, [["b", 5]]);
	await insertOrder("rejected", 15 * MINUTE, null, [["d", 2]]);
	await insertOrder("placed", 5 * MINUTE, null, [["b", 1]]);
	await insertOrder("preparing", 10 * MINUTE, null, [["a", 1]]);
	// Placed before the window but ready within it (90 minutes): a placed-to-ready time, not an order of the day.
	await insertOrder("picked_up", 25 * HOUR, 90 * MINUTE, [["d", 100]]);
	// Over and done before the window.
	await insertOrder("delivered", 30 * HOUR, 15 * MINUTE, [["d", 100]]);
});

async function stats(query: string, principal: Principal = PRINCIPALS.admin): Promise<Response> {
	return call(`/api/v1/admin/stats${query}`, { headers: await bearer(principal) });
}

const MANAGER: Principal = { id: "acc-test-manager-stats", role: "manager", locations: [SLUG] };

describe("the figures", () => {
	it("counts the last day's orders by status, with the placed-to-ready median and p90, and the cancellation and rejection rates apart", async () => {
		const response = await stats(`?location=${SLUG}`, MANAGER);
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("no-store");
		const body = await json<Stats>(response);

		expect(body.location).toBe(SLUG);
		expect(Date.parse(body.window.to) - Date.parse(body.window.from)).toBe(24 * HOUR);
		expect(body.orders).toBe(8);
		// Every status is counted, those of unpaid orders too (none here: the read models hold only placed orders).
		expect(body.ordersByStatus).toEqual({
			awaiting_payment: 0,
			payment_failed: 0,
			placed: 1,
			confirmed: 0,
			preparing: 1,
			ready: 1,
			picked_up: 1,
			out_for_delivery: 0,
			delivered: 1,
			rejected: 2,
			cancelled: 1,
		});
		// Ready in 5, 10, 20 and 90 minutes: median (600 + 1200) / 2, p90 1200 + 0.7 × (5400 − 1200).
		expect(body.placedToReady).toEqual({ orders: 4, medianSeconds: 900, p90Seconds: 4140 });
		// 1 cancelled and 2 rejected of 8 orders, each rate on its own (it was 3 / 8 counted together).
		expect(body.cancellationRate).toBe(0.125);
		expect(body.rejectionRate).toBe(0.25);
		// Read from the location's region only.
		expect(body.regions).toEqual([{ region: "eu", orders: 8 }]);
	});

	it("ranks items by quantity sold, leaving out cancelled and rejected orders", async () => {
		const body = await json<Stats>(await stats(`?location=${SLUG}`));
		expect(body.topItems).toEqual([
			{ ...ITEMS.a, quantity: 4, orders: 3 },
			{ ...ITEMS.c, quantity: 3, orders: 1 },
			{ ...ITEMS.b, quantity: 2, orders: 2 },
		]);
		const topTwo = await json<Stats>(await stats(`?location=${SLUG}&top=2`));
		expect(topTwo.topItems.map((item) => item.itemId)).toEqual([ITEMS.a.itemId, ITEMS.c.itemId]);
	});

	it("gives admins every location at once", async () => {
		const body = await json<Stats>(await stats(""));
		expect(body.location).toBeNull();
		expect(body.orders).toBeGreaterThanOrEqual(8);
		expect(body.ordersByStatus.rejected).toBeGreaterThanOrEqual(2);
		expect(body.placedToReady.orders).toBeGreaterThanOrEqual(4);
		expect(body.regions.map((region) => region.region)).toEqual(["eu", "us", "apac"]);
		expect(body.regions.reduce((sum, region) => sum + region.orders, 0)).toBe(body.orders);
	});
});

describe("errors", () => {
	it("answers 404 for an unknown location and 400 for a malformed one", async () => {
		expect((await errorOf(await stats("?location=nowhere-at-all"))).code).toBe("not_found");
		const invalid = await stats("?location=Not%20A%20Slug&top=0");
		expect(invalid.status).toBe(400);
		expect((await errorOf(invalid)).details?.map((detail) => detail.field).sort()).toEqual(["location", "top"]);
	});
});

describe("who may ask", () => {
	it("needs a signed-in caller", async () => {
		expect((await call(`/api/v1/admin/stats?location=${SLUG}`)).status).toBe(401);
	});

	it("refuses kitchen staff, customers, and managers of other locations", async () => {
		const kitchen: Principal = { id: "acc-test-kitchen-stats", role: "kitchen", locations: [SLUG] };
		expect((await stats(`?location=${SLUG}`, kitchen)).status).toBe(403);
		expect((await stats(`?location=${SLUG}`, PRINCIPALS.customer)).status).toBe(403);
		expect((await stats(`?location=${SLUG}`, PRINCIPALS.manager)).status).toBe(403);
	});

	it("keeps every location's figures to admins", async () => {
		expect((await stats("", MANAGER)).status).toBe(403);
	});
});
