/**
 * Access tokens: short-lived JWTs (HS256, jose) that name a principal and the
 * session (sign-in) they belong to. Signed by the accounts context at sign-in,
 * verified by the gateway on every request.
 *
 * A token is refused once its session has ended: ending a session writes a
 * `session:<sid>` mark to the REVOCATIONS KV namespace, kept as long as a
 * token of the session can live, and every verification reads it (one KV
 * read per authenticated request, cached at the edge).
 */
import { decodeJwt, errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Principal, Role } from "./app";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "goodfood";
const AUDIENCE = "goodfood-api";
/** A mark outlives the last token it refuses by a minute, for clocks that disagree a little. */
const REVOCATION_TTL_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60;

function secretKey(env: { JWT_SECRET: string }): Uint8Array {
	return new TextEncoder().encode(env.JWT_SECRET);
}

/** The HMAC key for verifying, imported once per secret: jose imports a raw secret again on every call. */
let verifyingKey: { secret: string; key: Promise<CryptoKey> } | undefined;

function verificationKey(env: { JWT_SECRET: string }): Promise<CryptoKey> {
	if (verifyingKey?.secret !== env.JWT_SECRET) {
		const key = crypto.subtle.importKey("raw", secretKey(env), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
		verifyingKey = { secret: env.JWT_SECRET, key };
		// A key that failed to import is not kept, so the next request tries again.
		key.catch(() => {
			if (verifyingKey?.key === key) verifyingKey = undefined;
		});
	}
	return verifyingKey.key;
}

function revokedSessionKey(sessionId: string): string {
	return `session:${sessionId}`;
}

export interface AccessTokenOptions {
	/** The sign-in this token belongs to; one that names none (a script's, a test's) gets a session of its own. */
	sessionId?: string;
	/** The account's preferred language, carried as the `lng` claim for menus (see `languageOfBearer`). */
	language?: string | null;
	now?: Date;
}

/** The claim naming the account's preferred language. */
export const LANGUAGE_CLAIM = "lng";

/**
 * The preferred language a bearer token names, read without verifying it: a
 * language is no privilege (whatever a forged token could pick, `?lang=`
 * picks too), so the menu edge's hottest path spends no signature check or KV
 * read on it. Undefined without a token, or for one that names no language.
 */
export function languageOfBearer(authorization: string | null | undefined): string | undefined {
	if (!authorization?.startsWith("Bearer ")) return undefined;
	try {
		const claim = decodeJwt(authorization.slice("Bearer ".length).trim())[LANGUAGE_CLAIM];
		return typeof claim === "string" ? claim : undefined;
	} catch {
		return undefined;
	}
}

export async function issueAccessToken(
	env: { JWT_SECRET: string },
	principal: Principal,
	{ sessionId = crypto.randomUUID(), language, now = new Date() }: AccessTokenOptions = {},
): Promise<string> {
	const issuedAt = Math.floor(now.getTime() / 1000);
	const claims = { role: principal.role, locations: principal.locations, sid: sessionId };
	return new SignJWT(language ? { ...claims, [LANGUAGE_CLAIM]: language } : claims)
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject(principal.id)
		.setIssuer(ISSUER)
		.setAudience(AUDIENCE)
		.setIssuedAt(issuedAt)
		.setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
		.sign(secretKey(env));
}

/**
 * The principal of a valid token; undefined for an expired, forged or
 * malformed one, one that names no session, or one whose session has ended.
 */
export async function verifyAccessToken(
	env: { JWT_SECRET: string; REVOCATIONS: KVNamespace },
	token: string,
): Promise<Principal | undefined> {
	let principal: Principal;
	let sessionId: string;
	try {
		const { payload } = await jwtVerify(token, await verificationKey(env), {
			issuer: ISSUER,
			audience: AUDIENCE,
			algorithms: ["HS256"],
		});
		if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return undefined;
		sessionId = payload.sid;
		principal = {
			id: payload.sub,
			role: payload.role as Role,
			locations: Array.isArray(payload.locations) ? (payload.locations as string[]) : [],
		};
	} catch (error) {
		if (error instanceof joseErrors.JOSEError) return undefined;
		throw error;
	}
	// Only a token with a valid signature costs a KV read.
	const revoked = await env.REVOCATIONS.get(revokedSessionKey(sessionId));
	return revoked === null ? principal : undefined;
}

/**
 * Ends sessions at once: their access tokens are refused from the next request
 * on (in this location; elsewhere once KV has spread the write, within about a
 * minute). Refresh tokens are ended separately, in D1.
 */
export async function revokeSessions(env: { REVOCATIONS: KVNamespace }, sessionIds: Iterable<string>): Promise<void> {
	const revokedAt = new Date().toISOString();
	await Promise.all(
		[...new Set(sessionIds)].map((sessionId) =>
			env.REVOCATIONS.put(revokedSessionKey(sessionId), revokedAt, { expirationTtl: REVOCATION_TTL_SECONDS }),
		),
	);
}
