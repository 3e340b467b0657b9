/**
 * Router factory shared by every bounded context: an OpenAPIHono whose failed
 * validations all become the error envelope, so handlers only read `c.req.valid()`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import type { OrderDataSessions } from "./d1-session";
import { validationError } from "./errors";
import type { TraceContext } from "./trace";

export type Role = "customer" | "kitchen" | "manager" | "admin";

/** Who is calling, from a verified access token; absent for anonymous callers. */
export interface Principal {
	id: string;
	role: Role;
	/** Location slugs a kitchen or manager account works at; empty for customers and admins. */
	locations: string[];
}

/** The state a write found and left, and the location it concerned: the audit log's before and after. */
export interface AuditChange {
	before?: unknown;
	after?: unknown;
	locationSlug?: string;
}

export interface AppEnv {
	Bindings: Env;
	Variables: {
		requestId: string;
		trace: TraceContext;
		/** The global database (catalogue, accounts, webhooks), through a session. */
		d1: D1DatabaseSession;
		/** The regions' order databases, each through a session opened on first use. */
		orderData: OrderDataSessions;
		principal: Principal | undefined;
		/** What a staff write changed, as its route describes it for the audit log (workers/api/src/audit). */
		auditChange: AuditChange | undefined;
	};
}

export function createRouter() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) throw validationError(result.error);
		},
	});
}
