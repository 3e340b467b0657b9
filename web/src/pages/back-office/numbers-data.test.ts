/** The numbers screen's shaping: what each chart plots from the API's daily figures and forecasts. */
import { describe, expect, it } from "vitest";
import type { DailyFigures, DailyStats, ForecastList } from "../../api/operations";
import {
	addDays,
	dailyChart,
	datesOf,
	forecastDatasets,
	forecastsByCategory,
	lastDays,
	rangeProblem,
	seriesDatasets,
	sharedCurrency,
	todayIn,
} from "./numbers-data";

function day(date: string, overrides: Partial<DailyFigures> = {}): DailyFigures {
	return {
		date,
		orders: 10,
		revenue: { amount: 12_345, currency: "GBP" },
		averageBasket: { amount: 1_234, currency: "GBP" },
		cancellationRate: 0.1,
		rejectionRate: 0.05,
		prepTime: { orders: 10, p50Seconds: 600, p90Seconds: 900, p95Seconds: 1_200 },
		etaAccuracy: { orders: 8, withinFiveMinutes: 0.75, meanAbsoluteErrorSeconds: 150 },
		...overrides,
	};
}

const london = {
	location: "london-soho",
	name: "London Soho",
	currency: "GBP",
	days: [day("2026-12-01"), day("2026-12-02", { orders: 0, averageBasket: null, cancellationRate: null })],
};
const tokyo = {
	location: "tokyo-shibuya",
	name: "Tokyo Shibuya",
	currency: "JPY",
	days: [
		day("2026-12-02", { orders: 4, revenue: { amount: 4_800, currency: "JPY" }, averageBasket: null }),
		day("2026-12-03", { orders: 6, revenue: { amount: 7_200, currency: "JPY" }, averageBasket: null }),
	],
};

describe("dates and ranges", () => {
	it("counts calendar days across month ends", () => {
		expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
		expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
	});

	it("defaults to the last 14 days, today included", () => {
		expect(lastDays("2026-12-14", 14)).toEqual({ from: "2026-12-01", to: "2026-12-14" });
	});

	it("takes today from the location's time zone", () => {
		const instant = new Date("2026-12-01T20:00:00Z");
		expect(todayIn("Europe/London", instant)).toBe("2026-12-01");
		expect(todayIn("Asia/Tokyo", instant)).toBe("2026-12-02");
	});

	it("refuses an inverted range and one longer than 92 days", () => {
		expect(rangeProblem("2026-12-02", "2026-12-01")).toBe("order");
		expect(rangeProblem("", "2026-12-01")).toBe("order");
		expect(rangeProblem("2026-01-01", "2026-04-03")).toBe("tooLong");
		expect(rangeProblem("2026-01-01", "2026-04-02")).toBeNull();
		expect(rangeProblem("2026-12-01", "2026-12-01")).toBeNull();
	});
});

