/** Ending sessions from a route: the rule of which (`domain/sessions.ts`) applied to the request's account. */
import { revokeSessions } from "@goodfood/platform/access-token";
import type { AppEnv } from "@goodfood/platform/app";
import type { Context } from "hono";
import { database } from "../db/client";
import { type AccountChange, sessionsEndedBy } from "./domain/sessions";
import { endEverySession } from "./tokens";

/**
 * Ends the sessions an account change ends (`domain/sessions.ts`): at once,
 * for refresh and access tokens alike. `sessionId` is the one a sign-out names.
 */
export async function endSessions(
	c: Context<AppEnv>,
	change: AccountChange,
	{ accountId, sessionId }: { accountId?: string; sessionId?: string },
): Promise<void> {
	if (sessionsEndedBy(change) === "all") {
		if (accountId) await endEverySession(c.env, database(c.var.d1), accountId);
	} else if (sessionId) {
		await revokeSessions(c.env, [sessionId]);
	}
}
