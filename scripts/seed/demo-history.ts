/**
 * Demo sales history for `npm run dev`: ten weeks of daily sales of every
 * demo item up to yesterday (each location's local date), as the order
 * projections keep them (`daily_item_sales`, and `daily_category_sales` as the
 * sum of its items), and the forecasts the nightly job makes from them, so the
 * kitchen's prep list and the forecast routes have something to show at once.
 * The last four weeks are finished orders too (`demo-orders.ts`), and those
 * days' sales are counted from them, for the back office's daily figures.
 *
 * A day's sales follow from the seed, the location and the date alone, so a
 * reseed on a later day writes the same figures for the days both cover.
 */
import { addDays } from "../../workers/api/src/intelligence/domain/calendar";
import {
	type DailyUnits,
	dailyHistory,
	forecastDates,
	itemForecastDates,
	upcomingDates,
} from "../../workers/api/src/intelligence/domain/demand";
import type { SeriesForecast } from "../../workers/api/src/intelligence/domain/forecast";
import { Random } from "../../workers/api/src/intelligence/domain/synthetic";
import { localClock, WEEKDAYS, type Weekday } from "../../workers/api/src/menu/domain/availability";
import { DEMO_LOCATIONS } from "./demo-catalogue";
import {
	DEMO_ORDER_DAYS,
	type DemoOrder,
	demoDayOrders,
	demoOrderStatements,
	itemPairsStatement,
	type SoldItem,
} from "./demo-orders";
import { insert, literal } from "./sql";
import type { SeedCategory, SeedItem, SeedLocation } from "./types";

export const DEMO_HISTORY_SEED = 20261207;
export const DEMO_HISTORY_DAYS = 70;

/** Busier Friday and Saturday, a quieter start of the week. */
const WEEKLY_PROFILE: Record<Weekday, number> = {
	mon: 0.8,
	tue: 0.85,
	wed: 0.9,
	thu: 1.0,
	fri: 1.35,
	sat: 1.4,
	sun: 1.0,
};

/** A location's overall trade. */
const LOCATION_SCALE: Record<string, number> = {
	"london-soho": 1,
	"new-york-chelsea": 1.15,
	"tokyo-shibuya": 0.85,
};

/** Units a day of a category's typical item, by the category's kind (read from its id): drinks and mains sell most. */
function baseUnits(categoryId: string): number {
	if (/drinks/.test(categoryId)) return 22;
	if (/all-day|sandwiches|mains|onigiri/.test(categoryId)) return 11;
	if (/breakfast/.test(categoryId)) return 7;
	if (/sides/.test(categoryId)) return 6;
	return 4; // desserts, sweets
}

/** FNV-1a, so each location and date get their own stream from the one seed. */
function hash(text: string): number {
	let value = 0x811c9dc5;
	for (let index = 0; index < text.length; index++) {
		value ^= text.charCodeAt(index);
		value = Math.imul(value, 0x01000193);
	}
	return value >>> 0;
}

function weekdayOf(date: string): Weekday {
	// WEEKDAYS starts on Monday; getUTCDay on Sunday.
	return WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
}

/** An item's usual units a day: its category's typical figure, less further down the menu, one in six sparse. */
function itemMean(location: SeedLocation, category: SeedCategory, item: SeedItem, position: number): number {
	const random = new Random(hash(`${DEMO_HISTORY_SEED}:${item.id}`));
	const appeal = 0.6 + random.next() * 0.9;
	if (random.chance(1 / 6)) return 0.4 + random.next(); // a few a week: forecast by its category's share
	return (baseUnits(category.id) * appeal * (LOCATION_SCALE[location.slug] ?? 1)) / (1 + 0.12 * position);
}

/** How many of `trials` come out true. */
function binomial(random: Random, trials: number, probability: number): number {
	let count = 0;
	for (let trial = 0; trial < trials; trial++) if (random.chance(probability)) count += 1;
	return count;
}

export interface SalesHistory {
	items: Map<string, DailyUnits[]>;
	categories: Map<string, DailyUnits[]>;
	/** The finished orders of the last `DEMO_ORDER_DAYS` days, which the sales of those days add up from. */
	orders: DemoOrder[];
	/** INSERTs for the location's regional order database. */
	statements: string[];
	itemDays: number;
}

