import { describe, expect, it } from "vitest";
import type { KitchenLine } from "../contract";
import { decideTake, openingDateProblem, orderUnits, soldOutChanges, stockKey, unitsNeeded } from "./stock";

const line = (lineId: string, itemId: string, quantity: number, optionIds: string[] = []): KitchenLine => ({
	lineId,
	itemId,
	categoryId: "cat_mains",
	optionIds,
	quantity,
});
const counts = (entries: [string, string | null, number][]) =>
	new Map(entries.map(([itemId, optionId, count]) => [stockKey({ itemId, optionId }), count]));

describe("unitsNeeded", () => {
	it("sums an item over its lines and counts each option chosen once per unit", () => {
		const needed = unitsNeeded([line("l1", "burger", 2, ["cheese", "cheese"]), line("l2", "burger", 1, ["bacon"])]);
		expect(needed).toEqual([
			{ itemId: "burger", optionId: null, units: 3 },
			{ itemId: "burger", optionId: "cheese", units: 2 },
			{ itemId: "burger", optionId: "bacon", units: 1 },
		]);
	});
});

describe("decideTake", () => {
	it("takes only tracked counts: untracked items are unlimited", () => {
		const decision = decideTake([line("l1", "burger", 2), line("l2", "fries", 50)], counts([["burger", null, 2]]));
		expect(decision).toEqual({ ok: true, take: [{ itemId: "burger", optionId: null, units: 2 }] });
	});

	it("names every line needing a count that all lines together exceed, with what is left", () => {
		const decision = decideTake(
			[line("l1", "burger", 2), line("l2", "burger", 1), line("l3", "fries", 1)],
			counts([
				["burger", null, 2],
				["fries", null, 5],
			]),
		);
		expect(decision).toEqual({
			ok: false,
			short: [
				{ lineId: "l1", itemId: "burger", optionId: null, available: 2 },
				{ lineId: "l2", itemId: "burger", optionId: null, available: 2 },
			],
		});
	});

	it("refuses on an option that ran out even when the item has units", () => {
		const decision = decideTake(
			[line("l1", "burger", 1, ["cheese"])],
			counts([
				["burger", null, 9],
				["burger", "cheese", 0],
			]),
		);
		expect(decision).toEqual({
			ok: false,
			short: [{ lineId: "l1", itemId: "burger", optionId: "cheese", available: 0 }],
		});
	});
});

describe("orderUnits", () => {
	it("counts item units, options aside", () => {
		expect(orderUnits([line("l1", "a", 2), line("l2", "b", 3, ["x"])])).toBe(5);
	});
});

describe("soldOutChanges", () => {
	it("sells out at 0 and brings back above 0 or when untracked", () => {
		const before = new Map<string, number | null>([
			["a", 1],
			["b", 0],
			["c", 0],
			["d", 4],
		]);
		const after = new Map<string, number | null>([
			["a", 0],
			["b", 3],
			["d", 2],
		]);
		expect(soldOutChanges(before, after)).toEqual([
			{ itemId: "a", soldOut: true },
			{ itemId: "b", soldOut: false },
			{ itemId: "c", soldOut: false },
		]);
	});
});

describe("openingDateProblem", () => {
	it("takes today to 14 days on, nothing else", () => {
		expect(openingDateProblem("2026-12-07", "2026-12-07")).toBeNull();
		expect(openingDateProblem("2026-12-21", "2026-12-07")).toBeNull();
		expect(openingDateProblem("2026-12-22", "2026-12-07")).toMatch(/14 days/);
		expect(openingDateProblem("2026-12-06", "2026-12-07")).toMatch(/today/);
		expect(openingDateProblem("2026-02-30", "2026-02-01")).toMatch(/real/);
		expect(openingDateProblem("tomorrow", "2026-12-07")).toMatch(/YYYY-MM-DD/);
	});
});
