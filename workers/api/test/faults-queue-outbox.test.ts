/**
 * Faults between the Cart object's outbox and the order-events queue: a send
 * the queue refuses, and a message the queue accepted and then lost. Orders
 * are placed over HTTP and paid by card (so their OrderPlaced is projected in
 * the request, as in production, and its PaymentAuthorised, published with it,
 * is left to the queue); the object's queue producer is swapped for a fake, and the
 * tests hand what it caught to the consumers themselves, so nothing runs in
 * the background and every e-mail is counted.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { backoffMs, RECONCILE_MAX_RESENDS } from "@goodfood/platform/outbox";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import { orderIdForCart } from "../src/cart/identity";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { CONTACT, call, cartStub, cartWithFlatWhite, checkout, json, PICKUP_TOMORROW, STAFF } from "./helpers";
import { deliver, inbox, quietLogs, uniqueEmail } from "./notifications-helpers";

/** The test orders are at london-soho, in the eu region: their read models are in its database. */
const orderData = database(env.ORDERS_EU);

afterEach(() => {
	vi.restoreAllMocks();
});

type QueueMode = "deliver" | "lose" | "fail";

/** The object's order-events producer, as a test controls it: it keeps, loses or refuses what it is sent. */
function fakeOrderQueue() {
	const fake = {
		mode: "deliver" as QueueMode,
		/** What the queue accepted and still holds, for the test to deliver. */
		held: [] as OrderEventEnvelope[],
		/** What it accepted and then lost. */
		lost: [] as OrderEventEnvelope[],
		sendBatch: async (messages: Iterable<MessageSendRequest<OrderEventEnvelope>>) => {
			if (fake.mode === "fail") throw new Error("queue unavailable");
			for (const { body } of messages) (fake.mode === "lose" ? fake.lost : fake.held).push(body);
		},
		/** Hands over what it holds, emptying it. */
		take: () => fake.held.splice(0),
	};
	return fake;
}

/** Analytics Engine points written meanwhile; `repairs` are the outbox's (index `outbox`). */
function fakeMetrics() {
	const points: AnalyticsEngineDataPoint[] = [];
	const repairs = () => points.filter((point) => point.indexes?.[0] === "outbox");
	return { points, repairs, writeDataPoint: (point: AnalyticsEngineDataPoint) => points.push(point) };
}

type Stub = DurableObjectStub<CartDurableObject>;

/**
 * A cart whose object sends to the fake queue and metrics. The bindings are
 * the worker's own (shared with its requests), so the swap lasts until
 * `restore`, which also deletes the object's alarm so it cannot send to the
 * real queue in the background.
 */
async function cartOnFakeQueue() {
	const cart = await cartWithFlatWhite();
	const orderId = await orderIdForCart(cart.id);
	const stub = cartStub(orderId) as Stub;
	const queue = fakeOrderQueue();
	const metrics = fakeMetrics();
	const deadLetters = {
		received: [] as OrderEventEnvelope[],
		send: async (body: OrderEventEnvelope) => {
			deadLetters.received.push(body);
		},
	};
	const original = await runInDurableObject(stub, (instance: CartDurableObject) => {
		const bindings = (instance as unknown as { env: Env }).env;
		const saved = {
			ORDER_EVENTS: bindings.ORDER_EVENTS,
			ORDER_EVENTS_DEAD_LETTER: bindings.ORDER_EVENTS_DEAD_LETTER,
			ORDER_METRICS: bindings.ORDER_METRICS,
		};
		Object.assign(bindings, { ORDER_EVENTS: queue, ORDER_EVENTS_DEAD_LETTER: deadLetters, ORDER_METRICS: metrics });
		return saved;
	});
	const restore = () =>
		runInDurableObject(stub, async (instance: CartDurableObject, state) => {
			Object.assign((instance as unknown as { env: Env }).env, original);
			await state.storage.deleteAlarm();
		});
	return { cart, orderId, stub, queue, metrics, deadLetters, restore };
}

