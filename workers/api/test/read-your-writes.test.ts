/**
 * Read-your-writes on the staff order list: a status change or cancellation
 * projects its event into the read models within the request, so the
 * `x-d1-bookmark` it answers with covers the change, and a list read that
 * sends the bookmark back shows it at once, before the order-events queue has
 * delivered anything. The queue's later delivery of the same event is a no-op.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as schema from "../src/db/schema";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { readModelDb } from "../src/ordering/projections";
import { call, cartWithFlatWhite, checkout, json, PICKUP_TOMORROW, STAFF, send } from "./helpers";

const LOCATION = "london-soho";
const db = readModelDb(env.DB);

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

/** An order placed over HTTP, once the queue has projected its OrderPlaced (the list shows it). */
async function placedOrder(): Promise<string> {
	const cart = await cartWithFlatWhite();
	const placed = await checkout(cart.id, PICKUP_TOMORROW());
	expect(placed.status).toBe(201);
	const { orderId } = await json<{ orderId: string }>(placed);
	await vi.waitFor(async () => expect((await listed("placed")).map((order) => order.id)).toContain(orderId), {
		timeout: 20_000,
		interval: 100,
	});
	return orderId;
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

describe("read-your-writes on the staff order list", () => {
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
		const event = await recordedEvent(orderId, 2);
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
			[2, "confirmed"],
		]);
		expect(await orderRow(orderId)).toEqual(before);
		const ledger = await db.select().from(schema.processedEvents).where(eq(schema.processedEvents.eventId, event.id));
		expect(ledger).toHaveLength(1);
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
		await vi.waitFor(
			async () => expect((await statusHistory(orderId)).map((row) => row.status)).toEqual(["placed", "confirmed"]),
			{
				timeout: 20_000,
				interval: 100,
			},
		);
		expect(await orderRow(orderId)).toMatchObject({ status: "confirmed", lastSequence: 2 });
		expect((await listed("confirmed")).map((order) => order.id)).toContain(orderId);
	}, 30_000);

	it("still answers the change when the read models cannot be written, and the queue projects it later", async () => {
		const orderId = await placedOrder();
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
		const withSession = env.DB.withSession.bind(env.DB);
		vi.spyOn(env.DB, "withSession").mockImplementation((constraint) => {
			const session = withSession(constraint);
			return new Proxy(session, {
				get(target, property) {
					if (property === "batch") return async () => Promise.reject(new Error("D1_ERROR: storage unavailable"));
					const value = Reflect.get(target, property, target);
					return typeof value === "function" ? value.bind(target) : value;
				},
			});
		});

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
		expect((await statusHistory(orderId)).map((row) => row.status)).toEqual(["placed", "confirmed"]);
	}, 45_000);
});
