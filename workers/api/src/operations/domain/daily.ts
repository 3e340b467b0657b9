/**
 * Daily figures of a location, one local day at a time: orders, revenue, the
 * average basket, cancellation and rejection rates, placed-to-ready
 * percentiles and how close the ready-time prediction came. Pure: a day's
 * aggregated rows in, its figures out; a day without data answers null rather
 * than zero where a zero would be a claim.
 */
import { addDays, daysBetween } from "../../intelligence/domain/calendar";
import { percentile } from "./stats";

/** The longest range of local days one request covers. */
export const MAX_DAILY_RANGE_DAYS = 92;

/** How far from the prediction a ready time may be and still count as on time. */
export const ETA_TOLERANCE_SECONDS = 300;

/** What the read models give for one location and local day (one region's share, or several merged). */
export interface DayRows {
	/** Orders placed that day, in any status. */
	orders: number;
	cancelled: number;
	rejected: number;
	/** Orders still counted in sales (neither cancelled nor rejected). */
	counted: number;
	/** The counted orders' subtotals, in minor units. */
	revenueMinor: number;
	/** Seconds from placement to ready, one per order that became ready. */
	prepSeconds: number[];
	/** Ready time minus the promised ready time (the kitchen's ETA, else the prediction at placement), in seconds, one per order that had one and became ready. */
	etaErrorSeconds: number[];
}

export const EMPTY_DAY: DayRows = {
	orders: 0,
	cancelled: 0,
	rejected: 0,
	counted: 0,
	revenueMinor: 0,
	prepSeconds: [],
	etaErrorSeconds: [],
};

export interface Money {
	amount: number;
	currency: string;
}

export interface DailyFigures {
	date: string;
	orders: number;
	revenue: Money;
	averageBasket: Money | null;
	cancellationRate: number | null;
	rejectionRate: number | null;
	prepTime: { orders: number; p50Seconds: number | null; p90Seconds: number | null; p95Seconds: number | null };
	etaAccuracy: { orders: number; withinFiveMinutes: number | null; meanAbsoluteErrorSeconds: number | null };
}

/** `part` of `whole` as a share rounded to four places; null when there is no whole to share. */
export function share(part: number, whole: number): number | null {
	if (whole <= 0) return null;
	return Math.round((part / whole) * 10_000) / 10_000;
}

function roundOrNull(value: number | null): number | null {
	return value === null ? null : Math.round(value);
}

/** One day's rows of several regions as one: counts summed, times pooled (a percentile needs every time). */
export function mergeDays(days: readonly DayRows[]): DayRows {
	return days.reduce(
		(sum, day) => ({
			orders: sum.orders + day.orders,
			cancelled: sum.cancelled + day.cancelled,
			rejected: sum.rejected + day.rejected,
			counted: sum.counted + day.counted,
			revenueMinor: sum.revenueMinor + day.revenueMinor,
			prepSeconds: [...sum.prepSeconds, ...day.prepSeconds],
			etaErrorSeconds: [...sum.etaErrorSeconds, ...day.etaErrorSeconds],
		}),
		EMPTY_DAY,
	);
}

/**
 * A day's figures. Revenue is what the orders still counted in sales came to
 * (subtotals: delivery fees and tips are not the kitchen's takings), and the
 * average basket is that over those orders, so a cancelled order neither adds
 * to it nor drags it down. Rates are shares of every order placed that day.
 * Percentiles and the ETA figures are rounded to the second.
 */
export function dailyFigures(date: string, currency: string, day: DayRows): DailyFigures {
	const prep = [...day.prepSeconds].filter((seconds) => Number.isFinite(seconds) && seconds >= 0).sort((a, b) => a - b);
	const errors = day.etaErrorSeconds.filter(Number.isFinite);
	const absolute = errors.map(Math.abs);
	return {
		date,
		orders: day.orders,
		revenue: { amount: day.revenueMinor, currency },
		averageBasket: day.counted > 0 ? { amount: Math.round(day.revenueMinor / day.counted), currency } : null,
		cancellationRate: share(day.cancelled, day.orders),
		rejectionRate: share(day.rejected, day.orders),
		prepTime: {
			orders: prep.length,
			p50Seconds: roundOrNull(percentile(prep, 50)),
			p90Seconds: roundOrNull(percentile(prep, 90)),
			p95Seconds: roundOrNull(percentile(prep, 95)),
		},
		etaAccuracy: {
			orders: errors.length,
			withinFiveMinutes: share(absolute.filter((seconds) => seconds <= ETA_TOLERANCE_SECONDS).length, errors.length),
			meanAbsoluteErrorSeconds:
				absolute.length > 0 ? Math.round(absolute.reduce((sum, seconds) => sum + seconds, 0) / absolute.length) : null,
		},
	};
}

/** Every local date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
	const dates: string[] = [];
	for (let offset = 0; offset <= daysBetween(from, to); offset++) dates.push(addDays(from, offset));
	return dates;
}

/**
 * What is wrong with a range of local days, naming the field at fault; null
 * when it is fine: `to` not before `from`, and at most `MAX_DAILY_RANGE_DAYS` days.
 */
export function rangeProblem(from: string, to: string): { field: "to"; message: string } | null {
	if (to < from) return { field: "to", message: "must not be before from" };
	if (daysBetween(from, to) >= MAX_DAILY_RANGE_DAYS) {
		return { field: "to", message: `the range covers at most ${MAX_DAILY_RANGE_DAYS} days` };
	}
	return null;
}

/** Days in a range asked for without both ends. */
export const DEFAULT_RANGE_DAYS = 14;

/**
 * The range asked for, its missing ends filled: `to` defaults to today (the
 * latest of the locations' todays, so no location's today is left out) or,
 * after an earlier `from`, `DEFAULT_RANGE_DAYS` days from it; `from` to
 * `DEFAULT_RANGE_DAYS` days ending at `to`.
 */
export function rangeOf(today: string, from?: string, to?: string): { from: string; to: string } {
	let end = to;
	if (!end) {
		const capped = from ? addDays(from, DEFAULT_RANGE_DAYS - 1) : today;
		end = from && from > today ? from : capped < today ? capped : today;
	}
	return { from: from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1)), to: end };
}

/** The latest of several local dates: "today" across locations in different time zones. */
export function latestDate(dates: readonly string[]): string {
	// ISO dates sort as text.
	return [...dates].sort().at(-1) ?? "1970-01-01";
}
