/**
 * The payment simulator, as GoodFood's checkout and webhook route use it:
 * every test card's authorisation, idempotent steps by key, the limits on
 * capture and refund, signed webhooks posted to the worker's own fetch
 * handler (retried when refused, duplicated or reversed when asked), the
 * signature check that refuses forgeries and replays, and the second-step
 * routes the storefront's simulator page calls.
 */

import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
	DELIVERY_BACKOFF_MS,
	MAX_DELIVERY_ATTEMPTS,
	type PaymentSimulator,
} from "../../../durable-objects/src/payment-simulator";
import { app } from "../src/app";
import { type AuthorisationRequest, paymentKeys, WebhookSignatureError } from "../src/payments/provider";
import { simulatorPaymentMethod, TEST_CARDS } from "../src/payments/simulator/cards";
import { intentIdFor } from "../src/payments/simulator/intent";
import { SimulatorProvider, simulatorIntent } from "../src/payments/simulator/provider";
import { SIGNATURE_HEADER, SIMULATOR_WEBHOOK_PATH, signatureHeader } from "../src/payments/simulator/webhooks";
import { call, errorOf, json, send } from "./helpers";

const provider = new SimulatorProvider(env);
const SECRET = env.PAYMENT_SIMULATOR_SECRET as string;

function authorisation(card: string, overrides: Partial<AuthorisationRequest> = {}): AuthorisationRequest {
	const orderId = `ord_${crypto.randomUUID()}`;
	return {
		orderId,
		attempt: 1,
		amount: 1250,
		currency: "GBP",
		paymentMethod: simulatorPaymentMethod(card),
		returnUrl: `/orders/${orderId}`,
		idempotencyKey: paymentKeys.authorise(orderId, 1),
		...overrides,
	};
}

type Stub = DurableObjectStub<PaymentSimulator>;

/** The object for the intent a request's key will make, before or after it exists. */
async function intentFor(request: AuthorisationRequest): Promise<{ intentId: string; stub: Stub }> {
	const intentId = await intentIdFor(request.idempotencyKey);
	return { intentId, stub: simulatorIntent(env, intentId) };
}

/** A delivery as the route received it (read inside the object: a body cannot cross objects). */
interface Received {
	path: string;
	headers: Headers;
	body: string;
}

/**
 * Plays GoodFood's webhook route with the given answers (the last repeats),
 * keeping every request it is sent.
 */
async function fakeRoute(stub: Stub, ...statuses: number[]): Promise<Received[]> {
	const received: Received[] = [];
	await runInDurableObject(stub, (instance: PaymentSimulator) => {
		instance.webhookTransport = async (request) => {
			received.push({
				path: new URL(request.url).pathname,
				headers: new Headers(request.headers),
				body: await request.text(),
			});
			const status = statuses.length > 1 ? (statuses.shift() as number) : (statuses[0] ?? 200);
			return new Response(null, { status });
		};
	});
	return received;
}

/** An authorised intent on the success card, its webhooks answered 200. */
async function authorised(amount = 1250) {
	const request = authorisation(TEST_CARDS.succeeds, { amount });
	const { intentId, stub } = await intentFor(request);
	const received = await fakeRoute(stub, 200);
	expect(await provider.authorise(request)).toMatchObject({ status: "authorised", intentId });
	return { request, intentId, stub, received };
}

async function deliveredEventIds(stub: Stub): Promise<string[]> {
	return (await stub.webhookLog()).deliveries.map((delivery) => delivery.eventId);
}

