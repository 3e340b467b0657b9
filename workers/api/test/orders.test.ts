/**
 * Checkout and the order's life: exactly one order per Idempotency-Key,
 * refusals that name what is wrong, access only with the tracking token or as
 * staff, and a state machine that says what may come next.
 */
import { describe, expect, it, vi } from "vitest";
import {
	addItem,
	bearer,
	CONTACT,
	call,
	cartWithFlatWhite,
	checkout,
	errorOf,
	json,
	londonLunchTomorrow,
	NEARBY_ADDRESS,
	newCart,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

interface Placed {
	orderId: string;
	status: string;
	trackingToken: string;
}

interface Order {
	id: string;
	status: string;
	contact: { name: string; email?: string };
	totals: { total: { amount: number; currency: string }; deliveryFee: { amount: number } };
	lines: { name: string; quantity: number; options: { name: string }[] }[];
	timeline: { sequence: number; status: string; estimatedReadyAt?: string; reason?: string }[];
	estimatedReadyAt: string | null;
	allowedNext: string[];
}

async function placedOrder(body: Record<string, unknown> = PICKUP_TOMORROW()): Promise<Placed> {
	const { id } = await cartWithFlatWhite();
	const response = await checkout(id, body);
	if (response.status !== 201) throw new Error(`checkout failed: ${response.status} ${await response.text()}`);
	return json<Placed>(response);
}

function staffStatus(orderId: string, body: Record<string, unknown>) {
	return send("POST", `/api/v1/orders/${orderId}/status`, body, STAFF);
}

describe("checkout", () => {
	it("places the order and answers 201 with its id, status and tracking token", async () => {
		const placed = await placedOrder();
		expect(placed.orderId).toMatch(/^ord_eu_[0-9a-f]{32}$/);
		expect(placed.status).toBe("placed");
		expect(placed.trackingToken.length).toBeGreaterThanOrEqual(32);

		const order = await json<Order>(await call(`/api/v1/orders/${placed.orderId}?token=${placed.trackingToken}`));
		expect(order).toMatchObject({ status: "placed", totals: { total: { amount: 760, currency: "GBP" } } });
		expect(order.lines[0]).toMatchObject({ name: "Flat White", quantity: 2, options: [{ name: "Oat milk" }] });
	});

	it("closes the cart: it shows the order and takes no more lines", async () => {
		const cart = await cartWithFlatWhite();
		const { orderId } = await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW()));
		const view = await json<{ status: string; orderId: string }>(await call(`/api/v1/carts/${cart.id}`));
		expect(view).toMatchObject({ status: "checked_out", orderId });
		const more = await addItem(cart.id, { itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"] });
		expect(more.status).toBe(409);
		expect((await errorOf(more)).code).toBe("cart_checked_out");
	});

	it("charges the delivery fee for a delivery inside the radius", async () => {
		const placed = await placedOrder({
			...PICKUP_TOMORROW(),
			fulfilment: "delivery",
			deliveryAddress: NEARBY_ADDRESS,
			tip: { amount: 150, currency: "GBP" },
		});
		const order = await json<Order>(await call(`/api/v1/orders/${placed.orderId}`, { headers: STAFF }));
		expect(order.totals).toMatchObject({ deliveryFee: { amount: 299 }, total: { amount: 760 + 299 + 150 } });
	});
});

describe("checkout refusals store nothing", () => {
	const paris = { ...NEARBY_ADDRESS, latitude: 48.8566, longitude: 2.3522 };
	const cases: [string, Record<string, unknown>, number, string, string?][] = [
		["a negative tip", { tip: { amount: -1, currency: "GBP" } }, 400, "invalid_tip", "tip.amount"],
		["a tip in another currency", { tip: { amount: 100, currency: "USD" } }, 422, "currency_mismatch", "tip.currency"],
		["delivery without an address", { fulfilment: "delivery" }, 400, "delivery_address_required", "deliveryAddress"],
		[
			"delivery outside the radius",
			{ fulfilment: "delivery", deliveryAddress: paris },
			422,
			"outside_delivery_radius",
			"deliveryAddress",
		],
		["a bad email", { contact: { ...CONTACT, email: "not-an-email" } }, 400, "validation_failed", "contact.email"],
		[
			"a time the location is closed",
			{ requestedTime: londonLunchTomorrow().replace("12:00:00", "03:00:00") },
			422,
			"slot_unavailable",
			"requestedTime",
		],
		[
			"a time in the past",
			{ requestedTime: new Date(Date.now() - 3600_000).toISOString() },
			422,
			"slot_unavailable",
			"requestedTime",
		],
	];

	it.each(cases)("%s", async (_, change, status, code, field) => {
		const cart = await cartWithFlatWhite();
		const response = await checkout(cart.id, { ...PICKUP_TOMORROW(), ...change });
		expect(response.status).toBe(status);
		const error = await errorOf(response);
		expect(error.code).toBe(code);
		if (field) expect(error.details?.map((issue) => issue.field)).toContain(field);
		expect((await json<{ status: string }>(await call(`/api/v1/carts/${cart.id}`))).status).toBe("open");
	});

	it("refuses an empty cart with 409", async () => {
		const { id } = await newCart();
		const response = await checkout(id, PICKUP_TOMORROW());
		expect(response.status).toBe(409);
		expect((await errorOf(response)).code).toBe("cart_empty");
	});

	it("refuses without an Idempotency-Key", async () => {
		const cart = await cartWithFlatWhite();
		const response = await send("POST", `/api/v1/carts/${cart.id}/checkout`, PICKUP_TOMORROW());
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("idempotency_key_required");
	});

	it("names the lines whose price changed, reprices the cart, and succeeds on retry", async () => {
		const cart = await cartWithFlatWhite();
		const [line] = (await json<{ lines: { lineId: string }[] }>(await call(`/api/v1/carts/${cart.id}`))).lines;
		await send(
			"PATCH",
			"/api/v1/locations/london-soho/items/itm-ldn-flat-white",
			{ price: { amount: 360, currency: "GBP" } },
			STAFF,
		);
		try {
			const key = crypto.randomUUID();
			const refused = await checkout(cart.id, PICKUP_TOMORROW(), key);
			expect(refused.status).toBe(409);
			const error = await errorOf(refused);
			expect(error.code).toBe("prices_changed");
			expect(error.details).toEqual({
				lines: [
					{
						lineId: line.lineId,
						previousUnitPrice: { amount: 380, currency: "GBP" },
						unitPrice: { amount: 400, currency: "GBP" },
					},
				],
			});
			const view = await json<{ totals: { subtotal: { amount: number } } }>(await call(`/api/v1/carts/${cart.id}`));
			expect(view.totals.subtotal.amount).toBe(800);
			expect((await checkout(cart.id, PICKUP_TOMORROW(), key)).status).toBe(201);
		} finally {
			await send(
				"PATCH",
				"/api/v1/locations/london-soho/items/itm-ldn-flat-white",
				{ price: { amount: 340, currency: "GBP" } },
				STAFF,
			);
		}
	});

	it("names the lines whose item sold out", async () => {
		const cart = await newCart();
		await addItem(cart.id, { itemId: "itm-ldn-full-english", options: ["opt-ldn-full-english-eggs-fried"] });
		const [line] = (await json<{ lines: { lineId: string }[] }>(await call(`/api/v1/carts/${cart.id}`))).lines;
		await send("PUT", "/api/v1/locations/london-soho/items/itm-ldn-full-english/sold-out", { soldOut: true }, STAFF);
		try {
			const response = await checkout(cart.id, PICKUP_TOMORROW());
			expect(response.status).toBe(409);
			expect(await errorOf(response)).toMatchObject({ code: "item_sold_out", details: { lines: [line.lineId] } });
		} finally {
			await send("PUT", "/api/v1/locations/london-soho/items/itm-ldn-full-english/sold-out", { soldOut: false }, STAFF);
		}
	});
});

describe("idempotency", () => {
	it("replays the first answer for the same key and body", async () => {
		const cart = await cartWithFlatWhite();
		const key = crypto.randomUUID();
		const first = await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW(), key));
		const again = await checkout(cart.id, PICKUP_TOMORROW(), key);
		expect(again.status).toBe(201);
		expect(await json<Placed>(again)).toEqual(first);
	});

	it("refuses the same key with a different body with 422", async () => {
		const cart = await cartWithFlatWhite();
		const key = crypto.randomUUID();
		const body = PICKUP_TOMORROW();
		await checkout(cart.id, body, key);
		const response = await checkout(cart.id, { ...body, contact: { ...CONTACT, name: "Someone else" } }, key);
		expect(response.status).toBe(422);
		expect((await errorOf(response)).code).toBe("idempotency_key_reused");
	});

	it("makes one order of two identical checkouts at once", async () => {
		const cart = await cartWithFlatWhite();
		const key = crypto.randomUUID();
		const body = PICKUP_TOMORROW();
		const [a, b] = await Promise.all([checkout(cart.id, body, key), checkout(cart.id, body, key)]);
		expect([a.status, b.status]).toEqual([201, 201]);
		expect((await json<Placed>(a)).orderId).toBe((await json<Placed>(b)).orderId);
	});

	it("refuses a second order from the same cart under a new key", async () => {
		const cart = await cartWithFlatWhite();
		const { orderId } = await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW()));
		const second = await checkout(cart.id, PICKUP_TOMORROW());
		expect(second.status).toBe(409);
		expect(await errorOf(second)).toMatchObject({ code: "cart_checked_out", details: { orderId } });
	});
});

