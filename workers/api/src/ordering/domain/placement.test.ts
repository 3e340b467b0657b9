/** What a checkout must pass, the OrderPlaced that records it, and the refusal when prices moved. */
import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { catalogue, gyoza, gyozaLine, NOW, ramen, refusal, soho, storedLine } from "../../cart/domain/fixtures";
import type { CheckoutInput } from "../../cart/schemas";
import type { OrderPlacedPayload } from "../events";
import { address, contact } from "./fixtures";
import { checkPaymentChoice, checkPlacement, orderPlaced, type Placement, pricesChanged } from "./placement";

const pickup: CheckoutInput = {
	fulfilment: "pickup",
	contact,
	requestedTime: "asap",
	payment: { method: "card", paymentMethod: "pm_sim_4242424242424242" },
};
const delivery: CheckoutInput = { ...pickup, fulfilment: "delivery", deliveryAddress: address };

/** Two tonkotsu ramen at £12.00 and one gyoza at £6.50: £30.50. */
const lines = [storedLine({ quantity: 2 }), gyozaLine()];
const items = catalogue(ramen, gyoza);

describe("checkPlacement", () => {
	it("accepts a pickup for as soon as possible while the location is open", () => {
		expect(checkPlacement(soho, pickup, lines, items, NOW)).toEqual({ at: NOW, requestedFor: null });
	});

	it("accepts a delivery for a later slot, and the order is for that slot", () => {
		const later = { ...delivery, requestedTime: "2026-07-01T19:30:00+01:00" };

		expect(checkPlacement(soho, later, lines, items, NOW).requestedFor).toBe("2026-07-01T18:30:00.000Z");
	});

	it("refuses a tip in another currency than the location's", () => {
		const refused = refusal(() =>
			checkPlacement(soho, { ...pickup, tip: { amount: 200, currency: "EUR" } }, lines, items, NOW),
		);

		expect(refused.code).toBe("currency_mismatch");
		expect(refused.details).toEqual([{ field: "tip.currency", message: expect.stringContaining("GBP") }]);
	});

	it("accepts a tip in the location's currency", () => {
		const tipped = { ...pickup, tip: { amount: 200, currency: "GBP" } };

		expect(checkPlacement(soho, tipped, lines, items, NOW).at).toEqual(NOW);
	});

	it("refuses a fulfilment the location does not offer", () => {
		const pickupOnly = { ...soho, fulfilment: { pickup: true, delivery: null } };
		const deliveryOnly = { ...soho, fulfilment: { ...soho.fulfilment, pickup: false } };

		expect(refusal(() => checkPlacement(pickupOnly, delivery, lines, items, NOW)).code).toBe("delivery_not_offered");
		expect(refusal(() => checkPlacement(deliveryOnly, pickup, lines, items, NOW)).code).toBe("pickup_not_offered");
	});

	it("refuses an item not served at the time of the order, naming its line", () => {
		const breakfastRamen = { ...ramen, availability: [{ from: "07:00", until: "11:00" }] };

		const refused = refusal(() => checkPlacement(soho, pickup, lines, catalogue(breakfastRamen, gyoza), NOW));

		expect(refused.code).toBe("item_unavailable");
		expect(refused.details).toEqual({ lines: ["ln_00000000000000a1"] });
	});

	it("accepts that item for a slot when it is served", () => {
		const breakfastRamen = { ...ramen, availability: [{ from: "07:00", until: "11:00" }] };
		const tomorrowMorning = { ...pickup, requestedTime: "2026-07-02T09:30:00+01:00" };

		const when = checkPlacement(soho, tomorrowMorning, lines, catalogue(breakfastRamen, gyoza), NOW);

		expect(when.requestedFor).toBe("2026-07-02T08:30:00.000Z");
	});

	it("refuses an item sold out or gone since it was added, naming its line", () => {
		const soldOut = refusal(() =>
			checkPlacement(soho, pickup, lines, catalogue(ramen, { ...gyoza, soldOut: true }), NOW),
		);
		const gone = refusal(() => checkPlacement(soho, pickup, lines, catalogue(ramen), NOW));

		expect(soldOut).toMatchObject({ code: "item_sold_out", details: { lines: ["ln_00000000000000b2"] } });
		expect(gone).toMatchObject({ code: "item_sold_out", details: { lines: ["ln_00000000000000b2"] } });
	});
});

const placement: Placement = {
	location: soho,
	input: pickup,
	when: { requestedFor: null, at: NOW },
	customerId: "cus_ada",
	lines,
	now: NOW,
};

function placedWith(overrides: Partial<Placement>): OrderPlacedPayload {
	const event = orderPlaced({ ...placement, ...overrides });
	if (event.type !== "OrderPlaced") throw new Error(`expected OrderPlaced, got ${event.type}`);
	return event.payload;
}

