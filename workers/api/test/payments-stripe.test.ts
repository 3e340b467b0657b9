/**
 * The Stripe provider against Stripe's documented request and response
 * shapes, served by a fake API behind the SDK's fetch: what GoodFood sends
 * (form-encoded PaymentIntents with manual capture, each with its idempotency
 * key), how Stripe's answers and errors map, and webhook signatures computed
 * the way Stripe computes them. Nothing here reaches the internet.
 */
import { toHex } from "@goodfood/platform/crypto";
import { describe, expect, it } from "vitest";
import { paymentKeys, WebhookSignatureError } from "../src/payments/provider";
import { StripeProvider } from "../src/payments/stripe";

const SECRET_KEY = "sk_test_51GoodFoodTestKey0123456789";
const WEBHOOK_SECRET = "whsec_test_goodfood_0123456789abcdef";
const ORDER_ID = "ord_01JSTRIPE0000000000000000";
const INTENT_ID = "pi_3PgoodfoodTest0001";
const RETURN_URL = "https://goodfood.test/orders/ord_01JSTRIPE0000000000000000";

interface Recorded {
	method: string;
	url: URL;
	headers: Headers;
	form: URLSearchParams;
}

interface Answer {
	status: number;
	body: unknown;
}

/** Stripe's API as the SDK sees it: each request is recorded and answered by the next answer for its method and path. */
function fakeStripe(answers: Record<string, Answer[]>, options: { apiBase?: string } = {}) {
	const requests: Recorded[] = [];
	const fetchFn: typeof fetch = async (input, init) => {
		const request = new Request(input, init);
		const url = new URL(request.url);
		requests.push({
			method: request.method,
			url,
			headers: request.headers,
			form: new URLSearchParams(request.method === "GET" ? "" : await request.text()),
		});
		const answer = answers[`${request.method} ${url.pathname}`]?.shift();
		if (!answer) throw new Error(`no answer for ${request.method} ${url.pathname}`);
		return Response.json(answer.body, {
			status: answer.status,
			headers: { "request-id": `req_${crypto.randomUUID().slice(0, 14)}` },
		});
	};
	const provider = new StripeProvider({
		secretKey: SECRET_KEY,
		webhookSecret: WEBHOOK_SECRET,
		apiBase: options.apiBase,
		fetch: fetchFn,
	});
	return { provider, requests };
}

/** A PaymentIntent as the API returns it (the fields GoodFood reads, and enough of the rest to be one). */
function paymentIntent(fields: Record<string, unknown> = {}) {
	return {
		id: INTENT_ID,
		object: "payment_intent",
		amount: 2350,
		amount_capturable: 0,
		amount_received: 0,
		capture_method: "manual",
		client_secret: `${INTENT_ID}_secret_abc`,
		confirmation_method: "automatic",
		created: 1_767_225_600,
		currency: "eur",
		last_payment_error: null,
		latest_charge: null,
		livemode: false,
		metadata: { orderId: ORDER_ID, attempt: "1" },
		next_action: null,
		payment_method: "pm_card_visa",
		payment_method_types: ["card"],
		status: "requires_payment_method",
		...fields,
	};
}

function charge(fields: Record<string, unknown> = {}) {
	return {
		id: "ch_3PgoodfoodTest0001",
		object: "charge",
		amount: 2350,
		amount_captured: 2350,
		amount_refunded: 0,
		captured: true,
		currency: "eur",
		metadata: { orderId: ORDER_ID, attempt: "1" },
		payment_intent: INTENT_ID,
		refunded: false,
		status: "succeeded",
		...fields,
	};
}

function stripeError(fields: Record<string, unknown>) {
	return { error: { doc_url: `https://stripe.com/docs/error-codes/${fields.code ?? "api-error"}`, ...fields } };
}

const authorisation = {
	orderId: ORDER_ID,
	attempt: 1,
	amount: 2350,
	currency: "EUR",
	paymentMethod: "pm_card_visa",
	returnUrl: RETURN_URL,
	idempotencyKey: paymentKeys.authorise(ORDER_ID, 1),
};

