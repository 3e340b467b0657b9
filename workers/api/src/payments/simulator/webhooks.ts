/**
 * The simulator's webhooks, signed as Stripe signs its own: the header
 * `x-simulator-signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
 * `<t>.<raw body>` with PAYMENT_SIMULATOR_SECRET, verified in constant time
 * and refused outside a five-minute window, which stops replays. Also how a
 * Stripe-shaped event reads in GoodFood's terms, and the delivery modes that
 * make the simulator misbehave the way real providers sometimes do.
 */
import { toHex } from "@goodfood/platform/crypto";
import { z } from "zod";
import { type ProviderEvent, WebhookSignatureError } from "../provider";

export const SIGNATURE_HEADER = "x-simulator-signature";
/** GoodFood's own route the simulator posts its events to. */
export const SIMULATOR_WEBHOOK_PATH = "/api/v1/payments/webhooks/simulator";
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * normal: each event once, oldest first. duplicate: each event twice.
 * reversed: events waiting together are sent newest first.
 */
export const DELIVERY_MODES = ["normal", "duplicate", "reversed"] as const;
export type DeliveryMode = (typeof DELIVERY_MODES)[number];

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
	const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
		"sign",
	]);
	return toHex(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
}

/** Compares two hex digests without an early exit, so the time taken says nothing about where they differ. */
function sameDigest(expected: string, given: string): boolean {
	if (expected.length !== given.length) return false;
	let difference = 0;
	for (let index = 0; index < expected.length; index++) {
		difference |= expected.charCodeAt(index) ^ given.charCodeAt(index);
	}
	return difference === 0;
}

/** The signature header for a body sent at `timestamp` (Unix seconds). */
export async function signatureHeader(secret: string, timestamp: number, rawBody: string): Promise<string> {
	return `t=${timestamp},v1=${await hmacHex(secret, `${timestamp}.${rawBody}`)}`;
}

/** Throws WebhookSignatureError unless the header signs this very body, within the tolerance of `nowSeconds`. */
export async function verifySignature(
	secret: string,
	header: string | null,
	rawBody: string,
	nowSeconds: number,
	toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): Promise<void> {
	if (!header) throw new WebhookSignatureError(`No ${SIGNATURE_HEADER} header`);
	let timestamp: number | null = null;
	const signatures: string[] = [];
	for (const part of header.split(",")) {
		const [name, value] = part.trim().split("=", 2);
		if (name === "t" && /^\d{1,12}$/.test(value ?? "")) timestamp = Number(value);
		if (name === "v1" && value) signatures.push(value.toLowerCase());
	}
	if (timestamp === null || signatures.length === 0) {
		throw new WebhookSignatureError(`${SIGNATURE_HEADER} must be t=<unix seconds>,v1=<hex signature>`);
	}
	if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
		throw new WebhookSignatureError(`The signature's timestamp is more than ${toleranceSeconds} seconds from now`);
	}
	const expected = await hmacHex(secret, `${timestamp}.${rawBody}`);
	// Every candidate is compared, so a match's position in the header cannot be timed either.
	let matched = false;
	for (const signature of signatures) matched = sameDigest(expected, signature) || matched;
	if (!matched) throw new WebhookSignatureError("The signature does not match the body");
}

const Metadata = z.object({ orderId: z.string().optional(), attempt: z.string().optional() }).catchall(z.string());

const IntentObject = z.object({
	id: z.string(),
	amount: z.number().int(),
	amount_capturable: z.number().int(),
	amount_received: z.number().int(),
	currency: z.string(),
	metadata: Metadata,
	last_payment_error: z.object({ code: z.string(), message: z.string() }).nullable().optional(),
});

const ChargeObject = z.object({
	payment_intent: z.string(),
	currency: z.string(),
	metadata: Metadata,
	refunds: z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int() })).min(1) }),
});

const SimulatorEvent = z.object({
	id: z.string().min(1),
	type: z.string(),
	created: z.number().int(),
	data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

function orderOf(metadata: z.infer<typeof Metadata>): Pick<ProviderEvent, "orderId" | "attempt"> {
	const attempt = Number.parseInt(metadata.attempt ?? "", 10);
	return { orderId: metadata.orderId || null, attempt: Number.isSafeInteger(attempt) ? attempt : null };
}

/**
 * A verified event in GoodFood's terms; null for a type GoodFood does not act
 * on. Throws on a body that is not a simulator event (it was signed with our
 * secret, so that is a bug, not an attack).
 */
export function providerEventOf(rawBody: string): ProviderEvent | null {
	const event = SimulatorEvent.parse(JSON.parse(rawBody));
	const base = { id: event.id, occurredAt: new Date(event.created * 1000).toISOString() };
	if (event.type === "charge.refunded") {
		const charge = ChargeObject.parse(event.data.object);
		// Stripe lists refunds newest first: the first is the one this event is about.
		const latest = charge.refunds.data[0];
		return {
			...base,
			kind: "refunded",
			intentId: charge.payment_intent,
			...orderOf(charge.metadata),
			amount: latest.amount,
			currency: charge.currency.toUpperCase(),
			refundId: latest.id,
		};
	}
	const kinds: Record<string, ProviderEvent["kind"]> = {
		"payment_intent.amount_capturable_updated": "authorised",
		"payment_intent.payment_failed": "failed",
		"payment_intent.succeeded": "captured",
		"payment_intent.canceled": "voided",
	};
	const kind = kinds[event.type];
	if (!kind) return null;
	const intent = IntentObject.parse(event.data.object);
	const amounts: Record<ProviderEvent["kind"], number> = {
		authorised: intent.amount_capturable,
		failed: intent.amount,
		captured: intent.amount_received,
		voided: intent.amount,
		refunded: 0,
	};
	return {
		...base,
		kind,
		intentId: intent.id,
		...orderOf(intent.metadata),
		amount: amounts[kind],
		currency: intent.currency.toUpperCase(),
		...(kind === "failed" && intent.last_payment_error
			? { failure: { code: intent.last_payment_error.code, message: intent.last_payment_error.message } }
			: {}),
	};
}
