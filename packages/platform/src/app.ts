/**
 * Router factory shared by every bounded context: an OpenAPIHono whose failed
 * validations all become the error envelope, so handlers only read `c.req.valid()`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
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

export interface AppEnv {
	Bindings: Env;
	Variables: { requestId: string; trace: TraceContext; d1: D1DatabaseSession; principal: Principal | undefined };
}

export function createRouter() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) throw validationError(result.error);
		},
	});
}
