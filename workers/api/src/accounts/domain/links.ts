/**
 * Single-use links sent by e-mail (password resets, address verifications,
 * staff invitations): how long each kind lives, where it points, and why a
 * presented one is refused. Plain rules; `../links.ts` stores and claims them.
 */
import { violation } from "@goodfood/platform/rule-violation";

export type LinkPurpose = "password_reset" | "email_verification" | "staff_invitation";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A reset link is a key to the account, so it is short-lived; the others wait for a busy inbox. */
export const LINK_LIFETIME_MS: Record<LinkPurpose, number> = {
	password_reset: 30 * MINUTE_MS,
	email_verification: 7 * DAY_MS,
	staff_invitation: 7 * DAY_MS,
};

/** The web app's page each kind of link opens. */
const LINK_PAGES: Record<LinkPurpose, string> = {
	password_reset: "/reset-password",
	email_verification: "/verify-email",
	staff_invitation: "/invitation",
};

/** The address an e-mail links to: the web app's page, with the token. */
export function linkUrl(appUrl: string, purpose: LinkPurpose, token: string): string {
	return `${appUrl.replace(/\/+$/, "")}${LINK_PAGES[purpose]}?token=${encodeURIComponent(token)}`;
}

/** What of a stored link decides whether it still works. */
export interface LinkState {
	expiresAt: number;
	usedAt: number | null;
}

/**
 * Throws why a presented link does not work: never issued (or revoked, or for
 * another purpose) 400 `link_invalid`, used 410 `link_used`, past its expiry
 * 410 `link_expired`. Used wins over expired: the holder did use it.
 */
export function assertLinkUsable(link: LinkState | undefined, now: number): asserts link is LinkState {
	if (!link) {
		throw violation("link_invalid", "This link is not valid; ask for a new one", [
			{ field: "token", message: "is not a link we sent" },
		]);
	}
	if (link.usedAt !== null) throw violation("link_used", "This link has been used already; a link works once");
	if (link.expiresAt <= now) throw violation("link_expired", "This link has expired; ask for a new one");
}
