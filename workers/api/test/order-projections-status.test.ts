/**
 * The order-events consumer applying status events: the status, ETA and times
 * move forward and never back, the history keeps every step, an event before
 * its OrderPlaced is retried, and a cancelled or rejected order leaves the
 * daily sales once.
 */
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as schema from "../src/db/schema";
import { newOrderId } from "./helpers";
import {
	customerHistoryOf,
	db,
	deliver,
	event,
	expectFiguresOfOneOrder,
	FLAT_WHITE,
	findOrder,
	freshBusinessDate,
	itemSales,
	locationSales,
	placed,
	statusHistoryOf,
} from "./order-projections-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

/** A seeded account, so the order has a customer history whose status follows the order's. */
const ACCOUNT_HOLDER = "acc-demo-customer";

describe("status events", () => {
	it("moves the status, records the ETA and the confirmed and ready times, and keeps the history", async () => {
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate: freshBusinessDate(), customerId: ACCOUNT_HOLDER })]);

		await deliver([event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" })]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "confirmed",
			estimatedReadyAt: "2030-01-01T09:20:00.000Z",
			confirmedAt: "2030-01-01T09:02:00.000Z",
			readyAt: null,
			lastSequence: 2,
		});

		await deliver([
			event("OrderPreparationStarted", orderId, 3, { estimatedReadyAt: "2030-01-01T09:25:00.000Z" }),
			event("OrderReady", orderId, 4, {}),
		]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "ready",
			estimatedReadyAt: "2030-01-01T09:25:00.000Z",
			readyAt: "2030-01-01T09:04:00.000Z",
			lastSequence: 4,
		});

		await deliver([event("OrderPickedUp", orderId, 5, {})]);
		expect(await findOrder(orderId)).toMatchObject({ status: "picked_up", completedAt: "2030-01-01T09:05:00.000Z" });

		const history = await statusHistoryOf(orderId);
		expect(history.map((entry) => entry.status)).toEqual(["placed", "confirmed", "preparing", "ready", "picked_up"]);
		expect(history[1].estimatedReadyAt).toBe("2030-01-01T09:20:00.000Z");
		const [customer] = await customerHistoryOf(orderId);
		expect(customer?.status).toBe("picked_up");
	});

	it("does not regress the status when an older event arrives after a newer one, but records it", async () => {
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate: freshBusinessDate(), customerId: ACCOUNT_HOLDER })]);

		await deliver([event("OrderPreparationStarted", orderId, 3, { estimatedReadyAt: "2030-01-01T09:30:00.000Z" })]);
		await deliver([event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" })]);

		expect(await findOrder(orderId)).toMatchObject({
			status: "preparing",
			lastSequence: 3,
			estimatedReadyAt: "2030-01-01T09:30:00.000Z",
			confirmedAt: "2030-01-01T09:02:00.000Z",
		});
		const [customer] = await customerHistoryOf(orderId);
		expect(customer?.status).toBe("preparing");
		const history = await statusHistoryOf(orderId);
		expect(history.map((entry) => entry.status)).toEqual(["placed", "confirmed", "preparing"]);
	});

	it("retries a status event whose OrderPlaced has not been projected, then applies it once it has", async () => {
		const orderId = newOrderId();
		const confirmed = event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" });

		const early = await deliver([confirmed]);
		expect(early.result.explicitAcks).toEqual([]);
		expect(early.result.retryMessages).toEqual([{ msgId: early.ids[0] }]);
		expect(early.retryDelays.get(early.ids[0])).toBe(2);
		expect(await findOrder(orderId)).toBeUndefined();
		const ledger = await db
			.select()
			.from(schema.orderStatusHistory)
			.where(eq(schema.orderStatusHistory.eventId, confirmed.id))
			.all();
		expect(ledger).toEqual([]);

		await deliver([placed(orderId, { businessDate: freshBusinessDate() })]);
		const later = await deliver([confirmed], 2);
		expect(later.result.explicitAcks).toEqual(later.ids);
		expect((await findOrder(orderId))?.status).toBe("confirmed");
	});

	it("applies an OrderPlaced and its status events arriving in one batch in stream order", async () => {
		const orderId = newOrderId();
		const { ids, result } = await deliver([
			event("OrderReady", orderId, 4, {}),
			event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" }),
			placed(orderId, { businessDate: freshBusinessDate() }),
			event("OrderPreparationStarted", orderId, 3, { estimatedReadyAt: "2030-01-01T09:25:00.000Z" }),
		]);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(await findOrder(orderId)).toMatchObject({ status: "ready", lastSequence: 4 });
	});

	it("retries with a growing backoff, and logs, when the projection fails", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const orderId = newOrderId();
		// A second OrderPlaced for a projected order under a new sequence fails on the orders primary key.
		await deliver([placed(orderId, { businessDate: freshBusinessDate() })]);
		const conflicting = { ...placed(orderId), sequence: 7 };

		const first = await deliver([conflicting], 1);
		const third = await deliver([conflicting], 3);

		expect(first.result.retryMessages).toEqual([{ msgId: first.ids[0] }]);
		expect(third.result.retryMessages).toEqual([{ msgId: third.ids[0] }]);
		expect(first.retryDelays.get(first.ids[0])).toBe(2);
		expect(third.retryDelays.get(third.ids[0])).toBe(8);
		expect(third.result.explicitAcks).toEqual([]);
		const logged = errors.mock.calls.map(([line]) => JSON.parse(String(line)));
		expect(logged[0]).toMatchObject({ level: "error", message: "order event projection failed", orderId, attempts: 1 });
	});
});

describe("cancellation", () => {
	it("takes a cancelled order out of the daily sales once, and keeps the others", async () => {
		const businessDate = freshBusinessDate();
		const kept = newOrderId();
		const cancelled = newOrderId();
		await deliver([placed(kept, { businessDate }), placed(cancelled, { businessDate })]);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 4, orders: 2 });

		const cancellation = event("OrderCancelled", cancelled, 2, { reason: "Changed my mind", cancelledBy: "customer" });
		await deliver([cancellation, structuredClone(cancellation)]);
		await deliver([cancellation], 2);

		expect(await findOrder(cancelled)).toMatchObject({
			status: "cancelled",
			cancelReason: "Changed my mind",
			countedInSales: false,
		});
		await expectFiguresOfOneOrder(businessDate);
	});

	it("takes a rejected order out of the daily sales", async () => {
		const businessDate = freshBusinessDate();
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate })]);

		await deliver([event("OrderRejected", orderId, 2, { reason: "Kitchen closing" })]);

		expect((await findOrder(orderId))?.status).toBe("rejected");
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 0, orders: 0, revenueMinor: 0 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 0, revenueMinor: 0 });
	});

	it("takes an order out only once, even when it is reported both rejected and cancelled", async () => {
		const businessDate = freshBusinessDate();
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate }), placed(newOrderId(), { businessDate })]);

		await deliver([
			event("OrderRejected", orderId, 2, { reason: "Kitchen closing" }),
			event("OrderCancelled", orderId, 3, { reason: "Kitchen closing", cancelledBy: "staff" }),
		]);

		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910 });
	});
});
