/** Calendar dates (YYYY-MM-DD) as plain strings, counted in whole days with no time zone of their own. */

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** Whether the text is a real calendar date, so 2026-02-30 is refused rather than rolled over. */
export function isIsoDate(text: string): boolean {
	if (!ISO_DATE.test(text)) return false;
	const parsed = new Date(`${text}T00:00:00Z`);
	return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(text);
}

function dayNumber(date: string): number {
	return Math.round(Date.parse(`${date}T00:00:00Z`) / DAY_MS);
}

export function addDays(date: string, days: number): string {
	return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
	return dayNumber(to) - dayNumber(from);
}