/** Runs the object's alarm now, as the runtime would. */
function runAlarm(stub: Stub) {
	return runInDurableObject(stub, (instance: CartDurableObject) => instance.alarm());
}

type OutboxRow = {
	sequence: number;
	attempts: number;
	resends: number;
	sent_at: number | null;
	next_attempt_at: number;
};

function outboxOf(stub: Stub) {
	return runInDurableObject(stub, (_, state) =>
		state.storage.sql
			.exec<OutboxRow>("SELECT sequence, attempts, resends, sent_at, next_attempt_at FROM outbox ORDER BY sequence")
			.toArray(),
	);
}

/** Moves every pending time (sends, retries, checks) to now: the grace period and backoffs have passed. */
function timePasses(stub: Stub) {
	return runInDurableObject(stub, (_, state) => {
		state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0");
	});
}

/** Delivers order events to the order-events consumer, then every notification job they fan out to the notifications consumer. */
async function deliverThroughBothQueues(events: OrderEventEnvelope[]) {
	const jobs: NotificationJob[] = [];
	const notifications = {
		send: async () => {},
		sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
			for (const { body } of messages) jobs.push(body);
		},
	};
	const on = { ...env, NOTIFICATIONS: notifications } as unknown as Env;
	const projected = await deliver(events, { handler: handleOrderEvents, queue: "goodfood-order-events", on });
	expect(projected.result.explicitAcks).toEqual(projected.ids);
	if (jobs.length > 0) {
		const notified = await deliver(jobs);
		expect(notified.result.explicitAcks).toEqual(notified.ids);
	}
	return jobs;
}

function processedEventsOf(orderId: string) {
	return orderData.select().from(schema.orderStatusHistory).where(eq(schema.orderStatusHistory.orderId, orderId)).all();
}

async function placeOrder(cartId: string, email: string): Promise<void> {
	const response = await checkout(cartId, { ...PICKUP_TOMORROW(), contact: { ...CONTACT, email } });
	expect(response.status).toBe(201);
}

describe("an event just recorded", () => {
	it("is sent once, by the call that recorded it: an alarm running at once sends nothing more", async () => {
		const { cart, orderId, stub, queue, restore } = await cartOnFakeQueue();
		try {
			await placeOrder(cart.id, uniqueEmail());
			await runAlarm(stub);
			await runAlarm(stub);
			expect(queue.take()).toEqual([
				expect.objectContaining({ type: "OrderPlaced", orderId, sequence: 1 }),
				expect.objectContaining({ type: "PaymentAuthorised", orderId, sequence: 2 }),
			]);
			const [sent, sentWithIt] = await outboxOf(stub);
			expect(sent).toMatchObject({ sequence: 1, attempts: 0, sent_at: expect.any(Number) });
			expect(sentWithIt).toMatchObject({ sequence: 2, attempts: 0, sent_at: expect.any(Number) });
			// The alarm waits for the sent events' check, not for a send.
			const alarmAt = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
			expect(alarmAt).toBe(Math.min(sent.next_attempt_at, sentWithIt.next_attempt_at));
		} finally {
			await restore();
		}
	});
});

