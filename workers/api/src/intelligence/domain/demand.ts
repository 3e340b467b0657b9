/**
 * Demand forecasts by calendar date: turns a category's daily sales rows into
 * the series the forecaster reads and maps its horizons back onto the
 * location's local dates. Pure.
 */
import { addDays, daysBetween } from "./calendar";
import { type ForecastModel, type ForecastPoint, forecastSeries, type SeriesForecast } from "./forecast";
import { forecastItem, type ItemForecastModel } from "./item-forecast";

/** How far ahead forecasts are served and precomputed: today and the 14 days after it. */
export const MAX_DAYS_AHEAD = 14;
/** Older history adds fitting time and little accuracy. */
export const MAX_HISTORY_DAYS = 730;

export interface DailyUnits {
	date: string;
	units: number;
}

export interface DatedForecast {
	date: string;
	predicted: number;
	lower80: number;
	upper80: number;
	lower95: number;
	upper95: number;
	model: ForecastModel;
	mase: number | null;
}

/**
 * One value a day from the first day with sales up to the day before `end`,
 * days without a row counting as none sold; at most the last `MAX_HISTORY_DAYS`.
 */
export function dailyHistory(rows: readonly DailyUnits[], end: string): number[] {
	const dated = rows.filter((row) => row.date < end);
	const first = firstSalesDate(dated);
	if (first === null) return [];
	const start = daysBetween(first, end) > MAX_HISTORY_DAYS ? addDays(end, -MAX_HISTORY_DAYS) : first;
	const values = new Array<number>(daysBetween(start, end)).fill(0);
	for (const row of dated) {
		const index = daysBetween(start, row.date);
		if (index >= 0) values[index] += row.units;
	}
	return values;
}

/** The first date with sales, or null when there are none. */
export function firstSalesDate(rows: readonly DailyUnits[]): string | null {
	return rows.reduce<string | null>(
		(earliest, row) => (earliest === null || row.date < earliest ? row.date : earliest),
		null,
	);
}

const tenths = (value: number) => Math.round(value * 10) / 10;

function dated(point: ForecastPoint, date: string) {
	return {
		date,
		predicted: tenths(point.predicted),
		lower80: tenths(point.lower80),
		upper80: tenths(point.upper80),
		lower95: tenths(point.lower95),
		upper95: tenths(point.upper95),
	};
}

/**
 * Forecasts each of `dates` (none before `end`) from the history before `end`;
 * `end` is the first day without complete sales, normally the local today.
 */
export function forecastDates(
	rows: readonly DailyUnits[],
	end: string,
	dates: readonly string[],
): { series: SeriesForecast; forecasts: DatedForecast[] } {
	const horizon = Math.max(1, ...dates.map((date) => daysBetween(end, date) + 1));
	const series = forecastSeries(dailyHistory(rows, end), horizon);
	const forecasts = dates.map((date) => {
		return {
			...dated(series.points[daysBetween(end, date)], date),
			model: series.model,
			mase: series.mase === null ? null : Math.round(series.mase * 1000) / 1000,
		};
	});
	return { series, forecasts };
}

/** Today and the `MAX_DAYS_AHEAD` days after it: what the nightly run precomputes. */
export function upcomingDates(today: string): string[] {
	return Array.from({ length: MAX_DAYS_AHEAD + 1 }, (_, offset) => addDays(today, offset));
}

export interface DatedItemForecast extends Omit<DatedForecast, "model"> {
	model: ItemForecastModel;
}

/**
 * One item's forecasts of `dates` from its sales before `end`: its own model
 * or its share of its category, whose history (before the same `end`) and
 * forecast series (from the same `end`, covering the dates) are given.
 */
export function itemForecastDates(
	itemRows: readonly DailyUnits[],
	categoryHistory: readonly number[],
	category: SeriesForecast,
	end: string,
	dates: readonly string[],
): DatedItemForecast[] {
	const horizon = Math.max(1, ...dates.map((date) => daysBetween(end, date) + 1));
	const forecast = forecastItem(dailyHistory(itemRows, end), categoryHistory, category.points, horizon);
	return dates.map((date) => ({
		...dated(forecast.points[daysBetween(end, date)], date),
		model: forecast.model,
		mase: forecast.mase === null ? null : Math.round(forecast.mase * 1000) / 1000,
	}));
}

/** An item's dated forecast, as the nightly job stores it. */
export interface DailyItemForecast extends DatedItemForecast {
	itemId: string;
}
