/**
 * Erasure that finishes: deleting an account anonymises every one of its
 * orders, however many and in whichever region, in the read models and in
 * each order's own Cart object; an erasure interrupted after its tombstone is
 * resumed by the sweep; an order whose OrderPlaced lands after the deletion is
 * anonymised too; the tombstone records when and how many; the export before
 * deletion lists everything that goes.
 */
import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { afterEach, describe, expect, it, vi } from "vitest";
import { erasureDatabasesOf, finishErasures, forgetInOrderObjects } from "../src/accounts/erasure";
import { cartObject } from "../src/cart/carts";
import worker from "../src/index";
import { handleOrderEvents } from "../src/ordering/consumer";
import { ERASED_CONTACT } from "../src/ordering/domain/erasure";
import { CRONS } from "../src/scheduled";
import { CONTACT, call, json, ORDERABLE, PAY_BY_CARD, STAFF, send } from "./helpers";
import { deliverBatch } from "./queue-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const ADDRESS_LINE = "12 Greek Street";
/** Free text a customer typed on a line: it may name them, so erasure drops it. */
const LINE_NOTE = "Ask for Ada at flat 3";

const REGIONS = {
	eu: { db: env.ORDERS_EU, location: "london-soho", currency: "GBP" },
	us: { db: env.ORDERS_US, location: "new-york-chelsea", currency: "USD" },
} as const;
type RegionName = keyof typeof REGIONS;

async function registerCustomer() {
	const email = `${crypto.randomUUID()}@example.com`;
	const response = await send("POST", "/api/v1/auth/register", {
		email,
		password: "correct horse 42",
		name: "Ada",
	});
	expect(response.status).toBe(201);
	const body = await json<{ accessToken: string; account: { id: string } }>(response);
	return { id: body.account.id, email, accessToken: body.accessToken };
}

/** A real order through the API: its Cart object holds the customer's contact details. */
async function placeOrder(accessToken: string, location: keyof typeof ORDERABLE = "london-soho"): Promise<string> {
	const created = await send("POST", "/api/v1/carts", { locationSlug: location }, auth(accessToken));
	expect(created.status).toBe(201);
	const cart = await json<{ id: string }>(created);
	const added = await send(
		"POST",
		`/api/v1/carts/${cart.id}/items`,
		{ ...ORDERABLE[location].line, note: LINE_NOTE },
		auth(accessToken),
	);
	expect(added.status).toBe(201);
	const checkout = await send(
		"POST",
		`/api/v1/carts/${cart.id}/checkout`,
		{
			fulfilment: "pickup",
			contact: CONTACT,
			requestedTime: ORDERABLE[location].requestedTime(),
			payment: PAY_BY_CARD,
		},
		{ ...auth(accessToken), "idempotency-key": crypto.randomUUID() },
	);
	expect(checkout.status).toBe(201);
	return (await json<{ orderId: string }>(checkout)).orderId;
}

/** Orders seeded straight into a region's read models, cheaply: as the projection would have written them. */
async function seedProjectedOrders(region: RegionName, accountId: string, count: number): Promise<string[]> {
	const { db, location, currency } = REGIONS[region];
	const ids = Array.from({ length: count }, () => `ord_${region}_${crypto.randomUUID().replaceAll("-", "")}`);
	const placedAt = new Date(Date.now() - 86_400_000).toISOString();
	const statements = ids.flatMap((id) => [
		db
			.prepare(
				`INSERT INTO orders (id, location_slug, status, fulfilment, customer_ref, contact_name, contact_email, contact_phone,
				delivery_address, currency, subtotal_minor, tax_minor, tax_included, delivery_fee_minor, tip_minor, total_minor,
				placed_at, business_date, last_sequence, updated_at)
			 VALUES (?, ?, 'delivered', 'delivery', ?, ?, ?, ?, ?, ?, 500, 83, 1, 250, 0, 750, ?, ?, 4, ?)`,
			)
			.bind(
				id,
				location,
				`customer:${accountId}`,
				CONTACT.name,
				CONTACT.email,
				CONTACT.phone,
				JSON.stringify({ line1: ADDRESS_LINE, city: "London", postcode: "W1D 4DL" }),
				currency,
				placedAt,
				placedAt.slice(0, 10),
				placedAt,
			),
		db
			.prepare(
				`INSERT INTO customer_order_history (customer_ref, order_id, location_slug, placed_at, status, total_minor, currency)
			 VALUES (?, ?, ?, ?, 'delivered', 750, ?)`,
			)
			.bind(`customer:${accountId}`, id, location, placedAt, currency),
	]);
	for (let start = 0; start < statements.length; start += 100) await db.batch(statements.slice(start, start + 100));
	return ids;
}

