/**
 * The nightly cron (`[triggers]` in wrangler.toml): forecasts every category of
 * every location for its local today and the 14 days after, into
 * `demand_forecasts`, and every item with sales on its menu, into
 * `item_demand_forecasts` (its own model, or its share of its category's
 * forecast: domain/item-forecast.ts). Rerunning replaces the same rows, so a retried or
 * doubled run has one effect. A location's sales are read from its region's
 * order database; the forecasts are written to the global one.
 */

import { errorText, type Logger, spanLogger } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import { continueTrace } from "@goodfood/platform/trace";
import { finishErasures } from "../accounts/erasure";
import { localClock } from "../menu/domain/availability";
import { addDays } from "./domain/calendar";
import {
	type DailyItemForecast,
	type DailyUnits,
	dailyHistory,
	forecastDates,
	itemForecastDates,
	upcomingDates,
} from "./domain/demand";
import type { SeriesForecast } from "./domain/forecast";
import {
	type ForecastPlan,
	intelligenceDb,
	listLocationCategories,
	loadCategorySales,
	loadItemSales,
	saveForecasts,
	saveItemForecasts,
} from "./repository";

/** Past forecasts are kept this long, to compare with what sold. */
const KEEP_PAST_DAYS = 90;

export interface PrecomputeSummary {
	locations: number;
	series: number;
	rows: number;
	items: number;
	itemRows: number;
	failures: string[];
}

/**
 * Forecasts each location from its own local today, so a day's sales count
 * only once the day is over there, and from its own region's sales. A
 * location that fails (its region no longer configured, say) is logged and
 * reported; the others still run.
 */
export async function precomputeForecasts(
	env: Env,
	now: Date,
	log: Logger = spanLogger(continueTrace(undefined)),
): Promise<PrecomputeSummary> {
	const db = intelligenceDb(env.DB);
	const summary: PrecomputeSummary = {
		locations: 0,
		series: 0,
		rows: 0,
		items: 0,
		itemRows: 0,
		failures: [],
	};
	const generatedAt = now.toISOString();
	for (const location of await listLocationCategories(db)) {
		try {
			const today = localClock(now, location.timeZone).date;
			const orders = intelligenceDb(regionNamed(env, location.region).orders);
			const [sales, itemSales] = await Promise.all([
				loadCategorySales(orders, location.slug, today),
				loadItemSales(orders, location.slug, today),
			]);
			const dates = upcomingDates(today);
			const plans: ForecastPlan[] = [];
			const categorySeries = new Map<string, { history: number[]; series: SeriesForecast }>();
			for (const categoryId of location.categoryIds) {
				const rows = sales.get(categoryId);
				if (!rows || rows.length === 0) continue;
				const { series, forecasts } = forecastDates(rows, today, dates);
				plans.push({ locationSlug: location.slug, categoryId, forecasts });
				categorySeries.set(categoryId, { history: dailyHistory(rows, today), series });
			}
			const itemForecasts: DailyItemForecast[] = [];
			for (const item of location.items) {
				const rows = itemSales.get(item.id);
				if (!rows || rows.length === 0) continue;
				let category = categorySeries.get(item.categoryId);
				if (!category) {
					category = fromItems(item.categoryId, location.items, itemSales, today);
					categorySeries.set(item.categoryId, category);
				}
				for (const forecast of itemForecastDates(rows, category.history, category.series, today, dates)) {
					itemForecasts.push({ itemId: item.id, ...forecast });
				}
				summary.items += 1;
			}
			const keepFrom = addDays(today, -KEEP_PAST_DAYS);
			summary.rows += await saveForecasts(env.DB, location.slug, plans, generatedAt, keepFrom);
			summary.itemRows += await saveItemForecasts(env.DB, location.slug, itemForecasts, generatedAt, today, keepFrom);
			summary.series += plans.length;
			summary.locations += 1;
		} catch (error) {
			summary.failures.push(location.slug);
			log.error("forecast precompute failed", { location: location.slug, error: errorText(error) });
		}
	}
	return summary;
}

/**
 * A category's history and forecast from its items' sales, for the rare
 * category the category read model has no rows of (they are kept from the
 * same events, so this is a stopgap, never a second opinion).
 */
function fromItems(
	categoryId: string,
	items: readonly { id: string; categoryId: string }[],
	itemSales: ReadonlyMap<string, DailyUnits[]>,
	today: string,
): { history: number[]; series: SeriesForecast } {
	const rows = items.filter((item) => item.categoryId === categoryId).flatMap((item) => itemSales.get(item.id) ?? []);
	const { series } = forecastDates(rows, today, upcomingDates(today));
	return { history: dailyHistory(rows, today), series };
}

/** The nightly job: forecasts, then erasures still open. Throws when a location failed, so the run shows as failed in the dashboard. */
export async function precomputeNightly(env: Env, now: Date, cron: string, log: Logger): Promise<void> {
	const summary = await precomputeForecasts(env, now, log);
	log.info("forecasts precomputed", { cron, ...summary });
	// The ten-minute sweep does this too; running it here keeps the nightly run self-contained.
	await finishErasures(env, log);
	if (summary.failures.length > 0) throw new Error(`Forecast precompute failed for ${summary.failures.join(", ")}`);
}
