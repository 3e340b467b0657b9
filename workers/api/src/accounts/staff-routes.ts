/**
 * Staff accounts: invited, created, listed, changed and removed. Admins manage
 * every staff account; a manager manages the kitchen accounts of their own
 * locations (`domain/staff.ts`). A change or removal ends the account's
 * sessions at once.
 */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { requestLogger } from "@goodfood/platform/request-log";
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, ne } from "drizzle-orm";
import { auditChange } from "../audit/record";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { realAccount, syntheticLocationSlugs } from "../db/synthetic";
import { findLocation } from "../menu/repository";
import { invitationEmail } from "./domain/emails";
import { linkUrl } from "./domain/links";
import { passwordWeakness } from "./domain/passwords";
import { assertMayAssign, assertMayManageStaff, managesAssignment, staffLocations } from "./domain/staff";
import { invitationOf, pendingInvitation, pendingInvitations, pendingInvitationTo } from "./invitations";
import { claimLink, dropPendingLinks, issueLink, releaseLink, usableLink } from "./links";
import { sendLinkEmail } from "./mail";
import { createAccount, findAccount, findAccountByEmail, profileOf } from "./repository";
import {
	InvitationAcceptance,
	InvitationInput,
	InvitationView,
	ProfileView,
	RegisterResult,
	StaffInput,
	StaffPatch,
} from "./schemas";
import { endSessions } from "./sessions";
import { tokensFor } from "./sign-in";

const AccountIdParam = z.object({
	accountId: z
		.string()
		.min(1)
		.max(100)
		.openapi({ param: { name: "accountId", in: "path" }, example: "acc-demo-kitchen-soho" }),
});

const InvitationIdParam = z.object({
	invitationId: z
		.string()
		.min(1)
		.max(100)
		.openapi({ param: { name: "invitationId", in: "path" }, example: "lnk_0123456789abcdef0123456789abcdef" }),
});

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

async function assertLocationsExist(db: Database, slugs: string[]): Promise<void> {
	for (const slug of slugs) {
		if (!(await findLocation(db, slug))) throw ApiError.notFound(`Location ${slug}`);
	}
}

/** The location an audit entry files a change under: the one it concerns, when it concerns one. */
const onlyLocation = (locations: string[]) => (locations.length === 1 ? locations[0] : undefined);

/** Staff, and those admins and managers who manage them. */
const MANAGERS = requireRole("admin", "manager");