describe("authorise", () => {
	it("creates and confirms a manual-capture PaymentIntent with the order's metadata and key, and reports the hold", async () => {
		const { provider, requests } = fakeStripe({
			"POST /v1/payment_intents": [
				{ status: 200, body: paymentIntent({ status: "requires_capture", amount_capturable: 2350 }) },
			],
		});

		const result = await provider.authorise(authorisation);

		expect(result).toEqual({ status: "authorised", intentId: INTENT_ID, amount: 2350, currency: "EUR" });
		expect(requests).toHaveLength(1);
		const [sent] = requests;
		expect(sent.method).toBe("POST");
		expect(sent.url.origin).toBe("https://api.stripe.com");
		expect(sent.headers.get("authorization")).toBe(`Bearer ${SECRET_KEY}`);
		expect(sent.headers.get("idempotency-key")).toBe(`${ORDER_ID}:authorise:1`);
		expect(sent.headers.get("content-type")).toBe("application/x-www-form-urlencoded");
		expect(Object.fromEntries(sent.form)).toEqual({
			amount: "2350",
			currency: "eur",
			payment_method: "pm_card_visa",
			confirm: "true",
			capture_method: "manual",
			return_url: RETURN_URL,
			"metadata[orderId]": ORDER_ID,
			"metadata[attempt]": "1",
		});
	});

	it("sends the customer to Stripe's 3-D Secure page when the card needs a second step", async () => {
		const { provider } = fakeStripe({
			"POST /v1/payment_intents": [
				{
					status: 200,
					body: paymentIntent({
						status: "requires_action",
						next_action: {
							type: "redirect_to_url",
							redirect_to_url: {
								url: "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1",
								return_url: RETURN_URL,
							},
						},
					}),
				},
			],
		});

		expect(await provider.authorise(authorisation)).toEqual({
			status: "requires_action",
			intentId: INTENT_ID,
			actionUrl: "https://hooks.stripe.com/3d_secure_2/hosted?merchant=acct_1",
		});
	});

	it("declines a second step that only Stripe.js could complete (use_stripe_sdk)", async () => {
		const { provider } = fakeStripe({
			"POST /v1/payment_intents": [
				{
					status: 200,
					body: paymentIntent({
						status: "requires_action",
						next_action: { type: "use_stripe_sdk", use_stripe_sdk: { type: "three_d_secure_redirect" } },
					}),
				},
			],
		});

		expect(await provider.authorise(authorisation)).toMatchObject({
			status: "declined",
			intentId: INTENT_ID,
			code: "authentication_not_supported",
		});
	});

	it("reports a card error (402) as a decline with the issuer's reason and the intent", async () => {
		const failure = {
			type: "card_error",
			code: "card_declined",
			decline_code: "insufficient_funds",
			message: "Your card has insufficient funds.",
			charge: "ch_3PgoodfoodDeclined",
		};
		const { provider, requests } = fakeStripe({
			"POST /v1/payment_intents": [
				{
					status: 402,
					body: stripeError({
						...failure,
						payment_intent: paymentIntent({ status: "requires_payment_method", last_payment_error: failure }),
					}),
				},
			],
		});

		expect(await provider.authorise(authorisation)).toEqual({
			status: "declined",
			intentId: INTENT_ID,
			code: "insufficient_funds",
			message: "Your card has insufficient funds.",
		});
		expect(requests).toHaveLength(1);
	});

	it("reports an intent returned as requires_payment_method with its last error as a decline", async () => {
		const { provider } = fakeStripe({
			"POST /v1/payment_intents": [
				{
					status: 200,
					body: paymentIntent({
						status: "requires_payment_method",
						last_payment_error: { type: "card_error", code: "expired_card", message: "Your card has expired." },
					}),
				},
			],
		});

		expect(await provider.authorise(authorisation)).toEqual({
			status: "declined",
			intentId: INTENT_ID,
			code: "expired_card",
			message: "Your card has expired.",
		});
	});

	it("throws when Stripe cannot answer, so the attempt is not taken for a decline of the card", async () => {
		const { provider } = fakeStripe({
			"POST /v1/payment_intents": [
				{ status: 401, body: stripeError({ type: "invalid_request_error", message: "Invalid API Key provided" }) },
			],
		});

		await expect(provider.authorise(authorisation)).rejects.toThrow(/Stripe could not authorise/);
	});

	it("sends its requests to STRIPE_API_BASE when it is set", async () => {
		const { provider, requests } = fakeStripe(
			{
				"POST /v1/payment_intents": [
					{ status: 200, body: paymentIntent({ status: "requires_capture", amount_capturable: 2350 }) },
				],
			},
			{ apiBase: "http://stripe-mock.test:12111" },
		);

		await provider.authorise(authorisation);

		expect(requests[0].url.origin).toBe("http://stripe-mock.test:12111");
	});
});

