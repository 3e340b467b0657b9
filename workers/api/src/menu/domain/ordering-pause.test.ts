/** Pausing ordering: the state as stored, and what pausing again keeps. */
import { describe, expect, it } from "vitest";
import { ORDERING_RUNS, orderingState, paused, sameOrdering } from "./ordering-pause";

const NOON = new Date("2026-12-07T12:00:00Z");

describe("ordering pause", () => {
	it("reads as running without a pause time, and as paused since then with its reason", () => {
		expect(orderingState(null, null)).toEqual({ paused: false, reason: null, since: null });
		expect(orderingState("2026-12-07T11:00:00.000Z", "Kitchen overwhelmed")).toEqual({
			paused: true,
			reason: "Kitchen overwhelmed",
			since: "2026-12-07T11:00:00.000Z",
		});
	});

	it("starts a pause now, and a pause of a paused location keeps its start and takes the new reason", () => {
		const first = paused(ORDERING_RUNS, "Kitchen overwhelmed", NOON);
		expect(first).toEqual({ paused: true, reason: "Kitchen overwhelmed", since: NOON.toISOString() });
		const later = paused(first, "Oven broken", new Date("2026-12-07T12:30:00Z"));
		expect(later).toEqual({ paused: true, reason: "Oven broken", since: NOON.toISOString() });
	});

	it("counts the same pause again as no change, so a retried request writes nothing", () => {
		const first = paused(ORDERING_RUNS, "Kitchen overwhelmed", NOON);
		expect(sameOrdering(first, paused(first, "Kitchen overwhelmed", new Date()))).toBe(true);
		expect(sameOrdering(first, paused(first, "Oven broken", new Date()))).toBe(false);
	});
});