export const staffAccountRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/staff",
			tags: ["Staff"],
			summary: "Create a staff account with a password (admins only); inviting by e-mail is POST /staff/invitations",
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			request: { body: json(StaffInput) },
			responses: { 201: jsonContent(ProfileView, "The staff account"), ...errorResponses(400, 401, 403, 404, 409) },
		}),
		async (c) => {
			const input = c.req.valid("json");
			const db = database(c.var.d1);
			await assertLocationsExist(db, input.locations);
			const account = await createAccount(db, input);
			auditChange(c, { before: null, after: profileOf(account), locationSlug: onlyLocation(account.locations) });
			return c.json(profileOf(account), 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/staff",
			tags: ["Staff"],
			summary:
				"List staff accounts: every one for admins; for a manager, the kitchen accounts whose locations are all theirs",
			security: bearerSecurity,
			middleware: [MANAGERS],
			responses: { 200: jsonContent(z.object({ staff: z.array(ProfileView) }), "Staff"), ...errorResponses(401, 403) },
		}),
		async (c) => {
			const actor = signedIn(c);
			const db = database(c.var.d1);
			const rows = await db
				.select()
				.from(schema.accounts)
				.where(and(ne(schema.accounts.role, "customer"), realAccount()))
				.orderBy(asc(schema.accounts.email));
			return c.json({ staff: rows.filter((row) => managesAssignment(actor, row)).map(profileOf) }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "patch",
			path: "/staff/{accountId}",
			tags: ["Staff"],
			summary:
				"Change a staff member's role and locations (not your own; a manager: kitchen accounts of their locations, staying so): their sessions end at once, so the next request with an old token answers 401",
			security: bearerSecurity,
			middleware: [MANAGERS],
			request: { params: AccountIdParam, body: json(StaffPatch) },
			responses: {
				200: jsonContent(ProfileView, "The changed staff account"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { accountId } = c.req.valid("param");
			const patch = c.req.valid("json");
			const actor = signedIn(c);
			const db = database(c.var.d1);
			const target = await findAccount(db, accountId);
			assertMayManageStaff(actor, target);
			const locations = staffLocations(patch.role, patch.locations ?? target.locations);
			assertMayAssign(actor, { role: patch.role, locations });
			await assertLocationsExist(db, locations);
			const [updated] = await db
				.update(schema.accounts)
				.set({ role: patch.role, locations, updatedAt: new Date().toISOString() })
				.where(eq(schema.accounts.id, accountId))
				.returning();
			await endSessions(c, "staff_role_change", { accountId });
			auditChange(c, {
				before: profileOf(target),
				after: profileOf(updated),
				locationSlug: onlyLocation([...new Set([...target.locations, ...locations])]),
			});
			return c.json(profileOf(updated), 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/staff/{accountId}",
			tags: ["Staff"],
			summary:
				"Remove a staff account (not your own; a manager: kitchen accounts of their locations): its sessions end at once, so the next request with its token answers 401",
			security: bearerSecurity,
			middleware: [MANAGERS],
			request: { params: AccountIdParam },
			responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 409) },
		}),
		async (c) => {
			const { accountId } = c.req.valid("param");
			const db = database(c.var.d1);
			const target = await findAccount(db, accountId);
			assertMayManageStaff(signedIn(c), target);
			// Sessions first, while its refresh tokens still say which are live; they go with the account.
			await endSessions(c, "staff_removal", { accountId });
			await db.delete(schema.accounts).where(eq(schema.accounts.id, accountId));
			auditChange(c, { before: profileOf(target), after: null, locationSlug: onlyLocation(target.locations) });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/staff/invitations",
			tags: ["Staff"],
			summary:
				"Invite someone to a staff account by e-mail (link valid 7 days; a manager: kitchen accounts of their locations); inviting an address again replaces its pending invitation",
			security: bearerSecurity,
			middleware: [MANAGERS],
			request: { body: json(InvitationInput) },
			responses: {
				201: jsonContent(InvitationView, "Invited; the link is e-mailed"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const input = c.req.valid("json");
			const actor = signedIn(c);
			const locations = staffLocations(input.role, input.locations);
			assertMayAssign(actor, { role: input.role, locations });
			const db = database(c.var.d1);
			await assertLocationsExist(db, locations);
			const existing = await findAccountByEmail(db, input.email);
			if (existing?.role === "customer") {
				throw new ApiError("email_taken", "A customer account uses this address", [
					{ field: "email", message: "is a customer account's" },
				]);
			}
			if (existing) {
				throw new ApiError("already_staff", "This address already has a staff account", [
					{ field: "email", message: "already has a staff account" },
				]);
			}
			const replaced = await pendingInvitationTo(db, input.email);
			await dropPendingLinks(db, "staff_invitation", input.email);
			const { token, row } = await issueLink(db, {
				purpose: "staff_invitation",
				email: input.email,
				grant: { name: input.name, role: input.role, locations },
				createdBy: actor.id,
			});
			const inviter = await findAccount(db, actor.id);
			const url = linkUrl(c.env.APP_URL, "staff_invitation", token);
			await sendLinkEmail(
				c.env,
				db,
				requestLogger(c),
				row,
				invitationEmail({ name: input.name, role: input.role, locations, invitedBy: inviter?.name ?? "GoodFood", url }),
			);
			const invitation = invitationOf(row);
			auditChange(c, {
				before: replaced ? invitationOf(replaced) : null,
				after: invitation,
				locationSlug: onlyLocation(locations),
			});
			return c.json(invitation, 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/staff/invitations",
			tags: ["Staff"],
			summary: "Pending invitations (not accepted, not expired): all for admins; a manager's own reach for managers",
			security: bearerSecurity,
			middleware: [MANAGERS],
			responses: {
				200: jsonContent(z.object({ invitations: z.array(InvitationView) }), "Pending invitations"),
				...errorResponses(401, 403),
			},
		}),
		async (c) => {
			const actor = signedIn(c);
			const db = database(c.var.d1);
			const [pending, synthetic] = await Promise.all([pendingInvitations(db), syntheticLocationSlugs(db)]);
			const invitations = pending
				.map(invitationOf)
				.filter((invitation) => managesAssignment(actor, invitation))
				.filter((invitation) => !invitation.locations.some((slug) => synthetic.includes(slug)));
			return c.json({ invitations }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/staff/invitations/{invitationId}",
			tags: ["Staff"],
			summary: "Revoke a pending invitation: its link stops working",
			security: bearerSecurity,
			middleware: [MANAGERS],
			request: { params: InvitationIdParam },
			responses: { 204: { description: "Revoked" }, ...errorResponses(401, 403, 404) },
		}),
		async (c) => {
			const db = database(c.var.d1);
			const found = await pendingInvitation(db, c.req.valid("param").invitationId);
			if (!found) throw ApiError.notFound("Pending invitation");
			const invitation = invitationOf(found);
			assertMayAssign(signedIn(c), invitation);
			await db.delete(schema.accountLinks).where(eq(schema.accountLinks.id, found.id));
			auditChange(c, { before: invitation, after: null, locationSlug: onlyLocation(invitation.locations) });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/invitations/accept",
			tags: ["Staff"],
			summary:
				"Accept a staff invitation with its link's token and a password: creates the staff account (address confirmed) and signs in",
			request: { body: json(InvitationAcceptance) },
			responses: {
				201: jsonContent(RegisterResult, "The staff account, signed in"),
				...errorResponses(400, 409, 410),
			},
		}),
		async (c) => {
			const { token, password } = c.req.valid("json");
			const db = database(c.var.d1);
			const link = await usableLink(db, "staff_invitation", token);
			const weakness = passwordWeakness(password, link.email);
			if (weakness) {
				throw new ApiError("validation_failed", `Invalid password: ${weakness}`, [
					{ field: "password", message: weakness },
				]);
			}
			const invitation = invitationOf(link);
			await claimLink(db, link);
			let account: Awaited<ReturnType<typeof createAccount>>;
			try {
				account = await createAccount(db, {
					email: link.email,
					password,
					name: invitation.name,
					role: invitation.role,
					locations: invitation.locations,
					emailVerified: true,
				});
			} catch (error) {
				// The address was taken meanwhile: the invitation stays as it was, for an admin to sort out.
				await releaseLink(db, link);
				throw error;
			}
			return c.json({ ...(await tokensFor(c, account)), account: profileOf(account) }, 201);
		},
	);
