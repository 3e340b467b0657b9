/**
 * The back office's calls: staff and their invitations, locations with their
 * opening hours, closures and pause switch; and the account-recovery links
 * (password reset, e-mail verification, invitations) the e-mails lead to.
 *
 * Shapes come from the api worker's routes where the route exists (as in
 * types.ts); the few written by hand are for routes of issue 19 still being
 * built, each marked to be inferred once its route lands.
 */
import type { InferRequestType, InferResponseType } from "hono/client";
import type { SuccessStatusCode } from "hono/utils/http-status";
import type { GoodFoodClient } from "../../../workers/api/src/client";
import { request } from "./http";
import type { Location, LocationSummary, Profile, WeeklyOpeningHours } from "./types";

type V1 = GoodFoodClient["api"]["v1"];
type Answer<Route> = InferResponseType<Route, SuccessStatusCode>;
type Body<Route> = InferRequestType<Route> extends { json: infer Json } ? Json : never;

const V1_PATH = "/api/v1";
const enc = encodeURIComponent;

// Staff

export type StaffList = Answer<V1["staff"]["$get"]>;
export type StaffPatch = Body<V1["staff"][":accountId"]["$patch"]>;
export type StaffRole = StaffPatch["role"];
export const STAFF_ROLES: readonly StaffRole[] = ["kitchen", "manager", "admin"];

/** A pending invitation to a staff account. */
export type Invitation = Answer<V1["staff"]["invitations"]["$post"]>;
export type InvitationList = Answer<V1["staff"]["invitations"]["$get"]>;
export type InvitationInput = Body<V1["staff"]["invitations"]["$post"]>;

export function listStaff(): Promise<StaffList> {
	return request(`${V1_PATH}/staff`);
}

export function changeStaff(accountId: string, patch: StaffPatch): Promise<Profile> {
	return request(`${V1_PATH}/staff/${enc(accountId)}`, { method: "PATCH", body: patch });
}

/** Removes the account; its sessions end at once. */
export function removeStaff(accountId: string): Promise<void> {
	return request(`${V1_PATH}/staff/${enc(accountId)}`, { method: "DELETE" });
}

export function listInvitations(): Promise<InvitationList> {
	return request(`${V1_PATH}/staff/invitations`);
}

/** Invites someone by e-mail; inviting the same address again replaces the pending invitation. */
export function invite(input: InvitationInput): Promise<Invitation> {
	return request(`${V1_PATH}/staff/invitations`, { method: "POST", body: input });
}

export function revokeInvitation(invitationId: string): Promise<void> {
	return request(`${V1_PATH}/staff/invitations/${enc(invitationId)}`, { method: "DELETE" });
}

// Locations

/** Whether a location takes orders now, and why not. */
// TODO(lead): infer from the route once it lands (Location["ordering"])
export interface Ordering {
	paused: boolean;
	reason: string | null;
	since: string | null;
}

/** A day or run of days (local dates, inclusive) the location is closed. */
// TODO(lead): infer from the route once it lands (Location["closures"][number])
export interface Closure {
	id: string;
	from: string;
	to: string;
	reason: string;
}

// TODO(lead): infer from the route once it lands (POST /locations/{slug}/closures)
export interface ClosureInput {
	from: string;
	to?: string;
	reason: string;
}

/** A location as the back office reads it: with its pause and closures. */
// TODO(lead): infer from the route once it lands (Location gains ordering and closures)
export type ManagedLocation = Location & { ordering: Ordering; closures: Closure[] };

/** The body of POST /locations: the details PUT takes, and the slug. */
// TODO(lead): infer from the route once it lands (POST /locations)
export type NewLocation = Body<V1["locations"][":slug"]["$put"]> & { slug: string };

const TAKING_ORDERS: Ordering = { paused: false, reason: null, since: null };

/**
 * Whether a location (a list entry, a menu's location) has ordering paused.
 * Reads a field the API is adding: until it is there, every location takes orders.
 */
// TODO(lead): read location.ordering directly once the route lands
export function orderingOf(location: Location | LocationSummary): Ordering {
	const ordering = (location as Partial<{ ordering: Ordering }>).ordering;
	return ordering ?? TAKING_ORDERS;
}

/** The location with its pause and closures, defaulted while the API does not send them yet. */
function managed(location: Location): ManagedLocation {
	const closures = (location as Partial<{ closures: Closure[] }>).closures ?? [];
	return { ...location, ordering: orderingOf(location), closures };
}

export async function getLocation(slug: string): Promise<ManagedLocation> {
	return managed(await request<Location>(`${V1_PATH}/locations/${enc(slug)}`));
}

export async function createLocation(input: NewLocation): Promise<ManagedLocation> {
	return managed(await request<Location>(`${V1_PATH}/locations`, { method: "POST", body: input }));
}

export async function setOpeningHours(slug: string, openingHours: WeeklyOpeningHours): Promise<ManagedLocation> {
	return managed(
		await request<Location>(`${V1_PATH}/locations/${enc(slug)}/opening-hours`, {
			method: "PUT",
			body: { openingHours },
		}),
	);
}

export function listClosures(slug: string): Promise<{ closures: Closure[] }> {
	return request(`${V1_PATH}/locations/${enc(slug)}/closures`);
}

export function addClosure(slug: string, input: ClosureInput): Promise<Closure> {
	return request(`${V1_PATH}/locations/${enc(slug)}/closures`, { method: "POST", body: input });
}

export function removeClosure(slug: string, closureId: string): Promise<void> {
	return request(`${V1_PATH}/locations/${enc(slug)}/closures/${enc(closureId)}`, { method: "DELETE" });
}

/** Stops new orders at the location (checkout answers 409 location_paused) until it is resumed. */
export async function pauseOrdering(slug: string, reason: string): Promise<ManagedLocation> {
	return managed(
		await request<Location>(`${V1_PATH}/locations/${enc(slug)}/pause`, { method: "POST", body: { reason } }),
	);
}

export async function resumeOrdering(slug: string): Promise<ManagedLocation> {
	return managed(await request<Location>(`${V1_PATH}/locations/${enc(slug)}/resume`, { method: "POST", body: {} }));
}

// Account recovery, verification and invitations

/** The API's plain acknowledgement. */
export type Acknowledged = Answer<V1["auth"]["password-reset"]["$post"]>;
export type EmailVerified = Answer<V1["auth"]["verify-email"]["$post"]>;

/** Asks for a reset link; the answer is the same whether or not an account uses the address. */
export function requestPasswordReset(email: string): Promise<Acknowledged> {
	return request(`${V1_PATH}/auth/password-reset`, { method: "POST", body: { email }, authenticated: false });
}

export function completePasswordReset(token: string, password: string): Promise<Acknowledged> {
	return request(`${V1_PATH}/auth/password-reset/complete`, {
		method: "POST",
		body: { token, password },
		authenticated: false,
	});
}

export function verifyEmail(token: string): Promise<EmailVerified> {
	return request(`${V1_PATH}/auth/verify-email`, { method: "POST", body: { token }, authenticated: false });
}

/** Sends the signed-in account a fresh verification link. */
export function resendVerification(): Promise<Acknowledged> {
	return request(`${V1_PATH}/customers/me/verification`, { method: "POST", body: {} });
}

/** Creates the invited staff account with its password; answers as registering does, signed in. */
export function acceptInvitation(
	token: string,
	password: string,
): Promise<Answer<V1["auth"]["invitations"]["accept"]["$post"]>> {
	return request(`${V1_PATH}/auth/invitations/accept`, {
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