describe("a lost queue message", () => {
	it("is sent again by the sweep after the grace period, and the customer gets one e-mail; a second sweep repairs nothing", async () => {
		const logged = quietLogs();
		const { cart, orderId, stub, queue, metrics, restore } = await cartOnFakeQueue();
		const email = uniqueEmail();
		try {
			// The queue accepts the OrderPlaced and its PaymentAuthorised and loses them: the order was
			// projected in the request, but its confirmation e-mail and its payment's projection depend on the queue.
			queue.mode = "lose";
			const sentAt = Date.now();
			await placeOrder(cart.id, email);
			await runAlarm(stub);
			expect(queue.lost.map((event) => event.type)).toEqual(["OrderPlaced", "PaymentAuthorised"]);
			const [placedEvent, authorisedEvent] = queue.lost;
			expect(await processedEventsOf(orderId)).toHaveLength(1);
			expect(await inbox(email)).toEqual([]);

			// Kept, awaiting confirmation until the grace period (RECONCILE_GRACE_SECONDS) is over.
			const awaiting = await outboxOf(stub);
			expect(awaiting).toEqual([
				expect.objectContaining({ sequence: 1, resends: 0, sent_at: expect.any(Number) }),
				expect.objectContaining({ sequence: 2, resends: 0, sent_at: expect.any(Number) }),
			]);
			for (const row of awaiting) {
				expect(row.next_attempt_at).toBeGreaterThanOrEqual(sentAt + Number(env.RECONCILE_GRACE_SECONDS) * 1000);
			}

			// Before the grace period is over the sweep does nothing.
			queue.mode = "deliver";
			await runAlarm(stub);
			expect(queue.held).toEqual([]);

			// After it, the sweep finds the e-mail and the payment's projection missing and sends the same events again.
			await timePasses(stub);
			await runAlarm(stub);
			const resent = queue.take();
			expect(resent).toEqual([placedEvent, authorisedEvent]);
			expect(logged).toContainEqual(
				expect.objectContaining({
					level: "warn",
					message: "reconciliation resent an order event",
					eventId: placedEvent.id,
					orderId,
					resends: 1,
					missing: ["email"],
				}),
			);
			expect(logged).toContainEqual(
				expect.objectContaining({
					level: "warn",
					message: "reconciliation resent an order event",
					eventId: authorisedEvent.id,
					orderId,
					resends: 1,
					missing: ["projection"],
				}),
			);
			expect(metrics.repairs()).toEqual([
				expect.objectContaining({
					indexes: ["outbox"],
					blobs: ["outbox_resent", "OrderPlaced", orderId, expect.any(String), "email"],
					doubles: [1, 1],
				}),
				expect.objectContaining({
					indexes: ["outbox"],
					blobs: ["outbox_resent", "PaymentAuthorised", orderId, expect.any(String), "projection"],
					doubles: [2, 1],
				}),
			]);

			// The payment is not e-mailed: one e-mail, for the order.
			const jobs = await deliverThroughBothQueues(resent);
			expect(jobs).toEqual([expect.objectContaining({ channel: "email", recipient: email })]);
			expect(await inbox(email)).toHaveLength(1);
			expect(await processedEventsOf(orderId)).toHaveLength(2);

			// The next sweep confirms them and forgets them; nothing is sent, nothing counted.
			await timePasses(stub);
			await runAlarm(stub);
			expect(queue.held).toEqual([]);
			expect(await outboxOf(stub)).toEqual([]);
			expect(metrics.repairs()).toHaveLength(2);

			// A late duplicate of the lost messages changes nothing either.
			await deliverThroughBothQueues([structuredClone(placedEvent), structuredClone(authorisedEvent)]);
			expect(await inbox(email)).toHaveLength(1);
			expect(await processedEventsOf(orderId)).toHaveLength(2);
		} finally {
			await restore();
		}
	});

	it("re-sends a lost status change too, which the consumer projects once", async () => {
		quietLogs();
		const { cart, orderId, stub, queue, restore } = await cartOnFakeQueue();
		const email = uniqueEmail();
		try {
			await placeOrder(cart.id, email);
			await runAlarm(stub);
			await deliverThroughBothQueues(queue.take());
			expect(await inbox(email)).toHaveLength(1);

			// The confirmation is recorded (and projected in the request), then lost on the queue.
			queue.mode = "lose";
			const confirmed = await call(`/api/v1/orders/${orderId}/status`, {
				method: "POST",
				headers: { ...STAFF, "content-type": "application/json" },
				body: JSON.stringify({ status: "confirmed", etaMinutes: 15 }),
			});
			expect(confirmed.status).toBe(200);
			await runAlarm(stub);
			expect(queue.lost.map((event) => event.type)).toEqual(["OrderConfirmed"]);

			queue.mode = "deliver";
			await timePasses(stub);
			await runAlarm(stub);
			const resent = queue.take();
			// The OrderPlaced and PaymentAuthorised were confirmed and forgotten; only the lost confirmation goes out again.
			expect(resent.map((event) => event.type)).toEqual(["OrderConfirmed"]);
			await deliverThroughBothQueues(resent);

			const mails = await inbox(email);
			expect(mails).toHaveLength(2);
			expect(await processedEventsOf(orderId)).toHaveLength(3);
			await timePasses(stub);
			await runAlarm(stub);
			expect(await outboxOf(stub)).toEqual([]);
		} finally {
			await restore();
		}
	});
});

