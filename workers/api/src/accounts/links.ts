/**
 * Single-use e-mailed links in D1 (`account_links`): the token is random and
 * only its SHA-256 is kept; a link is spent by a conditional UPDATE that only
 * one caller can win, so two concurrent uses cannot both succeed.
 */
import { randomToken, sha256Hex } from "@goodfood/platform/crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { assertLinkUsable, LINK_LIFETIME_MS, type LinkPurpose } from "./domain/links";

export type LinkRow = typeof schema.accountLinks.$inferSelect;

export interface NewLink {
	purpose: LinkPurpose;
	email: string;
	accountId?: string | null;
	grant?: schema.StaffGrant | null;
	createdBy?: string | null;
}

/** Issues a link: the row as stored, and the token, which exists only in the e-mail. */
export async function issueLink(
	db: Database,
	link: NewLink,
	now = Date.now(),
): Promise<{ token: string; row: LinkRow }> {
	const token = randomToken(32);
	const [row] = await db
		.insert(schema.accountLinks)
		.values({
			id: `lnk_${crypto.randomUUID().replaceAll("-", "")}`,
			purpose: link.purpose,
			email: link.email,
			accountId: link.accountId ?? null,
			grant: link.grant ?? null,
			createdBy: link.createdBy ?? null,
			tokenHash: await sha256Hex(token),
			expiresAt: now + LINK_LIFETIME_MS[link.purpose],
			createdAt: now,
		})
		.returning();
	return { token, row };
}

/** The link a token names for this purpose, or undefined: a token of another kind of link is no link here. */
export async function findLink(db: Database, purpose: LinkPurpose, token: string): Promise<LinkRow | undefined> {
	const { accountLinks } = schema;
	return db
		.select()
		.from(accountLinks)
		.where(and(eq(accountLinks.tokenHash, await sha256Hex(token)), eq(accountLinks.purpose, purpose)))
		.get();
}

/** The link a token names, if it still works; throws `link_invalid`, `link_used` or `link_expired` otherwise. */
export async function usableLink(db: Database, purpose: LinkPurpose, token: string, now = Date.now()) {
	const link = await findLink(db, purpose, token);
	assertLinkUsable(link, now);
	return link as LinkRow;
}

/**
 * Spends a link once: only one caller can move `used_at` from NULL while it is
 * unexpired. A loser is told why, as a fresh look at the row says.
 */
export async function claimLink(db: Database, link: LinkRow, now = Date.now()): Promise<void> {
	const { accountLinks } = schema;
	const claimed = await db
		.update(accountLinks)
		.set({ usedAt: now })
		.where(and(eq(accountLinks.id, link.id), isNull(accountLinks.usedAt), gt(accountLinks.expiresAt, now)))
		.returning({ id: accountLinks.id });
	if (claimed.length > 0) return;
	const current = await db.select().from(accountLinks).where(eq(accountLinks.id, link.id)).get();
	assertLinkUsable(current, now);
	// Unreachable: a row that is unused and unexpired would have been claimed.
	throw new Error(`link ${link.id} could not be claimed`);
}

/** Gives a claimed link back, when what it was spent on could not be done. */
export async function releaseLink(db: Database, link: LinkRow): Promise<void> {
	await db.update(schema.accountLinks).set({ usedAt: null }).where(eq(schema.accountLinks.id, link.id));
}

/** Removes the unused links of a kind sent to an address: their e-mails stop working (`link_invalid`). */
export async function dropPendingLinks(db: Database, purpose: LinkPurpose, email: string): Promise<void> {
	const { accountLinks } = schema;
	await db
		.delete(accountLinks)
		.where(and(eq(accountLinks.purpose, purpose), eq(accountLinks.email, email), isNull(accountLinks.usedAt)));
}
