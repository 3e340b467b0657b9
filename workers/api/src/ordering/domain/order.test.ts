/** The order state machine as plain rules: arrange events, act with a change, assert the outcome. */
import { describe, expect, it } from "vitest";
import type { OrderEventData, OrderPlacedPayload } from "../events";
import {
	decideStatusChange,
	foldOrder,
	IllegalTransition,
	nextStatuses,
	type OrderState,
	type RecordedEvent,
	statusAfter,
} from "./order";

const NOW = new Date("2026-07-01T12:00:00Z");

const placed: OrderPlacedPayload = {
	locationSlug: "london-soho",
	timeZone: "Europe/London",
	businessDate: "2026-07-01",
	fulfilment: "pickup",
	deliveryAddress: null,
	requestedFor: null,
	contact: { name: "Ada", email: "ada@example.com", phone: "+44 20 0000 0000" },
	customerId: null,
	lines: [
		{
			lineId: "ln_1",
			itemId: "itm-1",
			categoryId: "cat-1",
			name: "Flat White",
			quantity: 1,
			unitPrice: 340,
			lineTotal: 340,
			options: [],
			note: null,
		},
	],
	totals: { currency: "GBP", subtotal: 340, tax: 57, taxIncluded: true, deliveryFee: 0, tip: 0, total: 340 },
};

function orderAfter(...events: OrderEventData[]): OrderState {
	const recorded: RecordedEvent[] = [{ type: "OrderPlaced", payload: placed } as OrderEventData, ...events].map(
		(event, index) => ({ sequence: index + 1, occurredAt: NOW.toISOString(), event }),
	);
	const state = foldOrder("ord_1", recorded);
	if (!state) throw new Error("no order");
	return state;
}

const eta = { estimatedReadyAt: "2026-07-01T12:20:00.000Z" };

const placedByCard: OrderEventData = { type: "OrderPlaced", payload: { ...placed, payment: { method: "card" } } };
const authorised: OrderEventData = {
	type: "PaymentAuthorised",
	payload: { provider: "simulator", intentId: "pi_sim_2", amount: 340, currency: "GBP", attempt: 2 },
};
const declined: OrderEventData = {
	type: "PaymentFailed",
	payload: {
		provider: "simulator",
		intentId: "pi_sim_1",
		attempt: 1,
		code: "insufficient_funds",
		message: "Your card has insufficient funds",
	},
};
const paymentFacts = { provider: "simulator", intentId: "pi_sim_1", amount: 340, currency: "GBP" };

/** The stream as recorded: sequences from 1, a minute apart. */
function stream(...events: OrderEventData[]): RecordedEvent[] {
	return events.map((event, index) => ({
		sequence: index + 1,
		occurredAt: new Date(NOW.getTime() + index * 60_000).toISOString(),
		event,
	}));
}

describe("statusAfter", () => {
	it("makes an order paid by card wait for its payment, and one paid at pickup (or before payments) placed", () => {
		expect(statusAfter(placedByCard, undefined)).toBe("awaiting_payment");
		expect(
			statusAfter({ type: "OrderPlaced", payload: { ...placed, payment: { method: "pay_at_pickup" } } }, undefined),
		).toBe("placed");
		expect(statusAfter({ type: "OrderPlaced", payload: placed }, undefined)).toBe("placed");
	});

	it("places an order once its payment is authorised, and fails it when the payment fails", () => {
		expect(statusAfter(authorised, "awaiting_payment")).toBe("placed");
		expect(statusAfter(declined, "awaiting_payment")).toBe("payment_failed");
	});

	it("leaves the status alone for the payment's later events", () => {
		expect(statusAfter({ type: "PaymentCaptured", payload: { ...paymentFacts, method: "card" } }, "picked_up")).toBe(
			"picked_up",
		);
		expect(statusAfter({ type: "PaymentVoided", payload: { ...paymentFacts, reason: "rejected" } }, "rejected")).toBe(
			"rejected",
		);
		expect(
			statusAfter(
				{ type: "PaymentRefunded", payload: { ...paymentFacts, refundId: "re_1", reason: "cold" } },
				"delivered",
			),
		).toBe("delivered");
		expect(statusAfter(authorised, "confirmed")).toBe("confirmed");
		expect(statusAfter(declined, "payment_failed")).toBe("payment_failed");
	});
});

