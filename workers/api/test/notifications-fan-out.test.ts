/**
 * From order events to notifications: the order-events consumer fans each
 * event out into the customer's e-mail and a delivery per subscribed webhook,
 * and an order placed over HTTP reaches the inbox through both queues.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { handleOrderEvents } from "../src/ordering/consumer";
import { cartWithFlatWhite, checkout, json, PICKUP_TOMORROW, STAFF, send } from "./helpers";
import {
	deliver,
	HOOK_HOST,
	HOOK_LOCATION,
	inbox,
	orderId,
	placedEvent,
	quietLogs,
	registered,
	remove,
	statusEvent,
	uniqueEmail,
} from "./notifications-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("fan-out from the order-events consumer", () => {
	function recordingQueue(fail = false) {
		const sent: NotificationJob[] = [];
		const queue = {
			send: async () => {},
			sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
				if (fail) throw new Error("Queue send failed");
				for (const message of messages) sent.push(message.body);
			},
		};
		return { sent, on: { ...env, NOTIFICATIONS: queue } as unknown as Env };
	}

	function orderEvents(bodies: unknown[], on: Env, attempts = 1) {
		return deliver(bodies, { handler: handleOrderEvents, queue: "goodfood-order-events", on, attempts });
	}

	it("queues the customer's e-mail and one delivery per subscribed webhook, and the same jobs for a redelivered event", async () => {
		const everything = await registered({ url: `${HOOK_HOST}/fan-out/${crypto.randomUUID()}` });
		const cancellations = await registered({
			url: `${HOOK_HOST}/fan-out/${crypto.randomUUID()}`,
			events: ["OrderCancelled"],
		});
		try {
			const { sent, on } = recordingQueue();
			const email = uniqueEmail();
			const id = orderId("apac");
			const placed = placedEvent(id, HOOK_LOCATION, { email });
			const preparing = statusEvent("OrderPreparationStarted", id, 2, { estimatedReadyAt: "2030-07-01T03:30:00.000Z" });

			await orderEvents([placed, preparing, structuredClone(placed)], on);

			// The redelivered OrderPlaced queues its jobs again (the staff request may have projected an
			// event the queue now brings), and the notification log sends each job once (tested above).
			const queued = sent.map((job) => [job.event.type, job.channel, job.recipient].join(" "));
			expect(queued.sort()).toEqual(
				[
					`OrderPlaced email ${email}`,
					`OrderPlaced email ${email}`,
					`OrderPlaced webhook ${everything.id}`,
					`OrderPlaced webhook ${everything.id}`,
					`OrderPreparationStarted webhook ${everything.id}`,
				].sort(),
			);
		} finally {
			await remove(everything.id);
			await remove(cancellations.id);
		}
	});

	it("hands the event's request id on to its jobs and logs the fan-out failure with it", async () => {
		const lines = quietLogs();
		const email = uniqueEmail();
		const requestId = `req-${crypto.randomUUID()}`;
		const placed = { ...placedEvent(orderId("apac"), HOOK_LOCATION, { email }), requestId };

		const failing = recordingQueue(true);
		await orderEvents([placed], failing.on);
		expect(lines.find((line) => line.message === "notification fan-out failed")).toMatchObject({
			eventId: placed.id,
			requestId,
		});

		const working = recordingQueue();
		await orderEvents([placed], working.on, 2);
		expect(working.sent.map((job) => job.event.requestId)).toEqual([requestId]);
		expect(lines.find((line) => line.message === "order event already projected")).toMatchObject({
			eventId: placed.id,
			requestId,
		});
	});

	it("retries the event when its notifications cannot be queued, and queues them on the redelivery", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId("apac"), HOOK_LOCATION, { email });
		const failing = recordingQueue(true);
		quietLogs();

		const first = await orderEvents([placed], failing.on);
		expect(first.result.retryMessages).toHaveLength(1);

		const working = recordingQueue();
		const second = await orderEvents([placed], working.on, 2);
		expect(second.result.explicitAcks).toEqual(second.ids);
		expect(working.sent.map((job) => [job.channel, job.recipient])).toEqual([["email", email]]);
	});
});

describe("end to end", () => {
	it("an order placed over HTTP reaches the customer's inbox through both queues, then its confirmation", async () => {
		const email = uniqueEmail();
		const cart = await cartWithFlatWhite();
		const placed = await checkout(cart.id, { ...PICKUP_TOMORROW(), contact: { ...PICKUP_TOMORROW().contact, email } });
		expect(placed.status).toBe(201);
		const { orderId: id } = await json<{ orderId: string }>(placed);

		await vi.waitFor(
			async () =>
				expect((await inbox(email)).map((message) => message.subject)).toEqual([
					expect.stringContaining("We've got your order"),
				]),
			{ timeout: 20_000, interval: 200 },
		);

		const confirmed = await send("POST", `/api/v1/orders/${id}/status`, { status: "confirmed", etaMinutes: 20 }, STAFF);
		expect(confirmed.status).toBe(200);
		await vi.waitFor(
			async () =>
				expect((await inbox(email)).map((message) => message.subject)[0]).toMatch(
					/confirmed: ready around \d\d:\d\d (GMT|BST)$/,
				),
			{ timeout: 20_000, interval: 200 },
		);
		expect(await inbox(email)).toHaveLength(2);
	}, 45_000);
});
