/**
 * Paying at checkout, through the simulator's every test card: the order
 * reaches the kitchen only once its card is authorised; a declined card or a
 * failed second step leaves nothing for the kitchen and gives the customer the
 * cart back; pay at pickup goes to the kitchen at once. Then handover
 * captures, rejection releases, and an unpaid order expires.
 */

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { orderIdForCart } from "../src/cart/identity";
import {
	bearer,
	call,
	cartStub,
	cartWithFlatWhite,
	checkout,
	errorOf,
	json,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

const CARDS = {
	succeeds: "pm_sim_4242424242424242",
	insufficientFunds: "pm_sim_4000000000009995",
	requiresAction: "pm_sim_4000000000003220",
	captureFails: "pm_sim_4000000000000341",
};

interface Payment {
	method: string | null;
	status: string;
	amount: { amount: number; currency: string };
	captured: { amount: number };
	refunded: { amount: number };
	failure: { code: string; message: string } | null;
	nextAction: { type: string; url: string } | null;
}

interface Placed {
	orderId: string;
	status: string;
	trackingToken: string;
	payment: Payment;
}

interface Order {
	id: string;
	status: string;
	totals: { total: { amount: number; currency: string } };
	payment: Payment;
}

const byCard = (paymentMethod: string, extra: Record<string, unknown> = {}) => ({
	...PICKUP_TOMORROW(),
	payment: { method: "card", paymentMethod, ...extra },
});

async function pay(paymentMethod: string, extra: Record<string, unknown> = {}) {
	const cart = await cartWithFlatWhite();
	const response = await checkout(cart.id, byCard(paymentMethod, extra));
	return { cart, response };
}

async function paid(paymentMethod = CARDS.succeeds): Promise<Placed> {
	const { response } = await pay(paymentMethod);
	expect(response.status).toBe(201);
	return json<Placed>(response);
}

async function orderOf(placed: Placed): Promise<Order> {
	return json<Order>(await call(`/api/v1/orders/${placed.orderId}?token=${placed.trackingToken}`));
}

async function eventTypes(placed: Placed): Promise<string[]> {
	const { events } = await json<{ events: { type: string }[] }>(
		await call(`/api/v1/orders/${placed.orderId}/events?token=${placed.trackingToken}`),
	);
	return events.map((event) => event.type);
}

/** Whether the kitchen's order list (the read model staff read) holds the order. */
async function kitchenSees(orderId: string): Promise<boolean> {
	const response = await call("/api/v1/locations/london-soho/orders?limit=200", { headers: STAFF });
	expect(response.status).toBe(200);
	const { orders } = await json<{ orders: { id: string }[] }>(response);
	return orders.some((order) => order.id === orderId);
}

function staffStatus(orderId: string, body: Record<string, unknown>) {
	return send("POST", `/api/v1/orders/${orderId}/status`, body, STAFF);
}

const intentOf = (url: string) => url.split("/pay/simulator/")[1]?.split("?")[0] ?? "";

function simulatorIntent(intentId: string) {
	return env.PAYMENT_SIMULATOR.get(env.PAYMENT_SIMULATOR.idFromName(intentId));
}

/** Webhooks arrive a second after the simulator's change, as a provider's do. */
const WEBHOOK_WAIT = { timeout: 8_000, interval: 100 };

describe("paying by card at checkout", () => {
	it("authorises the success card at once: the order is placed, projected and on the kitchen's list", async () => {
		const placed = await paid();
		expect(placed.status).toBe("placed");
		expect(placed.payment).toMatchObject({ method: "card", status: "authorised", failure: null, nextAction: null });
		const order = await orderOf(placed);
		expect(order.payment.amount).toEqual(order.totals.total);
		expect(await eventTypes(placed)).toEqual(["OrderPlaced", "PaymentAuthorised"]);
		expect(await kitchenSees(placed.orderId)).toBe(true);
	});

	it("refuses a declined card with 402 next to the card field, places nothing and reopens the cart", async () => {
		const { cart, response } = await pay(CARDS.insufficientFunds);
		expect(response.status).toBe(402);
		const error = await errorOf(response);
		expect(error.code).toBe("payment_declined");
		expect(error.message).toMatch(/insufficient funds/i);
		expect(error.details).toEqual([expect.objectContaining({ field: "payment.paymentMethod" })]);

		const reopened = await json<{ status: string }>(await call(`/api/v1/carts/${cart.id}`));
		expect(reopened.status).toBe("open");
		const orderId = await orderIdForCart(cart.id);
		expect(await kitchenSees(orderId)).toBe(false);

		// Another card, a new attempt: the same order id, now paid and on the kitchen's list.
		const retried = await checkout(cart.id, byCard(CARDS.succeeds));
		expect(retried.status).toBe(201);
		const placed = await json<Placed>(retried);
		expect(placed.orderId).toBe(orderId);
		expect(await eventTypes(placed)).toEqual(["OrderPlaced", "PaymentFailed", "OrderPlaced", "PaymentAuthorised"]);
		expect(await kitchenSees(placed.orderId)).toBe(true);
	});

	it("sends the 3-D Secure card to its second step, and places the order when the customer completes it", async () => {
		const placed = await paid(CARDS.requiresAction);
		expect(placed.status).toBe("awaiting_payment");
		expect(placed.payment.status).toBe("requires_action");
		expect(placed.payment.nextAction?.url).toMatch(/^\/pay\/simulator\/pi_sim_[0-9a-f]{24}\?return=/);
		expect((await orderOf(placed)).status).toBe("awaiting_payment");
		expect(await kitchenSees(placed.orderId)).toBe(false);

		const intentId = intentOf(placed.payment.nextAction?.url ?? "");
		const approved = await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, {
			outcome: "approve",
		});
		expect(approved.status).toBe(200);
		// The simulator's webhook tells GoodFood, asynchronously.
		await vi.waitFor(async () => expect((await orderOf(placed)).status).toBe("placed"), WEBHOOK_WAIT);
		expect((await orderOf(placed)).payment.status).toBe("authorised");
		await vi.waitFor(async () => expect(await kitchenSees(placed.orderId)).toBe(true), WEBHOOK_WAIT);
	});

	it("fails the order whose second step fails, and gives the cart back", async () => {
		const cart = await cartWithFlatWhite();
		const key = crypto.randomUUID();
		const placed = await json<Placed>(await checkout(cart.id, byCard(CARDS.requiresAction), key));
		const intentId = intentOf(placed.payment.nextAction?.url ?? "");
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "fail" });
		await vi.waitFor(async () => expect((await orderOf(placed)).status).toBe("payment_failed"), WEBHOOK_WAIT);
		const order = await orderOf(placed);
		expect(order.payment.failure?.code).toBe("authentication_failed");
		expect((await json<{ status: string }>(await call(`/api/v1/carts/${cart.id}`))).status).toBe("open");
		expect(await kitchenSees(placed.orderId)).toBe(false);
		// The same request again is a new attempt, not the failed one replayed.
		const again = await checkout(cart.id, byCard(CARDS.requiresAction), key);
		expect(again.status).toBe(201);
		expect(await json<Placed>(again)).toMatchObject({
			status: "awaiting_payment",
			payment: { status: "requires_action" },
		});
	});

	it("refuses an amount that is not the order's total, or another currency, and changes nothing", async () => {
		const cart = await cartWithFlatWhite();
		const wrongAmount = await checkout(cart.id, byCard(CARDS.succeeds, { amount: { amount: 1, currency: "GBP" } }));
		expect(wrongAmount.status).toBe(409);
		expect((await errorOf(wrongAmount)).code).toBe("payment_amount_mismatch");
		const wrongCurrency = await checkout(cart.id, byCard(CARDS.succeeds, { amount: { amount: 1, currency: "USD" } }));
		expect(wrongCurrency.status).toBe(422);
		expect((await errorOf(wrongCurrency)).code).toBe("payment_currency_mismatch");
		const open = await json<{ status: string; totals: { total: { amount: number; currency: string } } }>(
			await call(`/api/v1/carts/${cart.id}`),
		);
		expect(open.status).toBe("open");
		// The amount the customer was shown is accepted.
		const right = await checkout(cart.id, byCard(CARDS.succeeds, { amount: open.totals.total }));
		expect(right.status).toBe(201);
	});

	it("expires an order left unpaid for 15 minutes: the cart opens again and nothing reaches the kitchen", async () => {
		const cart = await cartWithFlatWhite();
		const placed = await json<Placed>(await checkout(cart.id, byCard(CARDS.requiresAction)));
		const stub = cartStub(placed.orderId);
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec("UPDATE cart SET payment_due_at = ?", Date.now() - 1);
		});
		await runDurableObjectAlarm(stub);
		const order = await orderOf(placed);
		expect(order.status).toBe("payment_failed");
		expect(order.payment.failure?.code).toBe("expired");
		expect((await json<{ status: string }>(await call(`/api/v1/carts/${cart.id}`))).status).toBe("open");
		expect(await kitchenSees(placed.orderId)).toBe(false);
	});
});

