/** Opening hours and availability windows in each location's own local time. */
import { describe, expect, it } from "vitest";
import { isOpenAt, isWithinWindows, localClock, type WeeklyOpeningHours } from "./availability";

const everyDay = (opens: string, closes: string): WeeklyOpeningHours => ({
	mon: [{ opens, closes }],
	tue: [{ opens, closes }],
	wed: [{ opens, closes }],
	thu: [{ opens, closes }],
	fri: [{ opens, closes }],
	sat: [{ opens, closes }],
	sun: [{ opens, closes }],
});

const breakfast = [{ from: "07:00", until: "11:00" }];

describe("localClock", () => {
	it("reads the same instant on three continents' wall clocks", () => {
		const instant = new Date("2026-07-01T09:30:00Z"); // a Wednesday
		expect(localClock(instant, "Europe/London")).toMatchObject({ weekday: "wed", time: "10:30", date: "2026-07-01" });
		expect(localClock(instant, "America/New_York")).toMatchObject({ weekday: "wed", time: "05:30" });
		expect(localClock(instant, "Asia/Tokyo")).toMatchObject({ weekday: "wed", time: "18:30" });
	});

	it("follows daylight saving time", () => {
		expect(localClock(new Date("2026-01-15T10:00:00Z"), "Europe/London").time).toBe("10:00");
		expect(localClock(new Date("2026-07-15T10:00:00Z"), "Europe/London").time).toBe("11:00");
	});

	it("answers each of several instants asked about in turn with its own clock", () => {
		const now = new Date("2026-07-01T09:30:20Z");
		const lunch = new Date("2026-07-02T11:45:00Z");
		for (let round = 0; round < 3; round++) {
			expect(localClock(now, "Europe/London")).toMatchObject({ date: "2026-07-01", time: "10:30" });
			expect(localClock(lunch, "Europe/London")).toMatchObject({ date: "2026-07-02", time: "12:45" });
			expect(localClock(new Date(now.getTime() + round * 60_000), "Europe/London").time).toBe(`10:3${round}`);
		}
	});
});

describe("availability windows", () => {
	it("offers breakfast until 10:59 and not from 11:00, in local time", () => {
		expect(isWithinWindows(breakfast, localClock(new Date("2026-07-01T09:59:00Z"), "Europe/London"))).toBe(true);
		expect(isWithinWindows(breakfast, localClock(new Date("2026-07-01T10:00:00Z"), "Europe/London"))).toBe(false);
	});

	it("judges the same instant differently in each time zone", () => {
		const instant = new Date("2026-07-01T13:00:00Z");
		expect(isWithinWindows(breakfast, localClock(instant, "America/New_York"))).toBe(true); // 09:00
		expect(isWithinWindows(breakfast, localClock(instant, "Europe/London"))).toBe(false); // 14:00
		expect(isWithinWindows(breakfast, localClock(instant, "Asia/Tokyo"))).toBe(false); // 22:00
	});

	it("limits a window to its weekdays", () => {
		const weekendBrunch = [{ from: "10:00", until: "15:00", days: ["sat" as const, "sun" as const] }];
		expect(isWithinWindows(weekendBrunch, localClock(new Date("2026-07-04T11:00:00Z"), "Europe/London"))).toBe(true);
		expect(isWithinWindows(weekendBrunch, localClock(new Date("2026-07-03T11:00:00Z"), "Europe/London"))).toBe(false);
	});

	it("treats no windows as always available", () => {
		expect(isWithinWindows([], localClock(new Date(), "Asia/Tokyo"))).toBe(true);
	});
});

describe("opening hours", () => {
	it("is open inside the range and closed at its end", () => {
		const hours = everyDay("08:00", "22:00");
		expect(isOpenAt(hours, localClock(new Date("2026-07-01T07:00:00Z"), "Europe/London"))).toBe(true); // 08:00
		expect(isOpenAt(hours, localClock(new Date("2026-07-01T21:00:00Z"), "Europe/London"))).toBe(false); // 22:00
	});

	it("keeps a range that runs past midnight open into the next day", () => {
		const hours: WeeklyOpeningHours = { ...everyDay("11:00", "22:00"), fri: [{ opens: "11:00", closes: "01:00" }] };
		// Saturday 00:30 in New York is still Friday night's opening.
		expect(isOpenAt(hours, localClock(new Date("2026-07-04T04:30:00Z"), "America/New_York"))).toBe(true);
		// Sunday 00:30 is not: Saturday closes at 22:00.
		expect(isOpenAt(hours, localClock(new Date("2026-07-05T04:30:00Z"), "America/New_York"))).toBe(false);
	});

	it("is closed on a day without ranges", () => {
		const hours: WeeklyOpeningHours = { ...everyDay("08:00", "22:00"), sun: [] };
		expect(isOpenAt(hours, localClock(new Date("2026-07-05T12:00:00Z"), "Europe/London"))).toBe(false);
	});
});
