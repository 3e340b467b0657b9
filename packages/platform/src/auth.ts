/**
 * Authentication and the authorization rules every context shares. A bearer
 * access token, when present, must be valid; it then names the principal.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { verifyAccessToken } from "./access-token";
import type { AppEnv, Principal, Role } from "./app";
import { ApiError } from "./errors";
import { countAuthenticationFailure } from "./rate-limit";

/** The principal an access token names, or 401: one check for every way a token arrives. */
async function principalOf(c: Context<AppEnv>, token: string | undefined): Promise<Principal> {
	const principal = token ? await verifyAccessToken(c.env, token) : undefined;
	if (!principal) {
		// Counted against the caller's address, as the general rate limit runs only after authentication.
		await countAuthenticationFailure(c);
		throw new ApiError("unauthorized", "The access token is invalid or expired");
	}
	return principal;
}

export const authenticate = createMiddleware<AppEnv>(async (c, next) => {
	const header = c.req.header("authorization");
	if (header) c.set("principal", await principalOf(c, header.match(/^Bearer\s+(\S+)$/i)?.[1]));
	await next();
});

/** The application protocol a WebSocket client offers next to its token, and the one the 101 names. */
export const WEBSOCKET_PROTOCOL = "goodfood.v1";
const BEARER_PROTOCOL_PREFIX = "bearer.";

/**
 * Route middleware for WebSocket routes a browser opens: a browser cannot send
 * an Authorization header with `new WebSocket()`, so the access token may come
 * as a subprotocol, `Sec-WebSocket-Protocol: goodfood.v1, bearer.<token>`. It
 * is verified exactly like a bearer token (401 when invalid, before any
 * upgrade); the 101 must then name `goodfood.v1` (see `webSocketProtocolHeaders`).
 * Never from the query string, which ends up in logs.
 */
export const authenticateWebSocketProtocol = createMiddleware<AppEnv>(async (c, next) => {
	const offered = (c.req.header("sec-websocket-protocol") ?? "")
		.split(",")
		.map((protocol) => protocol.trim())
		.filter(Boolean);
	const tokens = offered.filter((protocol) => protocol.startsWith(BEARER_PROTOCOL_PREFIX));
	if (tokens.length > 0) {
		if (tokens.length > 1 || c.req.header("authorization")) {
			throw new ApiError("bad_request", "Send the access token once: in the Authorization header or one subprotocol");
		}
		if (!offered.includes(WEBSOCKET_PROTOCOL)) {
			throw new ApiError("bad_request", `Offer the ${WEBSOCKET_PROTOCOL} subprotocol next to the token`);
		}
		c.set("principal", await principalOf(c, tokens[0].slice(BEARER_PROTOCOL_PREFIX.length)));
	}
	await next();
});

/** The headers a 101 needs when the client offered `goodfood.v1`: it must name one protocol it offered. */
export function webSocketProtocolHeaders(c: Context<AppEnv>): Record<string, string> {
	const offered = (c.req.header("sec-websocket-protocol") ?? "").split(",").map((protocol) => protocol.trim());
	return offered.includes(WEBSOCKET_PROTOCOL) ? { "sec-websocket-protocol": WEBSOCKET_PROTOCOL } : {};
}

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

/** Why a 403 `forbidden` refused: the `details` a client branches on. */
export type ForbiddenDetails =
	| { reason: "role"; role: Role; allowed: Role[] }
	| { reason: "location"; locationSlug: string };

/** Roles as a sentence names them: "admin", "manager or admin", "kitchen, manager or admin". */
function inWords(roles: readonly Role[]): string {
	return roles.length > 1 ? `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}` : (roles[0] ?? "another role");
}

/** 403 because of the caller's role, naming it and the roles allowed; `message` for a route's own wording. */
export function forbiddenRole(role: Role, allowed: readonly Role[], message?: string): ApiError {
	const details: ForbiddenDetails = { reason: "role", role, allowed: [...allowed] };
	return new ApiError(
		"forbidden",
		message ?? `Your role (${role}) may not do this; it needs ${inWords(allowed)}`,
		details,
	);
}

/** 403 because the staff account does not work at the location. */
export function forbiddenLocation(locationSlug: string): ApiError {
	const details: ForbiddenDetails = { reason: "location", locationSlug };
	return new ApiError("forbidden", `Your account does not work at ${locationSlug}`, details);
}

/** Allows only these roles: 401 when anonymous, 403 for any other role. */
export function requireRole(...roles: Role[]) {
	return createMiddleware<AppEnv>(async (c, next) => {
		const { role } = signedIn(c);
		if (!roles.includes(role)) throw forbiddenRole(role, roles);
		await next();
	});
}

/** Whether a staff principal works at the location; admins work everywhere. */
export function worksAt(principal: Principal, locationSlug: string): boolean {
	return principal.role === "admin" || (isStaffRole(principal.role) && principal.locations.includes(locationSlug));
}

/**
 * 403 unless the principal is staff of one of `roles` at this location. The
 * role is checked first: a role that may not act anywhere is told so, not that
 * it works elsewhere.
 */
export function assertStaffAt(c: Context<AppEnv>, locationSlug: string, roles: Role[] = STAFF_ROLES): Principal {
	const principal = signedIn(c);
	if (!roles.includes(principal.role)) throw forbiddenRole(principal.role, roles);
	if (!worksAt(principal, locationSlug)) throw forbiddenLocation(locationSlug);
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