describe("capture, void and refund", () => {
	it("captures the amount with the order's capture key", async () => {
		const { provider, requests } = fakeStripe({
			[`POST /v1/payment_intents/${INTENT_ID}/capture`]: [
				{ status: 200, body: paymentIntent({ status: "succeeded", amount_received: 2350, latest_charge: "ch_1" }) },
			],
		});

		expect(await provider.capture(INTENT_ID, 2350, paymentKeys.capture(ORDER_ID))).toEqual({
			status: "succeeded",
			amount: 2350,
		});
		expect(requests).toHaveLength(1);
		expect(requests[0].method).toBe("POST");
		expect(requests[0].headers.get("idempotency-key")).toBe(`${ORDER_ID}:capture`);
		expect(Object.fromEntries(requests[0].form)).toEqual({ amount_to_capture: "2350" });
	});

	it("reports a capture Stripe fails with a 500 as failed (worth retrying), after one retry with the same key", async () => {
		const apiError = { status: 500, body: stripeError({ type: "api_error", message: "An unknown error occurred" }) };
		const { provider, requests } = fakeStripe({
			[`POST /v1/payment_intents/${INTENT_ID}/capture`]: [apiError, apiError],
		});

		expect(await provider.capture(INTENT_ID, 2350, paymentKeys.capture(ORDER_ID))).toEqual({
			status: "failed",
			code: "api_error",
			message: expect.stringContaining("An unknown error occurred"),
		});
		expect(requests.map((request) => request.headers.get("idempotency-key"))).toEqual([
			`${ORDER_ID}:capture`,
			`${ORDER_ID}:capture`,
		]);
	});

	it("reports Stripe out of reach as failed", async () => {
		const provider = new StripeProvider({
			secretKey: SECRET_KEY,
			webhookSecret: WEBHOOK_SECRET,
			fetch: async () => {
				throw new TypeError("Network connection lost.");
			},
		});

		expect(await provider.capture(INTENT_ID, 2350, paymentKeys.capture(ORDER_ID))).toMatchObject({
			status: "failed",
			code: "api_connection_error",
		});
	});

	it("reports a rate limit (429) as failed", async () => {
		const { provider } = fakeStripe({
			[`POST /v1/payment_intents/${INTENT_ID}/cancel`]: [
				{
					status: 429,
					body: stripeError({ type: "invalid_request_error", code: "rate_limit", message: "Too many requests" }),
				},
			],
		});

		expect(await provider.void(INTENT_ID, paymentKeys.void(ORDER_ID))).toMatchObject({
			status: "failed",
			code: "rate_limit",
		});
	});

	it("refuses a capture of an intent already captured (400), without retrying it", async () => {
		const { provider, requests } = fakeStripe({
			[`POST /v1/payment_intents/${INTENT_ID}/capture`]: [
				{
					status: 400,
					body: stripeError({
						type: "invalid_request_error",
						code: "payment_intent_unexpected_state",
						message:
							"This PaymentIntent could not be captured because it has a status of succeeded. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.",
						payment_intent: paymentIntent({ status: "succeeded", amount_received: 2350 }),
					}),
				},
			],
		});

		expect(await provider.capture(INTENT_ID, 2350, "another-key")).toMatchObject({
			status: "refused",
			code: "payment_intent_unexpected_state",
		});
		expect(requests).toHaveLength(1);
	});

	it("voids by cancelling the intent with the order's void key", async () => {
		const { provider, requests } = fakeStripe({
			[`POST /v1/payment_intents/${INTENT_ID}/cancel`]: [
				{
					status: 200,
					body: paymentIntent({ status: "canceled", cancellation_reason: "requested_by_customer", canceled_at: 1 }),
				},
			],
		});

		expect(await provider.void(INTENT_ID, paymentKeys.void(ORDER_ID))).toEqual({ status: "succeeded", amount: 2350 });
		expect(requests[0].headers.get("idempotency-key")).toBe(`${ORDER_ID}:void`);
		expect(requests[0].form.toString()).toBe("");
	});

	it("refunds part of a captured payment, with the reason and the order in the refund's metadata", async () => {
		const { provider, requests } = fakeStripe({
			[`GET /v1/payment_intents/${INTENT_ID}`]: [
				{ status: 200, body: paymentIntent({ status: "succeeded", amount_received: 2350, latest_charge: "ch_1" }) },
			],
			"POST /v1/refunds": [
				{
					status: 200,
					body: {
						id: "re_3PgoodfoodRefund1",
						object: "refund",
						amount: 500,
						charge: "ch_1",
						created: 1_767_229_200,
						currency: "eur",
						metadata: { reason: "Cold fries", orderId: ORDER_ID, attempt: "1" },
						payment_intent: INTENT_ID,
						reason: null,
						status: "succeeded",
					},
				},
			],
		});

		expect(await provider.refund(INTENT_ID, 500, "Cold fries", paymentKeys.refund(ORDER_ID, 1))).toEqual({
			status: "succeeded",
			amount: 500,
			refundId: "re_3PgoodfoodRefund1",
		});
		const refundRequest = requests.find((request) => request.url.pathname === "/v1/refunds");
		expect(refundRequest?.method).toBe("POST");
		expect(refundRequest?.headers.get("idempotency-key")).toBe(`${ORDER_ID}:refund:1`);
		expect(Object.fromEntries(refundRequest?.form ?? [])).toEqual({
			payment_intent: INTENT_ID,
			amount: "500",
			"metadata[reason]": "Cold fries",
			"metadata[orderId]": ORDER_ID,
			"metadata[attempt]": "1",
		});
	});

	it("refuses a refund larger than what is left", async () => {
		const { provider } = fakeStripe({
			[`GET /v1/payment_intents/${INTENT_ID}`]: [{ status: 200, body: paymentIntent({ status: "succeeded" }) }],
			"POST /v1/refunds": [
				{
					status: 400,
					body: stripeError({
						type: "invalid_request_error",
						code: "amount_too_large",
						param: "amount",
						message: "Refund amount (€30.00) is greater than unrefunded amount on charge (€23.50)",
					}),
				},
			],
		});

		expect(await provider.refund(INTENT_ID, 3000, "Mistake", paymentKeys.refund(ORDER_ID, 2))).toMatchObject({
			status: "refused",
			code: "amount_too_large",
		});
	});
});

