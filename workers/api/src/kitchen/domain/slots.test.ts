/** The kitchen's 15-minute slots: a day's slots in local time, what each has left, and which a customer may still ask for. */
import { describe, expect, it } from "vitest";
import type { WeeklyOpeningHours } from "../../menu/domain/availability";
import type { SlotCapacity } from "../../menu/domain/document";
import { bookableSlots, followingSlots, hasRoomFor, isFull, roomIn, slotOf, slotsOfDate } from "./slots";

const weekdays = (opens: string, closes: string): WeeklyOpeningHours => ({
	mon: [{ opens, closes }],
	tue: [{ opens, closes }],
	wed: [{ opens, closes }],
	thu: [{ opens, closes }],
	fri: [{ opens, closes }],
	sat: [],
	sun: [],
});

const allWeek = (opens: string, closes: string): WeeklyOpeningHours => ({
	...weekdays(opens, closes),
	sat: [{ opens, closes }],
	sun: [{ opens, closes }],
});

const london = { timeZone: "Europe/London", openingHours: weekdays("08:00", "22:00"), closures: [] };

describe("slotsOfDate", () => {
	it("lists a winter day's quarter hours from opening until the last one before closing", () => {
		const slots = slotsOfDate(london, "2026-12-07");
		expect(slots).toHaveLength(14 * 4);
		expect(slots[0]).toEqual({ start: "2026-12-07T08:00:00.000Z", end: "2026-12-07T08:15:00.000Z" });
		expect(slots.at(-1)).toEqual({ start: "2026-12-07T21:45:00.000Z", end: "2026-12-07T22:00:00.000Z" });
	});

	it("follows the local clock in summer time", () => {
		const slots = slotsOfDate(london, "2026-07-06");
		expect(slots[0].start).toBe("2026-07-06T07:00:00.000Z");
		expect(slots.at(-1)?.start).toBe("2026-07-06T20:45:00.000Z");
	});

	it("gives a day the clocks go forward 23 hours of slots, and one they go back 25, each 15 real minutes", () => {
		const roundTheClock = { timeZone: "Europe/London", openingHours: allWeek("00:00", "24:00"), closures: [] };
		const spring = slotsOfDate(roundTheClock, "2026-03-29");
		const autumn = slotsOfDate(roundTheClock, "2026-10-25");
		expect(spring).toHaveLength(23 * 4);
		expect(autumn).toHaveLength(25 * 4);
		for (const slot of [...spring, ...autumn]) expect(Date.parse(slot.end) - Date.parse(slot.start)).toBe(15 * 60_000);
		expect(new Set(autumn.map((slot) => slot.start)).size).toBe(autumn.length);
		// Local 01:00–02:00 does not exist on the spring day: 00:45 GMT is followed by 02:00 BST.
		expect(spring[3].start).toBe("2026-03-29T00:45:00.000Z");
		expect(spring[4].start).toBe("2026-03-29T01:00:00.000Z");
	});

	it("starts a day with the small hours of the evening before's range, and ends it at midnight", () => {
		const late = {
			timeZone: "Europe/London",
			openingHours: { ...weekdays("08:00", "09:00"), fri: [{ opens: "18:00", closes: "02:00" }] },
			closures: [],
		};
		const friday = slotsOfDate(late, "2026-12-11");
		expect(friday[0].start).toBe("2026-12-11T18:00:00.000Z");
		expect(friday.at(-1)?.start).toBe("2026-12-11T23:45:00.000Z");
		// Saturday has no range of its own, but Friday's runs until 02:00.
		const saturday = slotsOfDate(late, "2026-12-12");
		expect(saturday.map((slot) => slot.start)).toEqual([
			"2026-12-12T00:00:00.000Z",
			"2026-12-12T00:15:00.000Z",
			"2026-12-12T00:30:00.000Z",
			"2026-12-12T00:45:00.000Z",
			"2026-12-12T01:00:00.000Z",
			"2026-12-12T01:15:00.000Z",
			"2026-12-12T01:30:00.000Z",
			"2026-12-12T01:45:00.000Z",
		]);
	});

	it("has no slots on a day the location is closed", () => {
		expect(slotsOfDate(london, "2026-12-13")).toEqual([]);
	});

	it("has no slots on a closure day, the small hours of the evening before's range included", () => {
		const late = {
			timeZone: "Europe/London",
			openingHours: { ...weekdays("08:00", "09:00"), fri: [{ opens: "18:00", closes: "02:00" }] },
			closures: [{ id: "clo-1", from: "2026-12-12", to: "2026-12-12", reason: "Staff party" }],
		};
		expect(slotsOfDate(late, "2026-12-12")).toEqual([]);
		// Friday itself is open until midnight.
		expect(slotsOfDate(late, "2026-12-11")).toHaveLength(6 * 4);
	});

	it("skips closure days when offering the following slots", () => {
		const closedMonday = {
			...london,
			closures: [{ id: "clo-1", from: "2026-12-07", to: "2026-12-07", reason: "Inventory" }],
		};
		// Friday 21:40: Friday's last slot, then nothing over the weekend, Monday closed, so Tuesday 08:00.
		expect(followingSlots(closedMonday, new Date("2026-12-04T21:40:00Z"), 2)).toEqual([
			"2026-12-04T21:45:00.000Z",
			"2026-12-08T08:00:00.000Z",
		]);
	});

	it("puts slots on the local quarter hours of a half-hour zone", () => {
		const kolkata = { timeZone: "Asia/Kolkata", openingHours: weekdays("08:00", "09:00"), closures: [] };
		// 08:00 IST is 02:30 UTC.
		expect(slotsOfDate(kolkata, "2026-12-07").map((slot) => slot.start)).toEqual([
			"2026-12-07T02:30:00.000Z",
			"2026-12-07T02:45:00.000Z",
			"2026-12-07T03:00:00.000Z",
			"2026-12-07T03:15:00.000Z",
		]);
	});

	it("agrees with slotOf and followingSlots: each slot is the slot its start falls in", () => {
		const slots = slotsOfDate(london, "2026-12-07");
		for (const slot of slots) expect(slotOf(new Date(Date.parse(slot.start) + 60_000))).toBe(slot.start);
		expect(followingSlots(london, new Date("2026-12-07T07:50:00Z"), 3)).toEqual(
			slots.slice(0, 3).map((slot) => slot.start),
		);
	});
});

