/**
 * Projections of order events into the D1 read models. Each event becomes the
 * statements of ONE `batch()`, led by its row in `order_status_history`, which
 * is the ledger: its key admits a stream position once and its `event_id` an
 * event once, so a duplicate delivery fails that plain INSERT and with it the
 * whole batch, and an event has its effect exactly once.
 */

import { errorText } from "@goodfood/platform/log";
import { orderEventDataPoint, writeDataPoint } from "@goodfood/platform/metrics";
import { and, eq, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { AnySQLiteColumn, SQLiteUpdateSetSource } from "drizzle-orm/sqlite-core";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { type OrderStatus, STATUS_AFTER } from "./domain/order";
import { isPaymentEvent, type OrderEventEnvelope, type PaymentEventType } from "./events";
import { projectPaymentEvent } from "./payment-projection";
import { projectOrderPlaced } from "./placed-projection";

export { customerRefOf, itemPairsOf } from "./placed-projection";

/** A UNIQUE failure on the ledger: another projection of this event (a redelivery, or the request that recorded it) got there first. */
export function isAlreadyProjected(error: unknown): boolean {
	return /UNIQUE constraint failed: order_status_history\./.test(errorText(error));
}

/** The ledger row an event leads its batch with: its place in the order's status history. */
const INSERT_HISTORY = `INSERT INTO order_status_history (order_id, sequence, status, occurred_at, estimated_ready_at, reason, event_id)
VALUES (?1, ?2, coalesce(?3, (SELECT status FROM orders WHERE id = ?1), 'placed'), ?4, ?5, ?6, ?7)`;

/**
 * The status a projected event leaves: an OrderPlaced reaches the queue only once the kitchen may
 * see it (paid or to be paid at pickup), and its PaymentAuthorised follows it in the same
 * transaction, so both leave it placed; any other payment event keeps the status the order has
 * when it is projected (null: read in the statement).
 */
function projectedStatus(event: OrderEventEnvelope): OrderStatus | null {
	if (event.type === "OrderPlaced" || event.type === "PaymentAuthorised") return "placed";
	return isPaymentEvent(event) ? null : STATUS_AFTER[event.type];
}

function historyRow(d1: D1, event: OrderEventEnvelope): D1PreparedStatement {
	const eta = "estimatedReadyAt" in event.payload ? event.payload.estimatedReadyAt : null;
	const reason = "reason" in event.payload ? event.payload.reason : null;
	return d1
		.prepare(INSERT_HISTORY)
		.bind(event.orderId, event.sequence, projectedStatus(event), event.occurredAt, eta, reason, event.id);
}

/** Where and when a projected order was placed, for the order-event metrics. */
export interface PlacedOrder {
	placedAt: string;
	locationSlug: string;
}

/**
 * A projected event's data point: every event counts, and OrderReady's seconds since placement is the
 * placed-to-ready time. Called right after the projection commits, so `projectedAtMs` (now, by default)
 * less the event's time is its projection lag.
 */
export function recordOrderEventMetric(
	metrics: AnalyticsEngineDataset | undefined,
	event: OrderEventEnvelope,
	placed: PlacedOrder,
	traceId: string,
	projectedAtMs = Date.now(),
): void {
	const occurredAtMs = Date.parse(event.occurredAt);
	const seconds = Math.max(0, (occurredAtMs - Date.parse(placed.placedAt)) / 1000);
	writeDataPoint(
		metrics,
		orderEventDataPoint({
			type: event.type,
			locationSlug: placed.locationSlug,
			orderId: event.orderId,
			sequence: event.sequence,
			secondsSincePlaced: event.type === "OrderPlaced" ? 0 : seconds,
			projectionLagSeconds: Math.max(0, (projectedAtMs - occurredAtMs) / 1000),
			traceId,
		}),
	);
}

/** A batch that always starts with the ledger insert. */
export type ProjectionBatch = [D1PreparedStatement, ...D1PreparedStatement[]];

type D1 = D1Database | D1DatabaseSession;
type StatusEventEnvelope = Exclude<OrderEventEnvelope, { type: "OrderPlaced" | PaymentEventType }>;

/**
 * Takes a cancelled or rejected order back out of the item and category daily
 * sales, once: the subtractions read its lines only while `counted_in_sales`
 * is set, and the order's update after them clears it (which also takes it
 * out of the location's figures, a view over the orders).
 */
function reverseSales(db: Database, orderId: string): BatchItem<"sqlite">[] {
	const { orders, orderLines, dailyItemSales, dailyCategorySales } = schema;
	const countedLines = and(eq(orderLines.orderId, orderId), eq(orders.countedInSales, true));
	const linesBy = <K extends "itemId" | "categoryId">(key: K, alias: string) =>
		db
			.select({
				locationSlug: orders.locationSlug,
				businessDate: orders.businessDate,
				key: orderLines[key],
				quantity: sql<number>`sum(${orderLines.quantity})`.as("reversed_quantity"),
				revenueMinor: sql<number>`sum(${orderLines.lineTotalMinor})`.as("reversed_revenue_minor"),
			})
			.from(orderLines)
			.innerJoin(orders, eq(orders.id, orderLines.orderId))
			.where(countedLines)
			.groupBy(orderLines[key])
			.as(alias);
	const byItem = linesBy("itemId", "reversed_items");
	const byCategory = linesBy("categoryId", "reversed_categories");
	return [
		db
			.update(dailyItemSales)
			.set({
				quantity: sql`${dailyItemSales.quantity} - ${byItem.quantity}`,
				orders: sql`${dailyItemSales.orders} - 1`,
				revenueMinor: sql`${dailyItemSales.revenueMinor} - ${byItem.revenueMinor}`,
			})
			.from(byItem)
			.where(
				and(
					eq(dailyItemSales.locationSlug, byItem.locationSlug),
					eq(dailyItemSales.businessDate, byItem.businessDate),
					eq(dailyItemSales.itemId, byItem.key),
				),
			),
		db
			.update(dailyCategorySales)
			.set({
				quantity: sql`${dailyCategorySales.quantity} - ${byCategory.quantity}`,
				orders: sql`${dailyCategorySales.orders} - 1`,
				revenueMinor: sql`${dailyCategorySales.revenueMinor} - ${byCategory.revenueMinor}`,
			})
			.from(byCategory)
			.where(
				and(
					eq(dailyCategorySales.locationSlug, byCategory.locationSlug),
					eq(dailyCategorySales.businessDate, byCategory.businessDate),
					eq(dailyCategorySales.categoryId, byCategory.key),
				),
			),
	];
}

/** The milestone each event records, kept at its first value whatever order events arrive in. */
function milestoneOf(event: StatusEventEnvelope): SQLiteUpdateSetSource<typeof schema.orders> {
	const first = (column: AnySQLiteColumn) => sql`coalesce(${column}, ${event.occurredAt})`;
	switch (event.type) {
		case "OrderConfirmed":
			return { confirmedAt: first(schema.orders.confirmedAt) };
		case "OrderReady":
			return { readyAt: first(schema.orders.readyAt) };
		case "OrderPickedUp":
		case "OrderDelivered":
			return { completedAt: first(schema.orders.completedAt) };
		case "OrderRejected":
		case "OrderCancelled":
			// After `reverseSales`, which reads the flag: the order leaves the daily sales once.
			return { cancelReason: event.payload.reason, countedInSales: false };
		default:
			return {};
	}
}

function projectStatusChange(db: Database, event: StatusEventEnvelope, processedAt: string): BatchItem<"sqlite">[] {
	const { orders, customerOrderHistory } = schema;
	const status = STATUS_AFTER[event.type];
	const eta = "estimatedReadyAt" in event.payload ? event.payload.estimatedReadyAt : undefined;
	const cancelled = event.type === "OrderCancelled" || event.type === "OrderRejected";
	// The guard: an event older than the last one applied is history, not the current status. SET
	// expressions see the row as it was, so each guarded column asks about the old last_sequence.
	const newer = sql`${orders.lastSequence} < ${event.sequence}`;
	const ifNewer = (value: unknown, column: AnySQLiteColumn) => sql`case when ${newer} then ${value} else ${column} end`;
	return [
		...(cancelled ? reverseSales(db, event.orderId) : []),
		// One update: the status moves only for a newer event; the milestone is kept whatever the order of arrival.
		db
			.update(orders)
			.set({
				status: ifNewer(status, orders.status),
				updatedAt: ifNewer(processedAt, orders.updatedAt),
				...(eta === undefined ? {} : { estimatedReadyAt: ifNewer(eta, orders.estimatedReadyAt) }),
				lastSequence: sql`max(${orders.lastSequence}, ${event.sequence})`,
				...milestoneOf(event),
			})
			.where(eq(orders.id, event.orderId)),
		db
			.update(customerOrderHistory)
			.set({ status: sql`(select ${orders.status} from ${orders} where ${orders.id} = ${event.orderId})` })
			.where(eq(customerOrderHistory.orderId, event.orderId)),
	];
}

/** A drizzle query as the D1 statement it builds, to share a batch with hand-written ones. */
function statementOf(d1: D1, query: BatchItem<"sqlite">): D1PreparedStatement {
	const { sql: text, params } = (query as unknown as { toSQL(): { sql: string; params: unknown[] } }).toSQL();
	return d1.prepare(text).bind(...params);
}

/**
 * The statements that apply one event to the read models, to run as one
 * `batch()` on `d1` (the database or a request's session). Pure apart from
 * preparing them: nothing runs until the caller batches them, so the ledger
 * row and the effects land together or not at all.
 */
export function projectOrderEvent(d1: D1, event: OrderEventEnvelope, processedAt: string): ProjectionBatch {
	return [historyRow(d1, event), ...effectsOf(d1, event, processedAt)];
}

function effectsOf(d1: D1, event: OrderEventEnvelope, processedAt: string): D1PreparedStatement[] {
	if (event.type === "OrderPlaced") return projectOrderPlaced(d1, event, processedAt);
	// Payment events leave the status and its `last_sequence` guard alone: a capture projected before
	// its OrderPickedUp (a queue retry) must not make the handover look older than it is.
	if (isPaymentEvent(event)) return projectPaymentEvent(d1, event);
	return projectStatusChange(database(d1), event, processedAt).map((query) => statementOf(d1, query));
}
