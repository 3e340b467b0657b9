/** The operational figures' arithmetic: percentiles, placed-to-ready times, status counts, and the cancellation and rejection rates. */
import { describe, expect, it } from "vitest";
import {
	cancellationRate,
	countByStatus,
	mergeRegionStats,
	percentile,
	placedToReady,
	placedToReadySeconds,
	rejectionRate,
} from "./stats";

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

describe("status counts, and the cancellation and rejection rates", () => {
	it("names every status, zero when none", () => {
		const counts = countByStatus([
			{ status: "placed", count: 3 },
			{ status: "cancelled", count: 1 },
		]);
		expect(counts).toEqual({
			awaiting_payment: 0,
			payment_failed: 0,
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

	it("counts cancelled and rejected orders apart, each against all orders", () => {
		const counts = countByStatus([
			{ status: "delivered", count: 4 },
			{ status: "placed", count: 1 },
			{ status: "cancelled", count: 1 },
			{ status: "rejected", count: 2 },
		]);
		// 8 orders: 1 cancelled, 2 rejected.
		expect(cancellationRate(counts)).toBe(0.125);
		expect(rejectionRate(counts)).toBe(0.25);
	});

	it("rounds to four places, and has no rate without orders", () => {
		const counts = countByStatus([
			{ status: "delivered", count: 5 },
			{ status: "cancelled", count: 1 },
			{ status: "rejected", count: 1 },
		]);
		expect(cancellationRate(counts)).toBe(0.1429);
		expect(rejectionRate(counts)).toBe(0.1429);
		expect(cancellationRate(countByStatus([{ status: "rejected", count: 3 }]))).toBe(0);
		expect(rejectionRate(countByStatus([{ status: "rejected", count: 3 }]))).toBe(1);
		expect(cancellationRate(countByStatus([]))).toBeNull();
		expect(rejectionRate(countByStatus([]))).toBeNull();
	});
});

describe("figures of several regions merged", () => {
	const item = (itemId: string, quantity: number, orders: number) => ({ itemId, name: itemId, quantity, orders });

	it("sums counts per status and pools ready times", () => {
		const merged = mergeRegionStats(
			[
				{
					byStatus: [
						{ status: "placed", count: 2 },
						{ status: "ready", count: 1 },
					],
					readyTimes: [{ placedAt: "2030-01-01T10:00:00Z", readyAt: "2030-01-01T10:10:00Z" }],
					topItems: [],
				},
				{
					byStatus: [{ status: "placed", count: 3 }],
					readyTimes: [{ placedAt: "2030-01-01T11:00:00Z", readyAt: "2030-01-01T11:20:00Z" }],
					topItems: [],
				},
			],
			5,
		);
		expect(countByStatus(merged.byStatus)).toMatchObject({ placed: 5, ready: 1 });
		expect(placedToReadySeconds(merged.readyTimes)).toEqual([600, 1200]);
	});

	it("ranks items by their quantity summed over the regions, ties by id, to the top asked for", () => {
		const merged = mergeRegionStats(
			[
				{ byStatus: [], readyTimes: [], topItems: [item("b", 5, 2), item("a", 4, 4), item("c", 1, 1)] },
				{ byStatus: [], readyTimes: [], topItems: [item("a", 3, 1), item("d", 6, 6), item("c", 6, 2)] },
			],
			3,
		);
		expect(merged.topItems).toEqual([item("a", 7, 5), item("c", 7, 3), item("d", 6, 6)]);
	});
});
