/** Closures: which days they cover, which are still shown, and what adding or removing one accepts. */
import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { localClock, type WeeklyOpeningHours } from "./availability";
import { type Closure, closureOn, isOpenOn, upcomingClosures, withClosure, withoutClosure } from "./closures";

const christmas: Closure = { id: "clo-xmas", from: "2026-12-25", to: "2026-12-26", reason: "Christmas" };
const inventory: Closure = { id: "clo-inv", from: "2026-12-07", to: "2026-12-07", reason: "Inventory" };
const summer: Closure = { id: "clo-old", from: "2026-08-01", to: "2026-08-14", reason: "Summer break" };

function violationOf(run: () => unknown) {
	try {
		run();
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation;
		throw error;
	}
	throw new Error("expected a refusal");
}

describe("closureOn", () => {
	it("covers from and to inclusive, and nothing either side", () => {
		expect(closureOn([christmas], "2026-12-24")).toBeUndefined();
		expect(closureOn([christmas], "2026-12-25")).toBe(christmas);
		expect(closureOn([christmas], "2026-12-26")).toBe(christmas);
		expect(closureOn([christmas], "2026-12-27")).toBeUndefined();
	});
});

describe("upcomingClosures", () => {
	it("keeps today's and later ones, soonest first, and drops those that have ended", () => {
		expect(upcomingClosures([christmas, summer, inventory], "2026-12-07")).toEqual([inventory, christmas]);
		expect(upcomingClosures([christmas, inventory], "2026-12-26")).toEqual([christmas]);
	});
});

describe("adding a closure", () => {
	it("takes one day when to is left out, and drops ended closures on the way", () => {
		const { closure, closures } = withClosure(
			[summer, christmas],
			{ from: "2026-12-07", reason: "Inventory" },
			"2026-12-07",
			"clo-new",
		);
		expect(closure).toEqual({ id: "clo-new", from: "2026-12-07", to: "2026-12-07", reason: "Inventory" });
		expect(closures).toEqual([closure, christmas]);
	});

	it("refuses a first day that has passed at the location with closure_in_past, naming from", () => {
		const refused = violationOf(() =>
			withClosure([], { from: "2026-12-06", to: "2026-12-08", reason: "Late" }, "2026-12-07", "clo-x"),
		);
		expect(refused.code).toBe("closure_in_past");
		expect(refused.details).toEqual([expect.objectContaining({ field: "from" })]);
	});

	it("refuses a last day before the first as invalid, naming to", () => {
		const refused = violationOf(() =>
			withClosure([], { from: "2026-12-09", to: "2026-12-08", reason: "Backwards" }, "2026-12-07", "clo-x"),
		);
		expect(refused.code).toBe("validation_failed");
		expect(refused.details).toEqual([expect.objectContaining({ field: "to" })]);
	});
});

describe("removing a closure", () => {
	it("removes the one named, and says when there is none", () => {
		expect(withoutClosure([inventory, christmas], "clo-inv", "2026-12-07")).toEqual([christmas]);
		expect(withoutClosure([inventory], "clo-nope", "2026-12-07")).toBeUndefined();
	});
});

describe("isOpenOn", () => {
	const everyDay = { opens: "08:00", closes: "22:00" };
	const hours: WeeklyOpeningHours = {
		mon: [everyDay],
		tue: [everyDay],
		wed: [everyDay],
		thu: [everyDay],
		fri: [everyDay],
		sat: [everyDay],
		sun: [everyDay],
	};

	it("is closed all day on a closure day within the weekly hours, and open the day after", () => {
		const location = { openingHours: hours, closures: [inventory] };
		// Monday 7 December, 12:00 in London (GMT).
		expect(isOpenOn(location, localClock(new Date("2026-12-07T12:00:00Z"), "Europe/London"))).toBe(false);
		expect(isOpenOn(location, localClock(new Date("2026-12-08T12:00:00Z"), "Europe/London"))).toBe(true);
	});

	it("reads the closure's dates on the location's own calendar", () => {
		const location = { openingHours: hours, closures: [inventory] };
		// 2026-12-06T23:30Z is already Monday 7 December, 08:30, in Tokyo.
		expect(isOpenOn(location, localClock(new Date("2026-12-06T23:30:00Z"), "Asia/Tokyo"))).toBe(false);
		expect(isOpenOn(location, localClock(new Date("2026-12-06T23:30:00Z"), "Europe/London"))).toBe(false);
		expect(isOpenOn(location, localClock(new Date("2026-12-06T12:00:00Z"), "Europe/London"))).toBe(true);
	});
});