/** Every row the order's Cart object keeps, as text: the customer's details must appear nowhere in it. */
async function objectStorageText(orderId: string): Promise<string> {
	return runInDurableObject(cartObject(env, orderId), (_, state) => {
		const tables = state.storage.sql
			.exec<{ name: string }>(
				"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\'",
			)
			.toArray()
			.map((row) => row.name);
		return JSON.stringify(tables.map((table) => state.storage.sql.exec(`SELECT * FROM "${table}"`).toArray()));
	});
}

function expectNoPersonalData(text: string, email: string): void {
	for (const personal of [CONTACT.name, CONTACT.email, CONTACT.phone, email, LINE_NOTE]) {
		expect(text).not.toContain(personal);
	}
}

/** The line notes a region's read model keeps for these orders. */
async function notesOf(region: RegionName, orderIds: string[]): Promise<(string | null)[]> {
	const { results } = await REGIONS[region].db
		.prepare(`SELECT note FROM order_lines WHERE order_id IN (${orderIds.map(() => "?").join(", ")}) ORDER BY order_id`)
		.bind(...orderIds)
		.all<{ note: string | null }>();
	return results.map((row) => row.note);
}

async function tombstoneOf(accountId: string) {
	return env.DB.prepare("SELECT erased_at, orders, completed_at FROM account_tombstones WHERE account_id = ?")
		.bind(accountId)
		.first<{ erased_at: string; orders: number; completed_at: string | null }>();
}

/** What a region still holds that names the customer: orders with their details, and history rows. */
async function personalRowsIn(region: RegionName, accountId: string): Promise<number> {
	const row = await REGIONS[region].db
		.prepare(
			`SELECT (SELECT count(*) FROM orders WHERE contact_email = ? OR contact_name = ? OR customer_ref = ? OR delivery_address IS NOT NULL)
			 + (SELECT count(*) FROM customer_order_history WHERE customer_ref = ?) AS n`,
		)
		.bind(CONTACT.email, CONTACT.name, `customer:${accountId}`, `customer:${accountId}`)
		.first<{ n: number }>();
	return row?.n ?? -1;
}

/** A region's orders listed for the account's erasure, showing the erased contact. */
async function anonymisedListedIn(region: RegionName, accountId: string): Promise<number> {
	const row = await REGIONS[region].db
		.prepare(
			`SELECT count(*) AS n FROM orders WHERE contact_email = ? AND id IN (SELECT order_id FROM erasure_orders WHERE account_id = ?)`,
		)
		.bind(ERASED_CONTACT.email, accountId)
		.first<{ n: number }>();
	return row?.n ?? -1;
}

async function accountExists(accountId: string): Promise<boolean> {
	return (await env.DB.prepare("SELECT 1 FROM accounts WHERE id = ?").bind(accountId).first()) !== null;
}

const sweepLog = spanLogger(continueTrace(undefined));