describe("the test cards", () => {
	it("4242 4242 4242 4242 authorises the amount, which waits to be captured", async () => {
		const request = authorisation(TEST_CARDS.succeeds);
		const result = await provider.authorise(request);
		expect(result).toEqual({
			status: "authorised",
			intentId: await intentIdFor(request.idempotencyKey),
			amount: 1250,
			currency: "GBP",
		});
		if (result.status !== "authorised") throw new Error("not authorised");
		expect(await provider.retrieve(result.intentId)).toEqual({
			intentId: result.intentId,
			status: "requires_capture",
			amount: 1250,
			currency: "GBP",
			amountCapturable: 1250,
			amountReceived: 0,
			amountRefunded: 0,
			orderId: request.orderId,
			attempt: 1,
		});
	});

	it("4000 0000 0000 9995 is declined for insufficient funds", async () => {
		const request = authorisation(TEST_CARDS.insufficientFunds);
		const result = await provider.authorise(request);
		expect(result).toEqual({
			status: "declined",
			intentId: await intentIdFor(request.idempotencyKey),
			code: "insufficient_funds",
			message: "Your card has insufficient funds.",
		});
		expect(await provider.retrieve(result.intentId as string)).toMatchObject({
			status: "requires_payment_method",
			amountCapturable: 0,
		});
	});

	it("4000 0000 0000 0002, and any valid number that is not a test card, is declined card_declined", async () => {
		for (const card of [TEST_CARDS.declined, "5555555555554444"]) {
			const result = await provider.authorise(authorisation(card));
			expect(result).toMatchObject({ status: "declined", code: "card_declined" });
			expect(result.intentId).toMatch(/^pi_sim_[0-9a-f]{24}$/);
		}
	});

	it("an unreadable token is declined invalid_number, and no intent is made", async () => {
		for (const paymentMethod of ["pm_sim_4242", "pm_card_visa", "pm_sim_4242424242424241"]) {
			const request = { ...authorisation(TEST_CARDS.succeeds), paymentMethod };
			expect(await provider.authorise(request)).toEqual({
				status: "declined",
				intentId: null,
				code: "invalid_number",
				message: "The card number is not a valid credit card number.",
			});
			expect(await provider.retrieve(await intentIdFor(request.idempotencyKey))).toBeNull();
		}
	});

	it("4000 0000 0000 3220 needs a second step, on the simulator's page, which comes back to the return URL", async () => {
		const request = authorisation(TEST_CARDS.requiresAction, { returnUrl: "/orders/o1?step=paid&x=1" });
		const intentId = await intentIdFor(request.idempotencyKey);
		expect(await provider.authorise(request)).toEqual({
			status: "requires_action",
			intentId,
			actionUrl: `/pay/simulator/${intentId}?return=%2Forders%2Fo1%3Fstep%3Dpaid%26x%3D1`,
		});
		expect(await provider.retrieve(intentId)).toMatchObject({ status: "requires_action", amountCapturable: 0 });
	});

	it("4000 0000 0000 0341 authorises, but every capture fails and may be retried; nothing is captured", async () => {
		const request = authorisation(TEST_CARDS.captureFails);
		const result = await provider.authorise(request);
		expect(result).toMatchObject({ status: "authorised", amount: 1250 });
		const intentId = result.intentId as string;
		const failure = {
			status: "failed",
			code: "processing_error",
			message: "An error occurred while processing your card. Try again in a little bit.",
		};
		expect(await provider.capture(intentId, 1250, paymentKeys.capture(request.orderId))).toEqual(failure);
		expect(await provider.capture(intentId, 1250, paymentKeys.capture(request.orderId))).toEqual(failure);
		expect(await provider.capture(intentId, 1250, "another key")).toEqual(failure);
		expect(await provider.retrieve(intentId)).toMatchObject({
			status: "requires_capture",
			amountCapturable: 1250,
			amountReceived: 0,
		});
		// The authorisation can still be released.
		expect(await provider.void(intentId, paymentKeys.void(request.orderId))).toEqual({
			status: "succeeded",
			amount: 1250,
		});
	});
});

