/**
 * Read-your-writes on the staff order list: a placement (checkout or one-shot
 * order), status change or cancellation projects its event into the read
 * models within the request, so the `x-d1-bookmark` it answers with covers the
 * write, and a list read that sends the bookmark back shows it at once, before
 * the order-events queue has delivered anything. The queue's later delivery of
 * the same event changes nothing in the read models (and still fans out its
 * notifications, which the notification log sends once).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope } from "../src/ordering/events";
import {
	CONTACT,
	call,
	cartWithFlatWhite,
	checkout,
	json,
	PICKUP_TOMORROW,
	registerCustomer,
	STAFF,
	send,
} from "./helpers";

const LOCATION = "london-soho";
// london-soho is in the eu region: its orders' read models are in that database.
const db = database(env.ORDERS_EU);

afterEach(() => {
	vi.restoreAllMocks();
});

interface StaffList {
	orders: { id: string; status: string }[];
}

function listOrders(status: string, bookmark?: string) {
	return call(`/api/v1/locations/${LOCATION}/orders?status=${status}&limit=200`, {
		headers: { ...STAFF, ...(bookmark ? { "x-d1-bookmark": bookmark } : {}) },
	});
}

async function listed(status: string, bookmark?: string): Promise<StaffList["orders"]> {
	const response = await listOrders(status, bookmark);
	expect(response.status).toBe(200);
	return (await json<StaffList>(response)).orders;
}

/**
 * An order placed over HTTP, once the list shows it and the queue has projected
 * the PaymentAuthorised published with its OrderPlaced (which the request leaves
 * to the queue), so nothing of the placement is still on its way to the read models.
 */
async function placedOrder(): Promise<string> {
	const cart = await cartWithFlatWhite();
	const placed = await checkout(cart.id, PICKUP_TOMORROW());
	expect(placed.status).toBe(201);
	const { orderId } = await json<{ orderId: string }>(placed);
	await vi.waitFor(async () => expect((await listed("placed")).map((order) => order.id)).toContain(orderId), {
		timeout: 20_000,
		interval: 100,
	});
	await paymentProjected(orderId);
	return orderId;
}

/** Waits for the queue to project the order's PaymentAuthorised (sequence 2): a ledger row, the order still placed. */
function paymentProjected(orderId: string) {
	return vi.waitFor(
		async () =>
			expect((await statusHistory(orderId)).map((row) => [row.sequence, row.status])).toEqual([
				[1, "placed"],
				[2, "placed"],
			]),
		{ timeout: 20_000, interval: 100 },
	);
}

/** The order's event at `sequence`, as the Durable Object queued it. */
async function recordedEvent(orderId: string, sequence: number): Promise<OrderEventEnvelope> {
	const response = await call(`/api/v1/orders/${orderId}/events`, { headers: STAFF });
	const { events } = await json<{
		events: { sequence: number; id: string; type: string; occurredAt: string; payload: unknown }[];
	}>(response);
	const found = events.find((event) => event.sequence === sequence);
	if (!found) throw new Error(`no event ${sequence} on ${orderId}`);
	return { ...found, orderId } as OrderEventEnvelope;
}

/**
 * Until the mocks are restored, a D1 session's `batch` fails once the session
 * has prepared a write to the ledger (the status history): the read models cannot
 * be written through a request's session, while the Cart object's catalogue
 * reads (also `batch`es on a session) and the queue consumer (no session) work.
 */
