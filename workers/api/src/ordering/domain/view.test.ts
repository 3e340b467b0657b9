/** What a caller sees of an order and of its event stream, by the access they hold. */
import { describe, expect, it } from "vitest";
import { contact, orderState, owner, placedPayload, sohoStaff, tracking } from "./fixtures";
import { orderEventsView, orderView, type StoredEvent } from "./view";

describe("orderView", () => {
	it("shows the contact's name only to a tracking link", () => {
		expect(orderView(orderState(), tracking).contact).toEqual({ name: "Ada Lovelace" });
	});

	it("shows the full contact to staff and to the customer", () => {
		expect(orderView(orderState(), sohoStaff).contact).toEqual(contact);
		expect(orderView(orderState(), owner).contact).toEqual(contact);
	});

	it("offers staff the kitchen's next steps and the customer only a cancellation", () => {
		const placed = orderState();

		expect(orderView(placed, sohoStaff).allowedNext).toEqual(["confirmed", "rejected", "cancelled"]);
		expect(orderView(placed, owner).allowedNext).toEqual(["cancelled"]);
		expect(orderView(placed, tracking).allowedNext).toEqual(["cancelled"]);
	});

	it("offers the customer nothing once the order is confirmed", () => {
		const confirmed = orderState({ status: "confirmed" });

		expect(orderView(confirmed, owner).allowedNext).toEqual([]);
		expect(orderView(confirmed, sohoStaff).allowedNext).toEqual(["preparing", "cancelled"]);
	});

	it("gives the estimated ready time on the location's clock", () => {
		const estimatedReadyAt = "2026-07-01T12:20:00.000Z";

		expect(orderView(orderState({ estimatedReadyAt }), owner)).toMatchObject({
			estimatedReadyAt,
			estimatedReadyAtLocal: "13:20",
		});
		expect(orderView(orderState({ estimatedReadyAt, timeZone: "Asia/Tokyo" }), owner).estimatedReadyAtLocal).toBe(
			"21:20",
		);
	});

	it("gives no local ready time before the kitchen estimates one", () => {
		expect(orderView(orderState(), owner).estimatedReadyAtLocal).toBeNull();
	});

	it("shows the recorded prices as money in the order's currency", () => {
		const view = orderView(orderState(), owner);

		expect(view.lines[0]).toMatchObject({
			unitPrice: { amount: 1350, currency: "GBP" },
			lineTotal: { amount: 2700, currency: "GBP" },
			options: [{ name: "Egg", priceDelta: { amount: 150, currency: "GBP" } }],
		});
		expect(view.totals.total).toEqual({ amount: 3099, currency: "GBP" });
	});
});

describe("orderEventsView", () => {
	const events: StoredEvent[] = [
		{ sequence: 1, id: "evt-1", type: "OrderPlaced", occurredAt: "2026-07-01T12:00:00.000Z", payload: placedPayload },
		{
			sequence: 2,
			id: "evt-2",
			type: "OrderConfirmed",
			occurredAt: "2026-07-01T12:02:00.000Z",
			payload: { estimatedReadyAt: "2026-07-01T12:20:00.000Z" },
		},
	];

	it("hides the contact details and account in the stream for a tracking link", () => {
		const view = orderEventsView("ord_1", events, tracking);

		expect(view.orderId).toBe("ord_1");
		expect(view.events.map((event) => event.sequence)).toEqual([1, 2]);
		expect(view.events[0].payload.contact).toEqual({ name: "Ada Lovelace" });
		expect(view.events[0].payload).not.toHaveProperty("customerId");
		expect(view.events[1].payload).toEqual({ estimatedReadyAt: "2026-07-01T12:20:00.000Z" });
	});

	it("shows the whole stream to staff and the customer", () => {
		expect(orderEventsView("ord_1", events, sohoStaff).events).toEqual(events);
		expect(orderEventsView("ord_1", events, owner).events).toEqual(events);
	});
});
