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
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { ERASED_LINE_COLUMNS, ERASED_ORDER_COLUMNS } from "./domain/erasure";
import { STATUS_AFTER } from "./domain/order";
import type { OrderEventEnvelope, OrderLineSnapshot } from "./events";

/** A UNIQUE failure on the ledger: another projection of this event (a redelivery, or the request that recorded it) got there first. */
export function isAlreadyProjected(error: unknown): boolean {
	return /UNIQUE constraint failed: order_status_history\./.test(errorText(error));
}

/** The ledger row an event leads its batch with: its place in the order's status history. */
function historyRow(db: Database, event: OrderEventEnvelope) {
	const eta = "estimatedReadyAt" in event.payload ? event.payload.estimatedReadyAt : null;
	const reason = "reason" in event.payload ? event.payload.reason : null;
	return db.insert(schema.orderStatusHistory).values({
		orderId: event.orderId,
		sequence: event.sequence,
		status: STATUS_AFTER[event.type],
		occurredAt: event.occurredAt,
		estimatedReadyAt: eta ?? null,
		reason: reason ?? null,
		eventId: event.id,
	});
}

/** Where and when a projected order was placed, for the order-event metrics. */
export interface PlacedOrder {
	placedAt: string;
	locationSlug: string;
}

/** A projected event's data point: every event counts, and OrderReady's seconds since placement is the placed-to-ready time. */
export function recordOrderEventMetric(
	metrics: AnalyticsEngineDataset | undefined,
	event: OrderEventEnvelope,
	placed: PlacedOrder,
	traceId: string,
): void {
	const seconds = Math.max(0, (Date.parse(event.occurredAt) - Date.parse(placed.placedAt)) / 1000);
	writeDataPoint(
		metrics,
		orderEventDataPoint({
			type: event.type,
			locationSlug: placed.locationSlug,
			orderId: event.orderId,
			sequence: event.sequence,
			secondsSincePlaced: event.type === "OrderPlaced" ? 0 : seconds,
			traceId,
		}),
	);
}

/** A batch that always starts with the ledger insert. */
export type ProjectionBatch = [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]];

type OrderPlacedEnvelope = Extract<OrderEventEnvelope, { type: "OrderPlaced" }>;
type StatusEventEnvelope = Exclude<OrderEventEnvelope, { type: "OrderPlaced" }>;

/** D1 binds at most 100 parameters per statement, so multi-row inserts are cut to fit. */
const MAX_BOUND_PARAMETERS = 100;

function chunks<T>(rows: T[], columns: number): T[][] {
	const size = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / columns));
	const result: T[][] = [];
	for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
	return result;
}

/** How the read models name a customer: by account, else by e-mail for guests. */
export function customerRefOf(customerId: string | null, email: string): string {
	return customerId ? `customer:${customerId}` : `email:${email.trim().toLowerCase()}`;
}

/** Every unordered pair of distinct items, each as [a, b] with a < b. */
export function itemPairsOf(itemIds: string[]): [string, string][] {
	const distinct = [...new Set(itemIds)].sort();
	const pairs: [string, string][] = [];
	for (let i = 0; i < distinct.length; i++) {
		for (let j = i + 1; j < distinct.length; j++) pairs.push([distinct[i], distinct[j]]);
	}
	return pairs;
}

interface SalesRow {
	quantity: number;
	revenueMinor: number;
}

function totalsBy<K extends string>(lines: OrderLineSnapshot[], key: (line: OrderLineSnapshot) => K) {
	const totals = new Map<K, SalesRow & { line: OrderLineSnapshot }>();
	for (const line of lines) {
		const current = totals.get(key(line)) ?? { quantity: 0, revenueMinor: 0, line };
		current.quantity += line.quantity;
		current.revenueMinor += line.lineTotal;
		totals.set(key(line), current);
	}
	return totals;
}

/** Adds the inserted row's counts to an existing one instead of failing on the primary key. */
const addExcluded = {
	quantity: sql`quantity + excluded.quantity`,
	orders: sql`orders + excluded.orders`,
	revenueMinor: sql`revenue_minor + excluded.revenue_minor`,
};

