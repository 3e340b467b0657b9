/** Ending sessions from a route: the rule of which (`domain/sessions.ts`) applied to the request's account. */
import { revokeSessions } from "@goodfood/platform/access-token";
import type { AppEnv } from "@goodfood/platform/app";
import type { Context } from "hono";
import { decodeJwt } from "jose";
import { database } from "../db/client";
import { type AccountChange, sessionsEndedBy } from "./domain/sessions";
import { endEverySession } from "./tokens";

/**
 * The session (sign-in) of the request's access token: its `sid` claim. Read
 * without checking the signature again, because the gateway has verified the
 * token already (`authenticate`); undefined when the request carries none.
 */
export function sessionOfCaller(c: Context<AppEnv>): string | undefined {
	const token = c.req.header("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
	if (!token || !c.get("principal")) return undefined;
	try {
		const sid = decodeJwt(token).sid;
		return typeof sid === "string" ? sid : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Ends the sessions an account change ends (`domain/sessions.ts`): at once,
 * for refresh and access tokens alike. `sessionId` is the one a sign-out
 * names, or the one a password change keeps.
 */
export async function endSessions(
	c: Context<AppEnv>,
	change: AccountChange,
	{ accountId, sessionId }: { accountId?: string; sessionId?: string },
): Promise<void> {
	const which = sessionsEndedBy(change);
	if (which === "this") {
		if (sessionId) await revokeSessions(c.env, [sessionId]);
	} else if (accountId) {
		await endEverySession(c.env, database(c.var.d1), accountId, which === "others" ? sessionId : undefined);
	}
}
