/**
 * Request rate limits on the Workers rate-limit binding: per account when the
 * caller is signed in, else per client IP. It reads the principal, so it must
 * run after the auth middleware.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { ApiError, errorResponse } from "./errors";
import { errorText } from "./log";
import { requestLogger } from "./request-log";

/** Each binding's window in seconds, as its `[[ratelimits]]` entry in wrangler.toml says; the binding does not expose it. */
export const RATE_LIMIT_PERIODS = { RATE_LIMIT_ANONYMOUS: 60, RATE_LIMIT_ACCOUNT: 60 } as const;

/** The caller's address: Cloudflare's view of it, else the first proxy hop (local runs), else one shared bucket. */
export function clientIp(headers: Headers): string {
	return headers.get("cf-connecting-ip")?.trim() || headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

/** Answers 429 `rate_limited` with `Retry-After` once the caller's window is used up; `/health` is never limited. */
export const rateLimit = createMiddleware<AppEnv>(async (c, next) => {
	if (c.req.path === "/health") return next();
	const accountId = c.get("principal")?.id;
	const binding = accountId ? "RATE_LIMIT_ACCOUNT" : "RATE_LIMIT_ANONYMOUS";
	const key = accountId ?? clientIp(c.req.raw.headers);
	let allowed: boolean;
	try {
		allowed = (await c.env[binding].limit({ key })).success;
	} catch (error) {
		// A limiter outage must not take the API down with it.
		requestLogger(c).warn("rate limiter unavailable", { binding, error: errorText(error) });
		allowed = true;
	}
	if (allowed) return next();
	const period = RATE_LIMIT_PERIODS[binding];
	c.header("retry-after", String(period));
	return errorResponse(c, new ApiError("rate_limited", `Too many requests; try again in ${period} seconds`));
});
