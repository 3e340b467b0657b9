/**
 * Webhook deliveries to restaurant integrations: what is sent and how it is
 * signed. A delivery is signed with HMAC-SHA256 over `${timestamp}.${body}`
 * using the webhook's secret (its UTF-8 bytes) as the key, and the hex digest
 * goes in `x-goodfood-signature: v1=<hex>`; receivers verify it and reject
 * timestamps too far from their clock, which stops replays.
 */
import { fromHex, toHex } from "@goodfood/platform/crypto";
import type { OrderEventEnvelope } from "../../ordering/events";

export const WEBHOOK_HEADERS = {
	event: "x-goodfood-event",
	delivery: "x-goodfood-delivery",
	timestamp: "x-goodfood-timestamp",
	signature: "x-goodfood-signature",
} as const;

export const SIGNATURE_VERSION = "v1";

/** How far a delivery's timestamp may be from the receiver's clock, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The JSON body of a delivery: the event envelope, without internal tracing, plus the location it concerns. */
export interface WebhookBody {
	id: string;
	type: OrderEventEnvelope["type"];
	occurredAt: string;
	orderId: string;
	sequence: number;
	locationSlug: string;
	payload: OrderEventEnvelope["payload"];
}

export function webhookBody(event: OrderEventEnvelope, locationSlug: string): WebhookBody {
	return {
		id: event.id,
		type: event.type,
		occurredAt: event.occurredAt,
		orderId: event.orderId,
		sequence: event.sequence,
		locationSlug,
		payload: event.payload,
	};
}

const encoder = new TextEncoder();

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
	return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** The `x-goodfood-signature` value for a body sent at `timestamp` (Unix seconds). */
export async function signWebhook(secret: string, timestamp: number, body: string): Promise<string> {
	const digest = await crypto.subtle.sign(
		"HMAC",
		await hmacKey(secret, "sign"),
		encoder.encode(`${timestamp}.${body}`),
	);
	return `${SIGNATURE_VERSION}=${toHex(digest)}`;
}

/**
 * Checks a delivery as an integrator would: the timestamp is within
 * `toleranceSeconds` of `now`, and one of the header's `v1=` signatures
 * (comma-separated, so a secret can be rotated) matches the body. The
 * comparison is WebCrypto's own, in constant time.
 */
export async function verifyWebhookSignature(
	secret: string,
	timestamp: string | number,
	body: string,
	signature: string,
	toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
	now = Date.now(),
): Promise<boolean> {
	const stamp = String(timestamp);
	if (!/^\d{1,12}$/.test(stamp) || Math.abs(now / 1000 - Number(stamp)) > toleranceSeconds) return false;
	const key = await hmacKey(secret, "verify");
	const signed = encoder.encode(`${stamp}.${body}`);
	for (const part of signature.split(",")) {
		const [version, digest] = part.trim().split("=", 2);
		const bytes = version === SIGNATURE_VERSION && digest ? fromHex(digest) : null;
		if (bytes?.length === 32 && (await crypto.subtle.verify("HMAC", key, bytes, signed))) return true;
	}
	return false;
}

/** A webhook may only point at an absolute https:// URL: deliveries carry customers' details. */
export function isAllowedWebhookUrl(url: string): boolean {
	try {
		return new URL(url).protocol === "https:";
	} catch {
		return false;
	}
}
