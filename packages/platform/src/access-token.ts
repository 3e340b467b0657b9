/**
 * Access tokens: short-lived JWTs (HS256, jose) that name a principal. Signed
 * by the accounts context at sign-in, verified by the gateway on every request.
 */
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import type { Principal, Role } from "./app";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ISSUER = "goodfood";
const AUDIENCE = "goodfood-api";

function secretKey(env: { JWT_SECRET: string }): Uint8Array {
	return new TextEncoder().encode(env.JWT_SECRET);
}

export async function issueAccessToken(
	env: { JWT_SECRET: string },
	principal: Principal,
	now = new Date(),
): Promise<string> {
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
export async function verifyAccessToken(env: { JWT_SECRET: string }, token: string): Promise<Principal | undefined> {
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
