/** Signing an account in: the tokens a sign-in, a registration or an accepted invitation answer. */
import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from "@goodfood/platform/access-token";
import type { AppEnv } from "@goodfood/platform/app";
import type { Context } from "hono";
import { database } from "../db/client";
import { type AccountRow, principalOf } from "./repository";
import { type IssuedRefreshToken, issueRefreshToken } from "./tokens";

/**
 * A new sign-in's tokens, or the next pair of a session: the access token
 * names the session it belongs to, and the account's preferred language (the
 * `lng` claim the menu edge reads), as it is when the token is issued.
 */
export async function tokensFor(c: Context<AppEnv>, account: AccountRow, session?: IssuedRefreshToken) {
	const refresh = session ?? (await issueRefreshToken(database(c.var.d1), account.id));
	return {
		accessToken: await issueAccessToken(c.env, principalOf(account), {
			sessionId: refresh.sessionId,
			language: account.language,
		}),
		refreshToken: refresh.token,
		expiresIn: ACCESS_TOKEN_TTL_SECONDS,
		tokenType: "Bearer" as const,
	};
}