describe("room in a slot", () => {
	const capacity = { orders: 6, units: 24 };

	it("is the capacity less the bookings", () => {
		expect(roomIn(capacity, undefined)).toEqual({ orders: 6, units: 24 });
		expect(roomIn(capacity, { orders: 2, units: 9 })).toEqual({ orders: 4, units: 15 });
	});

	it("is null where there is no limit", () => {
		expect(roomIn({ orders: null, units: 10 }, { orders: 40, units: 3 })).toEqual({ orders: null, units: 7 });
		expect(isFull(roomIn({ orders: null, units: null }, { orders: 500, units: 5000 }))).toBe(false);
	});

	it("never goes below zero when the capacity was lowered under the bookings", () => {
		expect(roomIn(capacity, { orders: 8, units: 30 })).toEqual({ orders: 0, units: 0 });
	});

	it("is full when no order or no unit is left, and too small for an order of more units than are left", () => {
		expect(isFull({ orders: 0, units: 10 })).toBe(true);
		expect(isFull({ orders: 3, units: 0 })).toBe(true);
		expect(isFull({ orders: 1, units: 1 })).toBe(false);
		expect(hasRoomFor({ orders: 1, units: 3 }, 3)).toBe(true);
		expect(hasRoomFor({ orders: 1, units: 3 }, 4)).toBe(false);
	});

	it("counts one more order and its units against the bookings, with no limit where capacity is null", () => {
		const fits = (capacity: SlotCapacity, booked: { orders: number; units: number }, units: number) =>
			hasRoomFor(roomIn(capacity, booked), units);
		expect(fits({ orders: null, units: null }, { orders: 500, units: 5000 }, 10)).toBe(true);
		expect(fits({ orders: 3, units: null }, { orders: 2, units: 3 }, 1)).toBe(true);
		expect(fits({ orders: 3, units: null }, { orders: 3, units: 3 }, 1)).toBe(false);
		expect(fits({ orders: null, units: 10 }, { orders: 0, units: 8 }, 2)).toBe(true);
		expect(fits({ orders: null, units: 10 }, { orders: 0, units: 8 }, 3)).toBe(false);
	});
});

describe("bookableSlots", () => {
	const slots = slotsOfDate(london, "2026-12-07");
	const limits = { minLeadMinutes: 15, maxDaysAhead: 7 };

	it("leaves out slots already past or within the lead time, and marks the full ones", () => {
		const bookings = new Map([
			["2026-12-07T12:30:00.000Z", { orders: 2, units: 5 }],
			["2026-12-07T12:45:00.000Z", { orders: 1, units: 1 }],
		]);
		const listed = bookableSlots(slots, { orders: 2, units: null }, bookings, new Date("2026-12-07T12:10:00Z"), limits);
		expect(listed[0]).toEqual({
			start: "2026-12-07T12:30:00.000Z",
			end: "2026-12-07T12:45:00.000Z",
			remaining: { orders: 0, units: null },
			full: true,
		});
		expect(listed[1]).toMatchObject({ remaining: { orders: 1, units: null }, full: false });
		expect(listed[2]).toMatchObject({ remaining: { orders: 2, units: null }, full: false });
		expect(listed.at(-1)?.start).toBe("2026-12-07T21:45:00.000Z");
	});

	it("takes a slot exactly the lead time away, and none past the furthest day", () => {
		const now = new Date("2026-11-30T12:15:00Z");
		const listed = bookableSlots(slots, { orders: null, units: null }, new Map(), now, limits);
		expect(listed[0].start).toBe("2026-12-07T08:00:00.000Z");
		expect(listed.at(-1)?.start).toBe("2026-12-07T12:15:00.000Z");
		expect(bookableSlots(slots, { orders: 1, units: 1 }, new Map(), new Date("2026-12-07T21:31:00Z"), limits)).toEqual(
			[],
		);
	});
});