describe("orderPlaced", () => {
	it("records each line as it was bought: name, quantity, options, note and prices", () => {
		const payload = placedWith({ lines: [storedLine({ quantity: 2, note: "extra spicy" }), gyozaLine()] });

		expect(payload.lines).toEqual([
			{
				lineId: "ln_00000000000000a1",
				itemId: "itm-ramen",
				categoryId: "cat-bowls",
				name: "Ramen",
				quantity: 2,
				unitPrice: 1200,
				lineTotal: 2400,
				options: [{ groupId: "broth", optionId: "tonkotsu", name: "Tonkotsu", priceDelta: 0 }],
				note: "extra spicy",
			},
			expect.objectContaining({ itemId: "itm-gyoza", quantity: 1, unitPrice: 650, lineTotal: 650 }),
		]);
	});

	it("decides the totals itself: the location's tax and delivery fee, and the tip", () => {
		// £30.50 including 20% VAT: £25.42 net, so £5.08 is VAT
		const payload = placedWith({ input: { ...delivery, tip: { amount: 150, currency: "GBP" } } });

		expect(payload.totals).toEqual({
			currency: "GBP",
			subtotal: 3050,
			tax: 508,
			taxIncluded: true,
			deliveryFee: 299,
			tip: 150,
			total: 3050 + 299 + 150,
		});
	});

	it("charges no delivery fee and no tip for a pickup without one", () => {
		const { totals } = placedWith({});

		expect(totals).toMatchObject({ deliveryFee: 0, tip: 0, total: 3050 });
	});

	it("keeps the delivery address only for a delivery, with no second line when none was given", () => {
		const withFlat = { ...address, line2: "Flat 3" };

		expect(placedWith({ input: delivery }).deliveryAddress).toEqual({ ...address, line2: null });
		expect(placedWith({ input: { ...delivery, deliveryAddress: withFlat } }).deliveryAddress).toEqual(withFlat);
		expect(placedWith({ input: { ...pickup, deliveryAddress: address } }).deliveryAddress).toBeNull();
	});

	it("counts the order on the business date of the location's clock", () => {
		const lateEvening = new Date("2026-07-01T23:30:00Z");
		const newYork = { ...soho, slug: "new-york-soho", timeZone: "America/New_York" };

		expect(placedWith({ now: lateEvening })).toMatchObject({ businessDate: "2026-07-02", timeZone: "Europe/London" });
		expect(placedWith({ location: newYork, now: lateEvening })).toMatchObject({
			businessDate: "2026-07-01",
			timeZone: "America/New_York",
			locationSlug: "new-york-soho",
		});
	});

	it("records who ordered, how and for when", () => {
		const when = { requestedFor: "2026-07-01T18:30:00.000Z", at: new Date("2026-07-01T18:30:00.000Z") };

		const payload = placedWith({ input: delivery, when, customerId: null });

		expect(payload).toMatchObject({
			locationSlug: "london-soho",
			fulfilment: "delivery",
			requestedFor: "2026-07-01T18:30:00.000Z",
			contact,
			customerId: null,
		});
	});
});

describe("pricesChanged", () => {
	it("lists each moved line with its previous and new unit price as money", () => {
		const error = pricesChanged(
			[
				{ lineId: "ln_a", oldUnitPrice: 1200, newUnitPrice: 1250 },
				{ lineId: "ln_b", oldUnitPrice: 650, newUnitPrice: 600 },
			],
			"GBP",
		);

		expect(error).toBeInstanceOf(RuleViolationError);
		expect(error.violation.code).toBe("prices_changed");
		expect(error.violation.details).toEqual({
			lines: [
				{
					lineId: "ln_a",
					previousUnitPrice: { amount: 1200, currency: "GBP" },
					unitPrice: { amount: 1250, currency: "GBP" },
				},
				{
					lineId: "ln_b",
					previousUnitPrice: { amount: 650, currency: "GBP" },
					unitPrice: { amount: 600, currency: "GBP" },
				},
			],
		});
	});
});

describe("checkPaymentChoice", () => {
	const payAtPickup: CheckoutInput = { ...pickup, payment: { method: "pay_at_pickup" } };
	const byCard = (amount?: { amount: number; currency: string }): CheckoutInput => ({
		...pickup,
		payment: { method: "card", paymentMethod: "pm_sim_4242424242424242", ...(amount ? { amount } : {}) },
	});
	const { totals } = placedWith({});

	it("refuses paying at pickup where the location does not take it, naming the method", () => {
		const refused = refusal(() => checkPaymentChoice(soho, payAtPickup, totals));

		expect(refused.code).toBe("pay_at_pickup_not_offered");
		expect(refused.details).toEqual([{ field: "payment.method", message: expect.stringContaining("card") }]);
	});

	it("accepts paying at pickup where the location takes it", () => {
		expect(() => checkPaymentChoice({ ...soho, payAtPickup: true }, payAtPickup, totals)).not.toThrow();
	});

	it("refuses a card amount in another currency than the order's", () => {
		const refused = refusal(() => checkPaymentChoice(soho, byCard({ amount: totals.total, currency: "EUR" }), totals));

		expect(refused.code).toBe("payment_currency_mismatch");
		expect(refused.details).toEqual([{ field: "payment.amount.currency", message: "must be GBP" }]);
	});

	it("refuses a card amount other than the order's total, naming the amount", () => {
		const refused = refusal(() =>
			checkPaymentChoice(soho, byCard({ amount: totals.total - 1, currency: "GBP" }), totals),
		);

		expect(refused.code).toBe("payment_amount_mismatch");
		expect(refused.details).toEqual([{ field: "payment.amount.amount", message: `must be ${totals.total}` }]);
	});

	it("accepts a card for exactly the total, or with no amount to compare", () => {
		expect(() => checkPaymentChoice(soho, byCard({ amount: totals.total, currency: "GBP" }), totals)).not.toThrow();
		expect(() => checkPaymentChoice(soho, byCard(), totals)).not.toThrow();
	});

	it("records the payment method in the OrderPlaced", () => {
		expect(placedWith({}).payment).toEqual({ method: "card" });
		expect(placedWith({ location: { ...soho, payAtPickup: true }, input: payAtPickup }).payment).toEqual({
			method: "pay_at_pickup",
		});
	});
});
