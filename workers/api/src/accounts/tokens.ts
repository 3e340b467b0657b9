/**
 * Access and refresh tokens. Access tokens are short-lived JWTs (HS256, jose);
 * refresh tokens are random, stored hashed, and rotate on every use: a used
 * token that comes back means it was stolen, so its whole family is revoked.
 */
import { and, eq, isNull } from "drizzle-orm";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { sha256Hex } from "../cart/identity";
import * as schema from "../db/schema";
import type { CatalogueDb } from "../menu/repository";
import type { Principal, Role } from "../platform/app";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const ISSUER = "goodfood";
const AUDIENCE = "goodfood-api";

function secretKey(env: Env): Uint8Array {
	return new TextEncoder().encode(env.JWT_SECRET);
}

export async function issueAccessToken(env: Env, principal: Principal, now = new Date()): Promise<string> {
	const issuedAt = Math.floor(now.getTime() / 1000);
	return new SignJWT({ role: principal.role, locations: principal.locations })
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject(principal.id)
		.setIssuer(ISSUER)
		.setAudience(AUDIENCE)
		.setIssuedAt(issuedAt)
		.setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
		.sign(secretKey(env));
}

/** The principal of a valid token; undefined for an expired, forged or malformed one. */
export async function verifyAccessToken(env: Env, token: string): Promise<Principal | undefined> {
	try {
		const { payload } = await jwtVerify(token, secretKey(env), {
			issuer: ISSUER,
			audience: AUDIENCE,
			algorithms: ["HS256"],
		});
		if (typeof payload.sub !== "string") return undefined;
		return {
			id: payload.sub,
			role: payload.role as Role,
			locations: Array.isArray(payload.locations) ? (payload.locations as string[]) : [],
		};
	} catch (error) {
		if (error instanceof joseErrors.JOSEError) return undefined;
		throw error;
	}
}

function randomToken(): string {
	const bytes = crypto.getRandomValues(new Uint8Array(32));
	return btoa(String.fromCharCode(...bytes))
		.replaceAll("+", "-")
		.replaceAll("/", "_")
		.replaceAll("=", "");
}

/** Starts a new family (a sign-in) or continues one (a rotation) with a fresh refresh token. */
export async function issueRefreshToken(db: CatalogueDb, accountId: string, familyId = crypto.randomUUID()) {
	const token = randomToken();
	const now = Date.now();
	await db.insert(schema.refreshTokens).values({
		id: crypto.randomUUID(),
		familyId,
		accountId,
		tokenHash: await sha256Hex(token),
		expiresAt: now + REFRESH_TOKEN_TTL_SECONDS * 1000,
		createdAt: now,
	});
	return token;
}

export type Rotation = { ok: true; accountId: string; refreshToken: string } | { ok: false; reuse: boolean };

/** Exchanges a refresh token for the next one of its family, exactly once. */
export async function rotateRefreshToken(db: CatalogueDb, token: string): Promise<Rotation> {
	const tokenHash = await sha256Hex(token);
	const row = await db.select().from(schema.refreshTokens).where(eq(schema.refreshTokens.tokenHash, tokenHash)).get();
	const now = Date.now();
	if (!row || row.revokedAt !== null || row.expiresAt <= now) return { ok: false, reuse: false };
	// Claim it; only one caller can move used_at from NULL, so a concurrent replay also counts as reuse.
	const claimed = await db
		.update(schema.refreshTokens)
		.set({ usedAt: now })
		.where(and(eq(schema.refreshTokens.id, row.id), isNull(schema.refreshTokens.usedAt)))
		.returning({ id: schema.refreshTokens.id });
	if (claimed.length === 0) {
		await revokeFamily(db, row.familyId);
		return { ok: false, reuse: true };
	}
	return { ok: true, accountId: row.accountId, refreshToken: await issueRefreshToken(db, row.accountId, row.familyId) };
}

export async function revokeFamily(db: CatalogueDb, familyId: string): Promise<void> {
	await db
		.update(schema.refreshTokens)
		.set({ revokedAt: Date.now() })
		.where(and(eq(schema.refreshTokens.familyId, familyId), isNull(schema.refreshTokens.revokedAt)));
}

/** Signs out the sign-in a refresh token belongs to; unknown tokens are ignored. */
export async function revokeByToken(db: CatalogueDb, token: string): Promise<void> {
	const row = await db
		.select({ familyId: schema.refreshTokens.familyId })
		.from(schema.refreshTokens)
		.where(eq(schema.refreshTokens.tokenHash, await sha256Hex(token)))
		.get();
	if (row) await revokeFamily(db, row.familyId);
}
