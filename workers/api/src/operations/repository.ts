/** The operations context's reads: the order read models over a window, in one D1 round trip. */
import { and, asc, count, desc, eq, gte, isNotNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { OrderStatus } from "../ordering/domain/order";
import { UNFULFILLED } from "./domain/stats";

export interface StatsRows {
	locationExists: boolean;
	byStatus: { status: OrderStatus; count: number }[];
	readyTimes: { placedAt: string; readyAt: string | null }[];
	topItems: { itemId: string; name: string; quantity: number; orders: number }[];
}

/**
 * Orders placed since `since` by status, placement and ready times of orders
 * that became ready since then, and the best-selling items of the fulfilled
 * orders; `location` narrows all three to one location.
 */
export async function readStats(
	db: Database,
	since: string,
	location: string | undefined,
	top: number,
): Promise<StatsRows> {
	const { orders, orderLines, locations } = schema;
	const atLocation = (filters: SQL[]) => and(...filters, ...(location ? [eq(orders.locationSlug, location)] : []));
	const placedInWindow = atLocation([gte(orders.placedAt, since)]);
	const quantity = sql<number>`sum(${orderLines.quantity})`.mapWith(Number);
	const [locationRows, byStatus, readyTimes, topItems] = await db.batch([
		db
			.select({ slug: locations.slug })
			.from(locations)
			.where(eq(locations.slug, location ?? "")),
		db.select({ status: orders.status, count: count() }).from(orders).where(placedInWindow).groupBy(orders.status),
		db
			.select({ placedAt: orders.placedAt, readyAt: orders.readyAt })
			.from(orders)
			.where(atLocation([isNotNull(orders.readyAt), gte(orders.readyAt, since)])),
		db
			.select({
				itemId: orderLines.itemId,
				name: sql<string>`max(${orderLines.name})`,
				quantity,
				orders: sql<number>`count(distinct ${orderLines.orderId})`.mapWith(Number),
			})
			.from(orderLines)
			.innerJoin(orders, eq(orders.id, orderLines.orderId))
			.where(and(placedInWindow, notInArray(orders.status, UNFULFILLED)))
			.groupBy(orderLines.itemId)
			.orderBy(desc(quantity), asc(orderLines.itemId))
			.limit(top),
	]);
	return { locationExists: location === undefined || locationRows.length > 0, byStatus, readyTimes, topItems };
}
