/**
 * Temporary staff authentication: a bearer token from the worker's env
 * (`STAFF_TOKEN`, a documented local default in `.dev.vars`). The accounts
 * and roles issue replaces it.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { ApiError } from "./errors";

async function sameSecret(given: string, expected: string): Promise<boolean> {
	const encoder = new TextEncoder();
	const [a, b] = await Promise.all([
		crypto.subtle.digest("SHA-256", encoder.encode(given)),
		crypto.subtle.digest("SHA-256", encoder.encode(expected)),
	]);
	// Comparing digests keeps the comparison constant-time whatever the lengths.
	return crypto.subtle.timingSafeEqual(a, b);
}

/** Whether the request carries the staff bearer token. */
export async function isStaff(c: Context<AppEnv>): Promise<boolean> {
	const token = c.req.header("authorization")?.match(/^Bearer\s+(.+)$/i)?.[1];
	const expected = c.env.STAFF_TOKEN;
	return Boolean(token && expected && (await sameSecret(token, expected)));
}

export const requireStaff = createMiddleware<AppEnv>(async (c, next) => {
	if (!(await isStaff(c))) throw new ApiError("unauthorized", "A staff bearer token is required");
	await next();
});