describe("paying at the counter", () => {
	it("sends a pay-at-pickup order to the kitchen at once, and records the money at handover", async () => {
		const cart = await cartWithFlatWhite();
		const response = await checkout(cart.id, { ...PICKUP_TOMORROW(), payment: { method: "pay_at_pickup" } });
		expect(response.status).toBe(201);
		const placed = await json<Placed>(response);
		expect(placed.payment).toMatchObject({ method: "pay_at_pickup", status: "due_at_pickup" });
		expect(await kitchenSees(placed.orderId)).toBe(true);
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			expect((await staffStatus(placed.orderId, { status, etaMinutes: 10 })).status).toBe(200);
		}
		const order = await orderOf(placed);
		expect(order.payment.status).toBe("collected");
		expect(order.payment.captured.amount).toBe(order.totals.total.amount);
	});

	it("is refused for delivery, and where the location does not offer it", async () => {
		const cart = await cartWithFlatWhite();
		const delivery = await checkout(cart.id, {
			...PICKUP_TOMORROW(),
			fulfilment: "delivery",
			deliveryAddress: {
				line1: "1 Dean St",
				city: "London",
				postcode: "W1D 3RB",
				latitude: 51.514,
				longitude: -0.132,
			},
			payment: { method: "pay_at_pickup" },
		});
		expect(delivery.status).toBe(400);
		expect((await errorOf(delivery)).details).toEqual([expect.objectContaining({ field: "payment.method" })]);
	});
});

