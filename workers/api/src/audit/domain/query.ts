/**
 * How the audit log is asked for, decided without HTTP or storage: what a
 * `from`/`to` bound means, what a page cursor is, and how an actor is named.
 */

const DAY_MS = 86_400_000;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date (a whole UTC day) or an instant with its offset, as the instant it starts at; NaN when it is neither. */
export function instantOf(value: string): number {
	const isDate = CALENDAR_DATE.test(value);
	if (!isDate && !DATE_TIME.test(value)) return Number.NaN;
	const time = Date.parse(isDate ? `${value}T00:00:00Z` : value);
	// Date.parse rolls 2030-02-31 over to March; a date that does not round-trip does not exist.
	if (isDate && new Date(time).toISOString().slice(0, 10) !== value) return Number.NaN;
	return time;
}

/**
 * The half-open range [from, to) of entry times a query asks for, as the
 * stored ISO timestamps compare. `to` as a date takes in that whole UTC day,
 * so `from=2030-07-01&to=2030-07-01` is the first of July.
 */
export function rangeOf(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
	return {
		...(from === undefined ? {} : { from: new Date(instantOf(from)).toISOString() }),
		...(to === undefined ? {} : { to: new Date(instantOf(to) + (CALENDAR_DATE.test(to) ? DAY_MS : 0)).toISOString() }),
	};
}

/** An entry id, as `auditId` makes them (entry.ts): what a cursor is. */
export const ENTRY_ID = /^aud_(\d{13})_[0-9a-f]{1,32}$/;

/**
 * The next page starts after the last entry shown: entries are newest first
 * and ids sort by time, so the cursor is that entry's id, and the page after
 * it holds the entries with smaller ids. Null when nothing is left.
 */
export function nextCursorOf(ids: string[], limit: number): string | null {
	return ids.length > limit ? (ids[limit - 1] ?? null) : null;
}

/** The time a cursor's entry was recorded, ISO; the index on `at` narrows a page with it. */
export function cursorTime(cursor: string): string {
	return new Date(Number(cursor.match(ENTRY_ID)?.[1] ?? 0)).toISOString();
}

/** An actor filter names an account by its e-mail or by its id. */
export type ActorFilter = { email: string } | { id: string };

export function actorFilterOf(actor: string): ActorFilter {
	return actor.includes("@") ? { email: actor.trim().toLowerCase() } : { id: actor };
}
