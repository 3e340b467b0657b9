/**
 * The kitchen's 15-minute slots: which slot a time falls in, which slots a
 * day has within opening hours, and what each has left. Pure.
 */
import { localClock } from "../../menu/domain/availability";
import { isOpenOn } from "../../menu/domain/closures";
import type { LocationSummary, SlotCapacity } from "../../menu/domain/document";

/** What the slot grid reads of a location: its weekly hours, its closures and its clock. */
type SlotLocation = Pick<LocationSummary, "openingHours" | "closures" | "timeZone">;

export const SLOT_MINUTES = 15;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The start of the slot `at` falls in (ISO, UTC). */
export function slotOf(at: Date): string {
	return new Date(Math.floor(at.getTime() / SLOT_MS) * SLOT_MS).toISOString();
}

/** Slots looked at before giving up on finding free ones: a week of them. */
const MAX_SLOTS_SCANNED = (7 * 24 * 60) / SLOT_MINUTES;

/**
 * The starts of the `count` slots after the one `after` falls in that open
 * within the location's opening hours, on days no closure covers, soonest
 * first: what a full slot offers instead.
 */
export function followingSlots(location: SlotLocation, after: Date, count: number): string[] {
	const starts: string[] = [];
	let start = Date.parse(slotOf(after));
	for (let scanned = 0; starts.length < count && scanned < MAX_SLOTS_SCANNED; scanned++) {
		start += SLOT_MS;
		if (isOpenOn(location, localClock(new Date(start), location.timeZone))) {
			starts.push(new Date(start).toISOString());
		}
	}
	return starts;
}

/** A slot of a day: [start, end), ISO, UTC. */
export interface Slot {
	start: string;
	end: string;
}

/** What a slot's bookings are, as the kitchen counts them. */
export interface SlotLoad {
	orders: number;
	units: number;
}

/** What a slot has left; null where the capacity is unlimited. */
export interface SlotRoom {
	orders: number | null;
	units: number | null;
}

const HOUR_MS = 3_600_000;
/** The widest UTC offsets (−12:00, +14:00): a local date's instants lie within these of its UTC midnight. */
const EARLIEST_OFFSET_MS = 14 * HOUR_MS;
const LATEST_OFFSET_MS = 12 * HOUR_MS;

/**
 * The slots of a local date within the location's opening hours, in order;
 * none on a date a closure covers.
 * A slot belongs to the date its start falls on locally, so the small hours
 * of a range that opened the evening before (18:00–02:00) start the date, and
 * the part of the date's own late range past midnight belongs to the next.
 * Every slot is one 15-minute step of real time: every zone's offset is a
 * multiple of 15 minutes, so the UTC grid is the local grid, and walking
 * instants (never wall-clock times) makes a DST change give 92 or 100 slots
 * of a 24-hour day rather than a skipped or doubled one.
 */
export function slotsOfDate(location: SlotLocation, date: string): Slot[] {
	const midnightUtc = Date.parse(`${date}T00:00:00Z`);
	const slots: Slot[] = [];
	for (let start = midnightUtc - EARLIEST_OFFSET_MS; start < midnightUtc + 24 * HOUR_MS + LATEST_OFFSET_MS; ) {
		const clock = localClock(new Date(start), location.timeZone);
		const next = start + SLOT_MS;
		if (clock.date === date && isOpenOn(location, clock)) {
			slots.push({ start: new Date(start).toISOString(), end: new Date(next).toISOString() });
		}
		start = next;
	}
	return slots;
}

/** What a slot has left given its bookings: never below zero (a capacity lowered under its bookings is just full). */
export function roomIn(capacity: SlotCapacity, booked: SlotLoad | undefined): SlotRoom {
	const left = (limit: number | null, used: number) => (limit === null ? null : Math.max(0, limit - used));
	return { orders: left(capacity.orders, booked?.orders ?? 0), units: left(capacity.units, booked?.units ?? 0) };
}

/** Whether an order of `units` item units still fits; with no units given, whether the slot takes any order at all. */
export function hasRoomFor(room: SlotRoom, units = 1): boolean {
	return (room.orders === null || room.orders >= 1) && (room.units === null || room.units >= units);
}

export function isFull(room: SlotRoom): boolean {
	return !hasRoomFor(room);
}

export interface ListedSlot extends Slot {
	remaining: SlotRoom;
	full: boolean;
}

/**
 * The slots of a date a customer can still ask for, with what each has left:
 * those starting at least `minLeadMinutes` from `now` and no later than
 * `maxAhead` ms from it (the checkout's own limits), bookings keyed by start.
 */
export function bookableSlots(
	slots: readonly Slot[],
	capacity: SlotCapacity,
	bookings: ReadonlyMap<string, SlotLoad>,
	now: Date,
	limits: { minLeadMinutes: number; maxDaysAhead: number },
): ListedSlot[] {
	const earliest = now.getTime() + limits.minLeadMinutes * 60_000;
	const latest = now.getTime() + limits.maxDaysAhead * 24 * HOUR_MS;
	return slots
		.filter((slot) => {
			const start = Date.parse(slot.start);
			return start >= earliest && start <= latest;
		})
		.map((slot) => {
			const remaining = roomIn(capacity, bookings.get(slot.start));
			return { ...slot, remaining, full: isFull(remaining) };
		});
}
