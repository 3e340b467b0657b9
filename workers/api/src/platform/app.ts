/**
 * Router factory shared by every bounded context: an OpenAPIHono whose failed
 * validations all become the error envelope, so handlers only read `c.req.valid()`.
 */
import { OpenAPIHono } from "@hono/zod-openapi";
import { validationError } from "./errors";

export interface AppEnv {
	Bindings: Env;
	Variables: { requestId: string; d1: D1DatabaseSession };
}

export function createRouter() {
	return new OpenAPIHono<AppEnv>({
		defaultHook: (result) => {
			if (!result.success) throw validationError(result.error);
		},
	});
}
