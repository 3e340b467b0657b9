/**
 * Fixtures for the ordering domain tests: a signed-in customer's delivery
 * order from Soho, and the three ways to reach an order. Used by tests only;
 * production code never imports this module.
 */
import { newPayment } from "../../payments/domain/payment";
import type { OrderPlacedPayload } from "../events";
import type { OrderAccess } from "./access";
import type { OrderState } from "./order";

export const contact = { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" };

/** Soho Square, about 300 m from the Soho location; no second line. */
export const address = {
	line1: "10 Soho Square",
	city: "London",
	postcode: "W1D 3QD",
	latitude: 51.5154,
	longitude: -0.1321,
};

export const placedPayload: OrderPlacedPayload = {
	locationSlug: "london-soho",
	timeZone: "Europe/London",
	businessDate: "2026-07-01",
	fulfilment: "delivery",
	deliveryAddress: { ...address, line2: null },
	requestedFor: null,
	contact,
	customerId: "cus_ada",
	lines: [
		{
			lineId: "ln_00000000000000a1",
			itemId: "itm-ramen",
			categoryId: "cat-bowls",
			name: "Ramen",
			quantity: 2,
			unitPrice: 1350,
			lineTotal: 2700,
			options: [{ groupId: "toppings", optionId: "egg", name: "Egg", priceDelta: 150 }],
			note: "extra spicy",
		},
	],
	totals: { currency: "GBP", subtotal: 2700, tax: 450, taxIncluded: true, deliveryFee: 299, tip: 100, total: 3099 },
};

/** The order right after it was placed, as folded from its stream. */
export function orderState(overrides: Partial<OrderState> = {}): OrderState {
	const { businessDate: _businessDate, payment: _payment, ...placed } = placedPayload;
	return {
		orderId: "ord_1",
		status: "placed",
		...placed,
		placedAt: "2026-07-01T12:00:00.000Z",
		predictedReadyAt: null,
		estimatedReadyAt: null,
		timeline: [{ sequence: 1, status: "placed", occurredAt: "2026-07-01T12:00:00.000Z" }],
		version: 1,
		payment: {
			...newPayment("card", placed.totals.total, placed.totals.currency, 1),
			status: "authorised",
			provider: "simulator",
			intentId: "pi_sim_1",
			authorised: placed.totals.total,
		},
		placedSequence: 1,
		...overrides,
	};
}

export const sohoStaff: OrderAccess = { kind: "staff", locations: ["london-soho"] };
export const owner: OrderAccess = { kind: "customer", customerId: "cus_ada" };
export const tracking: OrderAccess = { kind: "tracking", token: "trk_0123456789abcdef" };
