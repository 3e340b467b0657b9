/**
 * Provider webhooks, as a provider that retries sends them: twice, out of
 * order, forged, or about a payment GoodFood never made. Each is applied
 * once and in sequence, or refused, and never loses or doubles an effect.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { SIGNATURE_HEADER, signatureHeader } from "../src/payments/simulator/webhooks";
import { call, cartWithFlatWhite, checkout, errorOf, json, newOrderId, PICKUP_TOMORROW, send } from "./helpers";

const WEBHOOK_PATH = "/api/v1/payments/webhooks/simulator";
const WEBHOOK_WAIT = { timeout: 8_000, interval: 100 };

interface Placed {
	orderId: string;
	trackingToken: string;
	payment: { nextAction: { url: string } | null };
}

async function awaitingSecondStep(): Promise<{ placed: Placed; intentId: string }> {
	const cart = await cartWithFlatWhite();
	const response = await checkout(cart.id, {
		...PICKUP_TOMORROW(),
		payment: { method: "card", paymentMethod: "pm_sim_4000000000003220" },
	});
	expect(response.status).toBe(201);
	const placed = await json<Placed>(response);
	const intentId = placed.payment.nextAction?.url.split("/pay/simulator/")[1]?.split("?")[0] ?? "";
	return { placed, intentId };
}

function simulator(intentId: string) {
	return env.PAYMENT_SIMULATOR.get(env.PAYMENT_SIMULATOR.idFromName(intentId));
}

async function eventTypes(placed: Placed): Promise<string[]> {
	const { events } = await json<{ events: { type: string }[] }>(
		await call(`/api/v1/orders/${placed.orderId}/events?token=${placed.trackingToken}`),
	);
	return events.map((event) => event.type);
}

async function signed(body: string, secret = env.PAYMENT_SIMULATOR_SECRET ?? "") {
	return call(WEBHOOK_PATH, {
		method: "POST",
		headers: {
			"content-type": "application/json",
			[SIGNATURE_HEADER]: await signatureHeader(secret, Math.floor(Date.now() / 1000), body),
		},
		body,
	});
}

/** The raw bodies the simulator queued for an intent, oldest first, but for its second step's notice. */
async function queuedBodies(intentId: string): Promise<{ type: string; body: string }[]> {
	const stub = simulator(intentId);
	const { events } = await stub.webhookLog();
	const kept = events.filter((event) => event.type !== "payment_intent.requires_action");
	return Promise.all(kept.map(async (event) => ({ type: event.type, body: (await stub.eventBody(event.id)) ?? "" })));
}

describe("payment webhooks", () => {
	it("applies a webhook delivered twice only once", async () => {
		const { placed, intentId } = await awaitingSecondStep();
		await simulator(intentId).setDeliveryMode("duplicate");
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "approve" });
		await vi.waitFor(async () => {
			const { deliveries } = await simulator(intentId).webhookLog();
			const authorisations = deliveries.filter(
				(delivery) => delivery.eventType === "payment_intent.amount_capturable_updated" && delivery.status === 200,
			);
			expect(authorisations).toHaveLength(2);
			expect(new Set(authorisations.map((delivery) => delivery.eventId)).size).toBe(1);
		}, WEBHOOK_WAIT);
		expect(await eventTypes(placed)).toEqual(["OrderPlaced", "PaymentAuthorised"]);
	}, 15_000);

	it("applies a capture that arrives before its authorisation after it, in sequence", async () => {
		const { placed, intentId } = await awaitingSecondStep();
		const stub = simulator(intentId);
		await stub.setDeliveryMode("reversed");
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "approve" });
		// The provider captures (as from its dashboard): its events now wait behind the authorisation's.
		const captured = await stub.capture(1, "dashboard-capture");
		expect(captured.status).toBe("succeeded");
		const bodies = await queuedBodies(intentId);
		expect(bodies.map((queued) => queued.type)).toEqual([
			"payment_intent.amount_capturable_updated",
			"payment_intent.succeeded",
		]);
		// Delivered newest first: the capture is parked until its authorisation is applied.
		const capture = await signed(bodies[1]?.body ?? "");
		expect(capture.status).toBe(200);
		expect(await json(capture)).toMatchObject({ applied: false, reason: "parked" });
		expect(await eventTypes(placed)).toEqual(["OrderPlaced"]);
		expect((await signed(bodies[0]?.body ?? "")).status).toBe(200);
		expect(await eventTypes(placed)).toEqual(["OrderPlaced", "PaymentAuthorised", "PaymentCaptured"]);
	});

	it("refuses a forged signature with 400 and applies nothing", async () => {
		const { placed, intentId } = await awaitingSecondStep();
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "approve" });
		const [authorised] = await queuedBodies(intentId);
		const forged = await signed(authorised?.body ?? "", "not-the-secret-0123456789abcdef0123456789");
		expect(forged.status).toBe(400);
		expect((await errorOf(forged)).code).toBe("invalid_signature");
		const unsigned = await call(WEBHOOK_PATH, { method: "POST", body: authorised?.body ?? "" });
		expect(unsigned.status).toBe(400);
		// The genuine delivery still comes, and is applied.
		await vi.waitFor(async () => expect(await eventTypes(placed)).toContain("PaymentAuthorised"), WEBHOOK_WAIT);
	});

	it("acknowledges a webhook for a payment it does not know with 200, so the provider stops", async () => {
		const { intentId } = await awaitingSecondStep();
		await send("POST", `/api/v1/payments/simulator/intents/${intentId}/authenticate`, { outcome: "approve" });
		const [authorised] = await queuedBodies(intentId);
		const event = JSON.parse(authorised?.body ?? "{}");
		event.id = `evt_sim_${crypto.randomUUID().replaceAll("-", "")}`;
		event.data.object.metadata.orderId = newOrderId();
		const unknown = await signed(JSON.stringify(event));
		expect(unknown.status).toBe(200);
		expect(await json(unknown)).toMatchObject({ received: true, applied: false, reason: "unknown_order" });
		// Not an order id at all.
		event.data.object.metadata.orderId = "someone-else's";
		expect((await signed(JSON.stringify(event))).status).toBe(200);
	});

	it("answers 404 for a provider that is not the configured one", async () => {
		const response = await call("/api/v1/payments/webhooks/stripe", { method: "POST", body: "{}" });
		expect(response.status).toBe(404);
	});
});
