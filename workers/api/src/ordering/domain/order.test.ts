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
