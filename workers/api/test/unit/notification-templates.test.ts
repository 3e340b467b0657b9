/**
 * Customer e-mail templates and the rules around them: money in the
 * location's currency (zero-decimal yen included), times on the location's
 * clock, escaped user data; which jobs an event causes; the retry backoff;
 * and the webhook signature (happy path, tampering, replay window).
 */
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { notificationJobsFor, notificationRetryDelaySeconds } from "../../src/notifications/domain/jobs";
import {
	escapeHtml,
	formatLocalDateTime,
	formatLocalTime,
	formatMoney,
	type OrderEmailInput,
	orderReference,
	renderOrderEmail,
} from "../../src/notifications/domain/templates";
import {
	isAllowedWebhookUrl,
	signWebhook,
	verifyWebhookSignature,
	webhookBody,
} from "../../src/notifications/domain/webhooks";
import type { OrderEventEnvelope } from "../../src/ordering/events";

const ORDER_ID = "ord_3fa2c91b0d4e5f60718293a4b5c6d7e8";

const SOHO = {
	name: "GoodFood Soho",
	addressLine: "12 Old Compton Street",
	city: "London",
	postcode: "W1D 4TQ",
	country: "GB",
	timeZone: "Europe/London",
};

function input(overrides: Partial<OrderEmailInput> = {}): OrderEmailInput {
	return {
		kind: "placed",
		orderId: ORDER_ID,
		customerName: "Ada Lovelace",
		location: SOHO,
		fulfilment: "pickup",
		deliveryAddress: null,
		currency: "GBP",
		lines: [
			{ name: "Flat White", quantity: 2, lineTotal: 760, options: ["Oat milk"], note: null },
			{ name: "Full English", quantity: 1, lineTotal: 1150, options: [], note: "No black pudding" },
		],
		totals: { subtotal: 1910, tax: 318, taxIncluded: true, deliveryFee: 0, tip: 0, total: 1910 },
		placedAt: "2030-07-01T10:05:00.000Z",
		requestedFor: null,
		estimatedReadyAt: null,
		cancellation: null,
		...overrides,
	};
}

describe("formatMoney", () => {
	it("scales minor units by the currency's own decimals", () => {
		expect(formatMoney(1910, "GBP", "en-GB")).toBe("£19.10");
		expect(formatMoney(1250, "USD", "en-US")).toBe("$12.50");
		expect(formatMoney(1180, "JPY", "en-JP")).toBe("¥1,180");
		expect(formatMoney(1180, "KWD", "en-GB")).toMatch(/KWD\s?1\.180/);
	});
});

describe("local times", () => {
	it("shows an instant on the location's clock, naming the zone", () => {
		const instant = "2030-07-01T11:20:00.000Z";
		expect(formatLocalTime(instant, "Europe/London", "en-GB")).toBe("12:20 BST");
		expect(formatLocalTime(instant, "Asia/Tokyo", "en-JP")).toMatch(/^20:20 GMT\+9$/);
		expect(formatLocalTime(instant, "America/New_York", "en-US")).toMatch(/^07:20\s?AM EDT$/);
		expect(formatLocalDateTime("2030-01-01T23:30:00.000Z", "Asia/Tokyo", "en-GB")).toBe("Wed 2 Jan, 08:30 GMT+9");
	});
});

