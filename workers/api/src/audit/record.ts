/**
 * The audit log's writer: after every request, a staff or admin write that
 * succeeded is recorded with who, what, when, and before and after. A route
 * that knows the state it found and left says so with `auditChange`; for the
 * others `after` is the JSON body the route accepted (secrets redacted), and
 * `before` is absent. A GraphQL request is recorded only when it ran a
 * mutation, named by the mutation, with its variables as `after`.
 */
import type { AppEnv, AuditChange } from "@goodfood/platform/app";
import { isStaffRole } from "@goodfood/platform/auth";
import { randomHex } from "@goodfood/platform/crypto";
import { requestLogger } from "@goodfood/platform/request-log";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { routePath } from "hono/route";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { GRAPHQL_PATH } from "../graph/server";
import { actionOf, auditId, isAudited, locationOfPath, redacted } from "./domain/entry";
import { graphWrite } from "./domain/graph";

/** Called by a write route: the state it found and the state it left, for the audit log; undefined says nothing. */
export function auditChange(c: Context<AppEnv>, change: AuditChange | undefined): void {
	if (change) c.set("auditChange", change);
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

/** A staff POST to the graph: its body is kept, as the graph server reads the request itself. */
function isStaffGraphPost(c: Context<AppEnv>): boolean {
	const role = c.get("principal")?.role;
	return c.req.method === "POST" && c.req.path === GRAPHQL_PATH && role !== undefined && isStaffRole(role);
}

/** A JSON answer, read from a copy so the client still gets it; undefined for any other answer. */
async function jsonAnswer(c: Context<AppEnv>): Promise<unknown> {
	if (!/json/.test(c.res.headers.get("content-type") ?? "")) return undefined;
	return c.res
		.clone()
		.json()
		.catch(() => undefined);
}

/** What an entry says beyond who and when: the action, and the change the write made. */
interface Described {
	action: string;
	change: AuditChange | undefined;
	after: unknown;
}

/** A REST write: the change its route described, or else the body it accepted. */
async function describeRest(c: Context<AppEnv>): Promise<Described> {
	const change = c.get("auditChange");
	return { action: actionOf(c.req.method, routePath(c)), change, after: change ? change.after : await jsonBody(c) };
}

/** A GraphQL request: its mutations that succeeded and their variables; undefined for a read. */
async function describeGraph(c: Context<AppEnv>, body: unknown): Promise<Described | undefined> {
	const write = graphWrite(body, await jsonAnswer(c));
	const change = c.get("auditChange");
	return write && { action: write.action, change, after: change ? change.after : write.after };
}

/**
 * Records the write once the route has answered. A failure to record is
 * logged as an error rather than turned into a failed answer: the write itself
 * has already happened, and saying it failed would invite a duplicate.
 */
export const recordStaffWrites = createMiddleware<AppEnv>(async (c, next) => {
	const graphBody = isStaffGraphPost(c)
		? c.req.raw
				.clone()
				.json()
				.catch(() => undefined)
		: undefined;
	await next();
	const principal = c.get("principal");
	if (!isAudited(c.req.method, principal?.role, c.res.status) || !principal) return;
	const now = Date.now();
	try {
		const described = graphBody ? await describeGraph(c, await graphBody) : await describeRest(c);
		if (!described) return;
		const { action, change, after } = described;
		await database(c.var.d1)
			.insert(schema.auditLog)
			.values({
				id: auditId(now, randomHex(6)),
				at: new Date(now).toISOString(),
				actorId: principal.id,
				actorRole: principal.role,
				action,
				target: c.req.path,
				locationSlug: change?.locationSlug ?? locationOfPath(c.req.path) ?? null,
				status: c.res.status,
				before: change?.before === undefined ? null : redacted(change.before),
				after: redacted(after) ?? null,
				requestId: c.var.requestId,
			});
	} catch (error) {
		requestLogger(c).error("audit entry not recorded", {
			error: error instanceof Error ? error.message : String(error),
			path: c.req.path,
		});
	}
});
