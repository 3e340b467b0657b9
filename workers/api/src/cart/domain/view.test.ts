/** What a customer sees of their cart: money in the location's currency, line and cart totals, and its state. */
import { describe, expect, it } from "vitest";
import { gyozaLine, soho, storedLine } from "./fixtures";
import { type CartHeader, cartView } from "./view";

const openCart: CartHeader = {
	cartId: "crt_3f2a9c0d1e4b5a6978877665544332211",
	orderId: "ord_7b1c",
	locationSlug: "london-soho",
	status: "open",
	expiresAt: Date.parse("2026-07-02T12:00:00Z"),
};
const checkedOut: CartHeader = { ...openCart, status: "checked_out" };

/** Two ramen with miso at £12.50 and three gyoza at £6.50: a subtotal of £44.50. */
const lines = [
	storedLine({
		quantity: 2,
		unitPrice: 1250,
		options: [{ groupId: "broth", optionId: "miso", name: "Miso", priceDelta: 50 }],
		optionKey: "miso",
	}),
	gyozaLine({ quantity: 3 }),
];

/** Sales tax of 8.88% added on top, in dollars. */
const newYork = {
	...soho,
	slug: "new-york-soho",
	timeZone: "America/New_York",
	currency: "USD",
	taxRateBps: 888,
	pricesIncludeTax: false,
	fulfilment: { pickup: true, delivery: { radiusMeters: 3000, fee: { amount: 399, currency: "USD" } } },
};

describe("cartView", () => {
	it("shows every amount in the location's currency", () => {
		const view = cartView(openCart, lines, newYork);

		expect(view.currency).toBe("USD");
		expect(view.lines[0].unitPrice).toEqual({ amount: 1250, currency: "USD" });
		expect(view.lines[0].options[0].priceDelta).toEqual({ amount: 50, currency: "USD" });
		expect(view.lines[0].lineTotal.currency).toBe("USD");
		expect(view.totals.total.currency).toBe("USD");
	});

	it("totals each line as its unit price times its quantity", () => {
		const view = cartView(openCart, lines, soho);

		expect(view.lines.map((line) => line.lineTotal.amount)).toEqual([2500, 1950]);
	});

	it("counts the items, not the lines", () => {
		expect(cartView(openCart, lines, soho).itemCount).toBe(5);
	});

	it("shows the VAT included in the prices without adding it", () => {
		// £44.50 including 20% VAT: £37.08 net, so £7.42 is VAT
		const { totals } = cartView(openCart, lines, soho);

		expect(totals.subtotal.amount).toBe(4450);
		expect(totals.tax.amount).toBe(742);
		expect(totals.taxIncluded).toBe(true);
		expect(totals.total.amount).toBe(4450);
	});

	it("adds sales tax on top where prices exclude it", () => {
		// 8.88% of $44.50 = $3.9516 → $3.95
		const { totals } = cartView(openCart, lines, newYork);

		expect(totals.tax.amount).toBe(395);
		expect(totals.taxIncluded).toBe(false);
		expect(totals.total.amount).toBe(4450 + 395);
	});

	it("charges the delivery fee only for a delivery, and adds the tip", () => {
		const pickup = cartView(openCart, lines, soho, "pickup", 200);
		const delivery = cartView(openCart, lines, soho, "delivery", 200);

		expect(pickup.fulfilment).toBe("pickup");
		expect(pickup.totals.deliveryFee.amount).toBe(0);
		expect(pickup.totals.total.amount).toBe(4450 + 200);
		expect(delivery.fulfilment).toBe("delivery");
		expect(delivery.totals.deliveryFee).toEqual({ amount: 299, currency: "GBP" });
		expect(delivery.totals.tip).toEqual({ amount: 200, currency: "GBP" });
		expect(delivery.totals.total.amount).toBe(4450 + 299 + 200);
	});

	it("previews a pickup without a tip unless told otherwise", () => {
		const { fulfilment, totals } = cartView(openCart, lines, soho);

		expect(fulfilment).toBe("pickup");
		expect(totals.deliveryFee.amount).toBe(0);
		expect(totals.tip.amount).toBe(0);
	});

	it("says when an open cart expires, and not once it is checked out", () => {
		expect(cartView(openCart, lines, soho).expiresAt).toBe("2026-07-02T12:00:00.000Z");
		expect(cartView(checkedOut, lines, soho).expiresAt).toBeNull();
	});

	it("names the order only once the cart is checked out", () => {
		expect(cartView(openCart, lines, soho).orderId).toBeNull();
		expect(cartView(checkedOut, lines, soho)).toMatchObject({ status: "checked_out", orderId: "ord_7b1c" });
	});

	it("shows an empty cart with nothing to pay", () => {
		const view = cartView(openCart, [], soho);

		expect(view.lines).toEqual([]);
		expect(view.itemCount).toBe(0);
		expect(view.totals.total.amount).toBe(0);
	});
});