describe("deleting an account with more orders than a page, in two regions", () => {
	it("exports every order first, then anonymises all of them in each region's D1 and in the orders' own objects", async () => {
		const customer = await registerCustomer();
		const placed = [
			await placeOrder(customer.accessToken, "london-soho"),
			await placeOrder(customer.accessToken, "new-york-chelsea"),
		];
		const seeded = {
			eu: await seedProjectedOrders("eu", customer.id, 200),
			us: await seedProjectedOrders("us", customer.id, 30),
		};
		const everyOrder = [...placed, ...seeded.eu, ...seeded.us];
		expect(await objectStorageText(placed[0])).toContain(CONTACT.email);

		const exported = await json<{ orders: { id: string; contactEmail: string; lines: unknown[] }[] }>(
			await call("/api/v1/customers/me/export", { headers: auth(customer.accessToken) }),
		);
		expect(exported.orders.map((order) => order.id).sort()).toEqual([...everyOrder].sort());
		for (const orderId of placed) expect(exported.orders.find((order) => order.id === orderId)?.lines).toHaveLength(1);

		const before = Date.now();
		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);

		for (const region of ["eu", "us"] as const) {
			expect(await personalRowsIn(region, customer.id)).toBe(0);
			expect(await anonymisedListedIn(region, customer.id)).toBe(seeded[region].length + 1);
		}
		expect(await notesOf("eu", [placed[0]])).toEqual([null]);
		expect(await notesOf("us", [placed[1]])).toEqual([null]);

		for (const orderId of placed) expectNoPersonalData(await objectStorageText(orderId), customer.email);
		for (const orderId of placed) {
			const order = await json<{ contact: { name: string; email: string } }>(
				await call(`/api/v1/orders/${orderId}`, { headers: STAFF }),
			);
			expect(order.contact).toMatchObject({ name: ERASED_CONTACT.name, email: ERASED_CONTACT.email });
		}

		const tombstone = await tombstoneOf(customer.id);
		expect(tombstone?.orders).toBe(everyOrder.length);
		expect(Date.parse(tombstone?.erased_at ?? "")).toBeGreaterThanOrEqual(before - 1000);
		expect(tombstone?.completed_at).not.toBeNull();
		expect(await accountExists(customer.id)).toBe(false);
	}, 30_000); // 232 orders, each with its own Durable Object: seconds, not the default 5, on a busy machine.
});

describe("an erasure one invocation cannot finish", () => {
	it("keeps its to-do lists in each region, works them off within the budget, and the sweep finishes them", async () => {
		const customer = await registerCustomer();
		await seedProjectedOrders("eu", customer.id, 3);
		await seedProjectedOrders("us", customer.id, 2);
		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);
		// As if the request had stopped before the orders' objects: the lists are still to do.
		for (const { db } of Object.values(REGIONS)) {
			await db.prepare("UPDATE erasure_orders SET forgotten_at = NULL WHERE account_id = ?").bind(customer.id).run();
		}
		await env.DB.prepare("UPDATE account_tombstones SET completed_at = NULL WHERE account_id = ?")
			.bind(customer.id)
			.run();

		const databases = erasureDatabasesOf(env);
		const partial = await forgetInOrderObjects(env, databases, sweepLog, { accountId: customer.id, budget: 2 });
		expect(partial).toEqual({ forgotten: 2, pending: 3 });
		expect((await tombstoneOf(customer.id))?.completed_at).toBeNull();

		await finishErasures(env, sweepLog);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 5, completed_at: expect.any(String) });
	});
});

describe("an erasure interrupted after its tombstone", () => {
	it("keeps the account until every region is anonymised, and the sweep finishes it", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const customer = await registerCustomer();
		await seedProjectedOrders("eu", customer.id, 2);
		await seedProjectedOrders("us", customer.id, 1);
		// The us region's database fails every batch, as if it were unreachable.
		const withSession = env.ORDERS_US.withSession.bind(env.ORDERS_US);
		const failing = vi.spyOn(env.ORDERS_US, "withSession").mockImplementation((constraint) => {
			const session = withSession(constraint);
			return {
				prepare: (query: string) => session.prepare(query),
				batch: async () => {
					throw new Error("D1_ERROR: network connection lost");
				},
				getBookmark: () => session.getBookmark(),
				withSession,
			} as unknown as D1DatabaseSession;
		});

		const response = await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken));
		expect(response.status).toBe(500);
		// Begun, not finished: the tombstone is there, and so is the account, so nothing is left unrevisited.
		expect(await tombstoneOf(customer.id)).toMatchObject({ completed_at: null });
		expect(await accountExists(customer.id)).toBe(true);
		expect(await personalRowsIn("us", customer.id)).toBeGreaterThan(0);

		failing.mockRestore();
		// A sweep while the region still fails leaves the account for the next one.
		const stillFailing = vi
			.spyOn(env.ORDERS_US, "batch")
			.mockRejectedValue(new Error("D1_ERROR: network connection lost"));
		await finishErasures(env, sweepLog);
		expect(await accountExists(customer.id)).toBe(true);
		stillFailing.mockRestore();

		await finishErasures(env, sweepLog);

		expect(await accountExists(customer.id)).toBe(false);
		for (const region of ["eu", "us"] as const) expect(await personalRowsIn(region, customer.id)).toBe(0);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 3, completed_at: expect.any(String) });
	});
});

