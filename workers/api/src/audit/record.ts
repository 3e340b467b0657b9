/**
 * The audit log's writer: after every request, a staff or admin write that
 * succeeded is recorded with who, what, when, and before and after. A route
 * that knows the state it found and left says so with `auditChange`; for the
 * others `after` is the JSON body the route accepted (secrets redacted), and
 * `before` is absent.
 */
import type { AppEnv, AuditChange } from "@goodfood/platform/app";
import { randomHex } from "@goodfood/platform/crypto";
import { requestLogger } from "@goodfood/platform/request-log";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { actionOf, auditId, isAudited, locationOfPath, redacted } from "./domain/entry";

/** Called by a write route: the state it found and the state it left, for the audit log. */
export function auditChange(c: Context<AppEnv>, change: AuditChange): void {
	c.set("auditChange", change);
}

/** The JSON body the route read, from Hono's cache; nothing for other bodies (a photo's bytes, say). */
async function jsonBody(c: Context<AppEnv>): Promise<unknown> {
	if (!c.req.header("content-type")?.includes("application/json")) return undefined;
	try {
		return await c.req.json();
	} catch {
		return undefined;
	}
}

/**
 * Records the write once the route has answered. A failure to record is
 * logged as an error rather than turned into a failed answer: the write itself
 * has already happened, and saying it failed would invite a duplicate.
 */
export const recordStaffWrites = createMiddleware<AppEnv>(async (c, next) => {
	await next();
	const principal = c.get("principal");
	if (!isAudited(c.req.method, principal?.role, c.res.status) || !principal) return;
	const change = c.get("auditChange");
	const now = Date.now();
	try {
		await database(c.var.d1)
			.insert(schema.auditLog)
			.values({
				id: auditId(now, randomHex(6)),
				at: new Date(now).toISOString(),
				actorId: principal.id,
				actorRole: principal.role,
				action: actionOf(c.req.method, routePath(c)),
				target: c.req.path,
				locationSlug: change?.locationSlug ?? locationOfPath(c.req.path) ?? null,
				status: c.res.status,
				before: change?.before === undefined ? null : redacted(change.before),
				after: redacted(change ? change.after : await jsonBody(c)) ?? null,
				requestId: c.var.requestId,
			});
	} catch (error) {
		requestLogger(c).error("audit entry not recorded", {
			error: error instanceof Error ? error.message : String(error),
			path: c.req.path,
		});
	}
});
