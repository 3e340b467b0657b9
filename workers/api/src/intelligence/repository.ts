/**
 * What recommendations and forecasts read from the order read models in D1,
 * and the precomputed forecasts they write. Reads take any D1 session.
 *
 * The read models are regional (an order's rows are in its region's
 * database); the catalogue, accounts and precomputed forecasts are global.
 * What is learned from every order (co-occurrence, a customer's taste) reads
 * every region and merges; a location's sales are read from its own region.
 */
import { and, asc, desc, eq, gte, inArray, lt, lte, notInArray, or, sql } from "drizzle-orm";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { realLocation } from "../db/synthetic";
import type { DailyItemForecast, DailyUnits, DatedForecast } from "./domain/demand";
import type { CoOccurrence, CustomerHistory, PairCount } from "./domain/recommend";
import { coOccurrenceFrom, sumCounts } from "./domain/recommend";

export type IntelligenceDb = Database;
export const intelligenceDb = database;

/** D1 binds at most 100 parameters per statement. */
const MAX_BOUND_PARAMETERS = 100;
/** A customer's latest orders are enough to know their taste. */
const HISTORY_ORDERS = 50;

function chunks<T>(values: readonly T[], size: number): T[][] {
	const result: T[][] = [];
	for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
	return result;
}

export interface CustomerInputs {
	history: CustomerHistory;
	/** Names of the items in that history, as they were ordered. */
	names: Map<string, string>;
	avoidAllergens: string[];
}

/**
 * A customer's latest orders at the location (not cancelled or rejected) from
 * every region's order database, and the allergens they avoid from their
 * account in the global one.
 */
export async function loadCustomerInputs(
	global: IntelligenceDb,
	regions: readonly IntelligenceDb[],
	customerId: string,
	slug: string,
): Promise<CustomerInputs> {
	const [account, ...perRegion] = await Promise.all([
		global
			.select({ avoidAllergens: schema.accounts.avoidAllergens })
			.from(schema.accounts)
			.where(eq(schema.accounts.id, customerId))
			.get(),
		...regions.map((orders) => latestOrderLines(orders, customerId, slug)),
	]);
	// Each region gave its latest orders; the latest of them all make the history.
	const latest = new Set(
		perRegion
			.flatMap((region) => region.orders)
			.sort((a, b) => (a.placedAt < b.placedAt ? 1 : a.placedAt > b.placedAt ? -1 : 0))
			.slice(0, HISTORY_ORDERS)
			.map((order) => order.orderId),
	);
	const itemsByOrder = new Map<string, Set<string>>();
	const names = new Map<string, string>();
	for (const line of perRegion.flatMap((region) => region.lines)) {
		if (!latest.has(line.orderId)) continue;
		const items = itemsByOrder.get(line.orderId) ?? new Set();
		items.add(line.itemId);
		itemsByOrder.set(line.orderId, items);
		names.set(line.itemId, line.name);
	}
	const itemOrders = new Map<string, number>();
	for (const items of itemsByOrder.values())
		for (const item of items) itemOrders.set(item, (itemOrders.get(item) ?? 0) + 1);
	return {
		history: { orders: itemsByOrder.size, itemOrders },
		names,
		avoidAllergens: account?.avoidAllergens ?? [],
	};
}

/** One region's latest orders of a customer at a location, and their lines, in one round trip. */
async function latestOrderLines(orders: IntelligenceDb, customerId: string, slug: string) {
	const { customerOrderHistory, orderLines } = schema;
	const theirs = and(
		eq(customerOrderHistory.customerRef, `customer:${customerId}`),
		eq(customerOrderHistory.locationSlug, slug),
		notInArray(customerOrderHistory.status, ["cancelled", "rejected"]),
	);
	const latestFirst = desc(customerOrderHistory.placedAt);
	const latestIds = orders
		.select({ orderId: customerOrderHistory.orderId })
		.from(customerOrderHistory)
		.where(theirs)
		.orderBy(latestFirst)
		.limit(HISTORY_ORDERS);
	const [found, lines] = await orders.batch([
		orders
			.select({ orderId: customerOrderHistory.orderId, placedAt: customerOrderHistory.placedAt })
			.from(customerOrderHistory)
			.where(theirs)
			.orderBy(latestFirst)
			.limit(HISTORY_ORDERS),
		orders
			.select({ orderId: orderLines.orderId, itemId: orderLines.itemId, name: orderLines.name })
			.from(orderLines)
			.where(inArray(orderLines.orderId, latestIds)),
	]);
	return { orders: found, lines };
}

/**
 * The co-occurrence model the recommender needs: every item's order count at
 * the location, and the pairs that involve one of the seeds (all that can
 * score), learned from every region's orders at the location: a location that
 * moved region keeps what its orders taught before the move.
 */