describe("retrieve", () => {
	it("reads the intent with its latest charge, for the amounts held, received and refunded", async () => {
		const { provider, requests } = fakeStripe({
			[`GET /v1/payment_intents/${INTENT_ID}`]: [
				{
					status: 200,
					body: paymentIntent({
						status: "succeeded",
						amount_received: 2350,
						latest_charge: charge({ amount_refunded: 500 }),
					}),
				},
			],
		});

		expect(await provider.retrieve(INTENT_ID)).toEqual({
			intentId: INTENT_ID,
			status: "succeeded",
			amount: 2350,
			currency: "EUR",
			amountCapturable: 0,
			amountReceived: 2350,
			amountRefunded: 500,
			orderId: ORDER_ID,
			attempt: 1,
		});
		expect(requests[0].method).toBe("GET");
		expect(requests[0].url.searchParams.get("expand[0]")).toBe("latest_charge");
	});

	it("answers null for an intent Stripe does not know (404 resource_missing)", async () => {
		const { provider } = fakeStripe({
			"GET /v1/payment_intents/pi_missing": [
				{
					status: 404,
					body: stripeError({
						type: "invalid_request_error",
						code: "resource_missing",
						param: "intent",
						message: "No such payment_intent: 'pi_missing'",
					}),
				},
			],
		});

		expect(await provider.retrieve("pi_missing")).toBeNull();
	});
});

/** The `Stripe-Signature` header as Stripe computes it: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`. */
async function signature(body: string, options: { secret?: string; timestamp?: number } = {}): Promise<string> {
	const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
	const key = await crypto.subtle.importKey(
		"raw",
		new TextEncoder().encode(options.secret ?? WEBHOOK_SECRET),
		{ name: "HMAC", hash: "SHA-256" },
		false,
		["sign"],
	);
	const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
	return `t=${timestamp},v1=${toHex(mac)}`;
}

const EVENT_CREATED = 1_767_226_000;

function eventBody(type: string, object: unknown, id = `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`) {
	return JSON.stringify({
		id,
		object: "event",
		api_version: "2026-11-18.endive",
		created: EVENT_CREATED,
		data: { object },
		livemode: false,
		pending_webhooks: 1,
		request: { id: null, idempotency_key: null },
		type,
	});
}

async function delivered(body: string, signed?: string) {
	const { provider } = fakeStripe({});
	return provider.parseWebhook(body, new Headers({ "stripe-signature": signed ?? (await signature(body)) }));
}