describe("daily charts", () => {
	const one: DailyStats = { from: "2026-12-01", to: "2026-12-02", locations: [london] };
	const both: DailyStats = { from: "2026-12-01", to: "2026-12-03", locations: [london, tokyo] };

	it("plots money in major units of the location's currency", () => {
		const revenue = dailyChart(both, [{ metric: "revenue", label: "Revenue" }]);
		expect(revenue.dates).toEqual(["2026-12-01", "2026-12-02", "2026-12-03"]);
		expect(revenue.series.map((series) => [series.label, series.values])).toEqual([
			["London Soho", [123.45, 123.45, null]],
			["Tokyo Shibuya", [null, 4_800, 7_200]],
		]);
		expect(sharedCurrency(revenue)).toBeNull();
		expect(sharedCurrency(dailyChart(one, [{ metric: "revenue", label: "Revenue" }]))).toBe("GBP");
	});

	it("leaves a gap where a day has no data rather than plotting zero", () => {
		const basket = dailyChart(one, [{ metric: "averageBasket", label: "Average basket" }]);
		expect(basket.series[0].values).toEqual([12.34, null]);
		const rates = dailyChart(one, [
			{ metric: "cancellationRate", label: "Cancelled" },
			{ metric: "rejectionRate", label: "Rejected" },
		]);
		expect(rates.series.map((series) => series.values)).toEqual([
			[0.1, null],
			[0.05, 0.05],
		]);
	});

	it("names series by metric for one location and by location and metric for several", () => {
		const metrics = [
			{ metric: "p50", label: "p50" },
			{ metric: "p95", label: "p95" },
		] as const;
		expect(dailyChart(one, [...metrics]).series.map((series) => series.label)).toEqual(["p50", "p95"]);
		expect(dailyChart(both, [...metrics]).series.map((series) => series.label)).toEqual([
			"London Soho · p50",
			"London Soho · p95",
			"Tokyo Shibuya · p50",
			"Tokyo Shibuya · p95",
		]);
	});

	it("turns preparation seconds and ETA errors into minutes", () => {
		const prep = dailyChart(one, [
			{ metric: "p50", label: "p50" },
			{ metric: "p90", label: "p90" },
			{ metric: "etaError", label: "error" },
		]);
		expect(prep.series.map((series) => series.values[0])).toEqual([10, 15, 2.5]);
	});

	it("lists every date any location answered, oldest first", () => {
		expect(datesOf({ from: "", to: "", locations: [tokyo, london] })).toEqual([
			"2026-12-01",
			"2026-12-02",
			"2026-12-03",
		]);
		expect(datesOf({ from: "", to: "", locations: [] })).toEqual([]);
	});

	it("gives each location its own colour, and each metric its own dash", () => {
		const chart = dailyChart(both, [
			{ metric: "cancellationRate", label: "Cancelled" },
			{ metric: "rejectionRate", label: "Rejected" },
		]);
		const lines = seriesDatasets(chart, "line");
		expect(lines).toHaveLength(4);
		expect(lines[0].borderColor).toBe(lines[1].borderColor);
		expect(lines[0].borderColor).not.toBe(lines[2].borderColor);
		expect(lines[0].borderDash).not.toEqual(lines[1].borderDash);
		expect(lines[0].borderDash).toEqual(lines[2].borderDash);
		const bars = seriesDatasets(dailyChart(both, [{ metric: "orders", label: "Orders" }]), "bar");
		expect(bars.map((bar) => [bar.label, bar.data])).toEqual([
			["London Soho", [10, 0, null]],
			["Tokyo Shibuya", [null, 4, 6]],
		]);
	});
});

describe("demand forecast", () => {
	const forecast = (date: string, id: string, predicted: number) => ({
		date,
		category: { id, name: id === "mains" ? "Mains" : "Drinks" },
		predicted,
		lower80: predicted - 2,
		upper80: predicted + 2,
		lower95: predicted - 4,
		upper95: predicted + 4,
		model: "holt-winters" as const,
		mase: 0.8,
		generatedAt: "2026-11-30T02:00:00Z",
	});
	const list: ForecastList = {
		location: "london-soho",
		from: "2026-12-01",
		to: "2026-12-09",
		forecasts: Array.from({ length: 9 }, (_, index) => addDays("2026-12-01", index)).flatMap((date, index) => [
			forecast(date, "mains", 20 + index),
			forecast(date, "drinks", 10 + index),
		]),
	};

	it("groups by category in menu order and keeps the next seven days", () => {
		const byCategory = forecastsByCategory(list);
		expect(byCategory.map((entry) => entry.category.name)).toEqual(["Mains", "Drinks"]);
		expect(byCategory[0].dates).toEqual([
			"2026-12-01",
			"2026-12-02",
			"2026-12-03",
			"2026-12-04",
			"2026-12-05",
			"2026-12-06",
			"2026-12-07",
		]);
		expect(byCategory[0].predicted).toEqual([20, 21, 22, 23, 24, 25, 26]);
		expect(byCategory[1].lower80[0]).toBe(8);
		expect(byCategory[1].upper95[6]).toBe(20);
	});

	it("draws each interval as a band filled from its upper bound down to its lower one", () => {
		const [mains] = forecastsByCategory(list, 2);
		const { datasets, lowerBounds } = forecastDatasets(mains, {
			predicted: "Expected",
			band80: "80%",
			band95: "95%",
		});
		expect(datasets.map((dataset) => [dataset.label, dataset.data, dataset.fill])).toEqual([
			["95%", [16, 17], false],
			["95%", [24, 25], "-1"],
			["80%", [18, 19], false],
			["80%", [22, 23], "-1"],
			["Expected", [20, 21], false],
		]);
		expect(lowerBounds).toEqual([0, 2]);
	});

	it("has nothing to draw when the nightly forecast has not run", () => {
		expect(forecastsByCategory({ location: "x", from: "2026-12-01", to: "2026-12-07", forecasts: [] })).toEqual([]);
	});
});
