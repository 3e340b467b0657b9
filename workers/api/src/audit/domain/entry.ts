/**
 * What an audit entry says about a write, decided without HTTP or storage:
 * which requests are recorded, how an entry is named, and what of a body is
 * never written down.
 */
import type { Role } from "@goodfood/platform/app";
import { isStaffRole } from "@goodfood/platform/auth";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Staff and admin writes that succeeded are recorded; reads, refusals and customers' own writes are not. */
export function isAudited(method: string, role: Role | undefined, status: number): boolean {
	return role !== undefined && isStaffRole(role) && WRITE_METHODS.has(method) && status < 400;
}

/** Fields whose values never reach the log, at any depth: credentials and signing secrets. */
const SECRET_FIELDS = /^(password|currentPassword|newPassword|token|secret|refreshToken|accessToken)$/i;

export const REDACTED = "[redacted]";

/** The value with every secret field's value replaced, so an entry can be shown to any admin. */
export function redacted(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(redacted);
	if (value === null || typeof value !== "object") return value;
	return Object.fromEntries(
		Object.entries(value).map(([key, field]) => [key, SECRET_FIELDS.test(key) ? REDACTED : redacted(field)]),
	);
}

/** Ids sort by time, then at random within a millisecond: `aud_<13-digit epoch ms>_<hex>`. */
export function auditId(now: number, randomHex: string): string {
	return `aud_${String(now).padStart(13, "0")}_${randomHex}`;
}

/** The route as declared, `PATCH /api/v1/staff/:accountId`, so entries of one kind share an action. */
export function actionOf(method: string, routePath: string): string {
	return `${method} ${routePath}`;
}

/** The location a path names (`/locations/{slug}/…`), when the route did not say. */
export function locationOfPath(path: string): string | undefined {
	return path.match(/\/locations\/([a-z0-9-]{1,64})(?:\/|$)/)?.[1];
}
