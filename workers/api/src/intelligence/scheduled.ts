/**
 * The nightly cron (`[triggers]` in wrangler.toml): forecasts every category of
 * every location for its local today and the 14 days after, into
 * `demand_forecasts`. Rerunning replaces the same rows, so a retried or
 * doubled run has one effect. A location's sales are read from its region's
 * order database; the forecasts are written to the global one.
 */

import { errorText, type Logger, spanLogger } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import { continueTrace } from "@goodfood/platform/trace";
import { finishErasures } from "../accounts/erasure";
import { localClock } from "../menu/domain/availability";
import { addDays } from "./domain/calendar";
import { forecastDates, upcomingDates } from "./domain/demand";
import {
	type ForecastPlan,
	intelligenceDb,
	listLocationCategories,
	loadCategorySales,
	saveForecasts,
} from "./repository";

/** Past forecasts are kept this long, to compare with what sold. */
const KEEP_PAST_DAYS = 90;

export interface PrecomputeSummary {
	locations: number;
	series: number;
	rows: number;
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
	const summary: PrecomputeSummary = { locations: 0, series: 0, rows: 0, failures: [] };
	const generatedAt = now.toISOString();
	for (const location of await listLocationCategories(db)) {
		try {
			const today = localClock(now, location.timeZone).date;
			const sales = await loadCategorySales(
				intelligenceDb(regionNamed(env, location.region).orders),
				location.slug,
				today,
			);
			const plans: ForecastPlan[] = [];
			for (const categoryId of location.categoryIds) {
				const rows = sales.get(categoryId);
				if (!rows || rows.length === 0) continue;
				plans.push({
					locationSlug: location.slug,
					categoryId,
					forecasts: forecastDates(rows, today, upcomingDates(today)).forecasts,
				});
			}
			summary.rows += await saveForecasts(env.DB, location.slug, plans, generatedAt, addDays(today, -KEEP_PAST_DAYS));
			summary.series += plans.length;
			summary.locations += 1;
		} catch (error) {
			summary.failures.push(location.slug);
			log.error("forecast precompute failed", { location: location.slug, error: errorText(error) });
		}
	}
	return summary;
}

/** The nightly job: forecasts, then erasures still open. Throws when a location failed, so the run shows as failed in the dashboard. */
export async function precomputeNightly(env: Env, now: Date, cron: string, log: Logger): Promise<void> {
	const summary = await precomputeForecasts(env, now, log);
	log.info("forecasts precomputed", { cron, ...summary });
	// The ten-minute sweep does this too; running it here keeps the nightly run self-contained.
	await finishErasures(env, log);
	if (summary.failures.length > 0) throw new Error(`Forecast precompute failed for ${summary.failures.join(", ")}`);
}
