/**
 * A customer across regions: one who orders in London (eu) and in New York
 * (us) sees every order in one history and one export, newest first, with a
 * bookmark for each database read; deleting the account anonymises the orders
 * in both regions.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ERASED_CONTACT } from "../src/ordering/domain/erasure";
import { CONTACT, call, json, ORDERABLE, PAY_BY_CARD, send } from "./helpers";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

interface HistoryBody {
	orders: { orderId: string; locationSlug: string; placedAt: string; total: { amount: number; currency: string } }[];
}

async function registerCustomer() {
	const email = `${crypto.randomUUID()}@example.com`;
	const response = await send("POST", "/api/v1/auth/register", { email, password: "correct horse 42", name: "Ada" });
	expect(response.status).toBe(201);
	const body = await json<{ accessToken: string; account: { id: string } }>(response);
	return { id: body.account.id, email, headers: auth(body.accessToken) };
}

/** An order through the public API, as the customer: cart, one line, checkout. */
async function placeOrder(headers: { authorization: string }, location: keyof typeof ORDERABLE): Promise<string> {
	const created = await send("POST", "/api/v1/carts", { locationSlug: location }, headers);
	expect(created.status).toBe(201);
	const cart = await json<{ id: string }>(created);
	expect((await send("POST", `/api/v1/carts/${cart.id}/items`, ORDERABLE[location].line, headers)).status).toBe(201);
	const checkout = await send(
		"POST",
		`/api/v1/carts/${cart.id}/checkout`,
		{
			fulfilment: "pickup",
			contact: CONTACT,
			requestedTime: ORDERABLE[location].requestedTime(),
			payment: PAY_BY_CARD,
		},
		{ ...headers, "idempotency-key": crypto.randomUUID() },
	);
	expect(checkout.status).toBe(201);
	return (await json<{ orderId: string }>(checkout)).orderId;
}

/** Reads until the history holds `count` orders (projection may finish after the checkout answers). */
async function historyOf(headers: Record<string, string>, count: number): Promise<Response> {
	let response = await call("/api/v1/customers/me/orders", { headers });
	for (let attempt = 0; attempt < 50; attempt++) {
		const body = await json<HistoryBody>(response.clone());
		if (body.orders.length >= count) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
		response = await call("/api/v1/customers/me/orders", { headers });
	}
	return response;
}

/** The databases a `x-d1-bookmark` header names. */
function bookmarkedDatabases(header: string | null): string[] {
	return (header ?? "")
		.split(",")
		.filter(Boolean)
		.map((entry) => entry.slice(0, entry.indexOf(":")));
}

/** History rows straight into a region's read model, each a minute apart from `start`, going back. */
async function seedHistory(db: D1Database, region: string, customerRef: string, count: number, start: number) {
	const rows = Array.from({ length: count }, (_, index) => ({
		id: `ord_${region}_${crypto.randomUUID().replaceAll("-", "")}`,
		placedAt: new Date(start - index * 120_000).toISOString(),
	}));
	const statements = rows.map((row) =>
		db
			.prepare(
				`INSERT INTO customer_order_history (customer_ref, order_id, location_slug, placed_at, status, total_minor, currency)
				 VALUES (?, ?, ?, ?, 'delivered', 500, ?)`,
			)
			.bind(
				customerRef,
				row.id,
				region === "eu" ? "london-soho" : "new-york-chelsea",
				row.placedAt,
				region === "eu" ? "GBP" : "USD",
			),
	);
	for (let start = 0; start < statements.length; start += 100) await db.batch(statements.slice(start, start + 100));
	return rows;
}

