/**
 * Daily demand forecasts for one series (a category at a location): additive
 * Holt-Winters with a damped trend and a weekly season, its parameters chosen
 * by grid search, kept only where a rolling-origin backtest shows it beats the
 * seasonal-naive forecast (the same weekday last week). Prediction intervals
 * come from the chosen model's own h-step errors over the history. Pure.
 */

export const SEASON = 7;

export type ForecastModel = "holt-winters" | "seasonal-naive" | "mean";

export interface HoltWintersParams {
	alpha: number;
	beta: number;
	gamma: number;
	/** Trend damping: 1 is a straight line, below 1 the trend fades with the horizon. */
	phi: number;
}

export interface ForecastPoint {
	/** Days after the last day of history: 1 is the next day. */
	horizon: number;
	predicted: number;
	lower80: number;
	upper80: number;
	lower95: number;
	upper95: number;
}

export interface SeriesForecast {
	model: ForecastModel;
	/** The chosen model's backtest error scaled by the seasonal-naive in-sample error (MASE); null without a backtest. */
	mase: number | null;
	/** The seasonal-naive forecast's MASE over the same backtest, for comparison. */
	baselineMase: number | null;
	historyDays: number;
	/** Says why the forecast is rougher than usual (too little history), or null. */
	note: string | null;
	params: HoltWintersParams | null;
	points: ForecastPoint[];
}

/** Less history than this gets a mean or seasonal-naive forecast with wide intervals. */
export const MIN_HISTORY_DAYS = 14;
/** Holt-Winters needs two weeks to start and two more to be backtested against seasonal-naive. */
const MIN_HOLT_WINTERS_DAYS = 35;
const BACKTEST_DAYS = 28;
/** Parameters are fitted on the errors of forecasts this far ahead, the range the API serves. */
const FIT_HORIZON = 14;
/** Fewer h-step errors than this and an interval assumes normal errors instead of reading their quantiles. */
const MIN_ERRORS_FOR_QUANTILES = 20;
/** How much wider than the errors seen the intervals are when history is too short to trust them. */
const SHORT_HISTORY_WIDENING = 2;

const Z80 = 1.2816;
const Z95 = 1.96;

const GRID = {
	alpha: [0.03, 0.08, 0.15, 0.25, 0.4],
	beta: [0, 0.02, 0.08],
	gamma: [0.02, 0.06, 0.12, 0.25],
	phi: [0.85, 0.95, 0.99],
};

