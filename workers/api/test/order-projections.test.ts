/**
 * The order-events consumer and its read models: OrderPlaced projects the
 * order, its history and the sales figures; every message has one effect
 * however often it is delivered; malformed and early messages are handled one
 * by one; and the staff order list reads the result (happy path, errors, security).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope, OrderEventPayload, OrderEventType, OrderPlacedPayload } from "../src/ordering/events";
import { handleQueue } from "../src/queues";
import { call, errorOf, json, STAFF, send } from "./helpers";

const LOCATION = "london-soho";
const FLAT_WHITE = { itemId: "itm-ldn-flat-white", categoryId: "cat-ldn-drinks" };
const FULL_ENGLISH = { itemId: "itm-ldn-full-english", categoryId: "cat-ldn-breakfast" };

const db = database(env.DB);

afterEach(() => {
	vi.restoreAllMocks();
});

let dayCounter = 0;
/** A business date no other test uses, so its daily sales start from nothing. */
function freshBusinessDate(): string {
	dayCounter += 1;
	return new Date(Date.UTC(2030, 0, 1) + dayCounter * 86_400_000).toISOString().slice(0, 10);
}

function placedPayload(overrides: Partial<OrderPlacedPayload> = {}): OrderPlacedPayload {
	return {
		locationSlug: LOCATION,
		timeZone: "Europe/London",
		businessDate: "2030-01-01",
		fulfilment: "pickup",
		deliveryAddress: null,
		requestedFor: null,
		contact: { name: "Ada Lovelace", email: "Ada@Example.com", phone: "+44 20 7946 0000" },
		customerId: null,
		lines: [
			{
				lineId: "line-1",
				...FLAT_WHITE,
				name: "Flat White",
				quantity: 2,
				unitPrice: 380,
				lineTotal: 760,
				options: [
					{
						groupId: "grp-ldn-flat-white-milk",
						optionId: "opt-ldn-flat-white-milk-oat",
						name: "Oat milk",
						priceDelta: 40,
					},
				],
				note: null,
			},
			{
				lineId: "line-2",
				...FULL_ENGLISH,
				name: "Full English",
				quantity: 1,
				unitPrice: 1150,
				lineTotal: 1150,
				options: [],
				note: "No black pudding",
			},
		],
		totals: { currency: "GBP", subtotal: 1910, tax: 318, taxIncluded: true, deliveryFee: 0, tip: 0, total: 1910 },
		...overrides,
	};
}

function event<T extends OrderEventType>(
	type: T,
	orderId: string,
	sequence: number,
	payload: OrderEventPayload<T>,
	occurredAt = new Date(Date.UTC(2030, 0, 1, 9, sequence)).toISOString(),
): OrderEventEnvelope {
	return { id: crypto.randomUUID(), type, occurredAt, orderId, sequence, payload } as OrderEventEnvelope;
}

function placed(orderId: string, overrides: Partial<OrderPlacedPayload> = {}, occurredAt?: string) {
	return event("OrderPlaced", orderId, 1, placedPayload(overrides), occurredAt);
}

let messageCounter = 0;
/**
 * Runs one batch through the consumer and returns which messages it acked and
 * retried, and the delay of each retry (getQueueResult does not report delays).
 */
async function deliver(bodies: unknown[], attempts = 1) {
	const messages = bodies.map((body) => {
		messageCounter += 1;
		return { id: `msg-${messageCounter}`, timestamp: Date.now(), attempts, body };
	});
	const batch = createMessageBatch("goodfood-order-events", messages);
	const retryDelays = new Map<string, number | undefined>();
	for (const message of batch.messages) {
		const retry = message.retry.bind(message);
		vi.spyOn(message, "retry").mockImplementation((options) => {
			retryDelays.set(message.id, options?.delaySeconds);
			retry(options);
		});
	}
	await handleOrderEvents(batch, env);
	const result = await getQueueResult(batch, createExecutionContext());
	return { ids: messages.map((message) => message.id), result, retryDelays };
}

