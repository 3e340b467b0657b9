/**
 * The numbers screen's data shaping, apart from drawing: the daily figures
 * and forecasts the API answers become one value per date and series, and
 * those become Chart.js datasets. No formatting here (the page formats in
 * the chosen language) and no Chart.js code, only its types.
 */
import type { ChartDataset } from "chart.js";
import type { DailyFigures, DailyStats, ForecastList } from "../../api/operations";
import { minorDigits } from "../../format";

/** The longest range the daily figures answer at once. */
export const MAX_RANGE_DAYS = 92;

/** Calendar arithmetic on YYYY-MM-DD, in whole days. */
export function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The calendar date (YYYY-MM-DD) it is at `now` in a time zone; the browser's own when none is given. */
export function todayIn(timeZone: string | undefined, now: Date = new Date()): string {
	const parts = new Intl.DateTimeFormat("en", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
		.formatToParts(now)
		.reduce<Record<string, string>>((all, part) => Object.assign(all, { [part.type]: part.value }), {});
	return `${parts.year}-${parts.month}-${parts.day}`;
}

/** The `count` days ending with `today`, both ends included. */
export function lastDays(today: string, count: number): { from: string; to: string } {
	return { from: addDays(today, -(count - 1)), to: today };
}

/** What is wrong with a range of dates, if anything: inverted, or longer than the API answers. */
export function rangeProblem(from: string, to: string): "order" | "tooLong" | null {
	if (!from || !to || to < from) return "order";
	const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
	return days > MAX_RANGE_DAYS ? "tooLong" : null;
}

/** The figures a chart can plot, one value per day (null where there is no data). */
export type DailyMetric =
	| "orders"
	| "revenue"
	| "averageBasket"
	| "cancellationRate"
	| "rejectionRate"
	| "p50"
	| "p90"
	| "p95"
	| "withinFiveMinutes"
	| "etaError";

/** The unit a metric's values are in: counts, major units of money, shares 0..1, or minutes. */
export type MetricUnit = "count" | "money" | "share" | "minutes";

export const METRIC_UNITS: Record<DailyMetric, MetricUnit> = {
	orders: "count",
	revenue: "money",
	averageBasket: "money",
	cancellationRate: "share",
	rejectionRate: "share",
	p50: "minutes",
	p90: "minutes",
	p95: "minutes",
	withinFiveMinutes: "share",
	etaError: "minutes",
};

const minutes = (seconds: number | null) => (seconds === null ? null : seconds / 60);
const major = (money: { amount: number; currency: string } | null) =>
	money === null ? null : money.amount / 10 ** minorDigits(money.currency);

const READ: Record<DailyMetric, (day: DailyFigures) => number | null> = {
	orders: (day) => day.orders,
	revenue: (day) => major(day.revenue),
	averageBasket: (day) => major(day.averageBasket),
	cancellationRate: (day) => day.cancellationRate,
	rejectionRate: (day) => day.rejectionRate,
	p50: (day) => minutes(day.prepTime.p50Seconds),
	p90: (day) => minutes(day.prepTime.p90Seconds),
	p95: (day) => minutes(day.prepTime.p95Seconds),
	withinFiveMinutes: (day) => day.etaAccuracy.withinFiveMinutes,
	etaError: (day) => minutes(day.etaAccuracy.meanAbsoluteErrorSeconds),
};

/** One line or set of bars: a metric at a location, one value per date of the chart. */
export interface Series {
	key: string;
	label: string;
	metric: DailyMetric;
	location: string;
	/** The location's currency, which money values are in. */
	currency: string;
	values: (number | null)[];
}

export interface DailyChart {
	/** Every date any location answered, oldest first: the chart's x axis. */
	dates: string[];
	series: Series[];
}

/** Every date in the answer, oldest first (locations in different zones may answer different days). */
export function datesOf(stats: DailyStats): string[] {
	return [...new Set(stats.locations.flatMap((location) => location.days.map((day) => day.date)))].sort();
}

/**
 * One series per location and metric, in that order. A series is named by
 * what tells it apart: the location when there are several, the metric when
 * the chart shows several, both when both.
 */
export function dailyChart(stats: DailyStats, metrics: { metric: DailyMetric; label: string }[]): DailyChart {
	const dates = datesOf(stats);
	const several = stats.locations.length > 1;
	const series = stats.locations.flatMap((location) => {
		const byDate = new Map(location.days.map((day) => [day.date, day]));
		return metrics.map(({ metric, label }) => ({
			key: `${location.location}:${metric}`,
			label: several ? (metrics.length > 1 ? `${location.name} · ${label}` : location.name) : label,
			metric,
			location: location.location,
			currency: location.currency,
			values: dates.map((date) => {
				const day = byDate.get(date);
				return day ? READ[metric](day) : null;
			}),
		}));
	});
	return { dates, series };
}

/** The one currency every money series is in, or null when they differ (the axis then shows plain numbers). */
export function sharedCurrency(chart: DailyChart): string | null {
	const currencies = new Set(chart.series.map((series) => series.currency));
	return currencies.size === 1 ? [...currencies][0] : null;
}

/**
 * Colours with at least 3:1 contrast on white, told apart by more than hue:
 * each metric of a chart also has its own dash pattern and point shape.
 */
export const PALETTE = ["#0b5d3b", "#1d4ed8", "#a3191f", "#7a4d00", "#6b21a8", "#0e7490", "#4f5753"] as const;
const DASHES: number[][] = [[], [6, 4], [2, 3]];
const POINTS = ["circle", "rectRot", "triangle"] as const;

/** Chart.js datasets for the series: a colour per location, a dash and point style per metric. */
export function seriesDatasets(chart: DailyChart, kind: "line"): ChartDataset<"line", (number | null)[]>[];
export function seriesDatasets(chart: DailyChart, kind: "bar"): ChartDataset<"bar", (number | null)[]>[];
export function seriesDatasets(
	chart: DailyChart,
	kind: "line" | "bar",
): ChartDataset<"line", (number | null)[]>[] | ChartDataset<"bar", (number | null)[]>[] {
	const locations = [...new Set(chart.series.map((series) => series.location))];
	const metrics = [...new Set(chart.series.map((series) => series.metric))];
	const colourOf = (series: Series) =>
		PALETTE[
			(locations.length > 1 ? locations.indexOf(series.location) : metrics.indexOf(series.metric)) % PALETTE.length
		];
	if (kind === "bar") {
		return chart.series.map((series) => ({
			label: series.label,
			data: series.values,
			backgroundColor: colourOf(series),
			borderColor: colourOf(series),
		}));
	}
	return chart.series.map((series) => {
		const style = metrics.indexOf(series.metric) % DASHES.length;
		return {
			label: series.label,
			data: series.values,
			borderColor: colourOf(series),
			backgroundColor: colourOf(series),
			borderDash: DASHES[style],
			pointStyle: POINTS[style],
			spanGaps: false,
			tension: 0,
		};
	});
}

/** A category's forecast over the next days: the expected units and the 80% and 95% intervals. */
export interface CategoryForecast {
	category: { id: string; name: string };
	dates: string[];
	predicted: number[];
	lower80: number[];
	upper80: number[];
	lower95: number[];
	upper95: number[];
}

/**
 * The answer's forecasts by category, in the order categories first appear
 * (menu order), each over its first `days` dates.
 */
export function forecastsByCategory(list: ForecastList, days = 7): CategoryForecast[] {
	const byCategory = new Map<string, CategoryForecast>();
	const sorted = [...list.forecasts].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
	// Keep menu order: the answer lists categories by date and then menu order, so first appearance is menu order.
	for (const forecast of list.forecasts) {
		if (!byCategory.has(forecast.category.id)) {
			byCategory.set(forecast.category.id, {
				category: forecast.category,
				dates: [],
				predicted: [],
				lower80: [],
				upper80: [],
				lower95: [],
				upper95: [],
			});
		}
	}
	for (const forecast of sorted) {
		const entry = byCategory.get(forecast.category.id);
		if (!entry || entry.dates.length >= days || entry.dates.includes(forecast.date)) continue;
		entry.dates.push(forecast.date);
		entry.predicted.push(forecast.predicted);
		entry.lower80.push(forecast.lower80);
		entry.upper80.push(forecast.upper80);
		entry.lower95.push(forecast.lower95);
		entry.upper95.push(forecast.upper95);
	}
	return [...byCategory.values()];
}

/** Names of the forecast chart's lines and bands, in the chosen language. */
export interface ForecastNames {
	predicted: string;
	band80: string;
	band95: string;
}

/**
 * The forecast as a line chart: each interval is a band, its upper bound
 * filled down to its lower bound (the dataset before it), the 80% band
 * darker over the 95% one, and the expected units as a line on top.
 * `lowerBounds` are the datasets a legend leaves out: a band is named once, by its upper bound.
 */
export function forecastDatasets(
	forecast: CategoryForecast,
	names: ForecastNames,
): { datasets: ChartDataset<"line", number[]>[]; lowerBounds: number[] } {
	const bound = (
		data: number[],
		label: string,
		fill: false | "-1",
		background: string,
	): ChartDataset<"line", number[]> => ({
		label,
		data,
		fill,
		borderColor: "transparent",
		backgroundColor: background,
		pointRadius: 0,
		pointHitRadius: 0,
		tension: 0,
	});
	return {
		datasets: [
			bound(forecast.lower95, names.band95, false, "rgb(11 93 59 / 0.12)"),
			bound(forecast.upper95, names.band95, "-1", "rgb(11 93 59 / 0.12)"),
			bound(forecast.lower80, names.band80, false, "rgb(11 93 59 / 0.28)"),
			bound(forecast.upper80, names.band80, "-1", "rgb(11 93 59 / 0.28)"),
			{
				label: names.predicted,
				data: forecast.predicted,
				fill: false,
				borderColor: PALETTE[0],
				backgroundColor: PALETTE[0],
				tension: 0,
			},
		],
		lowerBounds: [0, 2],
	};
}
