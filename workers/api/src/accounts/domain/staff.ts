/**
 * Who may see, invite, change or remove a staff account, and what a staff role
 * needs. Plain rules: the routes load the accounts and store the result.
 *
 * Admins manage every staff account but their own. A manager manages the
 * kitchen accounts whose locations are all among the manager's own: they run
 * those kitchens, and a kitchen account shared with another location is that
 * location's business too.
 */
import type { Principal, Role } from "@goodfood/platform/app";
import type { ForbiddenDetails } from "@goodfood/platform/auth";
import { violation } from "@goodfood/platform/rule-violation";

export type StaffRole = Exclude<Role, "customer">;

/** A role and the locations it works at: an account's, or what an invitation or a change would give. */
export interface StaffAssignment {
	role: Role;
	locations: string[];
}

/** The staff account a change names: customers are not staff, so they are not found. */
export interface StaffTarget extends StaffAssignment {
	id: string;
}

/** Whether the actor may manage an account with this role and these locations. */
export function managesAssignment(actor: Principal, assignment: StaffAssignment): boolean {
	if (actor.role === "admin") return assignment.role !== "customer";
	if (actor.role !== "manager") return false;
	return (
		assignment.role === "kitchen" &&
		assignment.locations.length > 0 &&
		assignment.locations.every((slug) => actor.locations.includes(slug))
	);
}

/** 403 naming why: a role the actor may not hand out or touch, or a location that is not theirs. */
function refusal(actor: Principal, assignment: StaffAssignment) {
	if (actor.role === "manager" && assignment.role === "kitchen") {
		const foreign = assignment.locations.find((slug) => !actor.locations.includes(slug)) ?? "";
		const details: ForbiddenDetails = { reason: "location", locationSlug: foreign };
		return violation("forbidden", `Your account does not manage ${foreign}`, details);
	}
	const details: ForbiddenDetails = { reason: "role", role: actor.role, allowed: ["admin"] };
	const message =
		actor.role === "manager"
			? "A manager manages kitchen accounts at their own locations only; an admin manages the rest"
			: `Your role (${actor.role}) may not manage staff accounts`;
	return violation("forbidden", message, details);
}

/** 403 unless the actor may give this role and these locations (an invitation, or a change's result). */
export function assertMayAssign(actor: Principal, assignment: StaffAssignment): void {
	if (!managesAssignment(actor, assignment)) throw refusal(actor, assignment);
}

/**
 * The actor may change or remove the target: it is a staff account (404
 * otherwise, customers included), not the actor's own (409: the last admin
 * cannot lock everyone out by mistake), and within the actor's reach (403).
 */
export function assertMayManageStaff(actor: Principal, target: StaffTarget | undefined): asserts target is StaffTarget {
	if (!target || target.role === "customer") throw violation("not_found", "Staff account not found");
	if (target.id === actor.id) {
		throw violation("conflict", "You may not change or remove your own staff account; another admin can");
	}
	assertMayAssign(actor, target);
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
