/** The daily figures' arithmetic: shares, percentiles of preparation times, ETA accuracy, empty days, ranges. */
import { describe, expect, it } from "vitest";
import {
	type DayRows,
	dailyFigures,
	datesBetween,
	EMPTY_DAY,
	latestDate,
	mergeDays,
	rangeOf,
	rangeProblem,
	share,
} from "./daily";

const day = (rows: Partial<DayRows>): DayRows => ({ ...EMPTY_DAY, ...rows });

describe("shares", () => {
	it("rounds to four places and has no share of nothing", () => {
		expect(share(1, 8)).toBe(0.125);
		expect(share(1, 7)).toBe(0.1429);
		expect(share(0, 3)).toBe(0);
		expect(share(3, 3)).toBe(1);
		expect(share(0, 0)).toBeNull();
	});
});

describe("a day's figures", () => {
	it("counts orders, revenue of the orders still in sales, the average basket and the rates apart", () => {
		// 10 orders: 1 cancelled and 2 rejected, so 7 in sales worth 7 × 1,250.
		const figures = dailyFigures(
			"2030-03-01",
			"GBP",
			day({ orders: 10, cancelled: 1, rejected: 2, counted: 7, revenueMinor: 8750 }),
		);
		expect(figures).toMatchObject({
			date: "2030-03-01",
			orders: 10,
			revenue: { amount: 8750, currency: "GBP" },
			averageBasket: { amount: 1250, currency: "GBP" },
			cancellationRate: 0.1,
			rejectionRate: 0.2,
		});
	});

	it("rounds the average basket to a whole minor unit", () => {
		expect(dailyFigures("2030-03-01", "JPY", day({ orders: 3, counted: 3, revenueMinor: 1000 })).averageBasket).toEqual(
			{
				amount: 333,
				currency: "JPY",
			},
		);
	});

	it("takes the preparation percentiles over every ready order, interpolating, to the second", () => {
		// 5, 10, 20 and 90 minutes, given in any order; a negative time (a bad clock) is left out.
		const figures = dailyFigures("2030-03-01", "GBP", day({ orders: 5, prepSeconds: [1200, 300, 5400, 600, -30] }));
		// p50 (600 + 1200) / 2; p90 1200 + 0.7 × 4200; p95 1200 + 0.85 × 4200.
		expect(figures.prepTime).toEqual({ orders: 4, p50Seconds: 900, p90Seconds: 4140, p95Seconds: 4770 });
	});

	it("measures the ETA by how many orders were ready within five minutes of the prediction, early or late, and the mean miss", () => {
		// Ready 2 min early, exactly 5 min late, 6 min late, on time.
		const figures = dailyFigures("2030-03-01", "GBP", day({ orders: 4, etaErrorSeconds: [-120, 300, 360, 0] }));
		expect(figures.etaAccuracy).toEqual({ orders: 4, withinFiveMinutes: 0.75, meanAbsoluteErrorSeconds: 195 });
	});

	it("answers null, not zero, for what an empty day cannot say", () => {
		expect(dailyFigures("2030-03-02", "USD", EMPTY_DAY)).toEqual({
			date: "2030-03-02",
			orders: 0,
			revenue: { amount: 0, currency: "USD" },
			averageBasket: null,
			cancellationRate: null,
			rejectionRate: null,
			prepTime: { orders: 0, p50Seconds: null, p90Seconds: null, p95Seconds: null },
			etaAccuracy: { orders: 0, withinFiveMinutes: null, meanAbsoluteErrorSeconds: null },
		});
	});

	it("has no average basket when every order was cancelled or rejected", () => {
		const figures = dailyFigures("2030-03-01", "GBP", day({ orders: 2, cancelled: 1, rejected: 1 }));
		expect(figures.averageBasket).toBeNull();
		expect(figures.cancellationRate).toBe(0.5);
	});
});

describe("a day of several regions", () => {
	it("sums the counts and pools the times", () => {
		const merged = mergeDays([
			day({ orders: 2, counted: 2, revenueMinor: 500, prepSeconds: [600], etaErrorSeconds: [10] }),
			day({ orders: 1, cancelled: 1, prepSeconds: [1200] }),
		]);
		expect(merged).toEqual({
			orders: 3,
			cancelled: 1,
			rejected: 0,
			counted: 2,
			revenueMinor: 500,
			prepSeconds: [600, 1200],
			etaErrorSeconds: [10],
		});
		expect(mergeDays([])).toEqual(EMPTY_DAY);
	});
});

describe("ranges of local days", () => {
	it("lists every date, both ends included, across a month's end", () => {
		expect(datesBetween("2030-02-27", "2030-03-02")).toEqual(["2030-02-27", "2030-02-28", "2030-03-01", "2030-03-02"]);
		expect(datesBetween("2030-03-01", "2030-03-01")).toEqual(["2030-03-01"]);
	});

	it("allows at most 92 days, and no end before the start", () => {
		expect(rangeProblem("2030-01-01", "2030-04-02")).toBeNull(); // 92 days
		expect(rangeProblem("2030-01-01", "2030-04-03")).toEqual({
			field: "to",
			message: "the range covers at most 92 days",
		});
		expect(rangeProblem("2030-01-02", "2030-01-01")).toEqual({ field: "to", message: "must not be before from" });
	});

	it("fills a missing end: the 14 days to today, or 14 days from an earlier start", () => {
		expect(rangeOf("2030-03-20")).toEqual({ from: "2030-03-07", to: "2030-03-20" });
		expect(rangeOf("2030-03-20", "2030-01-01")).toEqual({ from: "2030-01-01", to: "2030-01-14" });
		expect(rangeOf("2030-03-20", "2030-03-18")).toEqual({ from: "2030-03-18", to: "2030-03-20" });
		expect(rangeOf("2030-03-20", "2030-04-01")).toEqual({ from: "2030-04-01", to: "2030-04-01" });
		expect(rangeOf("2030-03-20", undefined, "2030-02-14")).toEqual({ from: "2030-02-01", to: "2030-02-14" });
	});

	it("takes today as the latest of the locations' todays", () => {
		expect(latestDate(["2030-03-19", "2030-03-20", "2030-03-19"])).toBe("2030-03-20");
	});
});
