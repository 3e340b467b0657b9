/** One structured JSON log line per request, written once the response is ready. */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "./app";

/**
 * The route pattern that answered (`/api/v1/carts/:cartId`), so logs group by
 * route and never hold the ids in the path (a cart id is its secret); the raw
 * path only when no route matched.
 */
function routeOf(c: Context<AppEnv>): string {
	const route = matchedRoutes(c).findLast((candidate) => candidate.method !== "ALL");
	return route?.path ?? c.req.path;
}

export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
	// Workers' clock moves only across I/O: this is the time spent waiting, not CPU time.
	const started = Date.now();
	await next();
	const status = c.res.status;
	console.log(
		JSON.stringify({
			level: status >= 500 ? "error" : "info",
			message: "request",
			requestId: c.get("requestId"),
			method: c.req.method,
			path: routeOf(c),
			status,
			durationMs: Date.now() - started,
			principalId: c.get("principal")?.id,
		}),
	);
});
