/**
 * Customer e-mail templates: money in the location's currency (zero-decimal
 * yen included), times on the location's clock, escaped user data. Which jobs
 * an event causes is in jobs.test.ts, the webhook signature in webhooks.test.ts.
 */
import { describe, expect, it } from "vitest";
import {
	escapeHtml,
	formatLocalDateTime,
	formatLocalTime,
	formatMoney,
	type OrderEmailInput,
	orderReference,
	renderOrderEmail,
} from "./templates";

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

	it("tells of a refund: its amount in its currency, the reason, and a link to the order", () => {
		const url = `https://goodfood.example/orders/${ORDER_ID}?token=abc&x=1`;
		const email = renderOrderEmail(
			input({ kind: "refunded", refund: { amount: 550, currency: "GBP", reason: "Cold <chips>" }, orderUrl: url }),
		);
		expect(email.subject).toBe("Refund of £5.50 for order #3FA2C91B");
		expect(email.text).toContain("GoodFood Soho has refunded £5.50 of your order #3FA2C91B (£19.10)");
		expect(email.text).toContain("Reason: Cold <chips>");
		expect(email.text).toContain(`See your order: ${url}`);
		expect(email.text).not.toContain("Flat White");
		expect(email.html).toContain("Reason: Cold &lt;chips&gt;");
		expect(email.html).toContain(
			`<a href="https://goodfood.example/orders/${ORDER_ID}?token=abc&amp;x=1">See your order</a>`,
		);

		const yen = renderOrderEmail(
			input({
				kind: "refunded",
				location: { ...SOHO, country: "JP", timeZone: "Asia/Tokyo" },
				currency: "JPY",
				refund: { amount: 590, currency: "JPY", reason: "" },
			}),
		);
		expect(yen.subject).toBe("Refund of ¥590 for order #3FA2C91B");
		expect(yen.text).not.toContain("Reason:");
		expect(yen.html).not.toContain("<a href");
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
});
