/**
 * The order-events consumer under at-least-once delivery: a message has one
 * effect however often, and however concurrently, it is delivered, and a
 * malformed message is acked and logged without holding up the rest of its batch.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { newOrderId } from "./helpers";
import {
	deliver,
	event,
	FLAT_WHITE,
	findOrder,
	freshBusinessDate,
	itemSales,
	locationSales,
	pairCount,
	placed,
	statusHistoryOf,
} from "./order-projections-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("idempotency", () => {
	it("applies a message delivered twice in one batch once, and acks both", async () => {
		const businessDate = freshBusinessDate();
		const message = placed(newOrderId(), { businessDate });
		const pairsBefore = await pairCount();

		const { ids, result } = await deliver([message, structuredClone(message)]);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(result.retryMessages).toEqual([]);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910 });
		expect(await pairCount()).toBe(pairsBefore + 1);
	});

	it("applies a message redelivered in a later batch once, and acks it", async () => {
		const businessDate = freshBusinessDate();
		const orderId = newOrderId();
		const message = placed(orderId, { businessDate });
		const confirmed = event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" });
		await deliver([message, confirmed]);

		const { ids, result } = await deliver([message, confirmed], 2);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(result.retryMessages).toEqual([]);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
		const history = await statusHistoryOf(orderId);
		expect(history).toHaveLength(2);
	});

	it("acks a concurrent duplicate whose batch loses the race on the ledger", async () => {
		const businessDate = freshBusinessDate();
		const message = placed(newOrderId(), { businessDate });

		// Two consumers handed the same event at once; whichever writes second fails on the ledger.
		const outcomes = await Promise.all([deliver([message]), deliver([structuredClone(message)])]);

		for (const { ids, result } of outcomes) {
			expect(result.explicitAcks).toEqual(ids);
			expect(result.retryMessages).toEqual([]);
		}
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
	});

	it("acks an event re-published under a new id for a stream position already applied", async () => {
		const businessDate = freshBusinessDate();
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate })]);

		const { ids, result } = await deliver([placed(orderId, { businessDate })]);

		expect(result.explicitAcks).toEqual(ids);
		expect(result.retryMessages).toEqual([]);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
	});
});

describe("malformed messages", () => {
	it("acks and logs a malformed message without holding up the rest of the batch", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const businessDate = freshBusinessDate();
		const orderId = newOrderId();
		const good = placed(orderId, { businessDate });
		const badBodies = [
			"not json at all",
			{ ...good, id: "not-a-uuid" },
			{ ...good, id: crypto.randomUUID(), type: "OrderTeleported" },
			{ ...event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "x" }), payload: {} },
		];

		const { ids, result } = await deliver([badBodies[0], good, ...badBodies.slice(1)]);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(result.retryMessages).toEqual([]);
		expect((await findOrder(orderId))?.status).toBe("placed");
		const logged = errors.mock.calls.map(([line]) => JSON.parse(String(line)));
		expect(logged).toHaveLength(badBodies.length);
		expect(logged[0]).toMatchObject({ level: "error", message: "malformed order event", messageId: ids[0] });
		expect(logged[0].issues.length).toBeGreaterThan(0);
	});
});
