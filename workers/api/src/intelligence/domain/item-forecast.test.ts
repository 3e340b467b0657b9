import { describe, expect, it } from "vitest";
import type { ForecastPoint } from "./forecast";
import { forecastItem, prepUnits, recentShare, splitByShare, supportsOwnModel } from "./item-forecast";

const steady = (days: number, units: number) => new Array<number>(days).fill(units);

describe("the own-model rule", () => {
	it("needs eight weeks of history, selling on most days, a few units a day", () => {
		expect(supportsOwnModel(steady(56, 4))).toBe(true);
		expect(supportsOwnModel(steady(55, 4))).toBe(false);
		expect(supportsOwnModel(steady(90, 2))).toBe(false);
		// Sells 8 units every other day: enough units, too many empty days.
		expect(supportsOwnModel(Array.from({ length: 90 }, (_, day) => (day % 2 === 0 ? 8 : 0)))).toBe(false);
	});
});

describe("category share", () => {
	it("reads the share over the last 28 days, or since the item's first sale", () => {
		expect(recentShare(steady(60, 2), steady(60, 10))).toEqual({ share: 0.2, categoryUnits: 280 });
		// A new item: ten days of 5 a day out of 10, not diluted by the days before it sold.
		expect(recentShare(steady(10, 5), steady(60, 10))).toEqual({ share: 0.5, categoryUnits: 100 });
		expect(recentShare([], steady(60, 10)).share).toBe(0);
	});

	it("scales the point, and widens each side of the interval for the split", () => {
		const category: ForecastPoint = { horizon: 1, predicted: 40, lower80: 30, upper80: 52, lower95: 25, upper95: 60 };
		const [item] = splitByShare([category], 0.25, 1000);
		expect(item.predicted).toBe(10);
		// Wider than the category's interval scaled by the share alone (7.5 to 13).
		expect(item.lower80).toBeLessThan(7.5);
		expect(item.upper80).toBeGreaterThan(13);
		expect(item.lower95).toBeLessThanOrEqual(item.lower80);
		expect(item.upper95).toBeGreaterThanOrEqual(item.upper80);
		expect(item.lower95).toBeGreaterThanOrEqual(0);
	});

	it("is what an item with a short history gets", () => {
		const category = steady(120, 20);
		const points = [{ horizon: 1, predicted: 20, lower80: 16, upper80: 24, lower95: 14, upper95: 26 }];
		const forecast = forecastItem(steady(20, 5), category, points, 1);
		expect(forecast).toMatchObject({ model: "category-share", share: 0.25, mase: null });
		expect(forecast.points[0].predicted).toBe(5);
	});
});

describe("prep units", () => {
	it("rounds the point up, and gives the whole units inside the interval", () => {
		expect(prepUnits({ predicted: 7.2, lower80: 4.6, upper80: 10.4 })).toEqual({
			expected: 8,
			lower80: 5,
			upper80: 10,
		});
		expect(prepUnits({ predicted: 3, lower80: 2, upper80: 4 })).toEqual({ expected: 3, lower80: 2, upper80: 4 });
		// No whole unit between the point and the top: the range still holds the rounded point.
		expect(prepUnits({ predicted: 0.3, lower80: 0, upper80: 0.8 })).toEqual({ expected: 1, lower80: 0, upper80: 1 });
	});
});
