import { describe, expect, it } from "vitest";
import { DEFAULT_PREP_TIMES, type PrepTimeModel, predictReadyAt, type QueuedOrder, workMinutes } from "./eta";

const NOW = Date.parse("2026-03-02T12:00:00Z");
const MINUTE = 60_000;

const model: PrepTimeModel = {
	items: { burger: 10, steak: 18, cola: 1 },
	categories: { mains: 12, drinks: 1, desserts: 4 },
	defaultMinutes: 8,
	parallel: 2,
	confirmMinutes: 2,
	hourFactors: { "12": 1.3, "15": 1 },
};

function order(id: string, placedAt: number, lines: [string, string, number][]): QueuedOrder {
	return {
		orderId: id,
		placedAt,
		lines: lines.map(([itemId, categoryId, quantity]) => ({ itemId, categoryId, quantity })),
	};
}

const minutesUntilReady = (input: Parameters<typeof predictReadyAt>[0]) => (predictReadyAt(input) - input.now) / MINUTE;

describe("predictReadyAt", () => {
	it("in an empty kitchen, is confirmation plus the order's own work", () => {
		const burger = order("o1", NOW, [["burger", "mains", 1]]);
		expect(minutesUntilReady({ order: burger, ahead: [], model, now: NOW, localHour: 15 })).toBeCloseTo(12);
	});

	it("is later with more orders ahead, once the kitchen's places are taken", () => {
		const mine = order("mine", NOW, [["burger", "mains", 1]]);
		const ahead = [1, 2, 3, 4].map((index) => order(`a${index}`, NOW - index * MINUTE, [["steak", "mains", 1]]));
		const times = [0, 1, 2, 3, 4].map((count) =>
			minutesUntilReady({ order: mine, ahead: ahead.slice(0, count), model, now: NOW, localHour: 15 }),
		);
		// One order ahead fits beside it on a two-wide line; the second and the fourth each push it back.
		expect(times[1]).toBe(times[0]);
		expect(times[2]).toBeGreaterThan(times[1]);
		expect(times[4]).toBeGreaterThan(times[3]);
		expect(times[3]).toBeGreaterThanOrEqual(times[2]);
	});

	it("takes an item without its own history at its category's time, and an unknown category at the default", () => {
		const tiramisu = order("o1", NOW, [["tiramisu", "desserts", 1]]);
		const mystery = order("o2", NOW, [["mystery", "specials", 1]]);
		expect(minutesUntilReady({ order: tiramisu, ahead: [], model, now: NOW, localHour: 15 })).toBeCloseTo(2 + 4);
		expect(minutesUntilReady({ order: mystery, ahead: [], model, now: NOW, localHour: 15 })).toBeCloseTo(2 + 8);
	});

	it("is slower at a busy hour", () => {
		const burger = order("o1", NOW, [["burger", "mains", 1]]);
		const quiet = minutesUntilReady({ order: burger, ahead: [], model, now: NOW, localHour: 15 });
		const rush = minutesUntilReady({ order: burger, ahead: [], model, now: NOW, localHour: 12 });
		expect(rush).toBeCloseTo(2 + 10 * 1.3);
		expect(rush).toBeGreaterThan(quiet);
	});

	it("paces an order by its slowest line, with a share of the others and of extra units", () => {
		const lines = order("o1", NOW, [
			["steak", "mains", 1],
			["burger", "mains", 2],
			["cola", "drinks", 1],
		]).lines;
		// 18 + 0.25 × (10 × 1.25 + 1)
		expect(workMinutes(model, lines)).toBeCloseTo(21.375);
	});

	it("never predicts an order ahead done before now: an overrunning one still holds its place", () => {
		const mine = order("mine", NOW, [["burger", "mains", 1]]);
		// Placed an hour ago and still not ready: both places free a minute from now, after confirmation's two.
		const stuck = [
			order("s1", NOW - 60 * MINUTE, [["steak", "mains", 1]]),
			order("s2", NOW - 60 * MINUTE, [["steak", "mains", 1]]),
		];
		expect(minutesUntilReady({ order: mine, ahead: stuck, model, now: NOW, localHour: 15 })).toBeCloseTo(12);
		// On a one-wide line the first finishes in a minute, the second waits for it: 1 + 18, then this order's 10.
		const single = { ...model, parallel: 1 };
		expect(minutesUntilReady({ order: mine, ahead: stuck, model: single, now: NOW, localHour: 15 })).toBeCloseTo(29);
	});

	it("works with the untrained default model", () => {
		const mine = order("mine", NOW, [["burger", "mains", 1]]);
		expect(
			minutesUntilReady({ order: mine, ahead: [], model: DEFAULT_PREP_TIMES, now: NOW, localHour: 3 }),
		).toBeCloseTo(12);
	});
});