describe("an order whose OrderPlaced reaches D1 after the deletion", () => {
	it("is projected anonymised, joins its region's list, and the sweep reopens the tombstone and rewrites its object", async () => {
		const customer = await registerCustomer();
		const orderId = await placeOrder(customer.accessToken);
		// As if its OrderPlaced were still in the queue: the read models have not seen it yet.
		const placedEnvelope = await runInDurableObject(cartObject(env, orderId), (_, state) => {
			const row = state.storage.sql
				.exec<{ sequence: number; event_id: string; type: string; occurred_at: string; payload: string }>(
					"SELECT * FROM order_events WHERE type = 'OrderPlaced'",
				)
				.one();
			return {
				id: row.event_id,
				type: row.type,
				occurredAt: row.occurred_at,
				orderId,
				sequence: row.sequence,
				payload: JSON.parse(row.payload),
			};
		});
		await env.ORDERS_EU.batch(
			["orders", "order_lines", "order_status_history", "customer_order_history"].map((table) =>
				env.ORDERS_EU.prepare(`DELETE FROM ${table} WHERE ${table === "orders" ? "id" : "order_id"} = ?`).bind(orderId),
			),
		);

		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 0, completed_at: expect.any(String) });

		const { result } = await deliverBatch("goodfood-order-events", handleOrderEvents, [placedEnvelope]);
		expect(result.explicitAcks).toHaveLength(1);

		const row = await env.ORDERS_EU.prepare("SELECT contact_name, contact_email, customer_ref FROM orders WHERE id = ?")
			.bind(orderId)
			.first();
		expect(row).toEqual({ contact_name: ERASED_CONTACT.name, contact_email: ERASED_CONTACT.email, customer_ref: null });
		expect(await notesOf("eu", [orderId])).toEqual([null]);
		expect(await personalRowsIn("eu", customer.id)).toBe(0);

		// A sweep with no calls to spare still reopens and recounts the tombstone: the order's object holds the details.
		await finishErasures(env, sweepLog, { budget: 0 });
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 1, completed_at: null });

		// The ten-minute cron runs the sweep.
		await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: CRONS.erasureSweep }), env);

		expectNoPersonalData(await objectStorageText(orderId), customer.email);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 1, completed_at: expect.any(String) });
		// The sweep is idempotent: a second run finds nothing left and changes nothing.
		const completedAt = (await tombstoneOf(customer.id))?.completed_at;
		await finishErasures(env, sweepLog);
		expect((await tombstoneOf(customer.id))?.completed_at).toBe(completedAt);
	});

	it("leaves an order of a live account alone", async () => {
		const customer = await registerCustomer();
		const orderId = await placeOrder(customer.accessToken);
		await finishErasures(env, sweepLog);
		expect(await objectStorageText(orderId)).toContain(CONTACT.email);
		const row = await env.ORDERS_EU.prepare("SELECT customer_ref FROM orders WHERE id = ?").bind(orderId).first();
		expect(row).toEqual({ customer_ref: `customer:${customer.id}` });
	});
});

describe("the crons", () => {
	it("refuses a cron no job answers to, so a misconfigured trigger fails loudly", async () => {
		await expect(
			worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "*/5 * * * *" }), env),
		).rejects.toThrow("No job for cron */5 * * * *");
	});
});