describe("settling the payment as the order moves", () => {
	it("captures the card at handover", async () => {
		const placed = await paid();
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			expect((await staffStatus(placed.orderId, { status, etaMinutes: 10 })).status).toBe(200);
		}
		await vi.waitFor(async () => expect((await orderOf(placed)).payment.status).toBe("captured"), WEBHOOK_WAIT);
		const order = await orderOf(placed);
		expect(order.payment.captured).toEqual(order.totals.total);
	});

	it("releases the authorisation of a rejected order, and nothing is captured", async () => {
		const placed = await paid();
		expect((await staffStatus(placed.orderId, { status: "rejected", reason: "Out of oat milk" })).status).toBe(200);
		await vi.waitFor(async () => expect((await orderOf(placed)).payment.status).toBe("voided"), WEBHOOK_WAIT);
		expect((await orderOf(placed)).payment.captured.amount).toBe(0);
	});

	it("retries a capture the provider fails, without recording it, and keeps the authorisation", async () => {
		const placed = await paid(CARDS.captureFails);
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			await staffStatus(placed.orderId, { status, etaMinutes: 10 });
		}
		const stub = cartStub(placed.orderId);
		await vi.waitFor(async () => {
			const jobs = await runInDurableObject(stub, (_, state) =>
				state.storage.sql
					.exec<{ kind: string; attempts: number; last_error: string }>(
						"SELECT kind, attempts, last_error FROM payment_jobs",
					)
					.toArray(),
			);
			expect(jobs).toEqual([expect.objectContaining({ kind: "capture", attempts: 1 })]);
			expect(jobs[0]?.last_error).toMatch(/processing_error/);
		}, WEBHOOK_WAIT);
		expect((await orderOf(placed)).payment.status).toBe("authorised");
	});
});

