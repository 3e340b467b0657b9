/**
 * Request rate limits on the Workers rate-limit binding. The general limit is
 * per account when the caller is signed in, else per client IP; it reads the
 * principal, so it must run after the auth middleware. Costlier work has its
 * own, stricter limit per client IP: registrations (a password hash each),
 * failed authentications (counted before the general limit can run), and the
 * menu edge's trips to its origin. Every limiter fails open: an outage of the
 * limiter must not take the API down with it.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { ApiError, errorResponse } from "./errors";
import { errorText } from "./log";
import { requestLogger } from "./request-log";

/** Each binding's window in seconds, as its `[[ratelimits]]` entry in wrangler.toml says; the binding does not expose it. */
export const RATE_LIMIT_PERIODS = {
	RATE_LIMIT_ANONYMOUS: 60,
	RATE_LIMIT_ACCOUNT: 60,
	RATE_LIMIT_SIGN_IN: 60,
	RATE_LIMIT_REGISTER: 60,
	RATE_LIMIT_AUTH_FAILURES: 60,
	RATE_LIMIT_MENU_ORIGIN: 60,
} as const;

export type RateLimitBinding = keyof typeof RATE_LIMIT_PERIODS;

/** The caller's address: Cloudflare's view of it, else the first proxy hop (local runs), else one shared bucket. */
export function clientIp(headers: Headers): string {
	return headers.get("cf-connecting-ip")?.trim() || headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

/** Counts one call against `key` on the binding: false once its window is used up, true when the limiter is down. */
async function withinLimit(c: Context, binding: RateLimitBinding, key: string): Promise<boolean> {
	try {
		const limiter = (c.env as Partial<Record<RateLimitBinding, RateLimit>>)[binding];
		if (!limiter) throw new Error(`no ${binding} binding`);
		return (await limiter.limit({ key })).success;
	} catch (error) {
		requestLogger(c).warn("rate limiter unavailable", { binding, error: errorText(error) });
		return true;
	}
}

/** 429 `rate_limited`, with `Retry-After` set to the binding's window. */
function rateLimited(c: Context, binding: RateLimitBinding, message?: string): ApiError {
	const period = RATE_LIMIT_PERIODS[binding];
	c.header("retry-after", String(period));
	return new ApiError("rate_limited", message ?? `Too many requests; try again in ${period} seconds`);
}

/** Counts the call against `key` on `binding`, and throws 429 once that key's window is used up. */
export async function limitByKey(c: Context, binding: RateLimitBinding, key: string, message: string): Promise<void> {
	if (!(await withinLimit(c, binding, key))) throw rateLimited(c, binding, message);
}

/** Counts the call against the caller's address on `binding`, and throws 429 once that address's window is used up. */
export function limitByAddress(c: Context, binding: RateLimitBinding, message: string): Promise<void> {
	return limitByKey(c, binding, clientIp(c.req.raw.headers), message);
}

/**
 * Counts a request whose credentials failed against the caller's address.
 * Authentication runs before the general limit, so without this a client could
 * try tokens unthrottled; once the address's window is used up it gets 429.
 */
export function countAuthenticationFailure(c: Context): Promise<void> {
	return limitByAddress(
		c,
		"RATE_LIMIT_AUTH_FAILURES",
		"Too many requests with invalid credentials from this address; wait a minute and try again",
	);
}

/**
 * Answers 429 `rate_limited` with `Retry-After` once the caller's window is
 * used up; `/health` is never limited, nor are paths under `unlimited`
 * (a payment provider's webhooks: a few addresses send them all, a refusal
 * only makes the provider retry, and each is verified by its signature).
 */
export function rateLimitExcept(...unlimited: string[]) {
	return createMiddleware<AppEnv>(async (c, next) => {
		if (c.req.path === "/health" || unlimited.some((prefix) => c.req.path.startsWith(prefix))) return next();
		return limitCaller(c, next);
	});
}

/** Answers 429 `rate_limited` with `Retry-After` once the caller's window is used up; `/health` is never limited. */
export const rateLimit = rateLimitExcept();

const limitCaller = createMiddleware<AppEnv>(async (c, next) => {
	const accountId = c.get("principal")?.id;
	const binding = accountId ? "RATE_LIMIT_ACCOUNT" : "RATE_LIMIT_ANONYMOUS";
	if (await withinLimit(c, binding, accountId ?? clientIp(c.req.raw.headers))) return next();
	return errorResponse(c, rateLimited(c, binding));
});