let customerCounter = 0;
/** A customer account that exists, as a signed-in customer's OrderPlaced names one; each from its own address. */
async function registerCustomer() {
	customerCounter += 1;
	const response = await send(
		"POST",
		"/api/v1/auth/register",
		{ email: `${crypto.randomUUID()}@example.com`, password: "correct horse 42", name: "Grace Hopper" },
		{ "cf-connecting-ip": `198.51.100.${200 + customerCounter}` },
	);
	expect(response.status).toBe(201);
	return json<{ accessToken: string; account: { id: string } }>(response);
}

function findOrder(orderId: string) {
	return db.select().from(schema.orders).where(eq(schema.orders.id, orderId)).get();
}

function itemSales(businessDate: string, itemId: string) {
	return db
		.select()
		.from(schema.dailyItemSales)
		.where(
			and(
				eq(schema.dailyItemSales.locationSlug, LOCATION),
				eq(schema.dailyItemSales.businessDate, businessDate),
				eq(schema.dailyItemSales.itemId, itemId),
			),
		)
		.get();
}

function categorySales(businessDate: string, categoryId: string) {
	return db
		.select()
		.from(schema.dailyCategorySales)
		.where(
			and(
				eq(schema.dailyCategorySales.locationSlug, LOCATION),
				eq(schema.dailyCategorySales.businessDate, businessDate),
				eq(schema.dailyCategorySales.categoryId, categoryId),
			),
		)
		.get();
}

function locationSales(businessDate: string) {
	return db
		.select()
		.from(schema.dailyLocationSales)
		.where(
			and(
				eq(schema.dailyLocationSales.locationSlug, LOCATION),
				eq(schema.dailyLocationSales.businessDate, businessDate),
			),
		)
		.get();
}

async function pairCount(): Promise<number> {
	const [itemA, itemB] = [FLAT_WHITE.itemId, FULL_ENGLISH.itemId].sort();
	const row = await db
		.select()
		.from(schema.itemPairs)
		.where(
			and(
				eq(schema.itemPairs.locationSlug, LOCATION),
				eq(schema.itemPairs.itemA, itemA),
				eq(schema.itemPairs.itemB, itemB),
			),
		)
		.get();
	return row?.ordersTogether ?? 0;
}