export async function loadCoOccurrence(
	regions: readonly IntelligenceDb[],
	slug: string,
	seeds: readonly string[],
): Promise<CoOccurrence> {
	const perRegion = await Promise.all(regions.map((orders) => regionCoOccurrence(orders, slug, seeds)));
	const itemOrders = sumCounts(perRegion.flatMap((region) => region.orders).map((row) => [row.itemId, row.orders]));
	const pairs = sumCounts(
		perRegion
			.flatMap((region) => region.pairs)
			.map((pair) => [JSON.stringify([pair.itemA, pair.itemB]), pair.ordersTogether]),
	);
	return coOccurrenceFrom(
		itemOrders,
		[...pairs].map(([key, ordersTogether]): PairCount => {
			const [itemA, itemB] = JSON.parse(key) as [string, string];
			return { itemA, itemB, ordersTogether };
		}),
	);
}

/** One region's item order counts at the location and its pairs involving a seed, in one round trip. */
async function regionCoOccurrence(orders: IntelligenceDb, slug: string, seeds: readonly string[]) {
	const { dailyItemSales, itemPairs } = schema;
	const popularity = orders
		.select({ itemId: dailyItemSales.itemId, orders: sql<number>`sum(${dailyItemSales.orders})`.mapWith(Number) })
		.from(dailyItemSales)
		.where(eq(dailyItemSales.locationSlug, slug))
		.groupBy(dailyItemSales.itemId);
	// Each seed is bound twice (as item A and as item B), beside the location.
	const pairQueries = chunks([...new Set(seeds)], Math.floor((MAX_BOUND_PARAMETERS - 1) / 2)).map((some) =>
		orders
			.select({ itemA: itemPairs.itemA, itemB: itemPairs.itemB, ordersTogether: itemPairs.ordersTogether })
			.from(itemPairs)
			.where(and(eq(itemPairs.locationSlug, slug), or(inArray(itemPairs.itemA, some), inArray(itemPairs.itemB, some)))),
	);
	const [popular, ...pairs] = await orders.batch([popularity, ...pairQueries]);
	return { orders: popular, pairs: pairs.flat() };
}

export type LocationRow = typeof schema.locations.$inferSelect;
export type CategoryRow = typeof schema.categories.$inferSelect;

export function findLocation(db: IntelligenceDb, slug: string): Promise<LocationRow | undefined> {
	return db.select().from(schema.locations).where(eq(schema.locations.slug, slug)).get();
}

export function findCategory(db: IntelligenceDb, slug: string, categoryId: string): Promise<CategoryRow | undefined> {
	return db
		.select()
		.from(schema.categories)
		.where(and(eq(schema.categories.locationSlug, slug), eq(schema.categories.id, categoryId)))
		.get();
}

/** Daily units sold of every category at a location, before `end`, by category: read from the location's region. */
export async function loadCategorySales(
	db: IntelligenceDb,
	slug: string,
	end: string,
	categoryId?: string,
): Promise<Map<string, DailyUnits[]>> {
	const { dailyCategorySales } = schema;
	const rows = await db
		.select({
			categoryId: dailyCategorySales.categoryId,
			date: dailyCategorySales.businessDate,
			units: dailyCategorySales.quantity,
		})
		.from(dailyCategorySales)
		.where(
			and(
				eq(dailyCategorySales.locationSlug, slug),
				lt(dailyCategorySales.businessDate, end),
				categoryId === undefined ? undefined : eq(dailyCategorySales.categoryId, categoryId),
			),
		)
		.orderBy(asc(dailyCategorySales.businessDate));
	const byCategory = new Map<string, DailyUnits[]>();
	for (const row of rows) {
		const series = byCategory.get(row.categoryId) ?? [];
		series.push({ date: row.date, units: row.units });
		byCategory.set(row.categoryId, series);
	}
	return byCategory;
}

export type ForecastRow = typeof schema.demandForecasts.$inferSelect;

export function findForecast(
	db: IntelligenceDb,
	slug: string,
	categoryId: string,
	date: string,
): Promise<ForecastRow | undefined> {
	const { demandForecasts } = schema;
	return db
		.select()
		.from(demandForecasts)
		.where(
			and(
				eq(demandForecasts.locationSlug, slug),
				eq(demandForecasts.categoryId, categoryId),
				eq(demandForecasts.date, date),
			),
		)
		.get();
}

/** A location's precomputed forecasts between two dates (inclusive), with category names, by date then menu order. */
export function listForecasts(db: IntelligenceDb, slug: string, from: string, to: string) {
	const { demandForecasts, categories } = schema;
	return db
		.select({ forecast: demandForecasts, categoryName: categories.name })
		.from(demandForecasts)
		.innerJoin(categories, eq(categories.id, demandForecasts.categoryId))
		.where(and(eq(demandForecasts.locationSlug, slug), gte(demandForecasts.date, from), lte(demandForecasts.date, to)))
		.orderBy(asc(demandForecasts.date), asc(categories.position), asc(categories.name));
}

export interface ForecastPlan {
	locationSlug: string;
	categoryId: string;
	forecasts: DatedForecast[];
}

/**
 * Writes forecasts over any made before for the same dates, and drops those
 * for dates before `keepFrom`, in one batch so a location's set changes at once.
 */
