/**
 * The kitchen's 15-minute slots: which slot a time falls in, which slots a
 * day has within opening hours, and what each has left. Pure.
 */
import { isOpenAt, localClock } from "../../menu/domain/availability";
import type { LocationSummary } from "../../menu/domain/document";

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
 * within the location's opening hours, soonest first: what a full slot offers
 * instead.
 */
export function followingSlots(
	location: Pick<LocationSummary, "openingHours" | "timeZone">,
	after: Date,
	count: number,
): string[] {
	const starts: string[] = [];
	let start = Date.parse(slotOf(after));
	for (let scanned = 0; starts.length < count && scanned < MAX_SLOTS_SCANNED; scanned++) {
		start += SLOT_MS;
		if (isOpenAt(location.openingHours, localClock(new Date(start), location.timeZone))) {
			starts.push(new Date(start).toISOString());
		}
	}
	return starts;
}