describe("OrderPlaced", () => {
	it("projects the order, its lines, history, customer history, daily sales and item pairs", async () => {
		const orderId = crypto.randomUUID();
		const businessDate = freshBusinessDate();
		const pairsBefore = await pairCount();

		const { ids, result } = await deliver([placed(orderId, { businessDate })]);

		expect(result.explicitAcks).toEqual(ids);
		expect(result.retryMessages).toEqual([]);
		expect(result.ackAll).toBe(false);

		const order = await findOrder(orderId);
		expect(order).toMatchObject({
			locationSlug: LOCATION,
			status: "placed",
			fulfilment: "pickup",
			customerRef: "email:ada@example.com",
			contactName: "Ada Lovelace",
			currency: "GBP",
			subtotalMinor: 1910,
			taxMinor: 318,
			taxIncluded: true,
			totalMinor: 1910,
			placedAt: "2030-01-01T09:01:00.000Z",
			businessDate,
			lastSequence: 1,
			estimatedReadyAt: null,
			confirmedAt: null,
		});

		const lines = await db.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, orderId)).all();
		expect(lines.map((line) => [line.itemId, line.quantity, line.lineTotalMinor, line.position])).toEqual([
			[FLAT_WHITE.itemId, 2, 760, 0],
			[FULL_ENGLISH.itemId, 1, 1150, 1],
		]);
		expect(lines[0].options[0].name).toBe("Oat milk");
		expect(lines[1].note).toBe("No black pudding");

		const history = await db
			.select()
			.from(schema.orderStatusHistory)
			.where(eq(schema.orderStatusHistory.orderId, orderId))
			.all();
		expect(history.map((entry) => [entry.sequence, entry.status])).toEqual([[1, "placed"]]);

		const customer = await db
			.select()
			.from(schema.customerOrderHistory)
			.where(eq(schema.customerOrderHistory.orderId, orderId))
			.all();
		expect(customer).toEqual([
			{
				customerRef: "email:ada@example.com",
				orderId,
				locationSlug: LOCATION,
				placedAt: "2030-01-01T09:01:00.000Z",
				status: "placed",
				totalMinor: 1910,
				currency: "GBP",
			},
		]);

		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			categoryId: FLAT_WHITE.categoryId,
			quantity: 2,
			orders: 1,
			revenueMinor: 760,
			currency: "GBP",
		});
		expect(await itemSales(businessDate, FULL_ENGLISH.itemId)).toMatchObject({
			quantity: 1,
			orders: 1,
			revenueMinor: 1150,
		});
		expect(await categorySales(businessDate, "cat-ldn-drinks")).toMatchObject({
			quantity: 2,
			orders: 1,
			revenueMinor: 760,
		});
		expect(await categorySales(businessDate, "cat-ldn-breakfast")).toMatchObject({
			quantity: 1,
			orders: 1,
			revenueMinor: 1150,
		});
		expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910, currency: "GBP" });
		expect(await pairCount()).toBe(pairsBefore + 1);
	});

	it("names an account holder's history by customer id, and adds up two orders on the same day", async () => {
		const businessDate = freshBusinessDate();
		const first = crypto.randomUUID();
		const second = crypto.randomUUID();
		const customer = await registerCustomer();

		await deliver([placed(first, { businessDate, customerId: customer.account.id }), placed(second, { businessDate })]);

		expect((await findOrder(first))?.customerRef).toBe(`customer:${customer.account.id}`);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			quantity: 4,
			orders: 2,
			revenueMinor: 1520,
		});
		expect(await locationSales(businessDate)).toMatchObject({ orders: 2, revenueMinor: 3820 });
	});

	it("counts the same item on two lines once per order, with both lines' quantities", async () => {
		const businessDate = freshBusinessDate();
		const payload = placedPayload({ businessDate });
		const secondFlatWhite = {
			...payload.lines[0],
			lineId: "line-3",
			quantity: 1,
			unitPrice: 340,
			lineTotal: 340,
			options: [],
		};

		await deliver([placed(crypto.randomUUID(), { businessDate, lines: [...payload.lines, secondFlatWhite] })]);

		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			quantity: 3,
			orders: 1,
			revenueMinor: 1100,
		});
		expect(await categorySales(businessDate, "cat-ldn-drinks")).toMatchObject({ quantity: 3, orders: 1 });
	});
});

describe("an account deleted while its OrderPlaced is queued", () => {
	function historyOf(orderId: string) {
		return db.select().from(schema.customerOrderHistory).where(eq(schema.customerOrderHistory.orderId, orderId));
	}

	it("keeps the contact and history of an order whose account still exists", async () => {
		const customer = await registerCustomer();
		const orderId = crypto.randomUUID();
		await deliver([placed(orderId, { customerId: customer.account.id, businessDate: freshBusinessDate() })]);
		expect(await findOrder(orderId)).toMatchObject({
			customerRef: `customer:${customer.account.id}`,
			contactName: "Ada Lovelace",
			contactEmail: "Ada@Example.com",
		});
		expect(await historyOf(orderId)).toHaveLength(1);
	});

	it("projects the order anonymised, with no history row, when the account is gone", async () => {
		const customer = await registerCustomer();
		const deleted = await send("DELETE", "/api/v1/customers/me", undefined, {
			authorization: `Bearer ${customer.accessToken}`,
		});
		expect(deleted.status).toBe(204);

		const orderId = crypto.randomUUID();
		const businessDate = freshBusinessDate();
		const address = { line1: "1 Frith Street", city: "London", postcode: "W1D 3JA", latitude: 51.51, longitude: -0.13 };
		const { ids, result } = await deliver([
			placed(orderId, {
				customerId: customer.account.id,
				businessDate,
				fulfilment: "delivery",
				deliveryAddress: address,
			}),
		]);
		expect(result.explicitAcks).toEqual(ids);

		expect(await findOrder(orderId)).toMatchObject({
			customerRef: null,
			contactName: "Deleted customer",
			contactEmail: "deleted@invalid.example",
			contactPhone: "",
			deliveryAddress: null,
		});
		expect(await historyOf(orderId)).toEqual([]);
		const row = await env.DB.prepare("SELECT * FROM orders WHERE id = ?").bind(orderId).first();
		expect(JSON.stringify(row)).not.toMatch(/Ada|7946|Frith/i);
		// The restaurant's figures still count the order.
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
	});
});

