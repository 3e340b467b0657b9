/**
 * Erasure that finishes: deleting an account anonymises every one of its
 * orders, however many, in the read models and in each order's own Cart
 * object; an order whose OrderPlaced lands after the deletion is anonymised
 * too; the tombstone records when and how many; the export before deletion
 * lists everything that goes.
 */
import { createScheduledController, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { describe, expect, it } from "vitest";
import { finishErasures, forgetInOrderObjects } from "../src/accounts/erasure";
import { database } from "../src/db/client";
import worker from "../src/index";
import { handleOrderEvents } from "../src/ordering/consumer";
import { ERASED_CONTACT } from "../src/ordering/domain/erasure";
import { CRONS } from "../src/scheduled";
import { CONTACT, call, json, londonLunchTomorrow, STAFF, send } from "./helpers";
import { deliverBatch } from "./queue-helpers";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const ADDRESS_LINE = "12 Greek Street";
/** Free text a customer typed on a line: it may name them, so erasure drops it. */
const LINE_NOTE = "Ask for Ada at flat 3";

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
async function placeOrder(accessToken: string): Promise<string> {
	const cart = await json<{ id: string }>(
		await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(accessToken)),
	);
	await send(
		"POST",
		`/api/v1/carts/${cart.id}/items`,
		{ itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"], note: LINE_NOTE },
		auth(accessToken),
	);
	const checkout = await send(
		"POST",
		`/api/v1/carts/${cart.id}/checkout`,
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow() },
		{ ...auth(accessToken), "idempotency-key": crypto.randomUUID() },
	);
	expect(checkout.status).toBe(201);
	return (await json<{ orderId: string }>(checkout)).orderId;
}

/** Orders seeded straight into the read models, cheaply: as the projection would have written them. */
async function seedProjectedOrders(accountId: string, count: number): Promise<string[]> {
	const ids = Array.from({ length: count }, (_, index) => `ord_seed_${accountId}_${String(index).padStart(4, "0")}`);
	const placedAt = new Date(Date.now() - 86_400_000).toISOString();
	const statements = ids.flatMap((id) => [
		env.DB.prepare(
			`INSERT INTO orders (id, location_slug, status, fulfilment, customer_ref, contact_name, contact_email, contact_phone,
				delivery_address, currency, subtotal_minor, tax_minor, tax_included, delivery_fee_minor, tip_minor, total_minor,
				placed_at, business_date, last_sequence, updated_at)
			 VALUES (?, 'london-soho', 'delivered', 'delivery', ?, ?, ?, ?, ?, 'GBP', 500, 83, 1, 250, 0, 750, ?, ?, 4, ?)`,
		).bind(
			id,
			`customer:${accountId}`,
			CONTACT.name,
			CONTACT.email,
			CONTACT.phone,
			JSON.stringify({ line1: ADDRESS_LINE, city: "London", postcode: "W1D 4DL" }),
			placedAt,
			placedAt.slice(0, 10),
			placedAt,
		),
		env.DB.prepare(
			`INSERT INTO customer_order_history (customer_ref, order_id, location_slug, placed_at, status, total_minor, currency)
			 VALUES (?, ?, 'london-soho', ?, 'delivered', 750, 'GBP')`,
		).bind(`customer:${accountId}`, id, placedAt),
	]);
	for (let start = 0; start < statements.length; start += 100) await env.DB.batch(statements.slice(start, start + 100));
	return ids;
}

