/**
 * An audit entry's before and after as rows a person can read: one row per
 * field (nested fields as `address.city`, `openingHours.mon[0].from`), each
 * marked added, removed, changed or the same.
 */

export type ChangeKind = "added" | "removed" | "changed" | "same";

export interface FieldChange {
	/** The field's path; empty for a value that is not an object. */
	path: string;
	/** The value before, undefined when the field did not exist. */
	before: unknown;
	/** The value after, undefined when the field no longer exists. */
	after: unknown;
	kind: ChangeKind;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A list of plain values reads best whole (`["OrderPlaced", "OrderReady"]`), so only lists of objects are opened up. */
function opensUp(value: unknown): value is Record<string, unknown> | unknown[] {
	if (Array.isArray(value)) return value.some((entry) => typeof entry === "object" && entry !== null);
	return isRecord(value) && Object.keys(value).length > 0;
}

/** The value's leaves by path, in the value's own order. */
export function flatten(value: unknown, prefix = "", into = new Map<string, unknown>()): Map<string, unknown> {
	if (!opensUp(value)) {
		into.set(prefix, value);
		return into;
	}
	if (Array.isArray(value)) {
		value.forEach((entry, index) => {
			flatten(entry, `${prefix}[${index}]`, into);
		});
		return into;
	}
	for (const [key, entry] of Object.entries(value)) flatten(entry, prefix ? `${prefix}.${key}` : key, into);
	return into;
}

function same(a: unknown, b: unknown): boolean {
	return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Field by field, the after's fields first in its order, then those it no
 * longer has. A missing side (null or undefined: a creation, a deletion, a
 * write that recorded no before) makes every field of the other added or removed.
 */
export function auditDiff(before: unknown, after: unknown): FieldChange[] {
	const was = before === null || before === undefined ? new Map<string, unknown>() : flatten(before);
	const is = after === null || after === undefined ? new Map<string, unknown>() : flatten(after);
	const rows: FieldChange[] = [];
	for (const [path, value] of is) {
		if (!was.has(path)) rows.push({ path, before: undefined, after: value, kind: "added" });
		else {
			const old = was.get(path);
			rows.push({ path, before: old, after: value, kind: same(old, value) ? "same" : "changed" });
		}
	}
	for (const [path, value] of was) {
		if (!is.has(path)) rows.push({ path, before: value, after: undefined, kind: "removed" });
	}
	return rows;
}

/** How many rows say something changed. */
export function changeCount(rows: FieldChange[]): number {
	return rows.filter((row) => row.kind !== "same").length;
}

/** A leaf as text: strings as they are, anything else as JSON; nothing for a field that does not exist. */
export function showValue(value: unknown): string {
	if (value === undefined) return "";
	if (typeof value === "string") return value;
	return JSON.stringify(value);
}
