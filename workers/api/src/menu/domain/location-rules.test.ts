/** A location's time zone, currency and week of opening ranges: what is accepted, and what each refusal names. */
import { describe, expect, it } from "vitest";
import type { WeeklyOpeningHours } from "./availability";
import { isCurrency, isIanaTimeZone, openingHoursProblems, suggestTimeZone } from "./location-rules";

const closed: WeeklyOpeningHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
const week = (hours: Partial<WeeklyOpeningHours>): WeeklyOpeningHours => ({ ...closed, ...hours });
const fields = (hours: WeeklyOpeningHours) => openingHoursProblems(hours).map((problem) => problem.field);

describe("opening hours", () => {
	it("accepts split days, touching ranges, a whole day and the demo's 07:00–01:00 past midnight", () => {
		expect(
			openingHoursProblems(
				week({
					mon: [
						{ opens: "08:00", closes: "12:00" },
						{ opens: "12:00", closes: "15:00" },
						{ opens: "18:00", closes: "23:00" },
					],
					tue: [{ opens: "00:00", closes: "24:00" }],
					fri: [{ opens: "07:00", closes: "01:00" }],
					sat: [{ opens: "07:00", closes: "01:00" }],
					sun: [{ opens: "18:00", closes: "06:00" }],
				}),
			),
		).toEqual([]);
	});

	it("refuses an empty range and a range opening at 24:00, naming day and index", () => {
		expect(
			fields(
				week({
					wed: [
						{ opens: "08:00", closes: "12:00" },
						{ opens: "14:00", closes: "14:00" },
					],
					thu: [{ opens: "24:00", closes: "02:00" }],
				}),
			),
		).toEqual(["openingHours.wed.1", "openingHours.thu.0"]);
	});

	it("reads an end before the start as inverted unless it ends in the small hours", () => {
		const [problem] = openingHoursProblems(week({ mon: [{ opens: "09:00", closes: "08:00" }] }));
		expect(problem.field).toBe("openingHours.mon.0");
		expect(problem.message).toContain("must close by 06:00");
		expect(openingHoursProblems(week({ mon: [{ opens: "22:00", closes: "06:00" }] }))).toEqual([]);
		expect(fields(week({ mon: [{ opens: "22:00", closes: "06:15" }] }))).toEqual(["openingHours.mon.0"]);
	});

	it("refuses ranges of one day that overlap, whatever order they are listed in", () => {
		const problems = openingHoursProblems(
			week({
				tue: [
					{ opens: "11:00", closes: "12:00" },
					{ opens: "08:00", closes: "20:00" },
					{ opens: "09:00", closes: "10:00" },
				],
			}),
		);
		expect(problems.map((problem) => problem.field).sort()).toEqual(["openingHours.tue.0", "openingHours.tue.2"]);
		expect(problems[0].message).toContain("08:00–20:00");
	});

	it("refuses a range after one that runs past midnight the same day", () => {
		expect(
			fields(
				week({
					fri: [
						{ opens: "18:00", closes: "02:00" },
						{ opens: "22:00", closes: "23:00" },
					],
				}),
			),
		).toEqual(["openingHours.fri.1"]);
	});

	it("refuses a next day's range that opens before the small hours of the evening before have ended, Sunday into Monday too", () => {
		const problems = openingHoursProblems(
			week({
				fri: [{ opens: "18:00", closes: "02:00" }],
				sat: [{ opens: "01:00", closes: "12:00" }],
				sun: [{ opens: "20:00", closes: "03:00" }],
				mon: [{ opens: "02:00", closes: "10:00" }],
			}),
		);
		expect(problems).toEqual([
			{ field: "openingHours.sat.0", message: "overlaps fri's range 18:00–02:00, which runs past midnight" },
			{ field: "openingHours.mon.0", message: "overlaps sun's range 20:00–03:00, which runs past midnight" },
		]);
		// Opening as the small hours end is fine.
		expect(
			openingHoursProblems(
				week({ fri: [{ opens: "18:00", closes: "02:00" }], sat: [{ opens: "02:00", closes: "04:00" }] }),
			),
		).toEqual([]);
	});
});

describe("time zones", () => {
	it("accepts IANA names, aliases and UTC", () => {
		for (const zone of [
			"Europe/London",
			"America/Argentina/Buenos_Aires",
			"Europe/Kyiv",
			"Europe/Kiev",
			"Asia/Tokyo",
			"UTC",
			"Etc/GMT+5",
		]) {
			expect(isIanaTimeZone(zone), zone).toBe(true);
		}
	});

	it("refuses made-up zones, offsets and names in the wrong case, suggesting the right spelling", () => {
		for (const zone of ["Europe/Atlantis", "+01:00", "GMT+1", "europe/london", "Europe/LONDON", "", "Europe/London "]) {
			expect(isIanaTimeZone(zone), zone).toBe(false);
		}
		expect(suggestTimeZone("europe/london")).toBe("Europe/London");
		expect(suggestTimeZone("Europe/Atlantis")).toBeUndefined();
	});
});

describe("currencies", () => {
	it("accepts ISO 4217 codes in use and refuses made-up, lower-case and testing codes", () => {
		for (const code of ["GBP", "USD", "JPY", "EUR", "CHF"]) expect(isCurrency(code), code).toBe(true);
		for (const code of ["ABC", "gbp", "XXX", "GB", ""]) expect(isCurrency(code), code).toBe(false);
	});
});
