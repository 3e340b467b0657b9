/**
 * Order data per region. The rule: an order lives, for good, in the region
 * its location was in when its cart was opened. Its id names that region; its
 * read models are written only to that region's database, and its Cart object
 * lives there. A location's staff list and kitchen feed read the region the
 * location is in now. So a location moved to another region keeps serving its
 * old orders by id (tracking, status changes) from the old region, while carts
 * opened after the move, and their orders, are in the new one.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { orderIdForCart } from "../src/cart/identity";
import { LOCATION_REGION_TTL_MS } from "../src/cart/location-region";
import { handleQueue } from "../src/queues";
import { call, errorOf, json, newOrderId, PAY_BY_CARD, STAFF, send } from "./helpers";
import { deliver, placed } from "./order-projections-helpers";
import { deliverBatch } from "./queue-helpers";

const DATABASES = { eu: env.ORDERS_EU, us: env.ORDERS_US, apac: env.ORDERS_APAC } as const;
type RegionName = keyof typeof DATABASES;

/** Each with a pickup time, in UTC, when it is open: lunchtime there. */
const LONDON = {
	slug: "london-soho",
	itemId: "itm-ldn-flat-white",
	options: ["opt-ldn-flat-white-milk-oat"],
	lunchUtc: "12:00",
};
const TOKYO = { slug: "tokyo-shibuya", itemId: "itm-tyo-salmon-onigiri", options: [], lunchUtc: "03:00" };
type TestLocation = typeof LONDON | typeof TOKYO;

interface Placed {
	orderId: string;
	trackingToken: string;
}

afterEach(() => {
	vi.restoreAllMocks();
});

