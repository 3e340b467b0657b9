/**
 * Getting back into an account and proving its address: a password reset by
 * an e-mailed link, and e-mail verification (the link sent at registration,
 * and a fresh one on request).
 */
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorText, type Logger } from "@goodfood/platform/log";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { clientIp, limitByKey } from "@goodfood/platform/rate-limit";
import { requestLogger } from "@goodfood/platform/request-log";
import { createRoute, type z } from "@hono/zod-openapi";
import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { passwordResetEmail, verificationEmail } from "./domain/emails";
import { linkUrl } from "./domain/links";
import { hashPassword, passwordWeakness } from "./domain/passwords";
import { assertNotVerified } from "./domain/verification";
import { claimLink, issueLink, usableLink } from "./links";
import { sendLinkEmail } from "./mail";
import { currentAccount } from "./profile";
import { type AccountRow, findAccount, findAccountByEmail } from "./repository";
import {
	Acknowledgement,
	EmailVerificationInput,
	EmailVerified,
	PasswordResetCompletion,
	PasswordResetRequest,
} from "./schemas";
import { endSessions } from "./sessions";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

/** The one answer to a reset request, whoever the address belongs to. */
export const RESET_REQUESTED =
	"If an account uses this address, we have e-mailed it a link to choose a new password; it works for 30 minutes";

/** Issues a verification link for the account and e-mails it; false when the e-mail could not be sent. */
export async function sendVerificationLink(env: Env, db: Database, log: Logger, account: AccountRow): Promise<boolean> {
	const { token, row } = await issueLink(db, {
		purpose: "email_verification",
		email: account.email,
		accountId: account.id,
	});
	const url = linkUrl(env.APP_URL, "email_verification", token);
	return sendLinkEmail(env, db, log, row, verificationEmail({ name: account.name, url }));
}

/**
 * A reset request's work, run after the answer has gone: the answer's content
 * and timing cannot tell whether the address has an account.
 */
async function sendResetLink(env: Env, db: Database, log: Logger, email: string): Promise<void> {
	try {
		const account = await findAccountByEmail(db, email);
		if (!account) return;
		const { token, row } = await issueLink(db, { purpose: "password_reset", email, accountId: account.id });
		const url = linkUrl(env.APP_URL, "password_reset", token);
		await sendLinkEmail(env, db, log, row, passwordResetEmail({ name: account.name, url }));
	} catch (error) {
		log.error("password reset not sent", { error: errorText(error) });
	}
}

/** The account a link was issued for; a link whose account is gone is no link. */
async function accountOfLink(db: Database, accountId: string | null): Promise<AccountRow> {
	const account = accountId ? await findAccount(db, accountId) : undefined;
	if (!account) {
		throw new ApiError("link_invalid", "This link is not valid; ask for a new one", [
			{ field: "token", message: "is not a link we sent" },
		]);
	}
	return account;
}

/** Marks the address confirmed, unless it already was (the first confirmation's time stays). */
function markVerified(db: Database, accountId: string) {
	const { accounts } = schema;
	const now = new Date().toISOString();
	return db
		.update(accounts)
		.set({ emailVerifiedAt: now, updatedAt: now })
		.where(and(eq(accounts.id, accountId), isNull(accounts.emailVerifiedAt)));
}

function afterTheAnswer(c: Context<AppEnv>, work: Promise<void>): void {
	c.executionCtx.waitUntil(work);
}

export const recoveryRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/password-reset",
			tags: ["Accounts"],
			summary:
				"Ask for a password reset link: e-mailed when an account uses the address, valid 30 minutes and once; the answer is the same either way",
			request: { body: json(PasswordResetRequest) },
			responses: { 202: jsonContent(Acknowledgement, "Accepted"), ...errorResponses(400) },
		}),
		async (c) => {
			const { email } = c.req.valid("json");
			// Per address and per mailbox: neither depends on whether the account exists, so a 429 says nothing.
			await limitByKey(c, "RATE_LIMIT_REGISTER", `reset:${clientIp(c.req.raw.headers)}`, "Too many reset requests");
			await limitByKey(c, "RATE_LIMIT_SIGN_IN", `reset:${email}`, "Too many reset requests for this address");
			afterTheAnswer(c, sendResetLink(c.env, database(c.var.d1), requestLogger(c), email));
			return c.json({ message: RESET_REQUESTED }, 202);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/password-reset/complete",
			tags: ["Accounts"],
			summary:
				"Set a new password with a reset link's token: every session of the account ends, and the address counts as confirmed",
			request: { body: json(PasswordResetCompletion) },
			responses: { 200: jsonContent(Acknowledgement, "The password is set"), ...errorResponses(400, 410) },
		}),
		async (c) => {
			const { token, password } = c.req.valid("json");
			const db = database(c.var.d1);
			const link = await usableLink(db, "password_reset", token);
			const account = await accountOfLink(db, link.accountId);
			const weakness = passwordWeakness(password, account.email);
			if (weakness) {
				throw new ApiError("validation_failed", `Invalid password: ${weakness}`, [
					{ field: "password", message: weakness },
				]);
			}
			await claimLink(db, link);
			const passwordHash = await hashPassword(password);
			const { accounts, accountLinks } = schema;
			await db.batch([
				db
					.update(accounts)
					.set({ passwordHash, updatedAt: new Date().toISOString() })
					.where(eq(accounts.id, account.id)),
				// Receiving the link proved the address is the holder's.
				markVerified(db, account.id),
				// Older reset links of the account die with this one.
				db
					.delete(accountLinks)
					.where(
						and(
							eq(accountLinks.accountId, account.id),
							eq(accountLinks.purpose, "password_reset"),
							isNull(accountLinks.usedAt),
						),
					),
			]);
			await endSessions(c, "password_reset", { accountId: account.id });
			return c.json({ message: "Your password is set; sign in with it" }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/verify-email",
			tags: ["Accounts"],
			summary: "Confirm an account's e-mail address with the token of the link e-mailed to it",
			request: { body: json(EmailVerificationInput) },
			responses: { 200: jsonContent(EmailVerified, "Confirmed"), ...errorResponses(400, 410) },
		}),
		async (c) => {
			const db = database(c.var.d1);
			const link = await usableLink(db, "email_verification", c.req.valid("json").token);
			const account = await accountOfLink(db, link.accountId);
			await claimLink(db, link);
			await markVerified(db, account.id);
			return c.json({ email: account.email, emailVerified: true as const }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/customers/me/verification",
			tags: ["Accounts"],
			summary: "E-mail a fresh verification link to the signed-in account's address (valid 7 days)",
			security: bearerSecurity,
			responses: { 202: jsonContent(Acknowledgement, "Sent"), ...errorResponses(401, 409) },
		}),
		async (c) => {
			const account = await currentAccount(c);
			assertNotVerified(account.emailVerifiedAt);
			await limitByKey(c, "RATE_LIMIT_SIGN_IN", `verification:${signedIn(c).id}`, "Too many links asked for");
			await sendVerificationLink(c.env, database(c.var.d1), requestLogger(c), account);
			auditChange(c, { after: { verificationLinkSentTo: account.email } });
			return c.json({ message: `We have e-mailed a link to ${account.email}; it works for 7 days` }, 202);
		},
	);
