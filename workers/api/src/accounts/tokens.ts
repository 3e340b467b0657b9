/**
 * Refresh tokens: random, stored hashed, and rotated on every use; a used
 * token that comes back means it was stolen, so its whole family is revoked.
 * A family is one session (sign-in): its id is the `sid` every access token
 * of the session names. Access tokens (short-lived JWTs) are
 * `@goodfood/platform/access-token`.
 */
import { revokeSessions } from "@goodfood/platform/access-token";
import { randomToken, sha256Hex } from "@goodfood/platform/crypto";
import { and, eq, gte, isNull, ne } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { liveSessionCutoff } from "./domain/sessions";

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;

export interface IssuedRefreshToken {
	token: string;
	/** The session (refresh-token family) it continues. */
	sessionId: string;
}

/** Starts a new family (a sign-in) or continues one (a rotation) with a fresh refresh token. */
export async function issueRefreshToken(
	db: Database,
	accountId: string,
	familyId = crypto.randomUUID(),
): Promise<IssuedRefreshToken> {
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
	return { token, sessionId: familyId };
}

export type Rotation =
	| { ok: true; accountId: string; refreshToken: IssuedRefreshToken }
	| { ok: false; reuse: boolean; sessionId?: string };

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
		return { ok: false, reuse: true, sessionId: row.familyId };
	}
	return { ok: true, accountId: row.accountId, refreshToken: await issueRefreshToken(db, row.accountId, row.familyId) };
}

export async function revokeFamily(db: Database, familyId: string): Promise<void> {
	await db
		.update(schema.refreshTokens)
		.set({ revokedAt: Date.now() })
		.where(and(eq(schema.refreshTokens.familyId, familyId), isNull(schema.refreshTokens.revokedAt)));
}

/** Signs out the sign-in a refresh token belongs to; the session it ended, or undefined for an unknown token. */
export async function revokeByToken(db: Database, token: string): Promise<string | undefined> {
	const row = await db
		.select({ familyId: schema.refreshTokens.familyId })
		.from(schema.refreshTokens)
		.where(eq(schema.refreshTokens.tokenHash, await sha256Hex(token)))
		.get();
	if (row) await revokeFamily(db, row.familyId);
	return row?.familyId;
}

/**
 * Ends every session of an account, or every one but `keep` (the sign-in that
 * changed the password): its refresh tokens stop working (D1, the source of
 * truth) and the access tokens still alive are refused (a KV mark per session
 * that issued one within an access token's lifetime). Safe to repeat: a retry
 * marks the same sessions again.
 */
export async function endEverySession(
	env: { REVOCATIONS: KVNamespace },
	db: Database,
	accountId: string,
	keep?: string,
): Promise<void> {
	const now = Date.now();
	const { refreshTokens } = schema;
	const ofAccount = and(
		eq(refreshTokens.accountId, accountId),
		keep === undefined ? undefined : ne(refreshTokens.familyId, keep),
	);
	const [live] = await db.batch([
		db
			.selectDistinct({ sessionId: refreshTokens.familyId })
			.from(refreshTokens)
			.where(and(ofAccount, gte(refreshTokens.createdAt, liveSessionCutoff(now)))),
		db
			.update(refreshTokens)
			.set({ revokedAt: now })
			.where(and(ofAccount, isNull(refreshTokens.revokedAt))),
	]);
	await revokeSessions(
		env,
		live.map((row) => row.sessionId),
	);
}
