/**
 * The kitchen's 15-minute slots: which slot a time falls in, which slots a
 * day has within opening hours, and what each has left. Pure.
 */

export const SLOT_MINUTES = 15;
const SLOT_MS = SLOT_MINUTES * 60_000;

/** The start of the slot `at` falls in (ISO, UTC). */
export function slotOf(at: Date): string {
	return new Date(Math.floor(at.getTime() / SLOT_MS) * SLOT_MS).toISOString();
}