describe("renderOrderEmail", () => {
	it("itemises a placed order in the location's currency, with the pickup time on its clock", () => {
		const email = renderOrderEmail(input({ requestedFor: "2030-07-02T11:00:00.000Z" }));

		expect(email.subject).toBe("We've got your order #3FA2C91B at GoodFood Soho");
		expect(email.text).toContain("Hi Ada,");
		expect(email.text).toContain("placed Mon 1 Jul, 11:05 BST");
		expect(email.text).toContain("Pickup at GoodFood Soho: Tue 2 Jul, 12:00 BST.");
		expect(email.text).toContain("2 × Flat White (Oat milk)  £7.60");
		expect(email.text).toContain("Note: No black pudding");
		expect(email.text).toContain("Includes tax: £3.18");
		expect(email.text).toContain("Total: £19.10");
		expect(email.text).toContain(ORDER_ID);
		expect(email.html).toContain("<strong>£19.10</strong>");
	});

	it("adds tax on top, the delivery fee and the tip where the order has them", () => {
		const email = renderOrderEmail(
			input({
				location: { ...SOHO, name: "GoodFood Chelsea", country: "US", timeZone: "America/New_York" },
				currency: "USD",
				fulfilment: "delivery",
				deliveryAddress: {
					line1: "1 Main St",
					city: "New York",
					postcode: "10011",
					latitude: 40.74,
					longitude: -74.0,
				},
				totals: { subtotal: 1000, tax: 89, taxIncluded: false, deliveryFee: 399, tip: 200, total: 1688 },
			}),
		);
		expect(email.text).toContain("Delivery to 1 Main St, New York 10011: as soon as possible.");
		expect(email.text).toContain("Delivery: $3.99");
		expect(email.text).toContain("Tip: $2.00");
		expect(email.text).toContain("Tax: $0.89");
		expect(email.text).toContain("Total: $16.88");
	});

	it("announces a confirmation with its ETA on the location's clock, in yen for Tokyo", () => {
		const email = renderOrderEmail(
			input({
				kind: "confirmed",
				location: { ...SOHO, name: "GoodFood Shibuya", country: "JP", timeZone: "Asia/Tokyo" },
				currency: "JPY",
				totals: { subtotal: 1180, tax: 107, taxIncluded: true, deliveryFee: 0, tip: 0, total: 1180 },
				estimatedReadyAt: "2030-07-01T03:20:00.000Z",
			}),
		);
		expect(email.subject).toBe("Order #3FA2C91B confirmed: ready around 12:20 GMT+9");
		expect(email.text).toContain("GoodFood Shibuya has confirmed your order #3FA2C91B (¥1,180).");
		expect(email.text).toContain("It should be ready around Mon, Jul 1, 12:20 GMT+9.");
		expect(email.text).not.toContain("Flat White");
	});

	it("tells a pickup customer where to collect a ready order, and a delivery customer it is coming", () => {
		const pickup = renderOrderEmail(input({ kind: "ready" }));
		expect(pickup.subject).toBe("Order #3FA2C91B is ready to collect");
		expect(pickup.text).toContain("ready to collect at GoodFood Soho, 12 Old Compton Street, London.");

		const delivery = renderOrderEmail(input({ kind: "ready", fulfilment: "delivery" }));
		expect(delivery.subject).toBe("Order #3FA2C91B is ready");
		expect(delivery.text).toContain("on its way to you shortly");
	});

	it("says who cancelled and why", () => {
		const byRestaurant = renderOrderEmail(
			input({ kind: "cancelled", cancellation: { reason: "Kitchen closing early", by: "restaurant" } }),
		);
		expect(byRestaurant.subject).toBe("Order #3FA2C91B has been cancelled");
		expect(byRestaurant.text).toContain("GoodFood Soho has cancelled your order #3FA2C91B (£19.10).");
		expect(byRestaurant.text).toContain("Reason: Kitchen closing early");

		const byCustomer = renderOrderEmail(input({ kind: "cancelled", cancellation: { reason: "", by: "customer" } }));
		expect(byCustomer.text).toContain("As you asked, we have cancelled your order");
		expect(byCustomer.text).not.toContain("Reason:");
	});

	it("escapes what customers and staff typed in the HTML, and keeps it verbatim in the text", () => {
		const email = renderOrderEmail(
			input({
				customerName: '<img src=x onerror="alert(1)">',
				lines: [
					{ name: "Flat White", quantity: 1, lineTotal: 380, options: ["<b>Oat</b>"], note: "</td><script>x</script>" },
				],
			}),
		);
		expect(email.html).not.toContain("<script>");
		expect(email.html).not.toContain("<img");
		expect(email.html).toContain("&lt;script&gt;x&lt;/script&gt;");
		expect(email.html).toContain("(&lt;b&gt;Oat&lt;/b&gt;)");
		expect(email.text).toContain("Note: </td><script>x</script>");
	});
});

describe("small helpers", () => {
	it("escapes the five HTML-significant characters", () => {
		expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	});

	it("shortens an order id to a reference", () => {
		expect(orderReference(ORDER_ID)).toBe("3FA2C91B");
	});

	it("backs off 30 s, 1, 2, 4, 8 minutes, capped at half an hour", () => {
		expect([1, 2, 3, 4, 5, 6, 7].map(notificationRetryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 960, 1800]);
		expect(notificationRetryDelaySeconds(20)).toBe(1800);
	});
});

function envelope(type: OrderEventEnvelope["type"], payload: Record<string, unknown> = {}): OrderEventEnvelope {
	return {
		id: "0b5d7c52-6a8e-4c1f-9d2b-3e4f5a6b7c8d",
		type,
		occurredAt: "2030-07-01T10:05:00.000Z",
		orderId: ORDER_ID,
		sequence: 2,
		payload,
	} as OrderEventEnvelope;
}

describe("notificationJobsFor", () => {
	const hooks = [
		{ id: "whk_all", events: null },
		{ id: "whk_cancellations", events: ["OrderCancelled" as const] },
	];

	it("e-mails the customer about the events they hear of, and every subscribed webhook", () => {
		const cancelled = envelope("OrderCancelled", { reason: "x", cancelledBy: "staff" });
		expect(notificationJobsFor(cancelled, "ada@example.com", hooks).map((job) => [job.channel, job.recipient])).toEqual(
			[
				["email", "ada@example.com"],
				["webhook", "whk_all"],
				["webhook", "whk_cancellations"],
			],
		);
	});

	it("sends a kitchen-only event to webhooks alone", () => {
		const preparing = envelope("OrderPreparationStarted", { estimatedReadyAt: "2030-07-01T10:30:00.000Z" });
		expect(notificationJobsFor(preparing, "ada@example.com", hooks).map((job) => job.recipient)).toEqual(["whk_all"]);
	});

	it("e-mails about a rejection, as a cancellation", () => {
		expect(notificationJobsFor(envelope("OrderRejected", { reason: "x" }), "ada@example.com", [])).toHaveLength(1);
	});
});

describe("webhook signatures", () => {
	const secret = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3I";
	const body = JSON.stringify(webhookBody(envelope("OrderReady"), "london-soho"));
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
