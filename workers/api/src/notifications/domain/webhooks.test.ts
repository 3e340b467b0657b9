/** The webhook signature (happy path, tampering, replay window) and the URLs a webhook may have. */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { OrderEventEnvelope } from "../../ordering/events";
import { isAllowedWebhookUrl, signWebhook, verifyWebhookSignature, webhookBody } from "./webhooks";

const ORDER_READY = {
	id: "0b5d7c52-6a8e-4c1f-9d2b-3e4f5a6b7c8d",
	type: "OrderReady",
	occurredAt: "2030-07-01T10:05:00.000Z",
	orderId: "ord_3fa2c91b0d4e5f60718293a4b5c6d7e8",
	sequence: 2,
	payload: {},
} as OrderEventEnvelope;

describe("webhook signatures", () => {
	const secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I";
	const body = JSON.stringify(webhookBody(ORDER_READY, "london-soho"));
	const now = Date.UTC(2030, 6, 1, 10, 5, 0);
	const timestamp = now / 1000;

	it("is v1= and the hex HMAC-SHA256 of timestamp, a dot and the body, keyed with the secret", async () => {
		const expected = createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex");
		expect(await signWebhook(secret, timestamp, body)).toBe(`v1=${expected}`);
	});

	it("verifies a genuine delivery, also among several signatures", async () => {
		const signature = await signWebhook(secret, timestamp, body);
		expect(await verifyWebhookSignature(secret, String(timestamp), body, signature, 300, now)).toBe(true);
		expect(await verifyWebhookSignature(secret, timestamp, body, `v1=${"0".repeat(64)}, ${signature}`, 300, now)).toBe(
			true,
		);
	});

	it("refuses a tampered body, another secret, a malformed header or a replay outside the tolerance", async () => {
		const signature = await signWebhook(secret, timestamp, body);
		const verify = (overrides: { body?: string; secret?: string; signature?: string; at?: number }) =>
			verifyWebhookSignature(
				overrides.secret ?? secret,
				String(timestamp),
				overrides.body ?? body,
				overrides.signature ?? signature,
				300,
				overrides.at ?? now,
			);
		expect(await verify({ body: body.replace("OrderReady", "OrderCancelled") })).toBe(false);
		expect(await verify({ secret: "another-secret" })).toBe(false);
		expect(await verify({ signature: signature.replace("v1=", "v0=") })).toBe(false);
		expect(await verify({ signature: "v1=zz" })).toBe(false);
		expect(await verify({ at: now + 301_000 })).toBe(false);
		expect(await verify({ at: now - 301_000 })).toBe(false);
		expect(await verify({ at: now + 299_000 })).toBe(true);
		expect(await verifyWebhookSignature(secret, "not-a-time", body, signature, 300, now)).toBe(false);
	});

	it("only accepts https:// URLs for webhooks", () => {
		expect(isAllowedWebhookUrl("https://pos.example.com/hook")).toBe(true);
		expect(isAllowedWebhookUrl("http://pos.example.com/hook")).toBe(false);
		expect(isAllowedWebhookUrl("ftp://pos.example.com")).toBe(false);
		expect(isAllowedWebhookUrl("pos.example.com/hook")).toBe(false);
	});
});