export async function saveForecasts(
	d1: D1Database,
	slug: string,
	plans: readonly ForecastPlan[],
	generatedAt: string,
	keepFrom: string,
): Promise<number> {
	const db = database(d1);
	const { demandForecasts } = schema;
	const rows = plans.flatMap((plan) =>
		plan.forecasts.map((forecast) => ({
			locationSlug: plan.locationSlug,
			categoryId: plan.categoryId,
			...forecast,
			generatedAt,
		})),
	);
	const upserts = chunks(rows, Math.floor(MAX_BOUND_PARAMETERS / 11)).map((some) =>
		db
			.insert(demandForecasts)
			.values(some)
			.onConflictDoUpdate({
				target: [demandForecasts.locationSlug, demandForecasts.categoryId, demandForecasts.date],
				set: {
					predicted: sql`excluded.predicted`,
					lower80: sql`excluded.lower80`,
					upper80: sql`excluded.upper80`,
					lower95: sql`excluded.lower95`,
					upper95: sql`excluded.upper95`,
					model: sql`excluded.model`,
					mase: sql`excluded.mase`,
					generatedAt: sql`excluded.generated_at`,
				},
			}),
	);
	await db.batch([
		db.delete(demandForecasts).where(and(eq(demandForecasts.locationSlug, slug), lt(demandForecasts.date, keepFrom))),
		...upserts,
	]);
	return rows.length;
}

/** Every real location with its time zone, its region, the ids of its categories and its items (with their category). */
export async function listLocationCategories(db: IntelligenceDb) {
	const [locations, categories, items] = await db.batch([
		db
			.select({ slug: schema.locations.slug, timeZone: schema.locations.timeZone, region: schema.locations.region })
			.from(schema.locations)
			.where(realLocation()),
		db.select({ id: schema.categories.id, locationSlug: schema.categories.locationSlug }).from(schema.categories),
		db
			.select({ id: schema.items.id, locationSlug: schema.items.locationSlug, categoryId: schema.items.categoryId })
			.from(schema.items),
	]);
	return locations.map((location) => ({
		...location,
		categoryIds: categories
			.filter((category) => category.locationSlug === location.slug)
			.map((category) => category.id),
		items: items
			.filter((item) => item.locationSlug === location.slug)
			.map((item) => ({ id: item.id, categoryId: item.categoryId })),
	}));
}

/** Daily units sold of every item at a location, before `end`, by item: read from the location's region. */
export async function loadItemSales(db: IntelligenceDb, slug: string, end: string): Promise<Map<string, DailyUnits[]>> {
	const { dailyItemSales } = schema;
	const rows = await db
		.select({ itemId: dailyItemSales.itemId, date: dailyItemSales.businessDate, units: dailyItemSales.quantity })
		.from(dailyItemSales)
		.where(and(eq(dailyItemSales.locationSlug, slug), lt(dailyItemSales.businessDate, end)))
		.orderBy(asc(dailyItemSales.businessDate));
	const byItem = new Map<string, DailyUnits[]>();
	for (const row of rows) {
		const series = byItem.get(row.itemId) ?? [];
		series.push({ date: row.date, units: row.units });
		byItem.set(row.itemId, series);
	}
	return byItem;
}

/**
 * Replaces a location's item forecasts from `from` on with these (an item
 * no longer forecast, off the menu say, leaves the list at once) and drops
 * those before `keepFrom`, in one batch.
 */
export async function saveItemForecasts(
	d1: D1Database,
	slug: string,
	forecasts: readonly DailyItemForecast[],
	generatedAt: string,
	from: string,
	keepFrom: string,
): Promise<number> {
	const db = database(d1);
	const { itemDemandForecasts } = schema;
	const rows = forecasts.map((forecast) => ({ locationSlug: slug, ...forecast, generatedAt }));
	const inserts = chunks(rows, Math.floor(MAX_BOUND_PARAMETERS / 12)).map((some) =>
		db.insert(itemDemandForecasts).values(some),
	);
	await db.batch([
		db
			.delete(itemDemandForecasts)
			.where(
				and(
					eq(itemDemandForecasts.locationSlug, slug),
					or(lt(itemDemandForecasts.date, keepFrom), gte(itemDemandForecasts.date, from)),
				),
			),
		...inserts,
	]);
	return rows.length;
}

/** A location's item forecasts for one date, with the items' names and categories, by menu order of category then name. */
export function listItemForecasts(db: IntelligenceDb, slug: string, date: string) {
	const { itemDemandForecasts, items, categories } = schema;
	return db
		.select({
			forecast: itemDemandForecasts,
			itemName: items.name,
			categoryId: categories.id,
			categoryName: categories.name,
		})
		.from(itemDemandForecasts)
		.innerJoin(items, and(eq(items.id, itemDemandForecasts.itemId), eq(items.locationSlug, slug)))
		.innerJoin(categories, eq(categories.id, items.categoryId))
		.where(and(eq(itemDemandForecasts.locationSlug, slug), eq(itemDemandForecasts.date, date)))
		.orderBy(asc(categories.position), asc(categories.name), asc(items.name));
}