describe("idempotency keys", () => {
	it("a retried authorisation with the same key reaches the same intent and gets the same answer", async () => {
		const { request, intentId, stub } = await authorised();
		expect(await provider.authorise(request)).toEqual({
			status: "authorised",
			intentId,
			amount: 1250,
			currency: "GBP",
		});
		expect((await stub.webhookLog()).events.map((event) => event.type)).toEqual([
			"payment_intent.amount_capturable_updated",
		]);
		// A declined card's retry is declined again, with the same intent.
		const declined = authorisation(TEST_CARDS.insufficientFunds);
		const first = await provider.authorise(declined);
		expect(await provider.authorise(declined)).toEqual(first);
	});

	it("the same key with a different amount is refused, as Stripe refuses a reused key", async () => {
		const { request } = await authorised();
		await expect(provider.authorise({ ...request, amount: 999 })).rejects.toThrow(/reused with different parameters/);
	});

	it("a capture retried with its key answers the first result; a second capture with a new key is refused", async () => {
		const { request, intentId, stub } = await authorised();
		const key = paymentKeys.capture(request.orderId);
		expect(await provider.capture(intentId, 1250, key)).toEqual({ status: "succeeded", amount: 1250 });
		expect(await provider.capture(intentId, 1250, key)).toEqual({ status: "succeeded", amount: 1250 });
		expect(await provider.capture(intentId, 1250, "a new key")).toMatchObject({
			status: "refused",
			code: "already_captured",
		});
		expect(await provider.retrieve(intentId)).toMatchObject({ status: "succeeded", amountReceived: 1250 });
		expect((await stub.webhookLog()).events.map((event) => event.type)).toEqual([
			"payment_intent.amount_capturable_updated",
			"payment_intent.succeeded",
		]);
	});

	it("a refund retried with its key is the same refund, once", async () => {
		const { request, intentId, stub } = await authorised();
		await provider.capture(intentId, 1250, paymentKeys.capture(request.orderId));
		const key = paymentKeys.refund(request.orderId, 1);
		const first = await provider.refund(intentId, 300, "cold chips", key);
		expect(first).toEqual({ status: "succeeded", amount: 300, refundId: expect.stringMatching(/^re_sim_/) });
		expect(await provider.refund(intentId, 300, "cold chips", key)).toEqual(first);
		expect(await provider.retrieve(intentId)).toMatchObject({ amountRefunded: 300 });
		expect((await stub.webhookLog()).events.filter((event) => event.type === "charge.refunded")).toHaveLength(1);
	});

	it("a key used for one kind of step cannot be replayed as another", async () => {
		const { request, intentId } = await authorised();
		const key = paymentKeys.capture(request.orderId);
		await provider.capture(intentId, 1250, key);
		await expect(provider.refund(intentId, 100, "x", key)).rejects.toThrow(/was used for a capture/);
	});
});

describe("capture, void and refund limits", () => {
	it("captures part of the authorisation, never more, and releases the rest", async () => {
		const { intentId } = await authorised(1000);
		expect(await provider.capture(intentId, 1001, "too much")).toMatchObject({
			status: "refused",
			code: "amount_too_large",
		});
		expect(await provider.capture(intentId, 0, "nothing")).toMatchObject({ status: "refused", code: "invalid_amount" });
		expect(await provider.capture(intentId, 600, "part")).toEqual({ status: "succeeded", amount: 600 });
		expect(await provider.retrieve(intentId)).toMatchObject({
			status: "succeeded",
			amountCapturable: 0,
			amountReceived: 600,
		});
	});

	it("refunds part at a time, never more than was captured, and nothing before capture", async () => {
		const { request, intentId } = await authorised(1000);
		expect(await provider.refund(intentId, 100, "early", "r0")).toMatchObject({
			status: "refused",
			code: "not_captured",
		});
		await provider.capture(intentId, 800, paymentKeys.capture(request.orderId));
		expect(await provider.refund(intentId, 500, "cold", "r1")).toMatchObject({ status: "succeeded", amount: 500 });
		expect(await provider.refund(intentId, 301, "late", "r2")).toEqual({
			status: "refused",
			code: "amount_too_large",
			message: "Only 300 is left to refund; 301 was asked for.",
		});
		expect(await provider.refund(intentId, 300, "late", "r3")).toMatchObject({ status: "succeeded", amount: 300 });
		expect(await provider.refund(intentId, 1, "more", "r4")).toMatchObject({
			status: "refused",
			code: "charge_already_refunded",
		});
		expect(await provider.retrieve(intentId)).toMatchObject({ amountReceived: 800, amountRefunded: 800 });
	});

	it("voids an authorisation once; a captured payment cannot be voided, nor a voided one captured", async () => {
		const voided = await authorised();
		expect(await provider.void(voided.intentId, "v1")).toEqual({ status: "succeeded", amount: 1250 });
		expect(await provider.void(voided.intentId, "v1")).toEqual({ status: "succeeded", amount: 1250 });
		expect(await provider.void(voided.intentId, "v2")).toMatchObject({ status: "refused", code: "already_canceled" });
		expect(await provider.capture(voided.intentId, 1250, "c1")).toMatchObject({
			status: "refused",
			code: "already_canceled",
		});
		expect(await provider.retrieve(voided.intentId)).toMatchObject({ status: "canceled", amountCapturable: 0 });

		const captured = await authorised();
		await provider.capture(captured.intentId, 1250, "c1");
		expect(await provider.void(captured.intentId, "v1")).toMatchObject({ status: "refused", code: "already_captured" });
	});

	it("an intent the simulator never made is refused, and reads as null", async () => {
		const unknown = await intentIdFor(`never-${crypto.randomUUID()}`);
		expect(await provider.capture(unknown, 100, "k")).toMatchObject({ status: "refused", code: "resource_missing" });
		expect(await provider.refund("pi_not_ours", 100, "x", "k")).toMatchObject({ code: "resource_missing" });
		expect(await provider.retrieve(unknown)).toBeNull();
		expect(await provider.retrieve("pi_3Nz_stripe")).toBeNull();
	});

	it("refuses to start without its signing secret", () => {
		const unset = { ...env, PAYMENT_SIMULATOR_SECRET: undefined } as Env;
		expect(() => new SimulatorProvider(unset)).toThrow(/PAYMENT_SIMULATOR_SECRET is not set/);
	});
});

