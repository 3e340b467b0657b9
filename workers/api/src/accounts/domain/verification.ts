/**
 * E-mail verification: what an account may do before its address is shown to
 * be the holder's. Saved addresses wait, so an account made with someone
 * else's address cannot be filled with where a person lives; ordering does
 * not wait, since a guest types the address in at checkout anyway.
 */
import { violation } from "@goodfood/platform/rule-violation";

/** 403 `email_unverified` for saving any address while the account's address is unconfirmed. */
export function assertMaySaveAddresses(
	emailVerifiedAt: string | null,
	addresses: readonly unknown[] | undefined,
): void {
	if (emailVerifiedAt !== null || !addresses || addresses.length === 0) return;
	throw violation("email_unverified", "Confirm your e-mail address before saving addresses", [
		{ field: "addresses", message: "need a confirmed e-mail address; use the link we e-mailed you" },
	]);
}

/** 409 `already_verified`: there is nothing to send a link for. */
export function assertNotVerified(emailVerifiedAt: string | null): void {
	if (emailVerifiedAt !== null) throw violation("already_verified", "Your e-mail address is confirmed already");
}
