import type { Principal } from "@goodfood/platform/app";
import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { assertMayAssign, assertMayManageStaff, managesAssignment, staffLocations } from "./staff";

const admin: Principal = { id: "acc-admin", role: "admin", locations: [] };
const manager: Principal = { id: "acc-manager", role: "manager", locations: ["london-soho", "london-camden"] };
const kitchen: Principal = { id: "acc-kitchen", role: "kitchen", locations: ["london-soho"] };

function refusal(run: () => void): { code: string; details?: unknown } | undefined {
	try {
		run();
		return undefined;
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation;
		throw error;
	}
}

describe("who manages a staff account", () => {
	it("an admin manages every staff role, anywhere", () => {
		expect(managesAssignment(admin, { role: "admin", locations: [] })).toBe(true);
		expect(managesAssignment(admin, { role: "manager", locations: ["new-york-chelsea"] })).toBe(true);
		expect(managesAssignment(admin, { role: "customer", locations: [] })).toBe(false);
	});

	it("a manager manages kitchen accounts whose locations are all theirs", () => {
		expect(managesAssignment(manager, { role: "kitchen", locations: ["london-soho"] })).toBe(true);
		expect(managesAssignment(manager, { role: "kitchen", locations: ["london-soho", "london-camden"] })).toBe(true);
	});

	it("a manager does not manage a kitchen shared with another location, other roles, or a kitchen of nowhere", () => {
		expect(managesAssignment(manager, { role: "kitchen", locations: ["london-soho", "new-york-chelsea"] })).toBe(false);
		expect(managesAssignment(manager, { role: "manager", locations: ["london-soho"] })).toBe(false);
		expect(managesAssignment(manager, { role: "admin", locations: [] })).toBe(false);
		expect(managesAssignment(manager, { role: "kitchen", locations: [] })).toBe(false);
	});

	it("kitchen staff and customers manage nobody", () => {
		expect(managesAssignment(kitchen, { role: "kitchen", locations: ["london-soho"] })).toBe(false);
		expect(managesAssignment({ ...kitchen, role: "customer" }, { role: "kitchen", locations: ["london-soho"] })).toBe(
			false,
		);
	});
});

describe("refusals", () => {
	it("a manager giving a role above kitchen is refused for the role", () => {
		expect(refusal(() => assertMayAssign(manager, { role: "manager", locations: ["london-soho"] }))).toMatchObject({
			code: "forbidden",
			details: { reason: "role", role: "manager", allowed: ["admin"] },
		});
	});

	it("a manager giving another location is refused naming it", () => {
		expect(
			refusal(() => assertMayAssign(manager, { role: "kitchen", locations: ["london-soho", "new-york-chelsea"] })),
		).toMatchObject({ code: "forbidden", details: { reason: "location", locationSlug: "new-york-chelsea" } });
	});

	it("an unknown account or a customer's is not found; one's own account is a conflict", () => {
		expect(refusal(() => assertMayManageStaff(admin, undefined))?.code).toBe("not_found");
		expect(refusal(() => assertMayManageStaff(admin, { id: "c", role: "customer", locations: [] }))?.code).toBe(
			"not_found",
		);
		expect(refusal(() => assertMayManageStaff(admin, { ...admin }))?.code).toBe("conflict");
		expect(refusal(() => assertMayManageStaff(manager, { ...manager }))?.code).toBe("conflict");
	});

	it("a manager changes a kitchen account of their own location, and no other", () => {
		const ours = { id: "k1", role: "kitchen" as const, locations: ["london-soho"] };
		const theirs = { id: "k2", role: "kitchen" as const, locations: ["new-york-chelsea"] };
		expect(refusal(() => assertMayManageStaff(manager, ours))).toBeUndefined();
		expect(refusal(() => assertMayManageStaff(manager, theirs))?.code).toBe("forbidden");
		expect(refusal(() => assertMayManageStaff(kitchen, ours))?.code).toBe("forbidden");
	});
});

describe("a role's locations", () => {
	it("admins keep none, others need one and lose duplicates", () => {
		expect(staffLocations("admin", ["london-soho"])).toEqual([]);
		expect(staffLocations("kitchen", ["london-soho", "london-soho"])).toEqual(["london-soho"]);
		expect(refusal(() => staffLocations("manager", []))).toMatchObject({
			code: "validation_failed",
			details: [{ field: "locations" }],
		});
	});
});