describe("refunds by staff", () => {
	async function handedOver(): Promise<{ placed: Placed; total: number }> {
		const placed = await paid();
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			await staffStatus(placed.orderId, { status, etaMinutes: 10 });
		}
		await vi.waitFor(async () => expect((await orderOf(placed)).payment.status).toBe("captured"), WEBHOOK_WAIT);
		return { placed, total: (await orderOf(placed)).totals.total.amount };
	}

	const refund = async (orderId: string, body: Record<string, unknown>, key = crypto.randomUUID()) =>
		send("POST", `/api/v1/orders/${orderId}/refunds`, body, {
			...(await bearer(PRINCIPALS.manager)),
			"idempotency-key": key,
		});

	it("refunds part of a handed-over order with a reason, once per key, and never more than is left", async () => {
		const { placed, total } = await handedOver();
		const key = crypto.randomUUID();
		const first = await refund(placed.orderId, { amount: 100, reason: "Cold coffee" }, key);
		expect(first.status).toBe(201);
		const body = await json<{ refund: { amount: { amount: number }; reason: string }; payment: Payment }>(first);
		expect(body.refund).toMatchObject({ amount: { amount: 100 }, reason: "Cold coffee" });
		expect(body.payment).toMatchObject({ status: "partially_refunded", refunded: { amount: 100 } });

		const replay = await refund(placed.orderId, { amount: 100, reason: "Cold coffee" }, key);
		expect(replay.status).toBe(201);
		expect((await orderOf(placed)).payment.refunded.amount).toBe(100);

		const tooMuch = await refund(placed.orderId, { amount: total, reason: "Everything" });
		expect(tooMuch.status).toBe(409);
		expect((await errorOf(tooMuch)).code).toBe("refund_exceeds_remaining");
		expect((await orderOf(placed)).payment.refunded.amount).toBe(100);
	});

	it("gives exactly one of two concurrent refunds that together exceed the payment", async () => {
		const { placed, total } = await handedOver();
		const share = Math.ceil(total * 0.6);
		const answers = await Promise.all([
			refund(placed.orderId, { amount: share, reason: "Late" }),
			refund(placed.orderId, { amount: share, reason: "Late" }),
		]);
		expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409]);
		expect((await orderOf(placed)).payment.refunded.amount).toBe(share);
	});

	it("captures once and never refunds more than captured when the handover and a refund come at once", async () => {
		const placed = await paid();
		for (const status of ["confirmed", "preparing", "ready"]) {
			await staffStatus(placed.orderId, { status, etaMinutes: 10 });
		}
		const [handover, early] = await Promise.all([
			staffStatus(placed.orderId, { status: "picked_up" }),
			refund(placed.orderId, { amount: 100, reason: "Spilt" }),
		]);
		expect(handover.status).toBe(200);
		// Decided against the payment as it was: refused before the capture landed, or taken from it after.
		if (early.status === 409) expect((await errorOf(early)).code).toBe("payment_not_captured");
		else expect(early.status).toBe(201);
		await vi.waitFor(
			async () => expect((await orderOf(placed)).payment.captured.amount).toBeGreaterThan(0),
			WEBHOOK_WAIT,
		);
		const late = await refund(placed.orderId, { amount: 100, reason: "Spilt" });
		expect(late.status).toBe(201);
		// The capture's webhook comes too; it changes nothing.
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		const order = await orderOf(placed);
		expect(order.payment.captured).toEqual(order.totals.total);
		expect(order.payment.refunded.amount).toBe(early.status === 201 ? 200 : 100);
		expect((await eventTypes(placed)).filter((type) => type === "PaymentCaptured")).toHaveLength(1);
	}, 15_000);

	it("refuses a refund before the payment is captured, and to kitchen staff", async () => {
		const placed = await paid();
		const early = await refund(placed.orderId, { reason: "Changed mind" });
		expect(early.status).toBe(409);
		expect((await errorOf(early)).code).toBe("payment_not_captured");
		const kitchen = await send(
			"POST",
			`/api/v1/orders/${placed.orderId}/refunds`,
			{ reason: "x" },
			{ ...(await bearer(PRINCIPALS.kitchen)), "idempotency-key": crypto.randomUUID() },
		);
		expect(kitchen.status).toBe(403);
	});
});

describe("reconciliation", () => {
	it("settles an intent stuck at its second step from the provider's own view when its webhook never came", async () => {
		const placed = await paid(CARDS.requiresAction);
		const intentId = intentOf(placed.payment.nextAction?.url ?? "");
		const simulator = simulatorIntent(intentId);
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "approve" });
		// The webhook is lost on its way.
		await runInDurableObject(simulator, (_, state) => {
			state.storage.sql.exec("DELETE FROM pending_deliveries");
		});
		expect((await orderOf(placed)).status).toBe("awaiting_payment");
		const reconciled = await cartStub(placed.orderId).reconcilePayment();
		expect(reconciled).toEqual({ ok: true, value: { status: "authorised", changed: true } });
		expect((await orderOf(placed)).status).toBe("placed");
	});
});
