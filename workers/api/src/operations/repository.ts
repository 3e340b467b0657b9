/**
 * The operations context's storage: one region's order read models over a
 * window, in one D1 round trip; where a location's orders are; each region's
 * figures per location and local day; and each region's dead letters, with
 * the conditional writes that let a letter be replayed once.
 */
import { and, asc, count, desc, eq, gte, isNotNull, isNull, notInArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { excludingLocations, realLocation } from "../db/synthetic";
import type { OrderStatus } from "../ordering/domain/order";
import type { DayRows } from "./domain/daily";
import { UNFULFILLED } from "./domain/stats";
import type { DeadLetterState } from "./schemas";

export interface StatsRows {
	byStatus: { status: OrderStatus; count: number }[];
	readyTimes: { placedAt: string; readyAt: string | null }[];
	topItems: { itemId: string; name: string; quantity: number; orders: number }[];
}

/**
 * Orders placed since `since` by status, placement and ready times of orders
 * that became ready since then, and the best-selling items of the fulfilled
 * orders, from one region's database; `location` narrows all three to one
 * location, else `hidden` (the synthetic locations) are left out. `top`
 * limits the items, or leaves them all when undefined (a ranking merged
 * across regions needs every region's full counts).
 */
export async function readStats(
	orders: Database,
	since: string,
	location: string | undefined,
	top: number | undefined,
	hidden: readonly string[] = [],
): Promise<StatsRows> {
	const { orderLines } = schema;
	const order = schema.orders;
	const atLocation = (filters: SQL[]) =>
		and(...filters, location ? eq(order.locationSlug, location) : excludingLocations(order.locationSlug, hidden));
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

/** What the daily figures say of a location: its name, its currency and the zone its days are in. */
export interface StatsLocation {
	slug: string;
	name: string;
	currency: string;
	timeZone: string;
}

/**
 * One location, or every real location (by name) when `slug` is undefined, from
 * the global catalogue; daily figures show these locations' orders only.
 */
export function statsLocations(global: Database, slug: string | undefined): Promise<StatsLocation[]> {
	const { locations } = schema;
	return global
		.select({ slug: locations.slug, name: locations.name, currency: locations.currency, timeZone: locations.timeZone })
		.from(locations)
		.where(slug ? eq(locations.slug, slug) : realLocation())
		.orderBy(asc(locations.name), asc(locations.slug));
}

/** One location's local day as one region's order database holds it. */
export interface LocationDayRows extends DayRows {
	location: string;
	date: string;
}

/**
 * Orders of one region by location and local business date, from `from` to
 * `to`: counts, revenue, and each ready order's placed-to-ready seconds and
 * miss against the ready time it was promised, as JSON arrays (percentiles need
 * every value). Ready is the first `ready` in the status history. One
 * statement; `location` narrows it to one location.
 */
const DAILY_ROWS = (narrowed: boolean) => `WITH placed AS (
	SELECT o.location_slug, o.business_date, o.status, o.counted_in_sales, o.subtotal_minor, o.placed_at,
		-- The customer's last promise: the kitchen's ETA once it confirmed, else the prediction at placement.
		coalesce(o.estimated_ready_at, o.predicted_ready_at) AS promised_ready_at,
		(SELECT min(h.occurred_at) FROM order_status_history h WHERE h.order_id = o.id AND h.status = 'ready') AS ready_at
	FROM orders o
	WHERE o.business_date BETWEEN ?1 AND ?2${narrowed ? " AND o.location_slug = ?3" : ""}
)
SELECT location_slug AS location, business_date AS date, count(*) AS orders,
	sum(status = 'cancelled') AS cancelled, sum(status = 'rejected') AS rejected,
	sum(counted_in_sales) AS counted,
	sum(CASE WHEN counted_in_sales THEN subtotal_minor ELSE 0 END) AS revenueMinor,
	json_group_array(round((julianday(ready_at) - julianday(placed_at)) * 86400, 3))
		FILTER (WHERE ready_at IS NOT NULL) AS prep,
	json_group_array(round((julianday(ready_at) - julianday(promised_ready_at)) * 86400, 3))
		FILTER (WHERE ready_at IS NOT NULL AND promised_ready_at IS NOT NULL) AS eta
FROM placed
GROUP BY location_slug, business_date`;

export async function readDailyRows(
	orders: Database,
	from: string,
	to: string,
	location: string | undefined,
): Promise<LocationDayRows[]> {
	const statement = orders.$client.prepare(DAILY_ROWS(location !== undefined));
	const { results } = await (location ? statement.bind(from, to, location) : statement.bind(from, to)).all<
		Omit<LocationDayRows, "prepSeconds" | "etaErrorSeconds"> & { prep: string; eta: string }
	>();
	return results.map(({ prep, eta, ...row }) => ({
		...row,
		prepSeconds: JSON.parse(prep) as number[],
		etaErrorSeconds: JSON.parse(eta) as number[],
	}));
}

export type DeadLetterRow = typeof schema.deadLetters.$inferSelect;

/** A region's dead letters in a state, newest first. */
export function listDeadLetters(orders: Database, state: DeadLetterState, limit: number): Promise<DeadLetterRow[]> {
	const { deadLetters } = schema;
	const inState =
		state === "pending"
			? isNull(deadLetters.replayedAt)
			: state === "replayed"
				? isNotNull(deadLetters.replayedAt)
				: undefined;
	return orders
		.select()
		.from(deadLetters)
		.where(inState)
		.orderBy(desc(deadLetters.deadAt), asc(deadLetters.messageId))
		.limit(limit);
}

function letterKey(queue: string, messageId: string) {
	return and(eq(schema.deadLetters.queue, queue), eq(schema.deadLetters.messageId, messageId));
}

export function findDeadLetter(orders: Database, queue: string, messageId: string): Promise<DeadLetterRow | undefined> {
	return orders.select().from(schema.deadLetters).where(letterKey(queue, messageId)).get();
}

/**
 * Marks a pending letter replayed at `at` and answers its body, or nothing
 * when it was replayed already: the one statement that decides who sends it,
 * so two replays racing send it once.
 */
function claimStatement(orders: Database, queue: string, messageId: string, at: string) {
	const { deadLetters } = schema;
	return orders
		.update(deadLetters)
		.set({ replayedAt: at })
		.where(and(letterKey(queue, messageId), isNull(deadLetters.replayedAt)))
		.returning({ queue: deadLetters.queue, messageId: deadLetters.messageId, body: deadLetters.body });
}

export type ClaimedLetter = { queue: string; messageId: string; body: string };

export async function claimReplay(
	orders: Database,
	queue: string,
	messageId: string,
	at: string,
): Promise<ClaimedLetter | undefined> {
	const [claimed] = await claimStatement(orders, queue, messageId, at);
	return claimed;
}

/** Claims several letters in one round trip; answers those this call won. */
export async function claimReplays(
	orders: Database,
	letters: readonly { queue: string; messageId: string }[],
	at: string,
): Promise<ClaimedLetter[]> {
	const [first, ...rest] = letters.map(({ queue, messageId }) => claimStatement(orders, queue, messageId, at));
	if (!first) return [];
	const results = await orders.batch([first, ...rest]);
	return results.flat();
}

/** Undoes this call's claims (those still stamped `at`) when the send failed, so the letters stay pending. */
export async function releaseReplays(
	orders: Database,
	letters: readonly { queue: string; messageId: string }[],
	at: string,
): Promise<void> {
	const { deadLetters } = schema;
	const [first, ...rest] = letters.map(({ queue, messageId }) =>
		orders
			.update(deadLetters)
			.set({ replayedAt: null })
			.where(and(letterKey(queue, messageId), eq(deadLetters.replayedAt, at))),
	);
	if (first) await orders.batch([first, ...rest]);
}
