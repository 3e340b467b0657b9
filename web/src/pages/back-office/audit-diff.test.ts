/** What an audit entry's before/after diff shows: which fields changed, were added or removed. */
import { describe, expect, it } from "vitest";
import { auditDiff, changeCount, flatten, showValue } from "./audit-diff";

describe("audit diff", () => {
	it("marks the changed field and leaves the rest as they were", () => {
		const rows = auditDiff(
			{ name: "Soho", ordering: { paused: false, reason: null } },
			{ name: "Soho", ordering: { paused: true, reason: "Oven broken" } },
		);
		expect(rows).toEqual([
			{ path: "name", before: "Soho", after: "Soho", kind: "same" },
			{ path: "ordering.paused", before: false, after: true, kind: "changed" },
			{ path: "ordering.reason", before: null, after: "Oven broken", kind: "changed" },
		]);
		expect(changeCount(rows)).toBe(2);
	});

	it("lists fields only after as added and fields only before as removed, removed ones last", () => {
		expect(auditDiff({ a: 1, gone: "x" }, { a: 1, b: 2 })).toEqual([
			{ path: "a", before: 1, after: 1, kind: "same" },
			{ path: "b", before: undefined, after: 2, kind: "added" },
			{ path: "gone", before: "x", after: undefined, kind: "removed" },
		]);
	});

	it("treats a creation as all added and a deletion as all removed", () => {
		expect(auditDiff(null, { email: "a@b.c" })).toEqual([
			{ path: "email", before: undefined, after: "a@b.c", kind: "added" },
		]);
		expect(auditDiff({ email: "a@b.c" }, undefined)).toEqual([
			{ path: "email", before: "a@b.c", after: undefined, kind: "removed" },
		]);
		expect(auditDiff(null, null)).toEqual([]);
	});

	it("opens lists of objects by index but keeps lists of plain values whole", () => {
		const before = { events: ["OrderPlaced"], hours: { mon: [{ from: "09:00", until: "17:00" }] } };
		const after = { events: ["OrderPlaced", "OrderReady"], hours: { mon: [{ from: "10:00", until: "17:00" }] } };
		expect(auditDiff(before, after)).toEqual([
			{ path: "events", before: ["OrderPlaced"], after: ["OrderPlaced", "OrderReady"], kind: "changed" },
			{ path: "hours.mon[0].from", before: "09:00", after: "10:00", kind: "changed" },
			{ path: "hours.mon[0].until", before: "17:00", after: "17:00", kind: "same" },
		]);
	});

	it("compares a value that is not an object as a whole", () => {
		expect(auditDiff("draft", "live")).toEqual([{ path: "", before: "draft", after: "live", kind: "changed" }]);
		expect(flatten({ empty: {}, none: [] })).toEqual(
			new Map<string, unknown>([
				["empty", {}],
				["none", []],
			]),
		);
	});

	it("shows strings as they are and other values as JSON", () => {
		expect(showValue("Oven broken")).toBe("Oven broken");
		expect(showValue(null)).toBe("null");
		expect(showValue(["a", "b"])).toBe('["a","b"]');
		expect(showValue(undefined)).toBe("");
	});
});