describe("a customer who orders in London and in New York", () => {
	it("sees both orders in one history, newest first, with a bookmark for the global, eu and us databases", async () => {
		const customer = await registerCustomer();
		const london = await placeOrder(customer.headers, "london-soho");
		const newYork = await placeOrder(customer.headers, "new-york-chelsea");
		expect(london).toMatch(/^ord_eu_[0-9a-f]{32}$/);
		expect(newYork).toMatch(/^ord_us_[0-9a-f]{32}$/);

		const response = await historyOf(customer.headers, 2);
		expect(response.status).toBe(200);
		const history = await json<HistoryBody>(response);
		expect(history.orders.map((order) => [order.orderId, order.locationSlug])).toEqual([
			[newYork, "new-york-chelsea"],
			[london, "london-soho"],
		]);
		expect(history.orders.map((order) => order.total.currency)).toEqual(["USD", "GBP"]);

		const bookmark = response.headers.get("x-d1-bookmark");
		expect(bookmarkedDatabases(bookmark)).toEqual(expect.arrayContaining(["global", "eu", "us"]));

		// Sent back, the header reads at least as new as that answer, in every database it names.
		const again = await call("/api/v1/customers/me/orders", {
			headers: { ...customer.headers, "x-d1-bookmark": String(bookmark) },
		});
		expect(again.status).toBe(200);
		expect((await json<HistoryBody>(again)).orders.map((order) => order.orderId)).toEqual([newYork, london]);
		expect(bookmarkedDatabases(again.headers.get("x-d1-bookmark"))).toEqual(
			expect.arrayContaining(["global", "eu", "us"]),
		);
	});

	it("exports every order of both regions with its lines, newest first", async () => {
		const customer = await registerCustomer();
		const london = await placeOrder(customer.headers, "london-soho");
		const newYork = await placeOrder(customer.headers, "new-york-chelsea");
		await historyOf(customer.headers, 2);

		const exported = await json<{ orders: { id: string; locationSlug: string; lines: { itemId: string }[] }[] }>(
			await call("/api/v1/customers/me/export", { headers: customer.headers }),
		);
		expect(exported.orders.map((order) => order.id)).toEqual([newYork, london]);
		expect(exported.orders.map((order) => order.lines.map((line) => line.itemId))).toEqual([
			["itm-nyc-cold-brew"],
			["itm-ldn-flat-white"],
		]);
	});

	it("deletes the account and finds its orders anonymised in both regions, and its address scrubbed from both logs", async () => {
		const customer = await registerCustomer();
		const london = await placeOrder(customer.headers, "london-soho");
		const newYork = await placeOrder(customer.headers, "new-york-chelsea");
		await historyOf(customer.headers, 2);
		// An e-mail to the customer's address in each region's log, and someone else's that stays.
		const eventIds = { eu: crypto.randomUUID(), us: crypto.randomUUID(), other: crypto.randomUUID() };
		const logRow = (db: D1Database, eventId: string, recipient: string, orderId: string) =>
			db
				.prepare(
					"INSERT INTO notification_log (event_id, channel, recipient, order_id, event_type, status) VALUES (?, 'email', ?, ?, 'OrderPlaced', 'sent')",
				)
				.bind(eventId, recipient, orderId)
				.run();
		await logRow(env.ORDERS_EU, eventIds.eu, customer.email, london);
		await logRow(env.ORDERS_US, eventIds.us, customer.email, newYork);
		await logRow(env.ORDERS_US, eventIds.other, "someone-else@example.com", "ord_us_elsewhere");

		expect((await send("DELETE", "/api/v1/customers/me", undefined, customer.headers)).status).toBe(204);

		for (const [db, orderId] of [
			[env.ORDERS_EU, london],
			[env.ORDERS_US, newYork],
		] as const) {
			const order = await db
				.prepare("SELECT contact_name, contact_email, contact_phone, customer_ref FROM orders WHERE id = ?")
				.bind(orderId)
				.first();
			expect(order).toEqual({
				contact_name: ERASED_CONTACT.name,
				contact_email: ERASED_CONTACT.email,
				contact_phone: ERASED_CONTACT.phone,
				customer_ref: null,
			});
			const history = await db
				.prepare("SELECT count(*) AS n FROM customer_order_history WHERE customer_ref = ?")
				.bind(`customer:${customer.id}`)
				.first<{ n: number }>();
			expect(history?.n).toBe(0);
			const erased = await db
				.prepare("SELECT count(*) AS n FROM erased_accounts WHERE account_id = ?")
				.bind(customer.id)
				.first<{ n: number }>();
			expect(erased?.n).toBe(1);
		}
		const recipients = async (db: D1Database, eventId: string) =>
			(await db.prepare("SELECT recipient FROM notification_log WHERE event_id = ?").bind(eventId).first())?.recipient;
		expect(await recipients(env.ORDERS_EU, eventIds.eu)).toBe(ERASED_CONTACT.email);
		expect(await recipients(env.ORDERS_US, eventIds.us)).toBe(ERASED_CONTACT.email);
		expect(await recipients(env.ORDERS_US, eventIds.other)).toBe("someone-else@example.com");

		const tombstone = await env.DB.prepare("SELECT orders, completed_at FROM account_tombstones WHERE account_id = ?")
			.bind(customer.id)
			.first();
		expect(tombstone).toEqual({ orders: 2, completed_at: expect.any(String) });
		expect((await call("/api/v1/customers/me/orders", { headers: customer.headers })).status).toBe(401);
	});
});

describe("a long history across regions", () => {
	it("shows the newest 200 of all regions together, newest first", async () => {
		const customer = await registerCustomer();
		const ref = `customer:${customer.id}`;
		const now = Date.now();
		// Interleaved in time: eu at even minutes, us at odd ones, 150 each.
		const eu = await seedHistory(env.ORDERS_EU, "eu", ref, 150, now);
		const us = await seedHistory(env.ORDERS_US, "us", ref, 150, now - 60_000);
		const newest200 = [...eu, ...us]
			.sort((a, b) => b.placedAt.localeCompare(a.placedAt))
			.slice(0, 200)
			.map((row) => row.id);

		const history = await json<HistoryBody>(await call("/api/v1/customers/me/orders", { headers: customer.headers }));
		expect(history.orders.map((order) => order.orderId)).toEqual(newest200);
		expect(new Set(history.orders.map((order) => order.locationSlug))).toEqual(
			new Set(["london-soho", "new-york-chelsea"]),
		);
	});
});