describe("an event the sweep cannot get delivered", () => {
	it("is handed to the dead-letter queue after the last resend, with an error line and a metric, and never resent again", async () => {
		const logged = quietLogs();
		const { cart, orderId, stub, queue, metrics, deadLetters, restore } = await cartOnFakeQueue();
		try {
			queue.mode = "lose";
			await placeOrder(cart.id, uniqueEmail());
			await runAlarm(stub);
			for (let resend = 1; resend <= RECONCILE_MAX_RESENDS; resend++) {
				await timePasses(stub);
				await runAlarm(stub);
			}
			// The OrderPlaced and its PaymentAuthorised, each sent once and resent to the limit.
			const sends = 2 * (1 + RECONCILE_MAX_RESENDS);
			expect(queue.lost).toHaveLength(sends);
			expect(await outboxOf(stub)).toEqual([
				expect.objectContaining({ sequence: 1, resends: RECONCILE_MAX_RESENDS }),
				expect.objectContaining({ sequence: 2, resends: RECONCILE_MAX_RESENDS }),
			]);

			await timePasses(stub);
			await runAlarm(stub);

			expect(deadLetters.received).toEqual([
				expect.objectContaining({ type: "OrderPlaced", orderId }),
				expect.objectContaining({ type: "PaymentAuthorised", orderId }),
			]);
			expect(await outboxOf(stub)).toEqual([]);
			expect(logged).toContainEqual(
				expect.objectContaining({
					level: "error",
					message: "reconciliation gave up: event sent to the dead-letter queue",
					orderId,
					type: "OrderPlaced",
					missing: ["email"],
				}),
			);
			expect(logged).toContainEqual(
				expect.objectContaining({
					level: "error",
					message: "reconciliation gave up: event sent to the dead-letter queue",
					orderId,
					type: "PaymentAuthorised",
					missing: ["projection"],
				}),
			);
			expect(metrics.repairs().map((point) => [point.blobs?.[0], point.blobs?.[1]])).toEqual([
				...Array.from({ length: RECONCILE_MAX_RESENDS }, () => [
					["outbox_resent", "OrderPlaced"],
					["outbox_resent", "PaymentAuthorised"],
				]).flat(),
				["outbox_reconcile_gave_up", "OrderPlaced"],
				["outbox_reconcile_gave_up", "PaymentAuthorised"],
			]);
			await timePasses(stub);
			await runAlarm(stub);
			expect(queue.lost).toHaveLength(sends);
		} finally {
			await restore();
		}
	});
});

