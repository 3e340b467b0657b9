/**
 * Who may change or remove a staff account, and what a staff role needs. Plain
 * rules: the routes load the accounts and store the result.
 */
import type { Role } from "@goodfood/platform/app";
import { violation } from "@goodfood/platform/rule-violation";

export type StaffRole = Exclude<Role, "customer">;

/** The staff account a change names: customers are not staff, so they are not found. */
export interface StaffTarget {
	id: string;
	role: Role;
}

/**
 * An admin changes or removes other staff, never themselves, so the last admin
 * cannot lock everyone out by mistake; and a customer's account is not staff.
 */
export function assertMayManageStaff(actorId: string, target: StaffTarget | undefined): asserts target is StaffTarget {
	if (!target || target.role === "customer") throw violation("not_found", "Staff account not found");
	if (target.id === actorId) {
		throw violation("conflict", "You may not change or remove your own staff account; another admin can");
	}
}

/** The locations a role keeps: admins work everywhere (none listed); kitchen and manager need at least one. */
export function staffLocations(role: StaffRole, locations: string[]): string[] {
	if (role === "admin") return [];
	if (locations.length === 0) {
		throw violation("validation_failed", "Kitchen and manager accounts need a location", [
			{ field: "locations", message: "kitchen and manager accounts need a location" },
		]);
	}
	return [...new Set(locations)];
}

/** Staff accounts are an admin's to remove, so no location is left without its last admin by accident. */
export function assertMayDeleteOwnAccount(role: Role): void {
	if (role === "customer") return;
	throw violation("forbidden", `Your role (${role}) may not delete your own account; an admin removes staff accounts`, {
		reason: "role",
		role,
		allowed: ["customer"],
	});
}
