/**
 * Stock rules, pure: what a reservation takes from the counts, which lines are
 * short, and which items a change sells out or brings back. No row for an
 * item (or option) means it is not tracked: unlimited.
 */
import type { KitchenLine, ShortLine } from "../contract";

/** One counted thing: an item (optionId null) or one option of it. */
export interface StockKey {
	itemId: string;
	optionId: string | null;
}

/** A map key for a stock key; options are counted per item, so the item is part of it. */
export function stockKey(key: StockKey): string {
	return `${key.itemId}\u0000${key.optionId ?? ""}`;
}

export interface Take extends StockKey {
	units: number;
}

/** The units the lines need of each item and each option chosen, summed over lines. */
export function unitsNeeded(lines: KitchenLine[]): Take[] {
	const needed = new Map<string, Take>();
	const add = (itemId: string, optionId: string | null, units: number) => {
		const key = stockKey({ itemId, optionId });
		const known = needed.get(key);
		if (known) known.units += units;
		else needed.set(key, { itemId, optionId, units });
	};
	for (const line of lines) {
		add(line.itemId, null, line.quantity);
		// An option chosen twice on one line is still one per unit.
		for (const optionId of new Set(line.optionIds)) add(line.itemId, optionId, line.quantity);
	}
	return [...needed.values()];
}

/** Counts by stock key; a key that is absent is untracked. */
export type Counts = ReadonlyMap<string, number>;

/**
 * What the reservation takes from tracked counts (untracked keys take nothing,
 * so a release gives back exactly this), or the lines that cannot be served:
 * every line needing a key whose count is below what all lines together need.
 */
export function decideTake(
	lines: KitchenLine[],
	counts: Counts,
): { ok: true; take: Take[] } | { ok: false; short: ShortLine[] } {
	const take: Take[] = [];
	const shortKeys = new Map<string, number>();
	for (const need of unitsNeeded(lines)) {
		const key = stockKey(need);
		const available = counts.get(key);
		if (available === undefined) continue;
		if (available < need.units) shortKeys.set(key, available);
		else take.push(need);
	}
	if (shortKeys.size === 0) return { ok: true, take };
	const short: ShortLine[] = [];
	for (const line of lines) {
		const keys: StockKey[] = [
			{ itemId: line.itemId, optionId: null },
			...[...new Set(line.optionIds)].map((optionId) => ({ itemId: line.itemId, optionId })),
		];
		for (const key of keys) {
			const available = shortKeys.get(stockKey(key));
			if (available !== undefined) short.push({ lineId: line.lineId, ...key, available: Math.max(0, available) });
		}
	}
	return { ok: false, short };
}

/** Units an order counts for against a slot's capacity: every item unit, options aside. */
export function orderUnits(lines: KitchenLine[]): number {
	return lines.reduce((sum, line) => sum + line.quantity, 0);
}

/**
 * Items whose own count crossed zero in a change: sold out when it reaches 0,
 * back when it rises above 0 from 0. An item that stops being tracked (null)
 * is back too: untracked is unlimited.
 */
export function soldOutChanges(
	before: ReadonlyMap<string, number | null>,
	after: ReadonlyMap<string, number | null>,
): { itemId: string; soldOut: boolean }[] {
	const changes: { itemId: string; soldOut: boolean }[] = [];
	for (const itemId of new Set([...before.keys(), ...after.keys()])) {
		const was = before.get(itemId) ?? null;
		const is = after.get(itemId) ?? null;
		const wasOut = was !== null && was <= 0;
		const isOut = is !== null && is <= 0;
		if (wasOut !== isOut) changes.push({ itemId, soldOut: isOut });
	}
	return changes;
}

/** A local calendar date the opening stock may be set for: today (local) to 14 days on. */
export const OPENING_STOCK_DAYS_AHEAD = 14;

/** Why an opening-stock date is refused, or null when it is one of the next 15 local days. */
export function openingDateProblem(date: string, today: string): string | null {
	if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
		return "must be a date (YYYY-MM-DD)";
	}
	if (new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) return "must be a real calendar date";
	const days = (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000;
	if (days < 0) return `must be today (${today}) or later`;
	if (days > OPENING_STOCK_DAYS_AHEAD) return `must be at most ${OPENING_STOCK_DAYS_AHEAD} days ahead`;
	return null;
}
