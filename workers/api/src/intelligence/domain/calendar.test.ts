/** Calendar dates as plain ISO strings: which are real, and counting days between them. */
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isIsoDate } from "./calendar";
import { upcomingDates } from "./demand";

describe("dates", () => {
	it("reads only real calendar dates", () => {
		expect(isIsoDate("2026-02-28")).toBe(true);
		expect(isIsoDate("2028-02-29")).toBe(true);
		expect(isIsoDate("2026-02-30")).toBe(false);
		expect(isIsoDate("2026-2-3")).toBe(false);
		expect(isIsoDate("tomorrow")).toBe(false);
	});

	it("counts days across months, years and daylight saving changes", () => {
		expect(addDays("2026-12-30", 3)).toBe("2027-01-02");
		expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
		expect(daysBetween("2026-03-28", "2026-03-30")).toBe(2);
		expect(upcomingDates("2026-12-25")).toHaveLength(15);
		expect(upcomingDates("2026-12-25").at(-1)).toBe("2027-01-08");
	});
});