describe("a failing outbox send", () => {
	it("keeps the event and retries it with backoff; once the queue takes it, it is projected and e-mailed once", async () => {
		const logged = quietLogs();
		const { cart, orderId, stub, queue, restore } = await cartOnFakeQueue();
		const email = uniqueEmail();
		try {
			queue.mode = "fail";
			// The object sends as the order commits, before it answers: the failure comes no earlier than this.
			const failedAt = Date.now();
			await placeOrder(cart.id, email);
			await runAlarm(stub);
			await runAlarm(stub);

			const [waiting, waitingWithIt] = await outboxOf(stub);
			expect(waiting).toMatchObject({ sequence: 1, attempts: 1, sent_at: null });
			expect(waitingWithIt).toMatchObject({ sequence: 2, attempts: 1, sent_at: null });
			expect(waiting.next_attempt_at).toBeGreaterThanOrEqual(failedAt + backoffMs(1));
			expect(logged).toContainEqual(
				expect.objectContaining({ level: "error", message: "outbox send failed", orderId, attempts: 1 }),
			);
			const alarmAt = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
			expect(alarmAt).toBe(waiting.next_attempt_at);

			// The queue is back and the backoff has passed: the same event goes out.
			queue.mode = "deliver";
			await timePasses(stub);
			await runAlarm(stub);
			const sent = queue.take();
			expect(sent).toEqual([
				expect.objectContaining({ type: "OrderPlaced", orderId, sequence: 1 }),
				expect.objectContaining({ type: "PaymentAuthorised", orderId, sequence: 2 }),
			]);
			expect(await outboxOf(stub)).toEqual([
				expect.objectContaining({ sequence: 1, sent_at: expect.any(Number) }),
				expect.objectContaining({ sequence: 2, sent_at: expect.any(Number) }),
			]);

			await deliverThroughBothQueues(sent);
			expect(await inbox(email)).toHaveLength(1);
			expect(await processedEventsOf(orderId)).toHaveLength(2);
			const order = await json<{ status: string }>(await call(`/api/v1/orders/${orderId}`, { headers: STAFF }));
			expect(order.status).toBe("placed");

			await timePasses(stub);
			await runAlarm(stub);
			expect(queue.held).toEqual([]);
			expect(await outboxOf(stub)).toEqual([]);
		} finally {
			await restore();
		}
	});
});

describe("an outbox that cannot send for five minutes", () => {
	it("counts each failed send of an event older than five minutes as stale, for the watch to alert on", async () => {
		quietLogs();
		const { cart, orderId, stub, queue, metrics, restore } = await cartOnFakeQueue();
		try {
			queue.mode = "fail";
			await placeOrder(cart.id, uniqueEmail());
			await runAlarm(stub);
			// A fresh event that failed is only retried: nothing to alert on yet.
			expect(metrics.repairs().filter((point) => point.blobs?.[0] === "outbox_stale")).toEqual([]);

			// Six minutes later the queue still refuses it.
			const sixMinutesAgo = new Date(Date.now() - 6 * 60_000).toISOString();
			await runInDurableObject(stub, (_, state) => {
				state.storage.sql.exec("UPDATE outbox SET message = json_set(message, '$.occurredAt', ?)", sixMinutesAgo);
			});
			await timePasses(stub);
			await runAlarm(stub);

			const stale = metrics.repairs().filter((point) => point.blobs?.[0] === "outbox_stale");
			expect(stale.map((point) => [point.blobs?.[1], point.blobs?.[2], point.doubles?.[0]])).toEqual([
				["OrderPlaced", orderId, 1],
				["PaymentAuthorised", orderId, 2],
			]);
			for (const point of stale) expect(point.doubles?.[1]).toBeGreaterThanOrEqual(360);
		} finally {
			await restore();
		}
	});
});

describe("the sweep's housekeeping", () => {
	it("deletes idempotency records older than a day, and keeps younger ones", async () => {
		const { cart, stub, queue, restore } = await cartOnFakeQueue();
		try {
			await placeOrder(cart.id, uniqueEmail());
			queue.mode = "deliver";
			await runAlarm(stub);
			const keys = () =>
				runInDurableObject(stub, (_, state) => state.storage.sql.exec("SELECT key FROM idempotency").toArray().length);
			expect(await keys()).toBe(1);
			await runInDurableObject(stub, (_, state) => {
				state.storage.sql.exec(
					"UPDATE idempotency SET created_at = ?",
					new Date(Date.now() - 25 * 3600_000).toISOString(),
				);
			});
			await runAlarm(stub);
			expect(await keys()).toBe(0);
		} finally {
			await restore();
		}
	});
});