function failReadModelWrites() {
	const withSession = env.ORDERS_EU.withSession.bind(env.ORDERS_EU);
	vi.spyOn(env.ORDERS_EU, "withSession").mockImplementation((constraint) => {
		const session = withSession(constraint);
		let writesReadModels = false;
		return new Proxy(session, {
			get(target, property) {
				if (property === "prepare") {
					return (query: string) => {
						if (/insert\s+into\s+"?order_status_history/i.test(query)) writesReadModels = true;
						return target.prepare(query);
					};
				}
				if (property === "batch") {
					return async (statements: D1PreparedStatement[]) =>
						writesReadModels ? Promise.reject(new Error("D1_ERROR: storage unavailable")) : target.batch(statements);
				}
				const value = Reflect.get(target, property, target);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
	});
}

function statusHistory(orderId: string) {
	return db
		.select()
		.from(schema.orderStatusHistory)
		.where(eq(schema.orderStatusHistory.orderId, orderId))
		.orderBy(asc(schema.orderStatusHistory.sequence));
}

async function orderRow(orderId: string) {
	const [row] = await db.select().from(schema.orders).where(eq(schema.orders.id, orderId));
	return row;
}

/** The order-events consumer delivering `events`, with the notification jobs it queues recorded instead of sent. */
async function deliverRecordingNotifications(events: OrderEventEnvelope[]) {
	const sent: NotificationJob[] = [];
	const notifications = {
		send: async () => {},
		sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
			for (const message of messages) sent.push(message.body);
		},
	};
	const messages = events.map((body) => ({
		id: `ryw-${body.id}`,
		timestamp: new Date(),
		attempts: 1,
		body,
	}));
	const batch = createMessageBatch("goodfood-order-events", messages);
	await handleOrderEvents(batch, { ...env, NOTIFICATIONS: notifications } as unknown as Env);
	const result = await getQueueResult(batch, createExecutionContext());
	return { sent, result, ids: messages.map((message) => message.id) };
}

/** A signed-in customer with their own contact address, so their order's e-mail can be told apart. */
async function customerPlacing() {
	const customer = await registerCustomer();
	return { ...customer, contact: { ...CONTACT, email: customer.email } };
}

/**
 * After a placement answered with `bookmark`: the staff list read with it shows
 * the order at once; once the queue has projected the PaymentAuthorised published
 * with it, a queue delivery of the same OrderPlaced leaves one orders row and one
 * status history row per event as they were, and queues the customer's e-mail once.
 */
async function expectPlacementReadable(orderId: string, bookmark: string, email: string) {
	// No waiting: the read with the bookmark already lists the new order.
	expect(await listed("placed", bookmark)).toContainEqual(expect.objectContaining({ id: orderId, status: "placed" }));

	const event = await recordedEvent(orderId, 1);
	expect(event.type).toBe("OrderPlaced");
	const authorised = await recordedEvent(orderId, 2);
	expect(authorised.type).toBe("PaymentAuthorised");
	await paymentProjected(orderId);
	const before = await orderRow(orderId);
	expect(before).toMatchObject({ status: "placed", lastSequence: 1, contactEmail: email, paymentStatus: "authorised" });

	const { sent, result, ids } = await deliverRecordingNotifications([event]);
	expect(result.explicitAcks).toEqual(ids);
	expect(result.retryMessages).toEqual([]);

	expect(await db.select().from(schema.orders).where(eq(schema.orders.id, orderId))).toEqual([before]);
	expect((await statusHistory(orderId)).map((row) => [row.sequence, row.status])).toEqual([
		[1, "placed"],
		[2, "placed"],
	]);
	expect((await statusHistory(orderId)).map((row) => row.eventId)).toEqual([event.id, authorised.id]);
	const emails = sent.filter((job) => job.channel === "email");
	expect(emails.map((job) => [job.event.type, job.event.id, job.recipient])).toEqual([
		["OrderPlaced", event.id, email],
	]);
}

/** Only what a placement tells the client: never the event it recorded. */
function expectPlacedBody(body: Record<string, unknown>) {
	expect(Object.keys(body).sort()).toEqual(["orderId", "payment", "predictedReadyAt", "status", "trackingToken"]);
	expect(body.status).toBe("placed");
	expect(body.payment).toMatchObject({ method: "card", status: "authorised" });
}

describe("read-your-writes on the staff order list", () => {
	it("lists a checkout at once with the bookmark it answered, and the queue's delivery changes nothing", async () => {
		const customer = await customerPlacing();
		const created = await send("POST", "/api/v1/carts", { locationSlug: LOCATION }, customer.headers);
		expect(created.status).toBe(201);
		const cart = await json<{ id: string }>(created);
		const added = await send(
			"POST",
			`/api/v1/carts/${cart.id}/items`,
			{ itemId: "itm-ldn-flat-white", quantity: 2, options: ["opt-ldn-flat-white-milk-oat"] },
			customer.headers,
		);
		expect(added.status).toBe(201);

		const placed = await send(
			"POST",
			`/api/v1/carts/${cart.id}/checkout`,
			{ ...PICKUP_TOMORROW(), contact: customer.contact },
			{ "idempotency-key": crypto.randomUUID(), ...customer.headers },
		);
		expect(placed.status).toBe(201);
		const bookmark = placed.headers.get("x-d1-bookmark");
		expect(bookmark).toBeTruthy();
		const body = await json<{ orderId: string } & Record<string, unknown>>(placed);
		expectPlacedBody(body);

		await expectPlacementReadable(body.orderId, String(bookmark), customer.email);
	}, 30_000);

	it("lists a one-shot order at once, and its replay answers the same without a second order", async () => {
		const customer = await customerPlacing();
		const key = crypto.randomUUID();
		const order = {
			...PICKUP_TOMORROW(),
			contact: customer.contact,
			locationSlug: LOCATION,
			items: [{ itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-whole"] }],
		};
		const placed = await send("POST", "/api/v1/orders", order, { "idempotency-key": key, ...customer.headers });
		expect(placed.status).toBe(201);
		const bookmark = placed.headers.get("x-d1-bookmark");
		expect(bookmark).toBeTruthy();
		const body = await json<{ orderId: string } & Record<string, unknown>>(placed);
		expectPlacedBody(body);

		await expectPlacementReadable(body.orderId, String(bookmark), customer.email);

		const retry = await send("POST", "/api/v1/orders", order, { "idempotency-key": key, ...customer.headers });
		expect(retry.status).toBe(201);
		expect(await json(retry)).toEqual(body);
		expect((await statusHistory(body.orderId)).map((row) => row.status)).toEqual(["placed", "placed"]);
	}, 30_000);

	it("still answers a placement when the read models cannot be written, and the queue projects it later", async () => {
		const cart = await cartWithFlatWhite();
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
		failReadModelWrites();

		const placed = await checkout(cart.id, PICKUP_TOMORROW());
		expect(placed.status).toBe(201);
		const body = await json<{ orderId: string } & Record<string, unknown>>(placed);
		expectPlacedBody(body);
		expect(warnings.mock.calls.map(([line]) => String(line)).join("\n")).toContain(
			"order event projection failed in the request",
		);
		vi.restoreAllMocks();

		// Nothing was lost or half-written: the queue's delivery projects the order and its payment, once each.
		await vi.waitFor(async () => expect((await listed("placed")).map((order) => order.id)).toContain(body.orderId), {
			timeout: 20_000,
			interval: 100,
		});
		await paymentProjected(body.orderId);
	}, 45_000);

	it("lists a status change at once with the bookmark it answered, and the queue's delivery changes nothing", async () => {
		const orderId = await placedOrder();

		const changed = await send(
			"POST",
			`/api/v1/orders/${orderId}/status`,
			{ status: "confirmed", etaMinutes: 15 },
			STAFF,
		);
		expect(changed.status).toBe(200);
		expect((await json<{ status: string }>(changed)).status).toBe("confirmed");
		const bookmark = changed.headers.get("x-d1-bookmark");
		expect(bookmark).toBeTruthy();

		// No waiting: the read with the bookmark already sees the change.
		const confirmed = await listed("confirmed", String(bookmark));
		expect(confirmed).toContainEqual(expect.objectContaining({ id: orderId, status: "confirmed" }));
		expect((await listed("placed", String(bookmark))).map((order) => order.id)).not.toContain(orderId);

		// The queue delivers the same event (again, if it already has): the ledger makes it a no-op.
		const event = await recordedEvent(orderId, 3);
		expect(event.type).toBe("OrderConfirmed");
		const before = await orderRow(orderId);
		const batch = createMessageBatch("goodfood-order-events", [
			{ id: `ryw-${orderId}`, timestamp: new Date(), attempts: 1, body: event },
		]);
		await handleOrderEvents(batch, env);
		const result = await getQueueResult(batch, createExecutionContext());
		expect(result.explicitAcks).toEqual([`ryw-${orderId}`]);
		expect(result.retryMessages).toEqual([]);

		const history = await statusHistory(orderId);
		expect(history.map((row) => [row.sequence, row.status])).toEqual([
			[1, "placed"],
			[2, "placed"],
			[3, "confirmed"],
		]);
		expect(await orderRow(orderId)).toEqual(before);
		expect(history.filter((row) => row.eventId === event.id)).toHaveLength(1);
	}, 30_000);

	it("lists a staff cancellation at once, and takes it out of the active statuses", async () => {
		const orderId = await placedOrder();

		const cancelled = await send("POST", `/api/v1/orders/${orderId}/cancel`, { reason: "Out of oat milk" }, STAFF);
		expect(cancelled.status).toBe(200);
		const bookmark = String(cancelled.headers.get("x-d1-bookmark"));

		expect(await listed("cancelled", bookmark)).toContainEqual(
			expect.objectContaining({ id: orderId, status: "cancelled" }),
		);
		expect((await listed("placed,confirmed,preparing", bookmark)).map((order) => order.id)).not.toContain(orderId);
		expect(await orderRow(orderId)).toMatchObject({ status: "cancelled", cancelReason: "Out of oat milk" });
	}, 30_000);

	it("leaves a change made before the queue projected the order to the queue, and loses nothing", async () => {
		const cart = await cartWithFlatWhite();
		const placed = await checkout(cart.id, PICKUP_TOMORROW());
		const { orderId } = await json<{ orderId: string }>(placed);
		vi.spyOn(console, "warn").mockImplementation(() => {});

		// Straight after placement: the OrderPlaced is normally still on the queue.
		const changed = await send(
			"POST",
			`/api/v1/orders/${orderId}/status`,
			{ status: "confirmed", etaMinutes: 15 },
			STAFF,
		);
		expect(changed.status).toBe(200);

		// Projected ahead of its OrderPlaced, the change would be overwritten by it and the order would stay "placed".
		// The PaymentAuthorised (sequence 2) comes by the queue, in any order with the change, and leaves the status be
		// (its ledger row carries the order's status when it was projected, so it is not asserted here).
		await vi.waitFor(async () => expect((await statusHistory(orderId)).map((row) => row.sequence)).toEqual([1, 2, 3]), {
			timeout: 20_000,
			interval: 100,
		});
		const history = await statusHistory(orderId);
		expect([history[0].status, history[2].status]).toEqual(["placed", "confirmed"]);
		expect(await orderRow(orderId)).toMatchObject({
			status: "confirmed",
			lastSequence: 3,
			paymentStatus: "authorised",
		});
		expect((await listed("confirmed")).map((order) => order.id)).toContain(orderId);
	}, 30_000);

	it("still answers the change when the read models cannot be written, and the queue projects it later", async () => {
		const orderId = await placedOrder();
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
		failReadModelWrites();

		const changed = await send(
			"POST",
			`/api/v1/orders/${orderId}/status`,
			{ status: "confirmed", etaMinutes: 15 },
			STAFF,
		);
		expect(changed.status).toBe(200);
		expect((await json<{ status: string }>(changed)).status).toBe("confirmed");
		expect(warnings.mock.calls.map(([line]) => String(line)).join("\n")).toContain(
			"order event projection failed in the request",
		);
		vi.restoreAllMocks();

		// Nothing was half-written: the queue's delivery projects the change.
		await vi.waitFor(async () => expect((await orderRow(orderId))?.status).toBe("confirmed"), {
			timeout: 20_000,
			interval: 100,
		});
		expect((await statusHistory(orderId)).map((row) => row.status)).toEqual(["placed", "placed", "confirmed"]);
	}, 45_000);
});