describe("the one-shot order", () => {
	const body = () => ({
		...PICKUP_TOMORROW(),
		locationSlug: "london-soho",
		items: [
			{ itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-whole"] },
			{ itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-soy"], note: "extra hot" },
		],
	});

	it("places an order from the body and replays it for a retry", async () => {
		const key = crypto.randomUUID();
		const first = await send("POST", "/api/v1/orders", body(), { "idempotency-key": key });
		expect(first.status).toBe(201);
		const placed = await json<Placed>(first);
		const retry = await send("POST", "/api/v1/orders", body(), { "idempotency-key": key });
		expect(await json<Placed>(retry)).toEqual(placed);
		const order = await json<Order>(
			await call(`/api/v1/orders/${placed.orderId}`, { headers: { "x-tracking-token": placed.trackingToken } }),
		);
		expect(order.lines.map((line) => line.quantity)).toEqual([1, 1]);
		expect(order.totals.total.amount).toBe(340 + 380);
	});

	it("refuses an item quantity out of range with quantity_out_of_range, naming the item", async () => {
		const bad = { ...body(), items: [{ ...body().items[0], quantity: 1000 }] };
		const response = await send("POST", "/api/v1/orders", bad, { "idempotency-key": crypto.randomUUID() });
		expect(response.status).toBe(400);
		expect(await errorOf(response)).toMatchObject({
			code: "quantity_out_of_range",
			details: [{ field: "items.0.quantity" }],
		});
	});

	it("never hands a signed-in customer's order to another caller reusing their key", async () => {
		const key = crypto.randomUUID();
		const ada = await bearer(PRINCIPALS.customer);
		const first = await send("POST", "/api/v1/orders", body(), { "idempotency-key": key, ...ada });
		expect(first.status).toBe(201);
		const mine = await json<Placed>(first);

		const grace = await bearer({ id: "acc-another-customer", role: "customer", locations: [] });
		for (const headers of [grace, {}]) {
			const other = await send("POST", "/api/v1/orders", body(), { "idempotency-key": key, ...headers });
			expect(other.status).toBe(201);
			const theirs = await json<Placed>(other);
			expect(theirs.orderId).not.toBe(mine.orderId);
			expect(theirs.trackingToken).not.toBe(mine.trackingToken);
		}
		// The owner's own retry still replays the first answer.
		const retry = await send("POST", "/api/v1/orders", body(), { "idempotency-key": key, ...ada });
		expect(await json<Placed>(retry)).toEqual(mine);
	});

	it("refuses a bad line naming it, and places nothing", async () => {
		const key = crypto.randomUUID();
		const bad = { ...body(), items: [...body().items, { itemId: "itm-ldn-flat-white", quantity: 1, options: [] }] };
		const response = await send("POST", "/api/v1/orders", bad, { "idempotency-key": key });
		expect(response.status).toBe(422);
		expect(await errorOf(response)).toMatchObject({ code: "option_required", details: [{ field: "items.2.options" }] });
		// Nothing was stored under the key: the corrected order goes through with it.
		expect((await send("POST", "/api/v1/orders", body(), { "idempotency-key": key })).status).toBe(201);
	});
});

describe("reading an order", () => {
	it("answers 404 without access, with a wrong token, or for an unknown order", async () => {
		const { orderId } = await placedOrder();
		expect((await call(`/api/v1/orders/${orderId}`)).status).toBe(404);
		expect((await call(`/api/v1/orders/${orderId}?token=wrong`)).status).toBe(404);
		expect((await call(`/api/v1/orders/ord_eu_${"0".repeat(32)}`, { headers: STAFF })).status).toBe(404);
	});

	it("shows staff the contact details and the customer only their name", async () => {
		const { orderId, trackingToken } = await placedOrder();
		const staffView = await json<Order>(await call(`/api/v1/orders/${orderId}`, { headers: STAFF }));
		expect(staffView.contact).toEqual(CONTACT);
		const guestView = await json<Order>(await call(`/api/v1/orders/${orderId}?token=${trackingToken}`));
		expect(guestView.contact).toEqual({ name: CONTACT.name });
	});

	it("hides contact details in the event stream from a tracking link, as in the order view", async () => {
		const customer = await bearer(PRINCIPALS.customer);
		const placed = await json<Placed>(
			await send(
				"POST",
				"/api/v1/orders",
				{
					...PICKUP_TOMORROW(),
					locationSlug: "london-soho",
					items: [{ itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"] }],
				},
				{ "idempotency-key": crypto.randomUUID(), ...customer },
			),
		);
		const placedPayload = async (headers: Record<string, string>, query = "") => {
			const response = await call(`/api/v1/orders/${placed.orderId}/events${query}`, { headers });
			expect(response.status).toBe(200);
			const { events } = await json<{ events: { type: string; payload: Record<string, unknown> }[] }>(response);
			return events.find((event) => event.type === "OrderPlaced")?.payload;
		};

		const tracked = await placedPayload({}, `?token=${placed.trackingToken}`);
		expect(tracked).toMatchObject({ contact: { name: CONTACT.name }, locationSlug: "london-soho" });
		expect(tracked?.contact).toEqual({ name: CONTACT.name });
		expect(tracked).not.toHaveProperty("customerId");
		for (const secret of [CONTACT.email, CONTACT.phone]) expect(JSON.stringify(tracked)).not.toContain(secret);

		for (const headers of [STAFF, customer]) {
			expect(await placedPayload(headers)).toMatchObject({ contact: CONTACT, customerId: PRINCIPALS.customer.id });
		}
	});
});

describe("the order through the kitchen", () => {
	it("moves placed → confirmed (ETA) → preparing → ready → picked up, recording each event and capturing the card at handover", async () => {
		const { orderId, trackingToken } = await placedOrder();
		const confirmed = await json<Order>(await staffStatus(orderId, { status: "confirmed", etaMinutes: 20 }));
		expect(confirmed.status).toBe("confirmed");
		expect(Date.parse(confirmed.estimatedReadyAt ?? "") - Date.now()).toBeGreaterThan(19 * 60_000);
		for (const status of ["preparing", "ready", "picked_up"]) {
			expect((await staffStatus(orderId, { status })).status).toBe(200);
		}
		// The capture is asked of the provider after the handover is answered.
		await vi.waitFor(async () => {
			const { events } = await json<{ events: { sequence: number; type: string }[] }>(
				await call(`/api/v1/orders/${orderId}/events?token=${trackingToken}`),
			);
			expect(events.map((event) => [event.sequence, event.type])).toEqual([
				[1, "OrderPlaced"],
				[2, "PaymentAuthorised"],
				[3, "OrderConfirmed"],
				[4, "OrderPreparationStarted"],
				[5, "OrderReady"],
				[6, "OrderPickedUp"],
				[7, "PaymentCaptured"],
			]);
		});
	});

	it("refuses an illegal move with 409 naming the current state and the allowed ones", async () => {
		const { orderId } = await placedOrder();
		const response = await staffStatus(orderId, { status: "ready" });
		expect(response.status).toBe(409);
		expect(await errorOf(response)).toMatchObject({
			code: "illegal_transition",
			details: { current: "placed", requested: "ready", allowed: ["confirmed", "rejected", "cancelled"] },
		});
	});

	it("refuses a pickup order going out for delivery", async () => {
		const { orderId } = await placedOrder();
		for (const body of [{ status: "confirmed", etaMinutes: 10 }, { status: "preparing" }, { status: "ready" }])
			await staffStatus(orderId, body);
		expect((await staffStatus(orderId, { status: "out_for_delivery" })).status).toBe(409);
	});

	it("requires the staff token to change status, and an ETA to confirm", async () => {
		const { orderId } = await placedOrder();
		expect(
			(await send("POST", `/api/v1/orders/${orderId}/status`, { status: "confirmed", etaMinutes: 5 })).status,
		).toBe(401);
		const noEta = await staffStatus(orderId, { status: "confirmed" });
		expect(noEta.status).toBe(400);
		expect((await errorOf(noEta)).details?.map((issue) => issue.field)).toContain("etaMinutes");
	});

	it("lets the customer cancel before confirmation but not after", async () => {
		const early = await placedOrder();
		const cancelled = await send("POST", `/api/v1/orders/${early.orderId}/cancel?token=${early.trackingToken}`, {
			reason: "Changed my mind",
		});
		expect(cancelled.status).toBe(200);
		expect((await json<Order>(cancelled)).timeline.at(-1)).toMatchObject({
			status: "cancelled",
			reason: "Changed my mind",
		});

		const late = await placedOrder();
		await staffStatus(late.orderId, { status: "confirmed", etaMinutes: 15 });
		const refused = await send("POST", `/api/v1/orders/${late.orderId}/cancel?token=${late.trackingToken}`, {});
		expect(refused.status).toBe(409);
		expect((await errorOf(refused)).details).toMatchObject({ current: "confirmed", allowed: [] });
	});

	it("lets staff cancel until the order is ready, and reject a new one with a reason", async () => {
		const preparing = await placedOrder();
		await staffStatus(preparing.orderId, { status: "confirmed", etaMinutes: 15 });
		await staffStatus(preparing.orderId, { status: "preparing" });
		expect((await staffStatus(preparing.orderId, { status: "cancelled", reason: "Out of oat milk" })).status).toBe(200);

		const rejected = await placedOrder();
		const response = await staffStatus(rejected.orderId, { status: "rejected", reason: "Kitchen closed early" });
		expect((await json<Order>(response)).status).toBe("rejected");
	});
});

describe("the read model", () => {
	it("receives a placed order through the queue and lists it for the kitchen", async () => {
		const { orderId } = await placedOrder();
		await staffStatus(orderId, { status: "confirmed", etaMinutes: 12 });
		let listed: { id: string; status: string }[] = [];
		for (
			let attempt = 0;
			attempt < 50 && !listed.some((order) => order.id === orderId && order.status === "confirmed");
			attempt++
		) {
			await new Promise((resolve) => setTimeout(resolve, 100));
			listed = (
				await json<{ orders: { id: string; status: string }[] }>(
					await call("/api/v1/locations/london-soho/orders?status=confirmed", { headers: STAFF }),
				)
			).orders;
		}
		expect(listed.find((order) => order.id === orderId)).toMatchObject({ status: "confirmed" });
	});
});
