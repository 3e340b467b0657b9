import { describe, expect, it } from "vitest";
import { ETA_TARGET, evaluateEta } from "../../../../../scripts/eval/eta";
import { CATEGORY_MEANS, simulateKitchenDays } from "../../intelligence/domain/kitchen-day";
import { DEFAULT_PREP_TIMES, unitMinutes } from "./eta";
import { learnPrepTimes, median, type PastOrder } from "./prep-times";

const SEED = 20_251_125;

function history(days: number): { past: PastOrder[]; trueMinutes: Map<string, number> } {
	const simulated = simulateKitchenDays({ seed: SEED, days });
	return {
		past: simulated.days.flatMap((day) => day.orders),
		trueMinutes: new Map(simulated.menu.map((item) => [item.id, item.trueMinutes])),
	};
}

describe("learnPrepTimes", () => {
	const { past, trueMinutes } = history(14);
	const model = learnPrepTimes(past);

	it("learns item times that rank like the true ones, mains slower than drinks", () => {
		const mains = [...trueMinutes.keys()].filter((id) => id.startsWith("mains-"));
		// The slowest and fastest true mains are learned in that order.
		const byTruth = [...mains].sort((a, b) => (trueMinutes.get(a) ?? 0) - (trueMinutes.get(b) ?? 0));
		const learned = (id: string) => unitMinutes(model, { itemId: id, categoryId: "cat-mains", quantity: 1 });
		expect(learned(byTruth[byTruth.length - 1])).toBeGreaterThan(learned(byTruth[0]));
		expect(model.categories["cat-mains"]).toBeGreaterThan(model.categories["cat-drinks"] ?? model.defaultMinutes);
		// Within a few minutes of the truth: queueing has not leaked into the item times.
		const errors = mains.map((id) => Math.abs(learned(id) - (trueMinutes.get(id) ?? 0)));
		expect(median(errors)).toBeLessThan(3);
		expect(model.categories["cat-mains"]).toBeLessThan((CATEGORY_MEANS["cat-mains"] ?? 0) * 1.5);
	});

	it("learns that the kitchen works several orders at once, and confirms in a couple of minutes", () => {
		expect(model.parallel).toBeGreaterThan(1);
		expect(model.confirmMinutes).toBeGreaterThan(0.5);
		expect(model.confirmMinutes).toBeLessThan(5);
	});

	it("gives every open hour a factor", () => {
		for (let hour = 11; hour < 22; hour++) expect(model.hourFactors?.[String(hour)]).toBeGreaterThan(0.5);
	});

	it("falls back to the defaults without history, and ignores tickets nobody closed", () => {
		expect(learnPrepTimes([])).toEqual(DEFAULT_PREP_TIMES);
		const forgotten: PastOrder = {
			orderId: "x",
			placedAt: 0,
			confirmedAt: 60_000,
			readyAt: 10 * 3_600_000,
			localHour: 12,
			lines: [{ itemId: "x", categoryId: "c", quantity: 1 }],
		};
		expect(learnPrepTimes([forgotten])).toEqual(DEFAULT_PREP_TIMES);
	});
});

describe("evaluateEta", () => {
	it(`predicts ready times with at most ${ETA_TARGET} of a fixed 15 minutes' error, on held-out simulated days`, () => {
		const figures = evaluateEta({ seed: SEED, trainingDays: 10, heldOutDays: 3 });
		expect(figures.heldOutOrders).toBeGreaterThan(200);
		expect(figures.ratio).toBeLessThanOrEqual(ETA_TARGET);
		expect(figures.maeModel).toBeLessThan(figures.maeTyped);
	});
});
