/**
 * What the order-projections-*.test.ts files share: OrderPlaced and status
 * events for london-soho, a consumer to run them through, and queries on the
 * read models they project.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { expect } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope, OrderEventPayload, OrderEventType, OrderPlacedPayload } from "../src/ordering/events";
import { deliverBatch } from "./queue-helpers";

export const LOCATION = "london-soho";
export const FLAT_WHITE = { itemId: "itm-ldn-flat-white", categoryId: "cat-ldn-drinks" };
export const FULL_ENGLISH = { itemId: "itm-ldn-full-english", categoryId: "cat-ldn-breakfast" };

/** london-soho is in the eu region: its orders' rows are in that region's database. */
export const db = database(env.ORDERS_EU);

let dayCounter = 0;
/** A business date no other test uses, so its daily sales start from nothing. */
export function freshBusinessDate(): string {
	dayCounter += 1;
	return new Date(Date.UTC(2030, 0, 1) + dayCounter * 86_400_000).toISOString().slice(0, 10);
}

export function placedPayload(overrides: Partial<OrderPlacedPayload> = {}): OrderPlacedPayload {
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
		payment: { method: "card" },
		...overrides,
	};
}

export function event<T extends OrderEventType>(
	type: T,
	orderId: string,
	sequence: number,
	payload: OrderEventPayload<T>,
	occurredAt = new Date(Date.UTC(2030, 0, 1, 9, sequence)).toISOString(),
): OrderEventEnvelope {
	return { id: crypto.randomUUID(), type, occurredAt, orderId, sequence, payload } as OrderEventEnvelope;
}

export function placed(orderId: string, overrides: Partial<OrderPlacedPayload> = {}, occurredAt?: string) {
	return event("OrderPlaced", orderId, 1, placedPayload(overrides), occurredAt);
}

/** Runs one batch through the order-events consumer: which messages it acked and retried, and each retry's delay. */
export function deliver(bodies: unknown[], attempts = 1) {
	return deliverBatch("goodfood-order-events", handleOrderEvents, bodies, { attempts });
}

export function findOrder(orderId: string) {
	return db.select().from(schema.orders).where(eq(schema.orders.id, orderId)).get();
}

/** The order's status history, in stream order. */
export function statusHistoryOf(orderId: string) {
	const { orderStatusHistory } = schema;
	return db
		.select()
		.from(orderStatusHistory)
		.where(eq(orderStatusHistory.orderId, orderId))
		.orderBy(orderStatusHistory.sequence)
		.all();
}

/** The rows the order left in its customer's order history. */
export function customerHistoryOf(orderId: string) {
	const { customerOrderHistory } = schema;
	return db.select().from(customerOrderHistory).where(eq(customerOrderHistory.orderId, orderId)).all();
}

const { dailyItemSales, dailyCategorySales, dailyLocationSales } = schema;

/** Where a row of the daily figures is the location's, on the business date. */
function onDay(
	table: typeof dailyItemSales | typeof dailyCategorySales | typeof dailyLocationSales,
	businessDate: string,
) {
	return and(eq(table.locationSlug, LOCATION), eq(table.businessDate, businessDate));
}

export function itemSales(businessDate: string, itemId: string) {
	const where = and(onDay(dailyItemSales, businessDate), eq(dailyItemSales.itemId, itemId));
	return db.select().from(dailyItemSales).where(where).get();
}

export function categorySales(businessDate: string, categoryId: string) {
	const where = and(onDay(dailyCategorySales, businessDate), eq(dailyCategorySales.categoryId, categoryId));
	return db.select().from(dailyCategorySales).where(where).get();
}

export function locationSales(businessDate: string) {
	return db.select().from(dailyLocationSales).where(onDay(dailyLocationSales, businessDate)).get();
}

/** Expects the day's figures to be those of one order as placed() makes it: two Flat Whites and a Full English. */
export async function expectFiguresOfOneOrder(businessDate: string): Promise<void> {
	const flatWhite = { quantity: 2, orders: 1, revenueMinor: 760 };
	const fullEnglish = { quantity: 1, orders: 1, revenueMinor: 1150 };
	expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject(flatWhite);
	expect(await itemSales(businessDate, FULL_ENGLISH.itemId)).toMatchObject(fullEnglish);
	expect(await categorySales(businessDate, FLAT_WHITE.categoryId)).toMatchObject(flatWhite);
	expect(await categorySales(businessDate, FULL_ENGLISH.categoryId)).toMatchObject(fullEnglish);
	expect(await locationSales(businessDate)).toMatchObject({ orders: 1, revenueMinor: 1910, currency: "GBP" });
}

/** How many of the location's orders have had a Flat White and a Full English together. */
export async function pairCount(): Promise<number> {
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
