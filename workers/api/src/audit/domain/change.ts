/** How a write route describes its change for the audit log, kept small: the fields it touched, not whole rows. */
import type { AuditChange } from "@goodfood/platform/app";

/**
 * A patch's change: before holds only the fields the patch names, as they
 * were (a field the old state does not carry, such as an item's modifier
 * groups, is left out of before); after is the patch.
 */
export function patchChange(found: Record<string, unknown>, patch: Record<string, unknown>): AuditChange {
	const before = Object.fromEntries(Object.keys(patch).flatMap((key) => (key in found ? [[key, found[key]]] : [])));
	return { before, after: patch };
}

/** A row as the log keeps it: its own fields, without the bookkeeping every row has. */
export function withoutTimestamps<T extends { createdAt?: unknown; updatedAt?: unknown }>(
	row: T,
): Omit<T, "createdAt" | "updatedAt"> {
	const { createdAt: _created, updatedAt: _updated, ...fields } = row;
	return fields;
}