/** Every row the order's Cart object keeps, as text: the customer's details must appear nowhere in it. */
async function objectStorageText(orderId: string): Promise<string> {
	const stub = env.CARTS.get(env.CARTS.idFromName(orderId));
	return runInDurableObject(stub, (_, state) => {
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

/** The line notes the read model keeps for these orders. */
async function notesOf(orderIds: string[]): Promise<(string | null)[]> {
	const { results } = await env.DB.prepare(
		`SELECT note FROM order_lines WHERE order_id IN (${orderIds.map(() => "?").join(", ")}) ORDER BY order_id`,
	)
		.bind(...orderIds)
		.all<{ note: string | null }>();
	return results.map((row) => row.note);
}

async function tombstoneOf(accountId: string) {
	return env.DB.prepare("SELECT erased_at, orders, completed_at FROM account_tombstones WHERE account_id = ?")
		.bind(accountId)
		.first<{ erased_at: string; orders: number; completed_at: string | null }>();
}

const sweepLog = spanLogger(continueTrace(undefined));

describe("deleting an account with more orders than a page", () => {
	it("exports every order first, then anonymises all of them in D1 and in the orders' own objects", async () => {
		const customer = await registerCustomer();
		const placed = [await placeOrder(customer.accessToken), await placeOrder(customer.accessToken)];
		const seeded = await seedProjectedOrders(customer.id, 230);
		const everyOrder = [...placed, ...seeded];
		expect(await objectStorageText(placed[0])).toContain(CONTACT.email);

		const exported = await json<{ orders: { id: string; contactEmail: string; lines: unknown[] }[] }>(
			await call("/api/v1/customers/me/export", { headers: auth(customer.accessToken) }),
		);
		expect(exported.orders.map((order) => order.id).sort()).toEqual([...everyOrder].sort());
		expect(exported.orders.find((order) => order.id === placed[0])?.lines).toHaveLength(1);

		const before = Date.now();
		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);

		const left = await env.DB.prepare(
			`SELECT count(*) AS n FROM orders WHERE contact_email = ? OR contact_name = ? OR customer_ref = ? OR delivery_address IS NOT NULL`,
		)
			.bind(CONTACT.email, CONTACT.name, `customer:${customer.id}`)
			.first<{ n: number }>();
		expect(left?.n).toBe(0);
		const anonymised = await env.DB.prepare(
			`SELECT count(*) AS n FROM orders WHERE contact_email = ? AND id IN (SELECT order_id FROM erasure_orders WHERE account_id = ?)`,
		)
			.bind(ERASED_CONTACT.email, customer.id)
			.first<{ n: number }>();
		expect(anonymised?.n).toBe(everyOrder.length);
		const history = await env.DB.prepare("SELECT count(*) AS n FROM customer_order_history WHERE customer_ref = ?")
			.bind(`customer:${customer.id}`)
			.first<{ n: number }>();
		expect(history?.n).toBe(0);
		expect(await notesOf(placed)).toEqual([null, null]);

		for (const orderId of placed) expectNoPersonalData(await objectStorageText(orderId), customer.email);
		const order = await json<{ contact: { name: string; email: string } }>(
			await call(`/api/v1/orders/${placed[1]}`, { headers: STAFF }),
		);
		expect(order.contact).toMatchObject({ name: ERASED_CONTACT.name, email: ERASED_CONTACT.email });

		const tombstone = await tombstoneOf(customer.id);
		expect(tombstone?.orders).toBe(everyOrder.length);
		expect(Date.parse(tombstone?.erased_at ?? "")).toBeGreaterThanOrEqual(before - 1000);
		expect(tombstone?.completed_at).not.toBeNull();
	}, 30_000); // 232 orders, each with its own Durable Object: seconds, not the default 5, on a busy machine.
});

describe("an erasure one invocation cannot finish", () => {
	it("keeps its to-do list in D1, works it off within the budget, and the sweep finishes it", async () => {
		const customer = await registerCustomer();
		await seedProjectedOrders(customer.id, 5);
		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);
		// As if the request had stopped before the orders' objects: the list is still to do.
		await env.DB.batch([
			env.DB.prepare("UPDATE erasure_orders SET forgotten_at = NULL WHERE account_id = ?").bind(customer.id),
			env.DB.prepare("UPDATE account_tombstones SET completed_at = NULL WHERE account_id = ?").bind(customer.id),
		]);

		const partial = await forgetInOrderObjects(env, database(env.DB), sweepLog, { accountId: customer.id, budget: 2 });
		expect(partial).toEqual({ forgotten: 2, pending: 3 });
		expect((await tombstoneOf(customer.id))?.completed_at).toBeNull();

		await finishErasures(env, sweepLog);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 5, completed_at: expect.any(String) });
	});
});

describe("an order whose OrderPlaced reaches D1 after the deletion", () => {
	it("is projected anonymised, joins the erasure, and the sweep rewrites its object", async () => {
		const customer = await registerCustomer();
		const orderId = await placeOrder(customer.accessToken);
		// As if its OrderPlaced were still in the queue: the read models have not seen it yet.
		const stub = env.CARTS.get(env.CARTS.idFromName(orderId));
		const placedEnvelope = await runInDurableObject(stub, (_, state) => {
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
		await env.DB.batch(
			["orders", "order_lines", "order_status_history", "customer_order_history", "processed_events"].map((table) =>
				env.DB.prepare(`DELETE FROM ${table} WHERE ${table === "orders" ? "id" : "order_id"} = ?`).bind(orderId),
			),
		);

		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(customer.accessToken))).status).toBe(204);
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 0 });

		const { result } = await deliverBatch("goodfood-order-events", handleOrderEvents, [placedEnvelope]);
		expect(result.explicitAcks).toHaveLength(1);

		const row = await env.DB.prepare("SELECT contact_name, contact_email, customer_ref FROM orders WHERE id = ?")
			.bind(orderId)
			.first();
		expect(row).toEqual({ contact_name: ERASED_CONTACT.name, contact_email: ERASED_CONTACT.email, customer_ref: null });
		expect(await notesOf([orderId])).toEqual([null]);
		const history = await env.DB.prepare("SELECT count(*) AS n FROM customer_order_history WHERE order_id = ?")
			.bind(orderId)
			.first<{ n: number }>();
		expect(history?.n).toBe(0);
		// Reopened: the order's own object still holds the details until the sweep.
		expect(await tombstoneOf(customer.id)).toMatchObject({ orders: 1, completed_at: null });

		// The ten-minute cron runs the sweep.
		await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: CRONS.erasureSweep }), env);

		expectNoPersonalData(await objectStorageText(orderId), customer.email);
		expect((await tombstoneOf(customer.id))?.completed_at).not.toBeNull();
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
		const row = await env.DB.prepare("SELECT customer_ref FROM orders WHERE id = ?").bind(orderId).first();
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
