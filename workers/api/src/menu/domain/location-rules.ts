/**
 * What makes a location's details valid beyond their shape: a real IANA time
 * zone, an ISO 4217 currency, and a week of opening ranges that neither
 * overlap nor run backwards. Pure: no storage, no HTTP.
 *
 * Opening ranges (see availability.ts): a range whose `closes` is before its
 * `opens` runs past midnight, and the slot grid and `isOpenAt` give its small
 * hours to the next day. Such a range is taken as meant only when it ends in
 * the small hours, by `LATEST_PAST_MIDNIGHT` (07:00–01:00, 18:00–02:00); one
 * that closes later the next day (09:00–08:00, a 23-hour day) is read as
 * inverted, almost surely a slip for 08:00–09:00 or 09:00–20:00. A range that
 * closes when it opens is empty and refused too. `24:00` may close a range,
 * never open one.
 */
import { minutesOf, type TimeRange, WEEKDAYS, type Weekday, type WeeklyOpeningHours } from "./availability";

/** The latest a range past midnight may close, local time the next morning. */
export const LATEST_PAST_MIDNIGHT = "06:00";

const DAY_MINUTES = 24 * 60;

/** One thing wrong with the opening hours, with the field it concerns (`openingHours.tue.1`). */
export interface OpeningHoursProblem {
	field: string;
	message: string;
}

/** A range as minutes of its own day: [start, end), end past 1440 when it runs past midnight. */
interface Span {
	day: Weekday;
	index: number;
	start: number;
	end: number;
	label: string;
}

function spanOf(day: Weekday, index: number, range: TimeRange): Span {
	const start = minutesOf(range.opens);
	const closes = minutesOf(range.closes);
	return {
		day,
		index,
		start,
		end: closes <= start ? closes + DAY_MINUTES : closes,
		label: `${range.opens}–${range.closes}`,
	};
}

function fieldOf(day: Weekday, index: number): string {
	return `openingHours.${day}.${index}`;
}

/** The problems of one range on its own: empty, inverted, or opening at 24:00. */
function rangeProblem(range: TimeRange): string | undefined {
	if (range.opens === "24:00") return "opens must be 00:00–23:59; 24:00 can only close a range";
	const opens = minutesOf(range.opens);
	const closes = minutesOf(range.closes);
	if (opens === closes) return `opens and closes are both ${range.opens}: the range is empty`;
	if (closes < opens && closes > minutesOf(LATEST_PAST_MIDNIGHT)) {
		return `closes (${range.closes}) is before opens (${range.opens}); a range past midnight must close by ${LATEST_PAST_MIDNIGHT}`;
	}
	return undefined;
}

/**
 * Every problem of a week of opening hours: each range on its own, ranges of
 * one day that overlap, and a range past midnight whose small hours overlap
 * the next day's first ranges. Ranges that only touch (12:00–14:00,
 * 14:00–18:00) are fine. An empty list means the hours are valid.
 */
export function openingHoursProblems(hours: Partial<WeeklyOpeningHours>): OpeningHoursProblem[] {
	const problems: OpeningHoursProblem[] = [];
	const validSpans = new Map<Weekday, Span[]>();
	for (const day of WEEKDAYS) {
		const spans: Span[] = [];
		(hours[day] ?? []).forEach((range, index) => {
			const problem = rangeProblem(range);
			if (problem) problems.push({ field: fieldOf(day, index), message: problem });
			else spans.push(spanOf(day, index, range));
		});
		spans.sort((a, b) => a.start - b.start);
		// Against the range reaching furthest so far, so 08:00–20:00 catches both 09:00–10:00 and 11:00–12:00.
		let furthest: Span | undefined;
		for (const span of spans) {
			if (furthest && span.start < furthest.end) {
				problems.push({ field: fieldOf(day, span.index), message: `overlaps ${day}'s range ${furthest.label}` });
			}
			if (!furthest || span.end > furthest.end) furthest = span;
		}
		validSpans.set(day, spans);
	}
	// The small hours of a day's range past midnight are the next day's first hours.
	WEEKDAYS.forEach((day, position) => {
		const next = WEEKDAYS[(position + 1) % WEEKDAYS.length];
		for (const late of validSpans.get(day) ?? []) {
			if (late.end <= DAY_MINUTES) continue;
			const spill = late.end - DAY_MINUTES;
			for (const early of validSpans.get(next) ?? []) {
				if (early.start < spill) {
					problems.push({
						field: fieldOf(next, early.index),
						message: `overlaps ${day}'s range ${late.label}, which runs past midnight`,
					});
				}
			}
		}
	});
	return problems;
}

/**
 * IANA names: `Europe/London`, `America/Argentina/Buenos_Aires`, `UTC`, each
 * part capitalised; never an offset such as `+01:00`.
 */
const IANA_NAME = /^[A-Z][A-Za-z0-9_+-]*(?:\/[A-Z][A-Za-z0-9_+-]*)*$/;

/**
 * Whether `name` is an IANA time zone the runtime knows, spelt as IANA spells
 * it. The runtime's formatter alone would accept `europe/london` (and, in
 * newer engines, offsets like `+01:00`), which would then be stored as typed.
 * It answers an alias by its own canonical name (Buenos_Aires, Kiev), so a
 * different answer is fine unless it differs only in case.
 */
export function isIanaTimeZone(name: string): boolean {
	if (!IANA_NAME.test(name)) return false;
	try {
		const resolved = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
		return resolved === name || resolved.toLowerCase() !== name.toLowerCase();
	} catch {
		return false;
	}
}

/** The IANA spelling of a zone typed in another case (`europe/london` → `Europe/London`), for a helpful message. */
export function suggestTimeZone(name: string): string | undefined {
	try {
		const resolved = new Intl.DateTimeFormat("en", { timeZone: name }).resolvedOptions().timeZone;
		return resolved !== name && resolved.toLowerCase() === name.toLowerCase() ? resolved : undefined;
	} catch {
		return undefined;
	}
}

let knownCurrencies: Set<string> | undefined;

/** Whether `code` is an ISO 4217 currency in circulation, as the runtime's Intl lists them. */
export function isCurrency(code: string): boolean {
	knownCurrencies ??= new Set(Intl.supportedValuesOf("currency"));
	return knownCurrencies.has(code);
}
