/**
 * Authentication and the authorization rules every context shares. A bearer
 * access token, when present, must be valid; it then names the principal.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "../accounts/tokens";
import type { AppEnv, Principal, Role } from "./app";
import { ApiError } from "./errors";

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	const header = c.req.header("authorization");
	if (header) {
		const token = header.match(/^Bearer\s+(\S+)$/i)?.[1];
		const principal = token ? await verifyAccessToken(c.env, token) : undefined;
		if (!principal) throw new ApiError("unauthorized", "The access token is invalid or expired");
		c.set("principal", principal);
	}
	await next();
});

export const STAFF_ROLES: Role[] = ["kitchen", "manager", "admin"];

export function isStaffRole(role: Role): boolean {
	return STAFF_ROLES.includes(role);
}

/** The signed-in principal, or 401. */
export function signedIn(c: Context<AppEnv>): Principal {
	const principal = c.get("principal");
	if (!principal) throw new ApiError("unauthorized", "Sign in first");
	return principal;
}

/** Allows only these roles: 401 when anonymous, 403 for any other role. */
export function requireRole(...roles: Role[]) {
	return createMiddleware<AppEnv>(async (c, next) => {
		if (!roles.includes(signedIn(c).role)) throw new ApiError("forbidden", "Your account may not do this");
		await next();
	});
}

/** Whether a staff principal works at the location; admins work everywhere. */
export function worksAt(principal: Principal, locationSlug: string): boolean {
	return principal.role === "admin" || (isStaffRole(principal.role) && principal.locations.includes(locationSlug));
}

/** 403 unless the principal is staff of one of `roles` at this location. */
export function assertStaffAt(c: Context<AppEnv>, locationSlug: string, roles: Role[] = STAFF_ROLES): Principal {
	const principal = signedIn(c);
	if (!roles.includes(principal.role) || !worksAt(principal, locationSlug)) {
		throw new ApiError("forbidden", "Your account does not work at this location");
	}
	return principal;
}

/** The customer id to own a cart or order: only customers' accounts own them. */
export function customerIdOf(c: Context<AppEnv>): string | null {
	const principal = c.get("principal");
	return principal?.role === "customer" ? principal.id : null;
}

/** Route middleware: staff of one of `roles` at the location named by the `slug` path parameter. */
export function staffAtLocation(roles: Role[] = STAFF_ROLES) {
	return createMiddleware<AppEnv>(async (c, next) => {
		assertStaffAt(c, c.req.param("slug") ?? "", roles);
		await next();
	});
}

export const bearerSecurity = [{ bearerAuth: [] }];
