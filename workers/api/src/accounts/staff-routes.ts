/** Staff accounts, created and listed by admins. */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { asc, ne } from "drizzle-orm";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { findLocation } from "../menu/repository";
import { createAccount, profileOf } from "./repository";
import { ProfileView, StaffInput } from "./schemas";

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
			for (const slug of input.locations) {
				if (!(await findLocation(db, slug))) throw ApiError.notFound(`Location ${slug}`);
			}
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
	);