/** The location's sales of the `days` days before `today` (its local date). */
export function demoSalesHistory(
	location: SeedLocation,
	today: string,
	days = DEMO_HISTORY_DAYS,
	orderDays = DEMO_ORDER_DAYS,
): SalesHistory {
	const history: SalesHistory = { items: new Map(), categories: new Map(), orders: [], statements: [], itemDays: 0 };
	const itemRows: Record<string, unknown>[] = [];
	const categoryRows: Record<string, unknown>[] = [];
	const means = new Map(
		location.categories.flatMap((category) =>
			category.items.map((item, position) => [item.id, itemMean(location, category, item, position)] as const),
		),
	);
	for (let offset = days; offset >= 1; offset--) {
		const date = addDays(today, -offset);
		const weekday = weekdayOf(date);
		if ((location.openingHours[weekday] ?? []).length === 0) continue;
		const random = new Random(hash(`${DEMO_HISTORY_SEED}:${location.slug}:${date}`));
		// Weather, events: the whole day is up or down together.
		const day = WEEKLY_PROFILE[weekday] * Math.exp(0.1 * random.normal());
		const sold: SoldItem[] = [];
		// The last `orderDays` days' rows are counted from their orders instead (see `demoSalesFromOrders`).
		const asOrders = offset <= orderDays;
		for (const category of location.categories) {
			let quantity = 0;
			let orders = 0;
			let busiest = 0;
			let revenue = 0;
			for (const item of category.items) {
				const windows = item.availability ?? [];
				const onSale = windows.length === 0 || windows.some((window) => !window.days || window.days.includes(weekday));
				// Overdispersed: a gamma-distributed mean (shape 6) under Poisson counts. Weekend-only items sell their week in two days.
				const boost = windows.length > 0 && windows.every((window) => window.days) ? 2.5 : 1;
				const mean = (means.get(item.id) ?? 0) * day * boost * (random.gamma(6) / 6);
				const units = onSale ? random.poisson(mean) : 0;
				if (units === 0) continue;
				// A few orders take two or more of the same item.
				const itemOrders = units - binomial(random, units - 1, 0.1);
				const revenueMinor = units * item.priceMinor;
				sold.push({ item, category, units, orders: itemOrders });
				if (!asOrders)
					itemRows.push({
						location_slug: location.slug,
						business_date: date,
						item_id: item.id,
						category_id: category.id,
						quantity: units,
						orders: itemOrders,
						revenue_minor: revenueMinor,
						currency: location.currency,
					});
				append(history.items, item.id, { date, units });
				history.itemDays += 1;
				quantity += units;
				orders += itemOrders;
				busiest = Math.max(busiest, itemOrders);
				revenue += revenueMinor;
			}
			if (quantity === 0) continue;
			// An order with two items of the category counts once for it.
			const categoryOrders = orders - binomial(random, orders - busiest, 0.12);
			if (!asOrders)
				categoryRows.push({
					location_slug: location.slug,
					business_date: date,
					category_id: category.id,
					quantity,
					orders: categoryOrders,
					revenue_minor: revenue,
					currency: location.currency,
				});
			append(history.categories, category.id, { date, units: quantity });
		}
		if (asOrders) history.orders.push(...demoDayOrders(location, date, sold, DEMO_HISTORY_SEED));
	}
	// Older rows the projections already hold (orders placed locally on those days) are kept as they are.
	history.statements = [
		...batched("daily_item_sales", itemRows, "(location_slug, business_date, item_id)"),
		...batched("daily_category_sales", categoryRows, "(location_slug, business_date, category_id)"),
		...demoOrderStatements(history.orders),
		...(orderDays > 0 ? demoSalesFromOrders(location.slug, addDays(today, -orderDays), addDays(today, -1)) : []),
	];
	return history;
}

/**
 * The item and category sales of the location's days from `from` to `to`,
 * counted again from every order the region holds for them (the demo's and
 * any placed locally), as the projections count them: an order adds its lines
 * when placed and takes them back when cancelled or rejected, and counts once
 * for each of its items and categories. So they agree with the orders whatever
 * a database held before.
 */
function demoSalesFromOrders(slug: string, from: string, to: string): string[] {
	const on = (table: string) =>
		`${table}location_slug = ${literal(slug)} AND ${table}business_date BETWEEN ${literal(from)} AND ${literal(to)}`;
	const days = on("o.");
	const counted = `FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.counted_in_sales AND ${days}`;
	const sales = `count(DISTINCT o.id), sum(l.line_total_minor), max(o.currency)`;
	return [
		`DELETE FROM daily_item_sales WHERE ${on("")};`,
		`DELETE FROM daily_category_sales WHERE ${on("")};`,
		`INSERT INTO daily_item_sales (location_slug, business_date, item_id, category_id, quantity, orders, revenue_minor, currency)
SELECT o.location_slug, o.business_date, l.item_id, max(l.category_id), sum(l.quantity), ${sales} ${counted}
GROUP BY o.location_slug, o.business_date, l.item_id;`,
		`INSERT INTO daily_category_sales (location_slug, business_date, category_id, quantity, orders, revenue_minor, currency)
SELECT o.location_slug, o.business_date, l.category_id, sum(l.quantity), ${sales} ${counted}
GROUP BY o.location_slug, o.business_date, l.category_id;`,
	];
}

function append(map: Map<string, DailyUnits[]>, key: string, row: DailyUnits): void {
	const rows = map.get(key) ?? [];
	rows.push(row);
	map.set(key, rows);
}

