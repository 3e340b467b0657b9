/** Staff invitations in D1: the pending `staff_invitation` links, as the API shows them. */
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { LinkRow } from "./links";
import type { InvitationView } from "./schemas";

/** An invitation as the API shows it; an invitation row always carries its grant. */
export function invitationOf(link: LinkRow): InvitationView {
	const grant = link.grant ?? { name: "", role: "kitchen", locations: [] };
	return {
		id: link.id,
		email: link.email,
		name: grant.name,
		role: grant.role,
		locations: grant.locations,
		expiresAt: new Date(link.expiresAt).toISOString(),
		invitedBy: link.createdBy,
	};
}

const pending = (now: number) => {
	const { accountLinks } = schema;
	return and(
		eq(accountLinks.purpose, "staff_invitation"),
		isNull(accountLinks.usedAt),
		gt(accountLinks.expiresAt, now),
	);
};

/** Invitations not yet accepted and not expired, oldest first. */
export function pendingInvitations(db: Database, now = Date.now()): Promise<LinkRow[]> {
	return db.select().from(schema.accountLinks).where(pending(now)).orderBy(asc(schema.accountLinks.createdAt));
}

/** The pending invitation with this id, or undefined. */
export function pendingInvitation(db: Database, id: string, now = Date.now()): Promise<LinkRow | undefined> {
	return db
		.select()
		.from(schema.accountLinks)
		.where(and(eq(schema.accountLinks.id, id), pending(now)))
		.get();
}

/** The pending invitation to an address, or undefined: inviting it again replaces it. */
export function pendingInvitationTo(db: Database, email: string, now = Date.now()): Promise<LinkRow | undefined> {
	return db
		.select()
		.from(schema.accountLinks)
		.where(and(eq(schema.accountLinks.email, email), pending(now)))
		.get();
}