describe("the dead-letter queue", () => {
	async function deadLetter(queue: string, bodies: unknown[], attempts = 1) {
		const messages = bodies.map((body) => {
			messageCounter += 1;
			return { id: `dlq-${messageCounter}`, timestamp: Date.now(), attempts, body };
		});
		const batch = createMessageBatch(queue, messages);
		await handleQueue(batch, env);
		return {
			ids: messages.map((message) => message.id),
			result: await getQueueResult(batch, createExecutionContext()),
		};
	}

	function deadLettersOf(messageId: string) {
		return env.DB.prepare("SELECT * FROM dead_letters WHERE message_id = ?")
			.bind(messageId)
			.all<Record<string, unknown>>()
			.then((result) => result.results);
	}

	it("records an event whose retries ran out, with its body and why, and logs it as an error", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const orphan = event("OrderConfirmed", crypto.randomUUID(), 2, { estimatedReadyAt: "2030-01-01T09:30:00.000Z" });

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
		const order = crypto.randomUUID();
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

describe("idempotency", () => {
	it("applies a message delivered twice in one batch once, and acks both", async () => {
		const businessDate = freshBusinessDate();
		const message = placed(crypto.randomUUID(), { businessDate });
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
		const orderId = crypto.randomUUID();
		const message = placed(orderId, { businessDate });
		const confirmed = event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" });
		await deliver([message, confirmed]);

		const { ids, result } = await deliver([message, confirmed], 2);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(result.retryMessages).toEqual([]);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
		const history = await db
			.select()
			.from(schema.orderStatusHistory)
			.where(eq(schema.orderStatusHistory.orderId, orderId))
			.all();
		expect(history).toHaveLength(2);
	});

	it("acks a concurrent duplicate whose batch loses the race on the ledger", async () => {
		const businessDate = freshBusinessDate();
		const message = placed(crypto.randomUUID(), { businessDate });

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
		const orderId = crypto.randomUUID();
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
		const orderId = crypto.randomUUID();
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

describe("status events", () => {
	it("moves the status, records the ETA and the confirmed and ready times, and keeps the history", async () => {
		const orderId = crypto.randomUUID();
		await deliver([placed(orderId, { businessDate: freshBusinessDate() })]);

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

		const history = await db
			.select()
			.from(schema.orderStatusHistory)
			.where(eq(schema.orderStatusHistory.orderId, orderId))
			.orderBy(schema.orderStatusHistory.sequence)
			.all();
		expect(history.map((entry) => entry.status)).toEqual(["placed", "confirmed", "preparing", "ready", "picked_up"]);
		expect(history[1].estimatedReadyAt).toBe("2030-01-01T09:20:00.000Z");
		const customer = await db
			.select()
			.from(schema.customerOrderHistory)
			.where(eq(schema.customerOrderHistory.orderId, orderId))
			.get();
		expect(customer?.status).toBe("picked_up");
	});

	it("does not regress the status when an older event arrives after a newer one, but records it", async () => {
		const orderId = crypto.randomUUID();
		await deliver([placed(orderId, { businessDate: freshBusinessDate() })]);

		await deliver([event("OrderPreparationStarted", orderId, 3, { estimatedReadyAt: "2030-01-01T09:30:00.000Z" })]);
		await deliver([event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" })]);

		expect(await findOrder(orderId)).toMatchObject({
			status: "preparing",
			lastSequence: 3,
			estimatedReadyAt: "2030-01-01T09:30:00.000Z",
			confirmedAt: "2030-01-01T09:02:00.000Z",
		});
		const customer = await db
			.select()
			.from(schema.customerOrderHistory)
			.where(eq(schema.customerOrderHistory.orderId, orderId))
			.get();
		expect(customer?.status).toBe("preparing");
		const history = await db
			.select()
			.from(schema.orderStatusHistory)
			.where(eq(schema.orderStatusHistory.orderId, orderId))
			.orderBy(schema.orderStatusHistory.sequence)
			.all();
		expect(history.map((entry) => entry.status)).toEqual(["placed", "confirmed", "preparing"]);
	});

	it("retries a status event whose OrderPlaced has not been projected, then applies it once it has", async () => {
		const orderId = crypto.randomUUID();
		const confirmed = event("OrderConfirmed", orderId, 2, { estimatedReadyAt: "2030-01-01T09:20:00.000Z" });

		const early = await deliver([confirmed]);
		expect(early.result.explicitAcks).toEqual([]);
		expect(early.result.retryMessages).toEqual([{ msgId: early.ids[0] }]);
		expect(early.retryDelays.get(early.ids[0])).toBe(2);
		expect(await findOrder(orderId)).toBeUndefined();
		const ledger = await db
			.select()
			.from(schema.processedEvents)
			.where(eq(schema.processedEvents.eventId, confirmed.id))
			.all();
		expect(ledger).toEqual([]);

		await deliver([placed(orderId, { businessDate: freshBusinessDate() })]);
		const later = await deliver([confirmed], 2);
		expect(later.result.explicitAcks).toEqual(later.ids);
		expect((await findOrder(orderId))?.status).toBe("confirmed");
	});

	it("applies an OrderPlaced and its status events arriving in one batch in stream order", async () => {
		const orderId = crypto.randomUUID();
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
		const orderId = crypto.randomUUID();
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
		const kept = crypto.randomUUID();
		const cancelled = crypto.randomUUID();
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
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			quantity: 2,
			orders: 1,
			revenueMinor: 760,
		});
		expect(await itemSales(businessDate, FULL_ENGLISH.itemId)).toMatchObject({
			quantity: 1,
			orders: 1,
			revenueMinor: 1150,
		});
		expect(await categorySales(businessDate, "cat-ldn-drinks")).toMatchObject({
			quantity: 2,
			orders: 1,
			revenueMinor: 760,
		});
		expect(await categorySales(businessDate, "cat-ldn-breakfast")).toMatchObject({ quantity: 1, orders: 1 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910 });
	});

	it("takes a rejected order out of the daily sales", async () => {
		const businessDate = freshBusinessDate();
		const orderId = crypto.randomUUID();
		await deliver([placed(orderId, { businessDate })]);

		await deliver([event("OrderRejected", orderId, 2, { reason: "Kitchen closing" })]);

		expect((await findOrder(orderId))?.status).toBe("rejected");
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 0, orders: 0, revenueMinor: 0 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 0, revenueMinor: 0 });
	});

	it("takes an order out only once, even when it is reported both rejected and cancelled", async () => {
		const businessDate = freshBusinessDate();
		const orderId = crypto.randomUUID();
		await deliver([placed(orderId, { businessDate }), placed(crypto.randomUUID(), { businessDate })]);

		await deliver([
			event("OrderRejected", orderId, 2, { reason: "Kitchen closing" }),
			event("OrderCancelled", orderId, 3, { reason: "Kitchen closing", cancelledBy: "staff" }),
		]);

		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
		expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910 });
	});
});

describe("staff order list", () => {
	function list(path: string, headers: Record<string, string> = STAFF) {
		return call(`/api/v1${path}`, { headers });
	}

	interface Listed {
		orders: {
			id: string;
			status: string;
			placedAt: string;
			estimatedReadyAt: string | null;
			contact: { name: string };
			totals: { total: { amount: number; currency: string }; taxIncluded: boolean };
			lines: { name: string; quantity: number; options: string[]; note: string | null }[];
		}[];
	}

	let boards = 0;
	/** Three orders placed later than any placed before them: two still placed, one confirmed. */
	async function placeBoard() {
		boards += 1;
		const at = (minutes: number) => new Date(Date.UTC(2031, 5, boards, 10, minutes)).toISOString();
		const older = crypto.randomUUID();
		const newer = crypto.randomUUID();
		const confirmed = crypto.randomUUID();
		await deliver([
			placed(older, { businessDate: freshBusinessDate() }, at(0)),
			placed(newer, { businessDate: freshBusinessDate() }, at(5)),
			placed(confirmed, { businessDate: freshBusinessDate() }, at(3)),
			event("OrderConfirmed", confirmed, 2, { estimatedReadyAt: at(20) }),
		]);
		return { older, newer, confirmed, at };
	}

	it("lists the orders in the given statuses, newest first, with what the kitchen needs", async () => {
		const { older, newer, confirmed, at } = await placeBoard();

		const response = await list(`/locations/${LOCATION}/orders?status=placed`);
		expect(response.status).toBe(200);
		const { orders } = (await response.json()) as Listed;
		expect(orders.every((order) => order.status === "placed")).toBe(true);
		const ids = orders.map((order) => order.id);
		expect(ids).not.toContain(confirmed);
		expect(ids.indexOf(newer)).toBeGreaterThanOrEqual(0);
		expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
		const placedTimes = orders.map((order) => order.placedAt);
		expect(placedTimes).toEqual([...placedTimes].sort().reverse());

		const shown = orders.find((order) => order.id === newer);
		expect(shown).toMatchObject({
			status: "placed",
			placedAt: at(5),
			contact: { name: "Ada Lovelace" },
			totals: { total: { amount: 1910, currency: "GBP" }, taxIncluded: true },
			lines: [
				{ name: "Flat White", quantity: 2, options: ["Oat milk"], note: null },
				{ name: "Full English", quantity: 1, options: [], note: "No black pudding" },
			],
		});
	});

	it("takes a comma-separated list of statuses and a limit", async () => {
		const { newer, confirmed, at } = await placeBoard();

		const response = await list(`/locations/${LOCATION}/orders?status=confirmed,placed&limit=2`);
		expect(response.status).toBe(200);
		const { orders } = (await response.json()) as Listed;
		expect(orders.map((order) => order.id)).toEqual([newer, confirmed]);
		expect(orders[1]).toMatchObject({ status: "confirmed", estimatedReadyAt: at(20) });
	});

	it("returns a D1 bookmark", async () => {
		const response = await list(`/locations/${LOCATION}/orders`);
		expect(response.status).toBe(200);
		expect(response.headers.get("x-d1-bookmark")).toBeTruthy();
	});

	it("refuses a request without the staff token with 401", async () => {
		const response = await list(`/locations/${LOCATION}/orders`, {});
		expect(response.status).toBe(401);
		expect((await errorOf(response)).code).toBe("unauthorized");
	});

	it("answers an unknown location with 404", async () => {
		const response = await list("/locations/atlantis/orders");
		expect(response.status).toBe(404);
		expect((await errorOf(response)).code).toBe("not_found");
	});

	it("answers a bad status or limit with 400 naming the field", async () => {
		const badStatus = await list(`/locations/${LOCATION}/orders?status=placed,eaten`);
		expect(badStatus.status).toBe(400);
		const error = await errorOf(badStatus);
		expect(error.code).toBe("validation_failed");
		expect(error.details?.map((issue) => issue.field)).toEqual(["status"]);

		const badLimit = await list(`/locations/${LOCATION}/orders?limit=500`);
		expect(badLimit.status).toBe(400);
		expect((await errorOf(badLimit)).details?.map((issue) => issue.field)).toEqual(["limit"]);
	});
});