describe("webhooks", () => {
	const common = {
		intentId: INTENT_ID,
		orderId: ORDER_ID,
		attempt: 1,
		currency: "EUR",
		occurredAt: new Date(EVENT_CREATED * 1000).toISOString(),
	};

	it("maps payment_intent.amount_capturable_updated to authorised", async () => {
		const body = eventBody(
			"payment_intent.amount_capturable_updated",
			paymentIntent({ status: "requires_capture", amount_capturable: 2350 }),
			"evt_authorised",
		);
		expect(await delivered(body)).toEqual({ id: "evt_authorised", kind: "authorised", amount: 2350, ...common });
	});

	it("maps payment_intent.payment_failed to failed, with the decline", async () => {
		const body = eventBody(
			"payment_intent.payment_failed",
			paymentIntent({
				metadata: { orderId: ORDER_ID, attempt: "2" },
				last_payment_error: {
					type: "card_error",
					code: "card_declined",
					decline_code: "generic_decline",
					message: "Your card was declined.",
				},
			}),
			"evt_failed",
		);
		expect(await delivered(body)).toEqual({
			id: "evt_failed",
			kind: "failed",
			amount: 2350,
			...common,
			attempt: 2,
			failure: { code: "generic_decline", message: "Your card was declined." },
		});
	});

	it("maps payment_intent.succeeded to captured, for the amount received", async () => {
		const body = eventBody(
			"payment_intent.succeeded",
			paymentIntent({ status: "succeeded", amount_received: 2000 }),
			"evt_captured",
		);
		expect(await delivered(body)).toEqual({ id: "evt_captured", kind: "captured", amount: 2000, ...common });
	});

	it("maps payment_intent.canceled to voided", async () => {
		const body = eventBody("payment_intent.canceled", paymentIntent({ status: "canceled" }), "evt_voided");
		expect(await delivered(body)).toEqual({ id: "evt_voided", kind: "voided", amount: 2350, ...common });
	});

	it("maps a succeeded refund (refund.created or refund.updated) to refunded, with that refund's id and amount", async () => {
		const refund = {
			id: "re_3PgoodfoodRefund1",
			object: "refund",
			amount: 500,
			charge: "ch_1",
			created: EVENT_CREATED,
			currency: "eur",
			metadata: { reason: "Cold fries", orderId: ORDER_ID, attempt: "1" },
			payment_intent: INTENT_ID,
			status: "succeeded",
		};
		expect(await delivered(eventBody("refund.created", refund, "evt_refunded"))).toEqual({
			id: "evt_refunded",
			kind: "refunded",
			amount: 500,
			refundId: "re_3PgoodfoodRefund1",
			...common,
		});
		expect(await delivered(eventBody("refund.updated", refund, "evt_refund_settled"))).toMatchObject({
			id: "evt_refund_settled",
			kind: "refunded",
			refundId: "re_3PgoodfoodRefund1",
		});
		expect(await delivered(eventBody("refund.created", { ...refund, status: "pending" }))).toBeNull();
	});

	it("answers null for an event GoodFood does not act on", async () => {
		expect(await delivered(eventBody("payment_intent.created", paymentIntent()))).toBeNull();
		expect(await delivered(eventBody("charge.refunded", charge({ amount_refunded: 500, refunded: false })))).toBeNull();
	});

	it("gives null order and attempt for an intent without GoodFood's metadata", async () => {
		const body = eventBody("payment_intent.canceled", paymentIntent({ status: "canceled", metadata: {} }));
		expect(await delivered(body)).toMatchObject({ kind: "voided", orderId: null, attempt: null });
	});

	it("rejects a payload signed with another secret", async () => {
		const body = eventBody("payment_intent.succeeded", paymentIntent({ status: "succeeded" }));
		const forged = await signature(body, { secret: "whsec_not_the_endpoint_secret" });
		await expect(delivered(body, forged)).rejects.toBeInstanceOf(WebhookSignatureError);
	});

	it("rejects a payload changed after it was signed", async () => {
		const body = eventBody("payment_intent.succeeded", paymentIntent({ status: "succeeded", amount_received: 2350 }));
		const signed = await signature(body);
		await expect(
			delivered(body.replace('"amount_received":2350', '"amount_received":1'), signed),
		).rejects.toBeInstanceOf(WebhookSignatureError);
	});

	it("rejects a signature older than five minutes, so a captured delivery cannot be replayed", async () => {
		const body = eventBody("payment_intent.succeeded", paymentIntent({ status: "succeeded" }));
		const stale = await signature(body, { timestamp: Math.floor(Date.now() / 1000) - 301 });
		await expect(delivered(body, stale)).rejects.toBeInstanceOf(WebhookSignatureError);
		const fresh = await signature(body, { timestamp: Math.floor(Date.now() / 1000) - 240 });
		expect(await delivered(body, fresh)).toMatchObject({ kind: "captured" });
	});

	it("rejects a delivery without a signature", async () => {
		const body = eventBody("payment_intent.succeeded", paymentIntent({ status: "succeeded" }));
		const { provider } = fakeStripe({});
		await expect(provider.parseWebhook(body, new Headers())).rejects.toBeInstanceOf(WebhookSignatureError);
	});
});
