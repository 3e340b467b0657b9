/**
 * Per-item demand forecasts for the prep list. An item whose own history is
 * long and steady enough is forecast from that history (forecastSeries); any
 * other item gets its category's forecast split by its recent share of the
 * category ("category-share"), with intervals widened for the split. Pure.
 */
import { type ForecastModel, type ForecastPoint, forecastSeries } from "./forecast";

export type ItemForecastModel = ForecastModel | "category-share";

/**
 * Own-model rule. Holt-Winters needs 35 days to be backtested at all; eight
 * weeks give it a weekly profile worth trusting. Items that sell on fewer
 * than three days in four, or fewer than three units a day, are mostly
 * zeros and ones: additive smoothing chases that noise, while the
 * category's series is smoother and its weekly shape applies to its items.
 */
export const OWN_MODEL_MIN_DAYS = 56;
export const OWN_MODEL_MIN_SELLING_SHARE = 0.75;
export const OWN_MODEL_MIN_UNITS_PER_DAY = 3;
/** The item's share of its category is read over this many latest days (fewer when the item is newer). */
export const SHARE_DAYS = 28;

const Z80 = 1.2816;
const Z95 = 1.96;

export interface ItemSeriesForecast {
	model: ItemForecastModel;
	mase: number | null;
	/** The item's share of its category over the share window, when split from it. */
	share: number | null;
	points: ForecastPoint[];
}

/** Whether the item's own series (one value a day from its first sale, oldest first) supports its own model. */
export function supportsOwnModel(history: readonly number[]): boolean {
	if (history.length < OWN_MODEL_MIN_DAYS) return false;
	const recent = history.slice(-OWN_MODEL_MIN_DAYS);
	const selling = recent.filter((units) => units > 0).length / recent.length;
	const perDay = recent.reduce((sum, units) => sum + units, 0) / recent.length;
	return selling >= OWN_MODEL_MIN_SELLING_SHARE && perDay >= OWN_MODEL_MIN_UNITS_PER_DAY;
}

/**
 * The item's share of its category over the latest `SHARE_DAYS` days, or
 * since the item's first sale when that is more recent (days before it were
 * not "no demand", the item was not sold). Both series end on the same day;
 * `itemHistory` starts at the item's first sale.
 */
export function recentShare(itemHistory: readonly number[], categoryHistory: readonly number[]) {
	const days = Math.min(SHARE_DAYS, itemHistory.length, categoryHistory.length);
	if (days === 0) return { share: 0, categoryUnits: 0 };
	const sum = (values: readonly number[]) => values.slice(-days).reduce((total, units) => total + units, 0);
	const categoryUnits = sum(categoryHistory);
	// An item's rows can outnumber its category's only if the read models disagree; a share is at most 1.
	return { share: categoryUnits === 0 ? 0 : Math.min(1, sum(itemHistory) / categoryUnits), categoryUnits };
}

/**
 * Splits the category's points by a share. Given the category's units N, the
 * item's are about Binomial(N, p): its variance is p²·Var(N), the category's
 * own uncertainty scaled, plus p(1-p)·E[N], how the day's units split among
 * items, plus E[N]²·p(1-p)/n for a share read from n units. Each side of an
 * interval combines its scaled category half-width with the split's spread.
 */
export function splitByShare(categoryPoints: readonly ForecastPoint[], share: number, shareUnits: number) {
	const p = Math.min(1, Math.max(0, share));
	return categoryPoints.map((point): ForecastPoint => {
		const predicted = p * point.predicted;
		const splitVariance =
			p * (1 - p) * point.predicted + (shareUnits > 0 ? (point.predicted ** 2 * p * (1 - p)) / shareUnits : 0);
		const side = (categoryHalfWidth: number, z: number) =>
			Math.sqrt((p * categoryHalfWidth) ** 2 + z * z * splitVariance);
		const lower80 = Math.max(0, predicted - side(point.predicted - point.lower80, Z80));
		const upper80 = predicted + side(point.upper80 - point.predicted, Z80);
		return {
			horizon: point.horizon,
			predicted,
			lower80,
			upper80,
			lower95: Math.min(lower80, Math.max(0, predicted - side(point.predicted - point.lower95, Z95))),
			upper95: Math.max(upper80, predicted + side(point.upper95 - point.predicted, Z95)),
		};
	});
}

/**
 * One item's forecast for the `horizon` days after its history: its own model
 * when its history supports one, else its share of the category's points
 * (which must cover the same days).
 */
export function forecastItem(
	itemHistory: readonly number[],
	categoryHistory: readonly number[],
	categoryPoints: readonly ForecastPoint[],
	horizon: number,
): ItemSeriesForecast {
	if (supportsOwnModel(itemHistory)) {
		const own = forecastSeries(itemHistory, horizon);
		return { model: own.model, mase: own.mase, share: null, points: own.points };
	}
	const { share, categoryUnits } = recentShare(itemHistory, categoryHistory);
	return { model: "category-share", mase: null, share, points: splitByShare(categoryPoints, share, categoryUnits) };
}

/**
 * What the kitchen preps from a forecast, in whole units: the point rounded
 * up (a part portion is a portion to make), and the 80% interval as the
 * whole units inside it. Sales are whole units, so that range holds a day's
 * sales exactly as often as the interval does; it is stretched to hold the
 * rounded point when no whole unit between them lies inside.
 */
export function prepUnits(point: { predicted: number; lower80: number; upper80: number }) {
	// Stored figures are in tenths; a hair of float error must not add or drop a unit.
	const expected = Math.ceil(point.predicted - 1e-9);
	return {
		expected,
		lower80: Math.min(expected, Math.max(0, Math.ceil(point.lower80 - 1e-9))),
		upper80: Math.max(expected, Math.floor(point.upper80 + 1e-9)),
	};
}