describe("foldOrder", () => {
	it("is undefined before the order is placed", () => {
		expect(foldOrder("ord_1", [])).toBeUndefined();
	});

	it("derives status, ETA and timeline from the events", () => {
		const state = orderAfter(
			{ type: "OrderConfirmed", payload: eta },
			{ type: "OrderPreparationStarted", payload: eta },
		);
		expect(state.status).toBe("preparing");
		expect(state.estimatedReadyAt).toBe(eta.estimatedReadyAt);
		expect(state.timeline.map((entry) => entry.status)).toEqual(["placed", "confirmed", "preparing"]);
		expect(state.version).toBe(3);
	});

	it("is the last checkout attempt after a failed payment, and its timeline keeps both attempts", () => {
		const secondAttempt: OrderEventData = {
			type: "OrderPlaced",
			payload: {
				...placed,
				payment: { method: "card" },
				lines: [{ ...placed.lines[0], quantity: 2, lineTotal: 680 }],
				totals: { ...placed.totals, subtotal: 680, tax: 113, total: 680 },
			},
		};

		const state = foldOrder("ord_1", stream(placedByCard, declined, secondAttempt, authorised));

		expect(state).toMatchObject({
			status: "placed",
			placedSequence: 3,
			placedAt: "2026-07-01T12:02:00.000Z",
			version: 4,
			lines: [expect.objectContaining({ quantity: 2, lineTotal: 680 })],
			totals: expect.objectContaining({ total: 680 }),
			payment: expect.objectContaining({ attempt: 2, status: "authorised", amount: 680, intentId: "pi_sim_2" }),
		});
		expect(state?.timeline.map(({ sequence, status }) => ({ sequence, status }))).toEqual([
			{ sequence: 1, status: "awaiting_payment" },
			{ sequence: 2, status: "payment_failed" },
			{ sequence: 3, status: "awaiting_payment" },
			{ sequence: 4, status: "placed" },
		]);
		expect(state?.timeline[1].reason).toBe("Your card has insufficient funds");
	});

	it("keeps payment events that leave the status alone out of the timeline", () => {
		const state = foldOrder(
			"ord_1",
			stream(
				{ type: "OrderPlaced", payload: { ...placed, payment: { method: "card" } } },
				{ type: "PaymentAuthorised", payload: { ...paymentFacts, attempt: 1 } },
				{ type: "OrderConfirmed", payload: eta },
				{ type: "OrderPreparationStarted", payload: eta },
				{ type: "OrderReady", payload: {} },
				{ type: "OrderPickedUp", payload: {} },
				{ type: "PaymentCaptured", payload: { ...paymentFacts, method: "card" } },
				{ type: "PaymentRefunded", payload: { ...paymentFacts, amount: 100, refundId: "re_1", reason: "cold" } },
			),
		);

		expect(state?.status).toBe("picked_up");
		expect(state?.version).toBe(8);
		expect(state?.payment).toMatchObject({ status: "partially_refunded", captured: 340, refunded: 100 });
		expect(state?.timeline.map((entry) => entry.status)).toEqual([
			"awaiting_payment",
			"placed",
			"confirmed",
			"preparing",
			"ready",
			"picked_up",
		]);
	});
});

describe("nextStatuses", () => {
	it("follows the kitchen for a pickup and a delivery", () => {
		expect(nextStatuses("ready", "pickup", "staff")).toEqual(["picked_up"]);
		expect(nextStatuses("ready", "delivery", "staff")).toEqual(["out_for_delivery"]);
		expect(nextStatuses("out_for_delivery", "delivery", "staff")).toEqual(["delivered"]);
	});

	it("lets customers cancel only before confirmation", () => {
		expect(nextStatuses("placed", "pickup", "customer")).toEqual(["cancelled"]);
		expect(nextStatuses("confirmed", "pickup", "customer")).toEqual([]);
	});

	it("offers neither staff nor the customer any step while the payment is awaited or failed", () => {
		for (const status of ["awaiting_payment", "payment_failed"] as const) {
			for (const actor of ["staff", "customer"] as const) {
				expect(nextStatuses(status, "pickup", actor)).toEqual([]);
				expect(nextStatuses(status, "delivery", actor)).toEqual([]);
			}
		}
	});

	it("lets staff cancel until the order is ready, and nothing after a final state", () => {
		expect(nextStatuses("preparing", "pickup", "staff")).toContain("cancelled");
		expect(nextStatuses("ready", "pickup", "staff")).not.toContain("cancelled");
		for (const final of ["picked_up", "delivered", "rejected", "cancelled"] as const) {
			expect(nextStatuses(final, "delivery", "staff")).toEqual([]);
		}
	});
});

describe("decideStatusChange", () => {
	it("confirms with an ETA counted from now", () => {
		const event = decideStatusChange(orderAfter(), { status: "confirmed", etaMinutes: 20 }, "staff", NOW);
		expect(event).toEqual({ type: "OrderConfirmed", payload: { estimatedReadyAt: "2026-07-01T12:20:00.000Z" } });
	});

	it("keeps the confirmed ETA when preparation starts without a new one", () => {
		const state = orderAfter({ type: "OrderConfirmed", payload: eta });
		expect(decideStatusChange(state, { status: "preparing" }, "staff", NOW)).toEqual({
			type: "OrderPreparationStarted",
			payload: eta,
		});
	});

	it("records who cancelled and why", () => {
		expect(
			decideStatusChange(orderAfter(), { status: "cancelled", reason: "Changed my mind" }, "customer", NOW),
		).toEqual({
			type: "OrderCancelled",
			payload: { reason: "Changed my mind", cancelledBy: "customer" },
		});
	});

	it("throws IllegalTransition naming the current state and what is allowed", () => {
		const attempt = () => decideStatusChange(orderAfter(), { status: "ready" }, "staff", NOW);
		expect(attempt).toThrow(IllegalTransition);
		try {
			attempt();
		} catch (error) {
			expect(error).toMatchObject({
				current: "placed",
				requested: "ready",
				allowed: ["confirmed", "rejected", "cancelled"],
			});
		}
	});
});