/** Multi-row INSERTs, 100 rows each, that leave an existing row alone. */
function batched(table: string, rows: Record<string, unknown>[], key: string, conflict = "DO NOTHING"): string[] {
	const statements: string[] = [];
	for (let start = 0; start < rows.length; start += 100) {
		const some = rows.slice(start, start + 100);
		const single = some.map((row) => insert(table, row).replace(/;$/, ""));
		const head = single[0].slice(0, single[0].indexOf(" VALUES ") + " VALUES ".length);
		const values = single.map((statement) => statement.slice(head.length));
		statements.push(`${head}${values.join(", ")} ON CONFLICT ${key} ${conflict};`);
	}
	return statements;
}

const FORECAST_SET =
	"DO UPDATE SET predicted = excluded.predicted, lower80 = excluded.lower80, upper80 = excluded.upper80, lower95 = excluded.lower95, upper95 = excluded.upper95, model = excluded.model, mase = excluded.mase, generated_at = excluded.generated_at";

/**
 * What the nightly job (`workers/api/src/intelligence/scheduled.ts`,
 * `precomputeForecasts`) writes for the location from this history, through
 * the same pure functions: every category with sales, then every item with
 * sales by its own model or its category's share, for today and the 14 days
 * after. Item rows from today on are replaced, as the job does.
 */
export function demoForecastStatements(
	location: SeedLocation,
	history: Pick<SalesHistory, "items" | "categories">,
	today: string,
	generatedAt: string,
): { statements: string[]; rows: number } {
	const dates = upcomingDates(today);
	const categoryRows: Record<string, unknown>[] = [];
	const itemRows: Record<string, unknown>[] = [];
	const series = new Map<string, { history: number[]; series: SeriesForecast }>();
	for (const category of location.categories) {
		const rows = history.categories.get(category.id);
		if (!rows || rows.length === 0) continue;
		const forecast = forecastDates(rows, today, dates);
		for (const point of forecast.forecasts) {
			categoryRows.push(forecastRow(location.slug, { category_id: category.id }, point, generatedAt));
		}
		series.set(category.id, { history: dailyHistory(rows, today), series: forecast.series });
	}
	for (const category of location.categories) {
		// Category rows are the sum of their items' here, so the job's fallback for a category without rows never applies.
		const categorySeries = series.get(category.id);
		if (!categorySeries) continue;
		for (const item of category.items) {
			const rows = history.items.get(item.id);
			if (!rows || rows.length === 0) continue;
			for (const point of itemForecastDates(rows, categorySeries.history, categorySeries.series, today, dates)) {
				itemRows.push(forecastRow(location.slug, { item_id: item.id }, point, generatedAt));
			}
		}
	}
	return {
		statements: [
			`DELETE FROM item_demand_forecasts WHERE location_slug = ${literal(location.slug)} AND date >= ${literal(today)};`,
			...batched("demand_forecasts", categoryRows, "(location_slug, category_id, date)", FORECAST_SET),
			...batched("item_demand_forecasts", itemRows, "(location_slug, item_id, date)", FORECAST_SET),
		],
		rows: categoryRows.length + itemRows.length,
	};
}

function forecastRow(
	slug: string,
	key: Record<string, string>,
	point: {
		date: string;
		predicted: number;
		lower80: number;
		upper80: number;
		lower95: number;
		upper95: number;
		model: string;
		mase: number | null;
	},
	generatedAt: string,
): Record<string, unknown> {
	return {
		location_slug: slug,
		...key,
		date: point.date,
		predicted: point.predicted,
		lower80: point.lower80,
		upper80: point.upper80,
		lower95: point.lower95,
		upper95: point.upper95,
		model: point.model,
		mase: point.mase,
		generated_at: generatedAt,
	};
}

export interface DemoHistoryPlan {
	/** SQL for each region's order database, by region name. */
	regional: Map<string, string[]>;
	/** SQL for the global database: the forecasts. */
	global: string[];
	itemDays: number;
	/** Demo orders written, of every status. */
	orders: number;
	forecastRows: number;
}

/** The demo history of every location, and its forecasts, as of `now`. */
export function demoHistoryPlan(now: Date, locations: SeedLocation[] = DEMO_LOCATIONS): DemoHistoryPlan {
	const plan: DemoHistoryPlan = { regional: new Map(), global: [], itemDays: 0, orders: 0, forecastRows: 0 };
	const generatedAt = now.toISOString();
	for (const location of locations) {
		const today = localClock(now, location.timeZone).date;
		const history = demoSalesHistory(location, today);
		plan.regional.set(location.region, [...(plan.regional.get(location.region) ?? []), ...history.statements]);
		plan.itemDays += history.itemDays;
		plan.orders += history.orders.length;
		const forecasts = demoForecastStatements(location, history, today, generatedAt);
		plan.global.push(...forecasts.statements);
		plan.forecastRows += forecasts.rows;
	}
	for (const [region, statements] of plan.regional) {
		const slugs = locations.filter((location) => location.region === region).map((location) => location.slug);
		statements.push(itemPairsStatement(slugs));
	}
	return plan;
}
