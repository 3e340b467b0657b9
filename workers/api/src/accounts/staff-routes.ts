/** Staff accounts: created, listed, changed and removed by admins. A change or removal ends the account's sessions at once. */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { asc, eq, ne } from "drizzle-orm";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { findLocation } from "../menu/repository";
import { assertMayManageStaff, staffLocations } from "./domain/staff";
import { createAccount, findAccount, profileOf } from "./repository";
import { ProfileView, StaffInput, StaffPatch } from "./schemas";
import { endSessions } from "./sessions";

const AccountIdParam = z.object({
	accountId: z
		.string()
		.min(1)
		.max(100)
		.openapi({ param: { name: "accountId", in: "path" }, example: "acc-demo-kitchen-soho" }),
});

async function assertLocationsExist(db: Database, slugs: string[]): Promise<void> {
	for (const slug of slugs) {
		if (!(await findLocation(db, slug))) throw ApiError.notFound(`Location ${slug}`);
	}
}

export const staffAccountRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/staff",
			tags: ["Staff"],
			summary: "Create a staff account (admins only)",
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			request: { body: { content: { "application/json": { schema: StaffInput } }, required: true } },
			responses: { 201: jsonContent(ProfileView, "The staff account"), ...errorResponses(400, 401, 403, 404, 409) },
		}),
		async (c) => {
			const input = c.req.valid("json");
			const db = database(c.var.d1);
			await assertLocationsExist(db, input.locations);
			const account = await createAccount(db, input);
			return c.json(profileOf(account), 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/staff",
			tags: ["Staff"],
			summary: "List staff accounts (admins only)",
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			responses: { 200: jsonContent(z.object({ staff: z.array(ProfileView) }), "Staff"), ...errorResponses(401, 403) },
		}),
		async (c) => {
			const db = database(c.var.d1);
			const rows = await db
				.select()
				.from(schema.accounts)
				.where(ne(schema.accounts.role, "customer"))
				.orderBy(asc(schema.accounts.email));
			return c.json({ staff: rows.map(profileOf) }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "patch",
			path: "/staff/{accountId}",
			tags: ["Staff"],
			summary:
				"Change a staff member's role and locations (admins only, not their own): their sessions end at once, so the next request with an old token answers 401",
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			request: {
				params: AccountIdParam,
				body: { content: { "application/json": { schema: StaffPatch } }, required: true },
			},
			responses: {
				200: jsonContent(ProfileView, "The changed staff account"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { accountId } = c.req.valid("param");
			const patch = c.req.valid("json");
			const db = database(c.var.d1);
			const target = await findAccount(db, accountId);
			assertMayManageStaff(signedIn(c).id, target);
			const locations = staffLocations(patch.role, patch.locations ?? target.locations);
			await assertLocationsExist(db, locations);
			const [updated] = await db
				.update(schema.accounts)
				.set({ role: patch.role, locations, updatedAt: new Date().toISOString() })
				.where(eq(schema.accounts.id, accountId))
				.returning();
			await endSessions(c, "staff_role_change", { accountId });
			return c.json(profileOf(updated), 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/staff/{accountId}",
			tags: ["Staff"],
			summary:
				"Remove a staff account (admins only, not their own): its sessions end at once, so the next request with its token answers 401",
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			request: { params: AccountIdParam },
			responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404, 409) },
		}),
		async (c) => {
			const { accountId } = c.req.valid("param");
			const db = database(c.var.d1);
			assertMayManageStaff(signedIn(c).id, await findAccount(db, accountId));
			// Sessions first, while its refresh tokens still say which are live; they go with the account.
			await endSessions(c, "staff_removal", { accountId });
			await db.delete(schema.accounts).where(eq(schema.accounts.id, accountId));
			return c.body(null, 204);
		},
	);
