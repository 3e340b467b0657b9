/**
 * The operations context's reads: one region's order read models over a
 * window, in one D1 round trip, and where a location's orders are.
 */
import { and, asc, count, desc, eq, gte, isNotNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { OrderStatus } from "../ordering/domain/order";
import { UNFULFILLED } from "./domain/stats";

export interface StatsRows {
	byStatus: { status: OrderStatus; count: number }[];
	readyTimes: { placedAt: string; readyAt: string | null }[];
	topItems: { itemId: string; name: string; quantity: number; orders: number }[];
}

/**
 * Orders placed since `since` by status, placement and ready times of orders
 * that became ready since then, and the best-selling items of the fulfilled
 * orders, from one region's database; `location` narrows all three to one
 * location. `top` limits the items, or leaves them all when undefined (a
 * ranking merged across regions needs every region's full counts).
 */
export async function readStats(
	orders: Database,
	since: string,
	location: string | undefined,
	top: number | undefined,
): Promise<StatsRows> {
	const { orderLines } = schema;
	const order = schema.orders;
	const atLocation = (filters: SQL[]) => and(...filters, ...(location ? [eq(order.locationSlug, location)] : []));
	const placedInWindow = atLocation([gte(order.placedAt, since)]);
	const quantity = sql<number>`sum(${orderLines.quantity})`.mapWith(Number);
	const items = orders
		.select({
			itemId: orderLines.itemId,
			name: sql<string>`max(${orderLines.name})`,
			quantity,
			orders: sql<number>`count(distinct ${orderLines.orderId})`.mapWith(Number),
		})
		.from(orderLines)
		.innerJoin(order, eq(order.id, orderLines.orderId))
		.where(and(placedInWindow, notInArray(order.status, UNFULFILLED)))
		.groupBy(orderLines.itemId)
		.orderBy(desc(quantity), asc(orderLines.itemId));
	const [byStatus, readyTimes, topItems] = await orders.batch([
		orders.select({ status: order.status, count: count() }).from(order).where(placedInWindow).groupBy(order.status),
		orders
			.select({ placedAt: order.placedAt, readyAt: order.readyAt })
			.from(order)
			.where(atLocation([isNotNull(order.readyAt), gte(order.readyAt, since)])),
		top === undefined ? items : items.limit(top),
	]);
	return { byStatus, readyTimes, topItems };
}

/** The region a location is in, from the global catalogue; undefined for an unknown location. */
export async function regionOfLocation(global: Database, slug: string): Promise<string | undefined> {
	const row = await global
		.select({ region: schema.locations.region })
		.from(schema.locations)
		.where(eq(schema.locations.slug, slug))
		.get();
	return row?.region;
}