function mean(values: readonly number[]): number {
	return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function standardDeviation(values: readonly number[]): number {
	if (values.length < 2) return 0;
	const centre = mean(values);
	return Math.sqrt(values.reduce((sum, value) => sum + (value - centre) ** 2, 0) / (values.length - 1));
}

function rootMeanSquare(values: readonly number[]): number {
	return Math.sqrt(mean(values.map((value) => value * value)));
}

/** The q-quantile of sorted values, interpolating between neighbours. */
export function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return 0;
	const position = (sorted.length - 1) * q;
	const below = Math.floor(position);
	const above = Math.min(sorted.length - 1, below + 1);
	return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Mean absolute difference from the same weekday a week before: the error MASE is scaled by. */
export function seasonalNaiveScale(history: readonly number[]): number {
	let total = 0;
	for (let t = SEASON; t < history.length; t++) total += Math.abs(history[t] - history[t - SEASON]);
	return history.length > SEASON ? total / (history.length - SEASON) : 0;
}

/**
 * Mean absolute scaled error: the forecast's mean absolute error over the
 * actual days, divided by the in-sample seasonal-naive error of the history.
 * Below 1 beats "same as last week" as it did in the past.
 */
export function meanAbsoluteScaledError(
	actual: readonly number[],
	predicted: readonly number[],
	history: readonly number[],
): number | null {
	const scale = seasonalNaiveScale(history);
	if (scale === 0 || actual.length === 0) return null;
	return mean(actual.map((value, index) => Math.abs(value - predicted[index]))) / scale;
}

/** The same weekday's latest value in the history, for each day ahead. */
export function seasonalNaive(history: readonly number[], horizon: number): number[] {
	const last = history.length - 1;
	return Array.from({ length: horizon }, (_, index) => {
		const h = index + 1;
		return history[last + h - SEASON * Math.ceil(h / SEASON)] ?? 0;
	});
}

interface HoltWintersState {
	level: number;
	trend: number;
	season: Float64Array;
}

/** Level, trend and weekly profile from up to the first four weeks; needs two. */
function initialState(history: readonly number[]): HoltWintersState {
	const weeks = Math.min(4, Math.floor(history.length / SEASON));
	const weekMeans = Array.from({ length: weeks }, (_, week) => mean(history.slice(week * SEASON, (week + 1) * SEASON)));
	const trend = weeks >= 2 ? (weekMeans[weeks - 1] - weekMeans[0]) / ((weeks - 1) * SEASON) : 0;
	const season = new Float64Array(SEASON);
	for (let day = 0; day < SEASON; day++) {
		let deviation = 0;
		for (let week = 0; week < weeks; week++) deviation += history[week * SEASON + day] - weekMeans[week];
		season[day] = deviation / weeks;
	}
	// The first week's mean sits at its middle day; the level starts the day before the series.
	return { level: weekMeans[0] - ((SEASON + 1) / 2) * trend, trend, season };
}

function dampedSums(phi: number, horizon: number): Float64Array {
	const sums = new Float64Array(horizon + 1);
	let power = 1;
	for (let h = 1; h <= horizon; h++) {
		power *= phi;
		sums[h] = sums[h - 1] + power;
	}
	return sums;
}

interface Pass {
	state: HoltWintersState;
	/** Sum and count of absolute h-step errors from the origins asked for. */
	absoluteError: number;
	errorCount: number;
	/** The errors themselves by horizon (index h - 1), when collected. */
	errors: number[][] | null;
}

/**
 * Runs the smoothing equations over the history and, from every origin at or
 * after `firstOrigin`, compares the forecasts 1 to `horizon` days ahead with
 * what happened: the rolling-origin errors, in one pass.
 */
function holtWintersPass(
	history: readonly number[],
	params: HoltWintersParams,
	horizon: number,
	firstOrigin: number,
	collect: boolean,
): Pass {
	const { alpha, beta, gamma, phi } = params;
	const start = initialState(history);
	const season = start.season;
	let level = start.level;
	let trend = start.trend;
	const sums = dampedSums(phi, horizon);
	const errors = collect ? Array.from({ length: horizon }, (): number[] => []) : null;
	let absoluteError = 0;
	let errorCount = 0;
	const n = history.length;
	for (let t = 0; t < n; t++) {
		const slot = t % SEASON;
		const value = history[t];
		const previousLevel = level;
		level = alpha * (value - season[slot]) + (1 - alpha) * (previousLevel + phi * trend);
		trend = beta * (level - previousLevel) + (1 - beta) * phi * trend;
		season[slot] = gamma * (value - level) + (1 - gamma) * season[slot];
		if (t < firstOrigin) continue;
		const reach = Math.min(horizon, n - 1 - t);
		for (let h = 1; h <= reach; h++) {
			const error = history[t + h] - (level + sums[h] * trend + season[(t + h) % SEASON]);
			absoluteError += Math.abs(error);
			errorCount += 1;
			if (errors) errors[h - 1].push(error);
		}
	}
	return { state: { level, trend, season }, absoluteError, errorCount, errors };
}

function holtWintersForecast(state: HoltWintersState, params: HoltWintersParams, n: number, horizon: number): number[] {
	const sums = dampedSums(params.phi, horizon);
	return Array.from(
		{ length: horizon },
		(_, index) => state.level + sums[index + 1] * state.trend + state.season[(n + index) % SEASON],
	);
}

/** The grid point with the smallest mean absolute error of forecasts 1 to `horizon` days ahead over the history. */
export function fitHoltWinters(history: readonly number[], horizon = FIT_HORIZON): HoltWintersParams {
	let best: HoltWintersParams = { alpha: 0.15, beta: 0, gamma: 0.06, phi: 0.95 };
	let bestError = Number.POSITIVE_INFINITY;
	for (const alpha of GRID.alpha) {
		for (const beta of GRID.beta) {
			for (const gamma of GRID.gamma) {
				for (const phi of GRID.phi) {
					const params = { alpha, beta, gamma, phi };
					const pass = holtWintersPass(history, params, horizon, 2 * SEASON, false);
					const error = pass.errorCount > 0 ? pass.absoluteError / pass.errorCount : 0;
					if (error < bestError) {
						bestError = error;
						best = params;
					}
				}
			}
		}
	}
	return best;
}

/** Seasonal-naive h-step errors from every origin with a week behind it, by horizon. */
function seasonalNaiveErrors(history: readonly number[], horizon: number): number[][] {
	const errors = Array.from({ length: horizon }, (): number[] => []);
	for (let h = 1; h <= horizon; h++) {
		const lag = SEASON * Math.ceil(h / SEASON);
		for (let target = lag; target < history.length; target++) {
			errors[h - 1].push(history[target] - history[target - lag]);
		}
	}
	return errors;
}

interface Backtest {
	holtWinters: number;
	seasonalNaive: number;
}

/**
 * Rolling-origin backtest over the last days of history: Holt-Winters fitted
 * on what came before them, then updated day by day with its parameters fixed,
 * against seasonal-naive from the same origins. Mean absolute errors.
 */
function backtest(history: readonly number[], horizon: number): Backtest {
	const window = Math.min(BACKTEST_DAYS, history.length - 3 * SEASON);
	const cut = history.length - window;
	const params = fitHoltWinters(history.slice(0, cut), horizon);
	const pass = holtWintersPass(history, params, horizon, cut - 1, true);
	let naiveError = 0;
	let naiveCount = 0;
	for (let origin = cut - 1; origin < history.length - 1; origin++) {
		for (let h = 1; h <= Math.min(horizon, history.length - 1 - origin); h++) {
			const target = origin + h;
			naiveError += Math.abs(history[target] - history[target - SEASON * Math.ceil(h / SEASON)]);
			naiveCount += 1;
		}
	}
	return { holtWinters: pass.absoluteError / pass.errorCount, seasonalNaive: naiveError / naiveCount };
}

function interval(predicted: number, sortedErrors: readonly number[], fallbackSpread: number) {
	if (sortedErrors.length >= MIN_ERRORS_FOR_QUANTILES) {
		return {
			lower95: predicted + quantile(sortedErrors, 0.025),
			lower80: predicted + quantile(sortedErrors, 0.1),
			upper80: predicted + quantile(sortedErrors, 0.9),
			upper95: predicted + quantile(sortedErrors, 0.975),
		};
	}
	return {
		lower95: predicted - Z95 * fallbackSpread,
		lower80: predicted - Z80 * fallbackSpread,
		upper80: predicted + Z80 * fallbackSpread,
		upper95: predicted + Z95 * fallbackSpread,
	};
}

/** Demand is never negative, and the point forecast always lies inside its intervals. */
function orderedPoint(horizon: number, predicted: number, bounds: ReturnType<typeof interval>): ForecastPoint {
	const point = Math.max(0, predicted);
	const lower80 = Math.max(0, Math.min(bounds.lower80, point));
	const upper80 = Math.max(bounds.upper80, point);
	return {
		horizon,
		predicted: point,
		lower80,
		upper80,
		lower95: Math.max(0, Math.min(bounds.lower95, lower80)),
		upper95: Math.max(bounds.upper95, upper80),
	};
}

function points(
	predictions: readonly number[],
	errorsByHorizon: readonly (readonly number[])[],
	spreadFor: (h: number) => number,
): ForecastPoint[] {
	return predictions.map((predicted, index) => {
		const sorted = [...(errorsByHorizon[index] ?? [])].sort((a, b) => a - b);
		return orderedPoint(index + 1, predicted, interval(predicted, sorted, spreadFor(index + 1)));
	});
}

/** Too little history for any model to be checked: the mean or last week, with intervals twice as wide as the data's spread. */
function shortHistoryForecast(history: readonly number[], horizon: number): SeriesForecast {
	const days = history.length;
	const level = mean(history);
	const floor = Math.max(1, Math.sqrt(level), standardDeviation(history));
	if (days < SEASON) {
		const spread = SHORT_HISTORY_WIDENING * floor;
		return {
			model: "mean",
			mase: null,
			baselineMase: null,
			historyDays: days,
			note:
				days === 0
					? "No sales history: nothing to forecast from"
					: `Only ${days} day${days === 1 ? "" : "s"} of history: the mean of those days, with wide intervals`,
			params: null,
			points: points(new Array(horizon).fill(level), [], () => spread),
		};
	}
	const weekErrors = seasonalNaiveErrors(history, 1)[0];
	const spread = SHORT_HISTORY_WIDENING * (weekErrors.length >= 3 ? Math.max(1, rootMeanSquare(weekErrors)) : floor);
	return {
		model: "seasonal-naive",
		mase: null,
		baselineMase: null,
		historyDays: days,
		note: `Only ${days} days of history: the same weekday last week, with wide intervals`,
		params: null,
		points: points(seasonalNaive(history, horizon), [], (h) => spread * Math.sqrt(Math.ceil(h / SEASON))),
	};
}

/**
 * Forecasts the `horizon` days after the history (one value a day, oldest
 * first, days without sales as 0). Chooses between Holt-Winters and
 * seasonal-naive by backtest, and says so; short histories get a plainer
 * forecast with a note.
 */
export function forecastSeries(history: readonly number[], horizon: number): SeriesForecast {
	const days = history.length;
	if (days < MIN_HISTORY_DAYS) return shortHistoryForecast(history, horizon);
	const scale = seasonalNaiveScale(history);
	const naiveErrors = seasonalNaiveErrors(history, horizon);
	const naiveSpread = (h: number) => Math.max(1, rootMeanSquare(naiveErrors[0])) * Math.sqrt(Math.ceil(h / SEASON));
	const naive = (): SeriesForecast => ({
		model: "seasonal-naive",
		mase: null,
		baselineMase: null,
		historyDays: days,
		note: null,
		params: null,
		points: points(seasonalNaive(history, horizon), naiveErrors, naiveSpread),
	});
	if (days < MIN_HOLT_WINTERS_DAYS) {
		return { ...naive(), note: `Only ${days} days of history: the same weekday last week, not yet backtested` };
	}

	const fitHorizon = Math.max(FIT_HORIZON, Math.min(horizon, 28));
	const tested = backtest(history, fitHorizon);
	const scaled = (error: number) => (scale > 0 ? error / scale : null);
	const baselineMase = scaled(tested.seasonalNaive);
	if (!(tested.holtWinters < tested.seasonalNaive)) {
		return { ...naive(), mase: baselineMase, baselineMase };
	}
	const params = fitHoltWinters(history, fitHorizon);
	const pass = holtWintersPass(history, params, horizon, 2 * SEASON, true);
	const errors = pass.errors ?? [];
	const oneStep = Math.max(1, rootMeanSquare(errors[0] ?? []));
	return {
		model: "holt-winters",
		mase: scaled(tested.holtWinters),
		baselineMase,
		historyDays: days,
		note: null,
		params,
		points: points(holtWintersForecast(pass.state, params, days, horizon), errors, (h) => oneStep * Math.sqrt(h)),
	};
}
