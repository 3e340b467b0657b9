/**
 * Refresh tokens: random, stored hashed, and rotated on every use; a used
 * token that comes back means it was stolen, so its whole family is revoked.
 * Access tokens (short-lived JWTs) are `@goodfood/platform/access-token`.
 */
import { randomToken, sha256Hex } from "@goodfood/platform/crypto";
import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

/** Starts a new family (a sign-in) or continues one (a rotation) with a fresh refresh token. */
export async function issueRefreshToken(db: Database, accountId: string, familyId = crypto.randomUUID()) {
	const token = randomToken(32);
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
export async function rotateRefreshToken(db: Database, token: string): Promise<Rotation> {
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

export async function revokeFamily(db: Database, familyId: string): Promise<void> {
	await db
		.update(schema.refreshTokens)
		.set({ revokedAt: Date.now() })
		.where(and(eq(schema.refreshTokens.familyId, familyId), isNull(schema.refreshTokens.revokedAt)));
}

/** Signs out the sign-in a refresh token belongs to; unknown tokens are ignored. */
export async function revokeByToken(db: Database, token: string): Promise<void> {
	const row = await db
		.select({ familyId: schema.refreshTokens.familyId })
		.from(schema.refreshTokens)
		.where(eq(schema.refreshTokens.tokenHash, await sha256Hex(token)))
		.get();
	if (row) await revokeFamily(db, row.familyId);
}
