/** From sales rows to the series a forecast reads, and from a forecast back to the dates asked about. */
import { describe, expect, it } from "vitest";
import { addDays } from "./calendar";
import { dailyHistory, forecastDates } from "./demand";
import { Random } from "./synthetic";

const WEEKLY = [0.8, 0.85, 0.9, 1, 1.3, 1.45, 0.7];

/** A level of 40 growing 25% a year, a weekly profile and Poisson noise: what a category's sales look like. */
function seasonalSeries(days: number, seed = 7): number[] {
	const random = new Random(seed);
	return Array.from({ length: days }, (_, day) => random.poisson(40 * WEEKLY[day % 7] * (1 + (0.25 * day) / 365)));
}

describe("sales history and forecast dates", () => {
	it("fills the days without sales with zero, from the first day with sales up to the day before the end", () => {
		const rows = [
			{ date: "2026-05-03", units: 4 },
			{ date: "2026-05-01", units: 2 },
			{ date: "2026-05-05", units: 9 },
		];
		expect(dailyHistory(rows, "2026-05-05")).toEqual([2, 0, 4, 0]);
		expect(dailyHistory(rows, "2026-05-01")).toEqual([]);
	});

	it("puts each requested date at its horizon after the end", () => {
		const start = "2026-01-05";
		const rows = seasonalSeries(120).map((units, day) => ({ date: addDays(start, day), units }));
		const end = addDays(start, 120);
		const { series, forecasts } = forecastDates(rows, end, [addDays(end, 6), end]);
		expect(forecasts.map((forecast) => forecast.date)).toEqual([addDays(end, 6), end]);
		expect(forecasts[0].predicted).toBeCloseTo(series.points[6].predicted, 1);
		expect(forecasts[1].predicted).toBeCloseTo(series.points[0].predicted, 1);
		expect(forecasts[0].model).toBe(series.model);
	});
});
