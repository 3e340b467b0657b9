/** The synthetic history generator: the same seed gives the same history, with the structure it promises. */
import { describe, expect, it } from "vitest";
import { daysBetween } from "./calendar";
import { generateDemandSeries, generateOrderHistory, mulberry32, Random } from "./synthetic";

describe("mulberry32", () => {
	it("repeats for a seed and differs between seeds, always in [0, 1)", () => {
		const draws = (seed: number) => Array.from({ length: 5 }, mulberry32(seed));
		expect(draws(42)).toEqual(draws(42));
		expect(draws(42)).not.toEqual(draws(43));
		for (const value of Array.from({ length: 1000 }, mulberry32(1))) {
			expect(value).toBeGreaterThanOrEqual(0);
			expect(value).toBeLessThan(1);
		}
	});

	it("draws Poisson counts with the asked-for mean", () => {
		const random = new Random(5);
		const draws = Array.from({ length: 4000 }, () => random.poisson(12));
		expect(draws.reduce((sum, value) => sum + value, 0) / draws.length).toBeCloseTo(12, 0);
	});
});

describe("generateOrderHistory", () => {
	const history = generateOrderHistory({ seed: 9, customers: 120 });

	it("is the same for the same seed", () => {
		expect(generateOrderHistory({ seed: 9, customers: 120 })).toEqual(history);
		expect(generateOrderHistory({ seed: 10, customers: 120 }).orders).not.toEqual(history.orders);
	});

	it("never puts an item with an allergen a customer avoids into their orders", () => {
		const items = new Map(history.items.map((item) => [item.id, item]));
		const customers = new Map(history.customers.map((customer) => [customer.id, customer]));
		expect(history.customers.some((customer) => customer.avoidAllergens.length > 0)).toBe(true);
		for (const order of history.orders) {
			const avoided = customers.get(order.customerId)?.avoidAllergens ?? [];
			for (const itemId of order.itemIds) {
				expect(items.get(itemId)?.allergens.some((allergen) => avoided.includes(allergen))).toBe(false);
			}
		}
	});

	it("orders mains with their usual companions, and customers within their tastes", () => {
		const items = new Map(history.items.map((item) => [item.id, item]));
		const withMain = history.orders.filter((order) => order.itemIds.some((id) => id.includes("-main-")));
		const withCompanion = withMain.filter((order) =>
			order.itemIds.some((id) => items.get(order.itemIds[0])?.companions.includes(id)),
		);
		expect(withCompanion.length / withMain.length).toBeGreaterThan(0.5);

		const customers = new Map(history.customers.map((customer) => [customer.id, customer]));
		const mains = withMain.map((order) => ({
			customer: customers.get(order.customerId),
			main: items.get(order.itemIds[0]),
		}));
		const liked = mains.filter(({ customer, main }) => main && customer && customer.tastes[main.cuisine] > 0);
		expect(liked.length / mains.length).toBeGreaterThan(0.95);
	});

	it("gives every customer at least two orders, in time order", () => {
		const counts = new Map<string, number>();
		for (const order of history.orders) counts.set(order.customerId, (counts.get(order.customerId) ?? 0) + 1);
		expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(2);
		const days = history.orders.map((order) => order.day);
		expect(days).toEqual([...days].sort((a, b) => a - b));
	});
});

describe("generateDemandSeries", () => {
	const [series] = generateDemandSeries({ seed: 3, series: 1, days: 364 });

	it("is the same for the same seed", () => {
		expect(generateDemandSeries({ seed: 3, series: 1, days: 364 })[0]).toEqual(series);
	});

	it("has the weekly profile it was drawn from: the busiest weekday outsells the quietest", () => {
		const weekdayMean = (weekday: number) => {
			const values = series.values.filter((_, day) => day % 7 === weekday);
			return values.reduce((sum, value) => sum + value, 0) / values.length;
		};
		const { weekly } = series.truth;
		const busiest = weekly.indexOf(Math.max(...weekly));
		const quietest = weekly.indexOf(Math.min(...weekly));
		expect(weekdayMean(busiest)).toBeGreaterThan(weekdayMean(quietest));
	});

	it("marks the holidays in its range, Christmas Day among the quiet ones", () => {
		expect(series.truth.holidays).toContain("2025-12-25");
		expect(series.values[daysBetween(series.start, "2025-12-25")]).toBeLessThan(series.truth.level / 2);
	});
});
