/**
 * The order-events dead-letter queue: an event whose retries ran out is
 * recorded whole, with why, once however often it is delivered, and a
 * malformed dead letter is recorded too.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { handleQueue } from "../src/queues";
import { newOrderId } from "./helpers";
import { deliver, event, freshBusinessDate, placed } from "./order-projections-helpers";
import { deliverBatch } from "./queue-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("the dead-letter queue", () => {
	function deadLetter(queue: string, bodies: unknown[], attempts = 1) {
		return deliverBatch(queue, handleQueue, bodies, { attempts, idPrefix: "dlq" });
	}

	function deadLettersOf(messageId: string) {
		return env.ORDERS_EU.prepare("SELECT * FROM dead_letters WHERE message_id = ?")
			.bind(messageId)
			.all<Record<string, unknown>>()
			.then((result) => result.results);
	}

	it("records an event whose retries ran out, with its body and why, and logs it as an error", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const orphan = event("OrderConfirmed", newOrderId(), 2, { estimatedReadyAt: "2030-01-01T09:30:00.000Z" });

		const { ids, result } = await deadLetter("goodfood-order-events-dlq-production", [orphan]);

		expect(result.explicitAcks).toEqual(ids);
		const rows = await deadLettersOf(ids[0]);
		expect(rows).toEqual([
			expect.objectContaining({
				queue: "goodfood-order-events-dlq-production",
				event_id: orphan.id,
				order_id: orphan.orderId,
				event_type: "OrderConfirmed",
				reason: "retries exhausted: its OrderPlaced was never projected",
				replayed_at: null,
			}),
		]);
		// The body is kept whole, so it can be sent back onto the order-events queue.
		expect(JSON.parse(String(rows[0].body))).toEqual(orphan);
		const line = errors.mock.calls.map(([text]) => JSON.parse(String(text))).find((l) => l.eventId === orphan.id);
		expect(line).toMatchObject({ level: "error", message: "order event dead-lettered", orderId: orphan.orderId });
	});

	it("keeps one row for a dead letter delivered twice, and records a malformed message too", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const order = newOrderId();
		await deliver([placed(order, { businessDate: freshBusinessDate() })]);
		const dead = placed(order);
		const first = await deadLetter("goodfood-order-events-dlq", [dead, { nonsense: true }]);
		const messageId = first.ids[0];
		const batch = createMessageBatch("goodfood-order-events-dlq", [
			{ id: messageId, timestamp: Date.now(), attempts: 2, body: dead },
		]);
		await handleQueue(batch, env);

		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual([messageId]);
		expect(await deadLettersOf(messageId)).toHaveLength(1);
		expect(await deadLettersOf(first.ids[1])).toEqual([
			expect.objectContaining({ event_id: null, reason: "malformed message: not an order event envelope" }),
		]);
	});
});
