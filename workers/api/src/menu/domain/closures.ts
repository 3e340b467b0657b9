/**
 * Closures: whole local days a location is closed whatever its weekly hours
 * say (a holiday, a one-off day), each with its reason. Pure: no storage, no
 * HTTP. Dates are the location's local calendar dates, YYYY-MM-DD, `from` to
 * `to` inclusive, so they compare as strings.
 *
 * A closure closes the calendar day, the whole of it: the small hours of the
 * evening before's range past midnight (Friday 18:00–02:00 before a closed
 * Saturday) end at midnight, as a slot belongs to the date its start falls on.
 */
import { violation } from "@goodfood/platform/rule-violation";
import { isOpenAt, type LocalClock, type WeeklyOpeningHours } from "./availability";

export interface Closure {
	id: string;
	from: string;
	to: string;
	reason: string;
}

/** A closure as staff ask for it: one day when `to` is left out. */
export interface ClosureRequest {
	from: string;
	to?: string;
	reason: string;
}

/** The closure that covers `date`, if any. */
export function closureOn(closures: readonly Closure[], date: string): Closure | undefined {
	return closures.find((closure) => closure.from <= date && date <= closure.to);
}

/** Closures still to come or under way on `today`, soonest first: the ones a location shows. */
export function upcomingClosures(closures: readonly Closure[], today: string): Closure[] {
	return closures
		.filter((closure) => closure.to >= today)
		.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

/**
 * The closures after adding one, past ones dropped. Refuses a first day
 * before `today` at the location (422 closure_in_past: it cannot close a day
 * gone by) and a last day before the first (400, naming `to`).
 */
export function withClosure(
	closures: readonly Closure[],
	request: ClosureRequest,
	today: string,
	id: string,
): { closure: Closure; closures: Closure[] } {
	const to = request.to ?? request.from;
	if (to < request.from) {
		throw violation("validation_failed", "Invalid to: must not be before from", [
			{ field: "to", message: `must be ${request.from} or later` },
		]);
	}
	if (request.from < today) {
		throw violation("closure_in_past", `${request.from} has passed at the location; today there is ${today}`, [
			{ field: "from", message: `must be today (${today}) or later` },
		]);
	}
	const closure: Closure = { id, from: request.from, to, reason: request.reason };
	return { closure, closures: upcomingClosures([...closures, closure], today) };
}

/** The closures without the one with `id`, past ones dropped; undefined when none has that id. */
export function withoutClosure(closures: readonly Closure[], id: string, today: string): Closure[] | undefined {
	if (!closures.some((closure) => closure.id === id)) return undefined;
	return upcomingClosures(
		closures.filter((closure) => closure.id !== id),
		today,
	);
}

/** Whether the location is open on its wall clock: within its weekly hours, on a day no closure covers. */
export function isOpenOn(
	location: { openingHours: WeeklyOpeningHours; closures: readonly Closure[] },
	clock: LocalClock,
): boolean {
	return closureOn(location.closures, clock.date) === undefined && isOpenAt(location.openingHours, clock);
}
