/**
 * Demand forecasting: Holt-Winters against seasonal-naive on series of known
 * shape, prediction intervals (ordered, and calibrated on a generated set),
 * short histories and MASE. The mapping from sales rows to local dates is in
 * demand.test.ts, the date arithmetic in calendar.test.ts.
 */
import { describe, expect, it } from "vitest";
import { evaluateForecasts, TARGETS } from "../../../../../scripts/eval/evaluate";
import { type ForecastPoint, forecastSeries, meanAbsoluteScaledError, seasonalNaive } from "./forecast";
import { Random } from "./synthetic";

const WEEKLY = [0.8, 0.85, 0.9, 1, 1.3, 1.45, 0.7];

/** A level of 40 growing 25% a year, a weekly profile and Poisson noise: what a category's sales look like. */
function seasonalSeries(days: number, seed = 7): number[] {
	const random = new Random(seed);
	return Array.from({ length: days }, (_, day) => random.poisson(40 * WEEKLY[day % 7] * (1 + (0.25 * day) / 365)));
}

function expectOrdered(point: ForecastPoint): void {
	expect(point.lower95).toBeGreaterThanOrEqual(0);
	expect(point.lower95).toBeLessThanOrEqual(point.lower80);
	expect(point.lower80).toBeLessThanOrEqual(point.predicted);
	expect(point.predicted).toBeLessThanOrEqual(point.upper80);
	expect(point.upper80).toBeLessThanOrEqual(point.upper95);
}

describe("forecastSeries", () => {
	it("beats seasonal-naive on a noisy weekly series with a trend, and says it chose Holt-Winters", () => {
		const series = seasonalSeries(300);
		const history = series.slice(0, -14);
		const actual = series.slice(-14);

		const forecast = forecastSeries(history, 14);

		expect(forecast.model).toBe("holt-winters");
		expect(forecast.mase).not.toBeNull();
		expect(forecast.mase).toBeLessThan(forecast.baselineMase ?? 0);
		const model = meanAbsoluteScaledError(
			actual,
			forecast.points.map((point) => point.predicted),
			history,
		);
		const naive = meanAbsoluteScaledError(actual, seasonalNaive(history, 14), history);
		expect(model).toBeLessThan(naive ?? 0);
	});

	it("follows the weekly shape: the forecast Saturday is above the forecast Monday", () => {
		const history = seasonalSeries(280);
		const forecast = forecastSeries(history, 7);
		const byWeekday = (weekday: number) => forecast.points[(weekday - (history.length % 7) + 7) % 7].predicted;
		expect(byWeekday(5)).toBeGreaterThan(byWeekday(0) * 1.3);
	});

	it("orders every interval around the prediction, never below zero, the 95% one the wider", () => {
		const forecast = forecastSeries(seasonalSeries(200), 15);
		expect(forecast.points).toHaveLength(15);
		for (const point of forecast.points) {
			expectOrdered(point);
			expect(point.upper95 - point.lower95).toBeGreaterThan(point.upper80 - point.lower80);
		}
	});

	it("keeps intervals ordered for a series of mostly zeros", () => {
		const sparse = Array.from({ length: 120 }, (_, day) => (day % 9 === 0 ? 2 : 0));
		for (const point of forecastSeries(sparse, 15).points) expectOrdered(point);
	});

	it("answers a short history with a plainer model, wide intervals and a note saying so", () => {
		const mean = forecastSeries([10, 12, 9, 11, 10], 3);
		expect(mean).toMatchObject({ model: "mean", mase: null, historyDays: 5 });
		expect(mean.note).toContain("Only 5 days");
		expect(mean.points[0].predicted).toBeCloseTo(10.4);
		expect(mean.points[0].upper80 - mean.points[0].lower80).toBeGreaterThan(5);

		const naive = forecastSeries([5, 6, 7, 8, 9, 30, 31, 6, 6, 7, 9, 9], 2);
		expect(naive).toMatchObject({ model: "seasonal-naive", mase: null });
		expect(naive.note).toContain("Only 12 days");
		expect(naive.points.map((point) => point.predicted)).toEqual([30, 31]);
		for (const point of [...mean.points, ...naive.points]) expectOrdered(point);

		expect(forecastSeries([], 1)).toMatchObject({ model: "mean", note: "No sales history: nothing to forecast from" });
	});

	it("falls back to seasonal-naive when Holt-Winters cannot beat it in the backtest", () => {
		// An exact weekly pattern: last week is already a perfect forecast.
		const exact = Array.from({ length: 100 }, (_, day) => [3, 4, 5, 6, 9, 12, 2][day % 7]);
		const forecast = forecastSeries(exact, 7);
		expect(forecast.model).toBe("seasonal-naive");
		expect(forecast.points.map((point) => point.predicted)).toEqual(seasonalNaive(exact, 7));
	});
});

describe("measures", () => {
	it("seasonal-naive repeats the same weekday of the last week", () => {
		const history = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14];
		expect(seasonalNaive(history, 9)).toEqual([8, 9, 10, 11, 12, 13, 14, 8, 9]);
	});

	it("MASE divides the mean absolute error by the in-sample seasonal-naive error", () => {
		const history = [0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2];
		expect(meanAbsoluteScaledError([3, 5], [4, 4], history)).toBeCloseTo(0.5);
		expect(meanAbsoluteScaledError([1], [1], [5, 5, 5, 5, 5, 5, 5, 5])).toBeNull();
	});
});

describe("on a small generated set", () => {
	const figures = evaluateForecasts({ seed: 20_251_125, series: 12, days: 240 });

	it(`has a held-out MASE below ${TARGETS.maxMase}, better than seasonal-naive's`, () => {
		expect(figures.maseModel).toBeLessThan(TARGETS.maxMase);
		expect(figures.maseModel).toBeLessThan(figures.maseSeasonalNaive);
	});

	it(`covers ${TARGETS.coverage80[0] * 100}–${TARGETS.coverage80[1] * 100}% of held-out days with the 80% interval, and more with the 95% one`, () => {
		expect(figures.coverage80).toBeGreaterThanOrEqual(TARGETS.coverage80[0]);
		expect(figures.coverage80).toBeLessThanOrEqual(TARGETS.coverage80[1]);
		expect(figures.coverage95).toBeGreaterThan(figures.coverage80);
	});
});

describe("per item, as the prep list forecasts them, on a small generated set", () => {
	// A year of history, as the prep list's locations have; the item set is its own seed stream.
	const figures = evaluateForecasts({ seed: 20_251_125, series: 1, days: 400, itemCategories: 8 });

	it("forecasts items by their own model and by category share", () => {
		expect(figures.items).toBeGreaterThan(40);
		expect(figures.chosenItems["category-share"]).toBeGreaterThan(0);
		expect(figures.chosenItems["holt-winters"]).toBeGreaterThan(0);
	});

	it(`has a held-out MASE below ${TARGETS.maxMase}, better than seasonal-naive's`, () => {
		expect(figures.maseItems).toBeLessThan(TARGETS.maxMase);
		expect(figures.maseItems).toBeLessThan(figures.maseItemsSeasonalNaive);
	});

	it("covers the target share of held-out days with the whole-unit 80% range the prep list prints", () => {
		expect(figures.coverage80ItemsPrep).toBeGreaterThanOrEqual(TARGETS.coverage80[0]);
		expect(figures.coverage80ItemsPrep).toBeLessThanOrEqual(TARGETS.coverage80[1]);
		expect(figures.coverage95Items).toBeGreaterThan(figures.coverage80Items);
	});
});
