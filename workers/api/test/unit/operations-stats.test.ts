/** The operational figures' arithmetic: percentiles, placed-to-ready times, status counts and the cancellation rate. */
import { describe, expect, it } from "vitest";
import {
	countByStatus,
	percentile,
	placedToReady,
	placedToReadySeconds,
	unfulfilledRate,
} from "../../src/operations/domain/stats";

describe("percentile", () => {
	it("interpolates between the nearest ranks", () => {
		expect(percentile([10, 20, 30, 40], 50)).toBe(25);
		expect(percentile([10, 20, 30], 50)).toBe(20);
		expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBeCloseTo(9.1);
		expect(percentile([7], 90)).toBe(7);
		expect(percentile([3, 9], 0)).toBe(3);
		expect(percentile([3, 9], 100)).toBe(9);
	});

	it("has no answer without values", () => {
		expect(percentile([], 50)).toBeNull();
		expect(placedToReady([])).toEqual({ orders: 0, medianSeconds: null, p90Seconds: null });
	});
});

describe("placed-to-ready times", () => {
	it("measures each ready order in seconds, ascending, leaving out orders never ready and bad clocks", () => {
		const seconds = placedToReadySeconds([
			{ placedAt: "2030-01-01T12:00:00.000Z", readyAt: "2030-01-01T12:20:00.000Z" },
			{ placedAt: "2030-01-01T12:00:00.000Z", readyAt: null },
			{ placedAt: "2030-01-01T12:00:00.000Z", readyAt: "2030-01-01T12:05:30.500Z" },
			{ placedAt: "2030-01-01T12:00:00.000Z", readyAt: "2030-01-01T11:59:00.000Z" },
			{ placedAt: "not a time", readyAt: "2030-01-01T12:05:00.000Z" },
		]);
		expect(seconds).toEqual([330.5, 1200]);
		expect(placedToReady(seconds)).toEqual({ orders: 2, medianSeconds: 765, p90Seconds: 1113 });
	});
});

describe("status counts and the cancellation rate", () => {
	it("names every status, zero when none", () => {
		const counts = countByStatus([
			{ status: "placed", count: 3 },
			{ status: "cancelled", count: 1 },
		]);
		expect(counts).toEqual({
			placed: 3,
			confirmed: 0,
			preparing: 0,
			ready: 0,
			picked_up: 0,
			out_for_delivery: 0,
			delivered: 0,
			rejected: 0,
			cancelled: 1,
		});
	});

	it("counts cancelled and rejected orders against all orders", () => {
		expect(
			unfulfilledRate(
				countByStatus([
					{ status: "delivered", count: 4 },
					{ status: "cancelled", count: 1 },
					{ status: "rejected", count: 1 },
				]),
			),
		).toBe(0.3333);
		expect(unfulfilledRate(countByStatus([]))).toBeNull();
	});
});
