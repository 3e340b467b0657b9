/**
 * The back office's calls: staff and their invitations, locations with their
 * opening hours, closures and pause switch; and the account-recovery links
 * (password reset, e-mail verification, invitations) the e-mails lead to.
 *
 * Shapes are inferred from the api worker's route declarations, as in
 * types.ts, so a changed route fails `npm run typecheck:web` here.
 */
import { request, V1 } from "./http";
import type { Answer, Body, Location, Profile, Routes, WeeklyOpeningHours } from "./types";

const enc = encodeURIComponent;

// Staff

export type StaffList = Answer<Routes["staff"]["$get"]>;
export type StaffPatch = Body<Routes["staff"][":accountId"]["$patch"]>;
export type StaffRole = StaffPatch["role"];
export const STAFF_ROLES: readonly StaffRole[] = ["kitchen", "manager", "admin"];

/** A pending invitation to a staff account. */
export type Invitation = Answer<Routes["staff"]["invitations"]["$post"]>;
export type InvitationList = Answer<Routes["staff"]["invitations"]["$get"]>;
export type InvitationInput = Body<Routes["staff"]["invitations"]["$post"]>;

export function listStaff(): Promise<StaffList> {
	return request(`${V1}/staff`);
}

export function changeStaff(accountId: string, patch: StaffPatch): Promise<Profile> {
	return request(`${V1}/staff/${enc(accountId)}`, { method: "PATCH", body: patch });
}

/** Removes the account; its sessions end at once. */
export function removeStaff(accountId: string): Promise<void> {
	return request(`${V1}/staff/${enc(accountId)}`, { method: "DELETE" });
}

export function listInvitations(): Promise<InvitationList> {
	return request(`${V1}/staff/invitations`);
}

/** Invites someone by e-mail; inviting the same address again replaces the pending invitation. */
export function invite(input: InvitationInput): Promise<Invitation> {
	return request(`${V1}/staff/invitations`, { method: "POST", body: input });
}

export function revokeInvitation(invitationId: string): Promise<void> {
	return request(`${V1}/staff/invitations/${enc(invitationId)}`, { method: "DELETE" });
}

// Locations

/** A location as the back office reads it, with its pause and closures. */
export type ManagedLocation = Location;
/** Whether a location takes orders now, and why not. */
export type Ordering = Location["ordering"];
/** A day or run of days (local dates, inclusive) the location is closed. */
export type Closure = Answer<Routes["locations"][":slug"]["closures"]["$post"]>;
export type ClosureList = Answer<Routes["locations"][":slug"]["closures"]["$get"]>;
export type ClosureInput = Body<Routes["locations"][":slug"]["closures"]["$post"]>;
/** The body of POST /locations: a location's details and the slug it is reached by. */
export type NewLocation = Body<Routes["locations"]["$post"]>;

export function getLocation(slug: string): Promise<Location> {
	return request(`${V1}/locations/${enc(slug)}`);
}

export function createLocation(input: NewLocation): Promise<Answer<Routes["locations"]["$post"]>> {
	return request(`${V1}/locations`, { method: "POST", body: input });
}

export function setOpeningHours(slug: string, openingHours: WeeklyOpeningHours): Promise<Location> {
	const body: Body<Routes["locations"][":slug"]["opening-hours"]["$put"]> = { openingHours };
	return request(`${V1}/locations/${enc(slug)}/opening-hours`, { method: "PUT", body });
}

export function listClosures(slug: string): Promise<ClosureList> {
	return request(`${V1}/locations/${enc(slug)}/closures`);
}

export function addClosure(slug: string, input: ClosureInput): Promise<Closure> {
	return request(`${V1}/locations/${enc(slug)}/closures`, { method: "POST", body: input });
}

export function removeClosure(slug: string, closureId: string): Promise<void> {
	return request(`${V1}/locations/${enc(slug)}/closures/${enc(closureId)}`, { method: "DELETE" });
}

/** Stops new orders at the location (checkout answers 409 location_paused) until it is resumed. */
export function pauseOrdering(
	slug: string,
	reason: string,
): Promise<Answer<Routes["locations"][":slug"]["pause"]["$post"]>> {
	return request(`${V1}/locations/${enc(slug)}/pause`, { method: "POST", body: { reason } });
}

export function resumeOrdering(slug: string): Promise<Answer<Routes["locations"][":slug"]["resume"]["$post"]>> {
	return request(`${V1}/locations/${enc(slug)}/resume`, { method: "POST", body: {} });
}

// Account recovery, verification and invitations

/** The API's plain acknowledgement. */
export type Acknowledged = Answer<Routes["auth"]["password-reset"]["$post"]>;
export type EmailVerified = Answer<Routes["auth"]["verify-email"]["$post"]>;

/** Asks for a reset link; the answer is the same whether or not an account uses the address. */
export function requestPasswordReset(email: string): Promise<Acknowledged> {
	return request(`${V1}/auth/password-reset`, { method: "POST", body: { email }, authenticated: false });
}

export function completePasswordReset(token: string, password: string): Promise<Acknowledged> {
	return request(`${V1}/auth/password-reset/complete`, {
		method: "POST",
		body: { token, password },
		authenticated: false,
	});
}

export function verifyEmail(token: string): Promise<EmailVerified> {
	return request(`${V1}/auth/verify-email`, { method: "POST", body: { token }, authenticated: false });
}

/** Sends the signed-in account a fresh verification link. */
export function resendVerification(): Promise<Acknowledged> {
	return request(`${V1}/customers/me/verification`, { method: "POST", body: {} });
}

/** Creates the invited staff account with its password; answers as registering does, signed in. */
export function acceptInvitation(
	token: string,
	password: string,
): Promise<Answer<Routes["auth"]["invitations"]["accept"]["$post"]>> {
	return request(`${V1}/auth/invitations/accept`, {
		method: "POST",
		body: { token, password },
		authenticated: false,
	});
}

/**
 * Whether the account's e-mail address is verified. A profile kept in this tab
 * from before the API said counts as verified, so nobody is nagged by mistake.
 */
export function emailVerified(profile: Profile): boolean {
	return profile.emailVerified !== false;
}