describe("webhooks", () => {
	it("are posted after the call answered, through the worker's own fetch handler, to the webhook route", async () => {
		const request = authorisation(TEST_CARDS.succeeds);
		const result = await provider.authorise(request);
		const stub = simulatorIntent(env, result.intentId as string);
		expect((await stub.webhookLog()).deliveries).toEqual([]);

		expect(await runDurableObjectAlarm(stub)).toBe(true);
		const { events, deliveries } = await stub.webhookLog();
		expect(deliveries).toHaveLength(1);
		expect(deliveries[0]).toMatchObject({ eventId: events[0].id, attempt: 1, error: null });
		// Answered by GoodFood's gateway, whatever the route said.
		expect(deliveries[0].status).toEqual(expect.any(Number));
		expect(deliveries[0].requestId).toEqual(expect.any(String));
	});

	it("are signed so that parseWebhook accepts them, and read in GoodFood's terms", async () => {
		const { request, intentId, stub, received } = await authorised();
		await provider.capture(intentId, 1000, paymentKeys.capture(request.orderId));
		await provider.refund(intentId, 250, "missing sauce", paymentKeys.refund(request.orderId, 1));
		await runDurableObjectAlarm(stub);

		expect(received.map((delivery) => delivery.path)).toEqual([
			SIMULATOR_WEBHOOK_PATH,
			SIMULATOR_WEBHOOK_PATH,
			SIMULATOR_WEBHOOK_PATH,
		]);
		expect(received[0].headers.get(SIGNATURE_HEADER)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
		const parsed = [];
		for (const delivery of received) parsed.push(await provider.parseWebhook(delivery.body, delivery.headers));
		const order = { intentId, orderId: request.orderId, attempt: 1, currency: "GBP" };
		expect(parsed).toEqual([
			{
				...order,
				id: expect.stringMatching(/^evt_sim_/),
				kind: "authorised",
				amount: 1250,
				occurredAt: expect.any(String),
			},
			{
				...order,
				id: expect.stringMatching(/^evt_sim_/),
				kind: "captured",
				amount: 1000,
				occurredAt: expect.any(String),
			},
			{
				...order,
				id: expect.stringMatching(/^evt_sim_/),
				kind: "refunded",
				amount: 250,
				refundId: expect.stringMatching(/^re_sim_/),
				occurredAt: expect.any(String),
			},
		]);
		expect(new Set(parsed.map((event) => event?.id)).size).toBe(3);
	});

	it("tell of a decline, a void and a failed second step; a second step's start is not GoodFood's business", async () => {
		const declined = authorisation(TEST_CARDS.insufficientFunds);
		const voided = authorisation(TEST_CARDS.succeeds);
		const failed = authorisation(TEST_CARDS.requiresAction);
		const stubs = await Promise.all([declined, voided, failed].map(async (request) => (await intentFor(request)).stub));
		const received = await Promise.all(stubs.map((stub) => fakeRoute(stub, 200)));
		await provider.authorise(declined);
		const { intentId } = (await provider.authorise(voided)) as { intentId: string };
		await provider.void(intentId, paymentKeys.void(voided.orderId));
		await provider.authorise(failed);
		expect(await stubs[2].authenticate("fail")).toEqual({ outcome: "completed", status: "requires_payment_method" });
		for (const stub of stubs) await runDurableObjectAlarm(stub);

		const read = async (deliveries: Received[]) =>
			Promise.all(deliveries.map((delivery) => provider.parseWebhook(delivery.body, delivery.headers)));
		expect(await read(received[0])).toEqual([
			expect.objectContaining({
				kind: "failed",
				amount: 1250,
				failure: { code: "insufficient_funds", message: "Your card has insufficient funds." },
			}),
		]);
		expect(await read(received[1])).toEqual([
			expect.objectContaining({ kind: "authorised" }),
			expect.objectContaining({ kind: "voided", amount: 1250 }),
		]);
		expect(await read(received[2])).toEqual([
			null,
			expect.objectContaining({ kind: "failed", failure: expect.objectContaining({ code: "authentication_failed" }) }),
		]);
	});

	it("a delivery that does not get a 2xx is retried with backoff, then given up", async () => {
		const request = authorisation(TEST_CARDS.succeeds);
		const { stub } = await intentFor(request);
		await fakeRoute(stub, 500, 503, 200);
		await provider.authorise(request);
		await runDurableObjectAlarm(stub);

		const pending = () =>
			runInDurableObject(stub, (_, state) =>
				state.storage.sql
					.exec<{ attempts: number; next_attempt_at: number }>(
						"SELECT attempts, next_attempt_at FROM pending_deliveries",
					)
					.toArray(),
			);
		const [waiting] = await pending();
		expect(waiting.attempts).toBe(1);
		expect(waiting.next_attempt_at - Date.now()).toBeGreaterThan(DELIVERY_BACKOFF_MS[0] - 1000);
		expect(await runInDurableObject(stub, (_, state) => state.storage.getAlarm())).toBe(waiting.next_attempt_at);

		// Not due yet: the alarm leaves it be.
		await runDurableObjectAlarm(stub);
		expect((await stub.webhookLog()).deliveries).toHaveLength(1);

		const due = () =>
			runInDurableObject(stub, (_, state) => {
				state.storage.sql.exec("UPDATE pending_deliveries SET next_attempt_at = 0");
				return state.storage.setAlarm(Date.now() + 60_000);
			});
		await due();
		await runDurableObjectAlarm(stub);
		await due();
		await runDurableObjectAlarm(stub);
		expect((await stub.webhookLog()).deliveries.map((delivery) => [delivery.attempt, delivery.status])).toEqual([
			[1, 500],
			[2, 503],
			[3, 200],
		]);
		expect(await pending()).toEqual([]);

		// A route that never accepts: the simulator gives up after its last attempt.
		const refused = authorisation(TEST_CARDS.succeeds);
		const other = (await intentFor(refused)).stub;
		await fakeRoute(other, 500);
		await provider.authorise(refused);
		for (let attempt = 1; attempt <= MAX_DELIVERY_ATTEMPTS; attempt++) {
			await runInDurableObject(other, (_, state) => {
				state.storage.sql.exec("UPDATE pending_deliveries SET next_attempt_at = 0");
			});
			await runDurableObjectAlarm(other);
		}
		expect((await other.webhookLog()).deliveries.map((delivery) => delivery.attempt)).toEqual([1, 2, 3, 4, 5]);
		expect(
			await runInDurableObject(other, (_, state) =>
				state.storage.sql.exec("SELECT * FROM pending_deliveries").toArray(),
			),
		).toEqual([]);
	});

	it("in duplicate mode every event is delivered twice", async () => {
		const request = authorisation(TEST_CARDS.succeeds);
		const { intentId, stub } = await intentFor(request);
		await fakeRoute(stub, 200);
		await stub.setDeliveryMode("duplicate");
		await provider.authorise(request);
		await provider.capture(intentId, 1250, paymentKeys.capture(request.orderId));
		await runDurableObjectAlarm(stub);

		const [authorisedEvent, capturedEvent] = (await stub.webhookLog()).events.map((event) => event.id);
		expect(await deliveredEventIds(stub)).toEqual([authorisedEvent, authorisedEvent, capturedEvent, capturedEvent]);
	});

	it("in reversed mode the events waiting together are delivered newest first", async () => {
		const request = authorisation(TEST_CARDS.requiresAction);
		const { intentId, stub } = await intentFor(request);
		await fakeRoute(stub, 200);
		await stub.setDeliveryMode("reversed");
		await provider.authorise(request);
		await stub.authenticate("approve");
		await provider.capture(intentId, 1250, paymentKeys.capture(request.orderId));
		await runDurableObjectAlarm(stub);

		const { events } = await stub.webhookLog();
		expect(events.map((event) => event.type)).toEqual([
			"payment_intent.requires_action",
			"payment_intent.amount_capturable_updated",
			"payment_intent.succeeded",
		]);
		expect(await deliveredEventIds(stub)).toEqual(events.map((event) => event.id).reverse());
	});
});

describe("parseWebhook", () => {
	async function signedEvent() {
		const { stub } = await authorised();
		const [event] = (await stub.webhookLog()).events;
		const body = (await stub.eventBody(event.id)) as string;
		return { body, id: event.id };
	}

	function signed(header: string): Headers {
		return new Headers({ [SIGNATURE_HEADER]: header });
	}

	it("accepts the simulator's own signature over the raw body", async () => {
		const { body, id } = await signedEvent();
		const header = await signatureHeader(SECRET, Math.floor(Date.now() / 1000), body);
		expect(await provider.parseWebhook(body, signed(header))).toMatchObject({ id, kind: "authorised" });
	});

	it("refuses a forged signature, a changed body, a missing header and another secret", async () => {
		const { body } = await signedEvent();
		const now = Math.floor(Date.now() / 1000);
		const header = await signatureHeader(SECRET, now, body);
		const forged = `t=${now},v1=${"0".repeat(64)}`;
		const tampered = body.replace('"amount":1250', '"amount":1');
		const otherSecret = await signatureHeader("not-the-simulator-secret", now, body);
		await expect(provider.parseWebhook(body, signed(forged))).rejects.toThrow(WebhookSignatureError);
		await expect(provider.parseWebhook(tampered, signed(header))).rejects.toThrow(WebhookSignatureError);
		await expect(provider.parseWebhook(body, new Headers())).rejects.toThrow(WebhookSignatureError);
		await expect(provider.parseWebhook(body, signed(otherSecret))).rejects.toThrow(WebhookSignatureError);
		await expect(provider.parseWebhook(body, signed("v1=abc"))).rejects.toThrow(WebhookSignatureError);
	});

	it("refuses a signature more than five minutes old or ahead, however genuine", async () => {
		const { body } = await signedEvent();
		const now = Math.floor(Date.now() / 1000);
		for (const timestamp of [now - 301, now + 301]) {
			const header = await signatureHeader(SECRET, timestamp, body);
			await expect(provider.parseWebhook(body, signed(header))).rejects.toThrow(/more than 300 seconds/);
		}
		const lastMoment = await signatureHeader(SECRET, now - 299, body);
		expect(await provider.parseWebhook(body, signed(lastMoment))).not.toBeNull();
	});
});

describe("the second-step routes", () => {
	const base = "/api/v1/payments/simulator/intents";

	async function waitingIntent() {
		const request = authorisation(TEST_CARDS.requiresAction, { amount: 2399, currency: "USD" });
		const { intentId, stub } = await intentFor(request);
		await fakeRoute(stub, 200);
		await provider.authorise(request);
		return { intentId, stub };
	}

	it("show the payment waiting for its second step, and approve it once", async () => {
		const { intentId, stub } = await waitingIntent();
		const shown = await call(`${base}/${intentId}`);
		expect(shown.status).toBe(200);
		expect(await json(shown)).toEqual({
			intentId,
			status: "requires_action",
			amount: { amount: 2399, currency: "USD" },
			requiresAction: true,
		});

		const approved = await send("POST", `${base}/${intentId}/authenticate`, { outcome: "approve" });
		expect(approved.status).toBe(200);
		expect(await json(approved)).toEqual({ status: "requires_capture" });
		expect(await json(await call(`${base}/${intentId}`))).toMatchObject({
			status: "requires_capture",
			requiresAction: false,
		});

		const again = await send("POST", `${base}/${intentId}/authenticate`, { outcome: "fail" });
		expect(again.status).toBe(409);
		expect(await errorOf(again)).toMatchObject({ code: "conflict" });
		expect((await stub.webhookLog()).events.map((event) => event.type)).toEqual([
			"payment_intent.requires_action",
			"payment_intent.amount_capturable_updated",
		]);
	});

	it("fail the second step: the payment needs another card", async () => {
		const { intentId } = await waitingIntent();
		const failed = await send("POST", `${base}/${intentId}/authenticate`, { outcome: "fail" });
		expect(await json(failed)).toEqual({ status: "requires_payment_method" });
		expect(await provider.retrieve(intentId)).toMatchObject({ status: "requires_payment_method" });
	});

	it("answer 404 for an unknown intent, or one not the simulator's, and 400 naming the field for bad input", async () => {
		const unknown = await intentIdFor(`never-${crypto.randomUUID()}`);
		expect((await call(`${base}/${unknown}`)).status).toBe(404);
		const notWaiting = await send("POST", `${base}/${unknown}/authenticate`, { outcome: "approve" });
		expect(notWaiting.status).toBe(404);

		const notOurs = await call(`${base}/pi_3NzStripeIntent`);
		expect(notOurs.status).toBe(404);
		expect(await errorOf(notOurs)).toMatchObject({ code: "not_found" });

		const { intentId } = await waitingIntent();
		const badOutcome = await send("POST", `${base}/${intentId}/authenticate`, { outcome: "maybe" });
		expect(badOutcome.status).toBe(400);
		expect(await errorOf(badOutcome)).toMatchObject({ code: "validation_failed", details: [{ field: "outcome" }] });
		const badMode = await send("POST", `${base}/${intentId}/delivery`, { mode: "sideways" });
		expect(await errorOf(badMode)).toMatchObject({ code: "validation_failed", details: [{ field: "mode" }] });
	});

	it("set the delivery mode in development", async () => {
		const { intentId, stub } = await waitingIntent();
		const set = await send("POST", `${base}/${intentId}/delivery`, { mode: "reversed" });
		expect(set.status).toBe(200);
		expect(await json(set)).toEqual({ mode: "reversed" });
		expect(await stub.deliveryMode()).toBe("reversed");
		const unknown = await intentIdFor(`never-${crypto.randomUUID()}`);
		expect((await send("POST", `${base}/${unknown}/delivery`, { mode: "duplicate" })).status).toBe(404);
	});

	it("do not exist in production, nor where Stripe is the provider", async () => {
		const { intentId } = await waitingIntent();
		const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
		const stripe = { ...env, PAYMENT_PROVIDER: "stripe" } as unknown as Env;
		for (const elsewhere of [production, stripe]) {
			for (const [method, path, body] of [
				["GET", `${base}/${intentId}`, undefined],
				["POST", `${base}/${intentId}/authenticate`, { outcome: "approve" }],
				["POST", `${base}/${intentId}/delivery`, { mode: "duplicate" }],
			] as const) {
				const response = await app.fetch(
					new Request(`https://goodfood.test${path}`, {
						method,
						headers: { "content-type": "application/json" },
						body: body && JSON.stringify(body),
					}),
					elsewhere,
				);
				expect(response.status).toBe(404);
				expect((await errorOf(response)).code).toBe("not_found");
			}
		}
		expect(await provider.retrieve(intentId)).toMatchObject({ status: "requires_action" });
	});
});