/** A pickup tomorrow at lunchtime at the location. */
function pickupTomorrow(location: { lunchUtc: string }) {
	const tomorrow = new Date(Date.now() + 24 * 3600_000).toISOString().slice(0, 10);
	return {
		fulfilment: "pickup",
		requestedTime: `${tomorrow}T${location.lunchUtc}:00Z`,
		contact: { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" },
		payment: PAY_BY_CARD,
	};
}

async function oneShotOrder(location: TestLocation): Promise<Placed> {
	const response = await send(
		"POST",
		"/api/v1/orders",
		{
			...pickupTomorrow(location),
			locationSlug: location.slug,
			items: [{ itemId: location.itemId, quantity: 1, options: location.options }],
		},
		{ "idempotency-key": crypto.randomUUID() },
	);
	expect(response.status, await response.clone().text()).toBe(201);
	return json<Placed>(response);
}

/** How many rows each region's database holds of the order, in `table`. */
async function rowsByRegion(table: "orders" | "order_status_history", orderId: string) {
	const column = table === "orders" ? "id" : "order_id";
	const counts: Record<string, number> = {};
	for (const [name, database] of Object.entries(DATABASES)) {
		const row = await database
			.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`)
			.bind(orderId)
			.first<{ n: number }>();
		counts[name] = row?.n ?? 0;
	}
	return counts;
}

function onlyIn(region: RegionName, count = 1) {
	return Object.fromEntries(Object.keys(DATABASES).map((name) => [name, name === region ? count : 0]));
}

async function staffList(slug: string): Promise<string[]> {
	const response = await call(`/api/v1/locations/${slug}/orders?limit=200`, { headers: STAFF });
	expect(response.status).toBe(200);
	return (await json<{ orders: { id: string }[] }>(response)).orders.map((order) => order.id);
}

/** An orders row written straight into a region's database, as if projected there. */
async function plantOrder(region: RegionName, slug: string): Promise<string> {
	const id = newOrderId(region);
	const now = new Date().toISOString();
	await DATABASES[region]
		.prepare(
			`INSERT INTO orders (id, location_slug, status, fulfilment, customer_ref, contact_name, contact_email, contact_phone,
				currency, subtotal_minor, tax_minor, tax_included, delivery_fee_minor, tip_minor, total_minor, placed_at,
				business_date, last_sequence, updated_at)
			VALUES (?, ?, 'placed', 'pickup', NULL, 'Planted', 'planted@example.com', '', 'GBP', 100, 0, 1, 0, 0, 100, ?, ?, 1, ?)`,
		)
		.bind(id, slug, now, now.slice(0, 10), now)
		.run();
	return id;
}

/**
 * Runs `act` with the clock past the worker's memory of locations' regions,
 * so a region just changed in the catalogue is read again, as it is within
 * seconds in production.
 */
async function afterRegionCacheExpires<T>(act: () => Promise<T>): Promise<T> {
	const realNow = Date.now.bind(Date);
	const spy = vi.spyOn(Date, "now").mockImplementation(() => realNow() + LOCATION_REGION_TTL_MS + 1_000);
	try {
		return await act();
	} finally {
		spy.mockRestore();
	}
}

async function setRegion(slug: string, region: string): Promise<void> {
	await env.DB.prepare("UPDATE locations SET region = ? WHERE slug = ?").bind(region, slug).run();
}

describe("orders live in their location's region", () => {
	it("puts an order at tokyo-shibuya in the apac database only, and one at london-soho in the eu database only", async () => {
		const tokyo = await oneShotOrder(TOKYO);
		const london = await oneShotOrder(LONDON);

		expect(tokyo.orderId).toMatch(/^ord_apac_[0-9a-f]{32}$/);
		expect(london.orderId).toMatch(/^ord_eu_[0-9a-f]{32}$/);
		expect(await rowsByRegion("orders", tokyo.orderId)).toEqual(onlyIn("apac"));
		expect(await rowsByRegion("order_status_history", tokyo.orderId)).toEqual(onlyIn("apac"));
		expect(await rowsByRegion("orders", london.orderId)).toEqual(onlyIn("eu"));
		expect(await rowsByRegion("order_status_history", london.orderId)).toEqual(onlyIn("eu"));

		const tracked = await call(`/api/v1/orders/${tokyo.orderId}?token=${tokyo.trackingToken}`);
		expect(tracked.status).toBe(200);
		expect(await json<{ locationSlug: string }>(tracked)).toMatchObject({ locationSlug: TOKYO.slug });
	});

	it("lists each location's orders from its own region, and not a row of its slug in another region", async () => {
		const tokyo = await oneShotOrder(TOKYO);
		const london = await oneShotOrder(LONDON);
		const strayTokyo = await plantOrder("eu", TOKYO.slug);
		const strayLondon = await plantOrder("apac", LONDON.slug);
		const plantedLondon = await plantOrder("eu", LONDON.slug);

		const tokyoList = await staffList(TOKYO.slug);
		expect(tokyoList).toContain(tokyo.orderId);
		expect(tokyoList).not.toContain(strayTokyo);
		expect(tokyoList).not.toContain(london.orderId);

		const londonList = await staffList(LONDON.slug);
		expect(londonList).toEqual(expect.arrayContaining([london.orderId, plantedLondon]));
		expect(londonList).not.toContain(strayLondon);
		expect(londonList).not.toContain(tokyo.orderId);
	});

	it("projects a message delivered twice into its order's region once", async () => {
		const orderId = newOrderId("apac");
		const message = placed(orderId, { locationSlug: TOKYO.slug, timeZone: "Asia/Tokyo" });

		const first = await deliver([message, structuredClone(message)]);
		const again = await deliver([structuredClone(message)], 2);

		expect(first.result.explicitAcks.sort()).toEqual([...first.ids].sort());
		expect(again.result.explicitAcks).toEqual(again.ids);
		expect(await rowsByRegion("orders", orderId)).toEqual(onlyIn("apac"));
		expect(await rowsByRegion("order_status_history", orderId)).toEqual(onlyIn("apac"));
	});

	it("retries an event whose order id names a region not configured, and writes it nowhere", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const orderId = `ord_mars_${crypto.randomUUID().replaceAll("-", "")}`;
		const { ids, result } = await deliver([placed(orderId)]);
		expect(result.explicitAcks).toEqual([]);
		expect(result.retryMessages.map((retry) => retry.msgId)).toEqual(ids);
		expect(await rowsByRegion("orders", orderId)).toEqual({ eu: 0, us: 0, apac: 0 });
	});

	it("records a dead letter in its order's region, and one naming no order in the first region", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const dead = placed(newOrderId("apac"), { locationSlug: TOKYO.slug });
		const { ids } = await deliverBatch("goodfood-order-events-dlq", handleQueue, [dead, { nonsense: true }], {
			idPrefix: "regions-dlq",
		});
		const regionOf = async (messageId: string) => {
			const found: string[] = [];
			for (const [name, database] of Object.entries(DATABASES)) {
				const row = await database.prepare("SELECT 1 FROM dead_letters WHERE message_id = ?").bind(messageId).first();
				if (row) found.push(name);
			}
			return found;
		};
		expect(await regionOf(ids[0])).toEqual(["apac"]);
		expect(await regionOf(ids[1])).toEqual(["eu"]);
	});

	it("answers 503 for a location with no region yet, and opens nothing", async () => {
		const slug = "new-york-chelsea";
		await setRegion(slug, "");
		try {
			const [cart, order] = await afterRegionCacheExpires(() =>
				Promise.all([
					send("POST", "/api/v1/carts", { locationSlug: slug }),
					send(
						"POST",
						"/api/v1/orders",
						{
							...pickupTomorrow({ lunchUtc: "17:00" }),
							locationSlug: slug,
							items: [{ itemId: "itm-nyc-cold-brew", quantity: 1, options: [] }],
						},
						{ "idempotency-key": crypto.randomUUID() },
					),
				]),
			);
			for (const response of [cart, order]) {
				expect(response.status).toBe(503);
				const error = await errorOf(response);
				expect(error.code).toBe("unavailable");
				expect(error.message).toContain(slug);
			}
		} finally {
			await setRegion(slug, "us");
		}
	});

	it("refuses to check out a cart opened before its location moved, with 409 location_moved, and places nothing", async () => {
		const created = await send("POST", "/api/v1/carts", { locationSlug: TOKYO.slug });
		const cart = await json<{ id: string }>(created);
		expect(cart.id).toMatch(/^crt_apac_/);
		const added = await send("POST", `/api/v1/carts/${cart.id}/items`, {
			itemId: TOKYO.itemId,
			quantity: 1,
			options: [],
		});
		expect(added.status).toBe(201);

		await setRegion(TOKYO.slug, "us");
		try {
			const checkedOut = await send("POST", `/api/v1/carts/${cart.id}/checkout`, pickupTomorrow(TOKYO), {
				"idempotency-key": crypto.randomUUID(),
			});
			expect(checkedOut.status).toBe(409);
			const error = await errorOf(checkedOut);
			expect(error.code).toBe("location_moved");
			expect(error.details).toEqual({ region: "us" });
			// The cart is still there to look at, and no order was written anywhere.
			expect((await call(`/api/v1/carts/${cart.id}`)).status).toBe(200);
			expect(await rowsByRegion("orders", await orderIdForCart(cart.id))).toEqual(onlyIn("apac", 0));
		} finally {
			await setRegion(TOKYO.slug, "apac");
		}
	});

	it("keeps serving a moved location's old orders from the old region, and opens new carts in the new one", async () => {
		const old = await oneShotOrder(TOKYO);
		expect(old.orderId).toMatch(/^ord_apac_/);

		await setRegion(TOKYO.slug, "us");
		try {
			const moved = await afterRegionCacheExpires(async () => {
				const created = await send("POST", "/api/v1/carts", { locationSlug: TOKYO.slug });
				expect(created.status).toBe(201);
				return json<{ id: string }>(created);
			});
			expect(moved.id).toMatch(/^crt_us_[0-9a-f]{32}$/);

			// The old order: tracked, and moved on by staff, in its own region.
			const tracked = await call(`/api/v1/orders/${old.orderId}?token=${old.trackingToken}`);
			expect(tracked.status).toBe(200);
			const confirmed = await send(
				"POST",
				`/api/v1/orders/${old.orderId}/status`,
				{ status: "confirmed", etaMinutes: 10 },
				STAFF,
			);
			expect(confirmed.status).toBe(200);
			const row = await env.ORDERS_APAC.prepare("SELECT status FROM orders WHERE id = ?")
				.bind(old.orderId)
				.first<{ status: string }>();
			expect(row?.status).toBe("confirmed");
			expect(await rowsByRegion("order_status_history", old.orderId)).toEqual(onlyIn("apac", 2));

			// The new cart's order lands in the new region.
			const added = await send("POST", `/api/v1/carts/${moved.id}/items`, {
				itemId: TOKYO.itemId,
				quantity: 1,
				options: [],
			});
			expect(added.status).toBe(201);
			const checkedOut = await send("POST", `/api/v1/carts/${moved.id}/checkout`, pickupTomorrow(TOKYO), {
				"idempotency-key": crypto.randomUUID(),
			});
			expect(checkedOut.status).toBe(201);
			const { orderId } = await json<Placed>(checkedOut);
			expect(orderId).toMatch(/^ord_us_[0-9a-f]{32}$/);
			expect(await rowsByRegion("orders", orderId)).toEqual(onlyIn("us"));

			// The staff list reads the location's current region: the new order, not the old one.
			const listed = await staffList(TOKYO.slug);
			expect(listed).toContain(orderId);
			expect(listed).not.toContain(old.orderId);
		} finally {
			await setRegion(TOKYO.slug, "apac");
		}
	});
});
