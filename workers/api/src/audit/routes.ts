/**
 * `GET /admin/audit`: the audit log for admins, newest first, a page at a
 * time. Filters narrow it by who, what, where and when.
 */
import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import { database } from "../db/client";
import { actorFilterOf, nextCursorOf, rangeOf } from "./domain/query";
import { type AuditRow, readEntries } from "./repository";
import { type AuditEntry, AuditPageSchema, AuditQuery } from "./schemas";

function entryOf(row: AuditRow): AuditEntry {
	return {
		id: row.id,
		at: row.at,
		actor: { id: row.actorId, role: row.actorRole as AuditEntry["actor"]["role"], email: row.actorEmail },
		action: row.action,
		target: row.target,
		location: row.locationSlug,
		status: row.status,
		before: row.before ?? null,
		after: row.after ?? null,
	};
}

export const auditRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/admin/audit",
		tags: ["Audit"],
		summary: "The audit log: every staff and admin write that succeeded, newest first (admins only)",
		description:
			"Filters combine. Page with nextCursor: pass it as cursor for the older entries, with the same filters.",
		security: bearerSecurity,
		middleware: [requireRole("admin")],
		request: { query: AuditQuery },
		responses: {
			200: jsonContent(AuditPageSchema, "A page of entries, newest first"),
			...errorResponses(400, 401, 403),
		},
	}),
	async (c) => {
		const { actor, action, location, from, to, cursor, limit } = c.req.valid("query");
		// One more than asked: whether it comes back says if there is a next page.
		const rows = await readEntries(
			database(c.var.d1),
			{ actor: actor === undefined ? undefined : actorFilterOf(actor), action, location, cursor, ...rangeOf(from, to) },
			limit + 1,
		);
		c.header("cache-control", "no-store");
		return c.json(
			{
				entries: rows.slice(0, limit).map(entryOf),
				nextCursor: nextCursorOf(
					rows.map((row) => row.id),
					limit,
				),
			},
			200,
		);
	},
);
