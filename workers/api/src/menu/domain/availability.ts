/**
 * Opening hours and availability windows, evaluated in a location's local time.
 * Pure: no storage, no HTTP. Times are "HH:MM" strings on a 24-hour clock; a
 * range whose close is not after its open runs past midnight (18:00–02:00).
 */

export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface TimeRange {
	opens: string;
	closes: string;
}

export type WeeklyOpeningHours = Record<Weekday, TimeRange[]>;

/** A window in which an item or category can be ordered, e.g. breakfast until 11:00. */
export interface AvailabilityWindow {
	from: string;
	until: string;
	/** Limits the window to these weekdays; absent means every day. */
	days?: Weekday[];
}

/** A moment as seen on the wall clock of one time zone. */
export interface LocalClock {
	weekday: Weekday;
	/** Minutes since local midnight, 0–1439. */
	minutes: number;
	/** Local calendar date, YYYY-MM-DD. */
	date: string;
	/** Local time, HH:MM. */
	time: string;
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

export function isClockTime(value: string): boolean {
	return HH_MM.test(value);
}

export function minutesOf(time: string): number {
	const [hours, minutes] = time.split(":").map(Number);
	return hours * 60 + minutes;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl formatters are costly to build and cheap to reuse, so keep one per zone. */
function formatterFor(timeZone: string): Intl.DateTimeFormat {
	let formatter = formatters.get(timeZone);
	if (!formatter) {
		formatter = new Intl.DateTimeFormat("en-GB", {
			timeZone,
			hourCycle: "h23",
			weekday: "short",
			year: "numeric",
			month: "2-digit",
			day: "2-digit",
			hour: "2-digit",
			minute: "2-digit",
		});
		formatters.set(timeZone, formatter);
	}
	return formatter;
}

export function isTimeZone(value: string): boolean {
	try {
		formatterFor(value);
		return true;
	} catch {
		return false;
	}
}

/** Recent clocks per zone by minute: a checkout checks both now and the requested time, so one entry would thrash. */
const clocksByZone = new Map<string, Map<number, LocalClock>>();
const MINUTES_KEPT_PER_ZONE = 4;

/**
 * The wall clock in `timeZone` at `instant`. Every zone's offset is a whole
 * number of minutes, so the answer is memoised per zone and minute, for the
 * last few minutes asked about.
 */
export function localClock(instant: Date, timeZone: string): LocalClock {
	const minute = Math.floor(instant.getTime() / 60_000);
	let clocks = clocksByZone.get(timeZone);
	const known = clocks?.get(minute);
	if (known) return known;
	const clock = computeLocalClock(instant, timeZone);
	if (!clocks) {
		clocks = new Map();
		clocksByZone.set(timeZone, clocks);
	}
	// Full: forget the minute stored first.
	if (clocks.size >= MINUTES_KEPT_PER_ZONE) clocks.delete(clocks.keys().next().value as number);
	clocks.set(minute, clock);
	return clock;
}

function computeLocalClock(instant: Date, timeZone: string): LocalClock {
	const parts: Record<string, string> = {};
	for (const part of formatterFor(timeZone).formatToParts(instant)) parts[part.type] = part.value;
	const weekday = parts.weekday.toLowerCase().slice(0, 3) as Weekday;
	const time = `${parts.hour}:${parts.minute}`;
	return {
		weekday,
		minutes: minutesOf(time),
		date: `${parts.year}-${parts.month}-${parts.day}`,
		time,
	};
}

function previousWeekday(day: Weekday): Weekday {
	return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7];
}

function crossesMidnight(opens: number, closes: number): boolean {
	return closes <= opens;
}

/** Whether a daily range [from, until) on `day` covers the clock, including its spill past midnight. */
function rangeCovers(from: string, until: string, appliesOn: (day: Weekday) => boolean, clock: LocalClock): boolean {
	const start = minutesOf(from);
	const end = minutesOf(until);
	if (crossesMidnight(start, end)) {
		if (appliesOn(clock.weekday) && clock.minutes >= start) return true;
		return appliesOn(previousWeekday(clock.weekday)) && clock.minutes < end;
	}
	return appliesOn(clock.weekday) && clock.minutes >= start && clock.minutes < end;
}

export function isOpenAt(hours: WeeklyOpeningHours, clock: LocalClock): boolean {
	return WEEKDAYS.some((day) =>
		hours[day].some((range) => rangeCovers(range.opens, range.closes, (d) => d === day, clock)),
	);
}

/** An empty list of windows means no restriction beyond opening hours. */
export function isWithinWindows(windows: readonly AvailabilityWindow[], clock: LocalClock): boolean {
	if (windows.length === 0) return true;
	return windows.some((window) =>
		rangeCovers(window.from, window.until, (day) => !window.days || window.days.includes(day), clock),
	);
}
