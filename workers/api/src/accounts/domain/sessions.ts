/**
 * Sessions: a session is one sign-in (a refresh-token family), and every
 * access token names the session it was issued for. These are the rules for
 * which account changes end which sessions; the tokens and their storage are
 * `../tokens.ts` and `@goodfood/platform/access-token`.
 */
import { ACCESS_TOKEN_TTL_SECONDS } from "@goodfood/platform/access-token";

/** What happened to an account that may end its sessions. */
export type AccountChange =
	| "sign_out"
	| "password_change"
	| "password_reset"
	| "account_deletion"
	| "staff_removal"
	| "staff_role_change";

/**
 * A sign-out ends its own sign-in only. A password change, made by someone who
 * knew the password, ends every other sign-in (a thief's, say) and keeps the
 * one that made it. Anything else that changes who may use the account or
 * what it may do ends every sign-in, because the access tokens already handed
 * out carry the old answer (a staff token carries its role); a reset by
 * e-mail is one of them, since whoever asked may not be the one signed in.
 */
export function sessionsEndedBy(change: AccountChange): "this" | "others" | "all" {
	if (change === "sign_out") return "this";
	if (change === "password_change") return "others";
	return "all";
}

/** Clocks may disagree a little: a session counts as live this much longer than its last token. */
const CLOCK_SKEW_MS = 60_000;

/**
 * Access tokens are only issued together with a refresh token, so a session
 * whose newest refresh token is older than an access token's lifetime has no
 * access token left alive, and needs no revocation mark.
 */
export function liveSessionCutoff(now: number): number {
	return now - ACCESS_TOKEN_TTL_SECONDS * 1000 - CLOCK_SKEW_MS;
}