function projectOrderPlaced(db: Database, event: OrderPlacedEnvelope, processedAt: string): BatchItem<"sqlite">[] {
	const placed = event.payload;
	const { totals, lines } = placed;
	const orderId = event.orderId;
	const location = placed.locationSlug;
	const day = { locationSlug: location, businessDate: placed.businessDate, currency: totals.currency };
	const customerRef = customerRefOf(placed.customerId, placed.contact.email);
	// An account holder's details are kept only while the account exists (see `eraseIfAccountDeleted`).
	const keep = placed.customerId ? whileAccountExists(placed.customerId) : <T>(value: T) => value;
	const contact = {
		customerRef: keep(customerRef, ERASED_ORDER_COLUMNS.customerRef),
		contactName: keep(placed.contact.name, ERASED_ORDER_COLUMNS.contactName),
		contactEmail: keep(placed.contact.email, ERASED_ORDER_COLUMNS.contactEmail),
		contactPhone: keep(placed.contact.phone, ERASED_ORDER_COLUMNS.contactPhone),
		deliveryAddress: placed.deliveryAddress
			? keep(sql`${JSON.stringify(placed.deliveryAddress)}`, ERASED_ORDER_COLUMNS.deliveryAddress)
			: null,
	};
	const statements: BatchItem<"sqlite">[] = [
		db.insert(schema.orders).values({
			id: orderId,
			locationSlug: location,
			status: "placed",
			fulfilment: placed.fulfilment,
			...contact,
			requestedFor: placed.requestedFor,
			currency: totals.currency,
			subtotalMinor: totals.subtotal,
			taxMinor: totals.tax,
			taxIncluded: totals.taxIncluded,
			deliveryFeeMinor: totals.deliveryFee,
			tipMinor: totals.tip,
			totalMinor: totals.total,
			placedAt: event.occurredAt,
			businessDate: placed.businessDate,
			countedInSales: true,
			lastSequence: event.sequence,
			updatedAt: processedAt,
		}),
	];
	if (placed.customerId) {
		// An account holder's order history (a guest has none: nothing reads one by e-mail). INSERT …
		// SELECT lists the columns in the table's order, and adds no row at all for a deleted account.
		statements.push(
			db
				.insert(schema.customerOrderHistory)
				.select(
					sql`select ${customerRef}, ${orderId}, ${location}, ${event.occurredAt}, ${"placed"}, ${totals.total}, ${totals.currency} where ${accountExists(placed.customerId)}`,
				),
		);
	}

	const lineRows = lines.map((line, position) => ({
		orderId,
		lineId: line.lineId,
		position,
		itemId: line.itemId,
		categoryId: line.categoryId,
		name: line.name,
		quantity: line.quantity,
		unitPriceMinor: line.unitPrice,
		lineTotalMinor: line.lineTotal,
		options: line.options,
		note: line.note === null ? null : keep(line.note, ERASED_LINE_COLUMNS.note),
	}));
	// A kept note binds the account id and the erased value too.
	for (const rows of chunks(lineRows, placed.customerId ? 13 : 11)) {
		statements.push(db.insert(schema.orderLines).values(rows));
	}

	const itemRows = [...totalsBy(lines, (line) => line.itemId).entries()].map(([itemId, sold]) => ({
		...day,
		itemId,
		categoryId: sold.line.categoryId,
		quantity: sold.quantity,
		orders: 1,
		revenueMinor: sold.revenueMinor,
	}));
	for (const rows of chunks(itemRows, 8)) {
		statements.push(
			db
				.insert(schema.dailyItemSales)
				.values(rows)
				.onConflictDoUpdate({
					target: [
						schema.dailyItemSales.locationSlug,
						schema.dailyItemSales.businessDate,
						schema.dailyItemSales.itemId,
					],
					set: addExcluded,
				}),
		);
	}

	const categoryRows = [...totalsBy(lines, (line) => line.categoryId).entries()].map(([categoryId, sold]) => ({
		...day,
		categoryId,
		quantity: sold.quantity,
		orders: 1,
		revenueMinor: sold.revenueMinor,
	}));
	for (const rows of chunks(categoryRows, 7)) {
		statements.push(
			db
				.insert(schema.dailyCategorySales)
				.values(rows)
				.onConflictDoUpdate({
					target: [
						schema.dailyCategorySales.locationSlug,
						schema.dailyCategorySales.businessDate,
						schema.dailyCategorySales.categoryId,
					],
					set: addExcluded,
				}),
		);
	}

	// The location's daily figures are a view over the orders (`daily_location_sales`): nothing to write.

	const pairRows = itemPairsOf(lines.map((line) => line.itemId)).map(([itemA, itemB]) => ({
		locationSlug: location,
		itemA,
		itemB,
		ordersTogether: 1,
	}));
	for (const rows of chunks(pairRows, 4)) {
		statements.push(
			db
				.insert(schema.itemPairs)
				.values(rows)
				.onConflictDoUpdate({
					target: [schema.itemPairs.locationSlug, schema.itemPairs.itemA, schema.itemPairs.itemB],
					set: { ordersTogether: sql`orders_together + excluded.orders_together` },
				}),
		);
	}
	if (placed.customerId) statements.push(...eraseIfAccountDeleted(db, orderId, placed.customerId));
	return statements;
}

function accountExists(customerId: string) {
	return sql`exists (select 1 from ${schema.accounts} where ${schema.accounts.id} = ${customerId})`;
}

/** A value kept while the customer's account exists, else its erased form: decided inside the statement that writes it. */
function whileAccountExists(customerId: string) {
	return <T>(value: T, erased: unknown) =>
		sql<T>`case when ${accountExists(customerId)} then ${value} else ${erased} end`;
}

/**
 * An account deleted while its OrderPlaced was still on its way (queued, or
 * placed while the deletion ran): deletion could not see the order, so the
 * projection writes it anonymised the way deletion does, and keeps no history
 * row (each insert above checks the account itself). When the account has a
 * tombstone, the order also joins its erasure's to-do list, whose trigger
 * (migration 0011) reopens the tombstone, so the order's own event stream is
 * rewritten too (`accounts/erasure.ts`). In the same batch as the inserts, so
 * the contact details are never visible, whichever of the two runs first.
 */
function eraseIfAccountDeleted(db: Database, orderId: string, customerId: string): BatchItem<"sqlite">[] {
	const { accountTombstones, erasureOrders } = schema;
	return [
		db
			.insert(erasureOrders)
			.select(
				db
					.select({
						accountId: sql<string>`${customerId}`.as("account_id"),
						orderId: sql<string>`${orderId}`.as("order_id"),
						forgottenAt: sql<string | null>`null`.as("forgotten_at"),
					})
					.from(accountTombstones)
					.where(eq(accountTombstones.accountId, customerId)),
			)
			.onConflictDoNothing(),
	];
}

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

/**
 * The statements that apply one event to the read models, to run as one
 * `batch()`. Pure apart from building queries: nothing runs until the caller
 * batches them, so the ledger row and the effects land together or not at all.
 */
export function projectOrderEvent(db: Database, event: OrderEventEnvelope, processedAt: string): ProjectionBatch {
	const effects =
		event.type === "OrderPlaced"
			? projectOrderPlaced(db, event, processedAt)
			: projectStatusChange(db, event, processedAt);
	return [historyRow(db, event), ...effects];
}
