/**
 * Accounts: register, sign in, rotate and revoke tokens, and the signed-in
 * account's profile, order history, data export and deletion.
 */

import { revokeSessions } from "@goodfood/platform/access-token";
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { clientIp, limitByAddress, limitByKey } from "@goodfood/platform/rate-limit";
import { callContext, requestLogger } from "@goodfood/platform/request-log";
import { createRoute, z } from "@hono/zod-openapi";
import { eq, inArray } from "drizzle-orm";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { customerRefOf } from "../ordering/projections";
import { DUMMY_HASH, hashPassword, passwordWeakness, verifyPassword } from "./domain/passwords";
import { assertMayDeleteOwnAccount } from "./domain/staff";
import { type ErasureDatabases, eraseAccount, forgetInOrderObjects } from "./erasure";
import { changeProfile, currentAccount, newestFirst, orderHistory } from "./profile";
import { recoveryRoutes, sendVerificationLink } from "./recovery-routes";
import { type AccountRow, createAccount, findAccount, findAccountByEmail, profileOf } from "./repository";
import {
	Acknowledgement,
	LoginInput,
	OrderHistoryView,
	PasswordChange,
	ProfilePatch,
	ProfileView,
	RefreshInput,
	RegisterInput,
	RegisterResult,
	TokensView,
} from "./schemas";
import { endSessions, sessionOfCaller } from "./sessions";
import { tokensFor } from "./sign-in";
import { revokeByToken, rotateRefreshToken } from "./tokens";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });

export const accountRoutes = createRouter()
	.route("/", recoveryRoutes)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/register",
			tags: ["Accounts"],
			summary:
				"Register a customer account and sign in; a link to confirm the address is e-mailed to it (valid 7 days)",
			request: { body: json(RegisterInput) },
			responses: { 201: jsonContent(RegisterResult, "Registered and signed in"), ...errorResponses(400, 409) },
		}),
		async (c) => {
			await limitByAddress(
				c,
				"RATE_LIMIT_REGISTER",
				"Too many registrations from this address; wait a minute and try again",
			);
			const db = database(c.var.d1);
			const account = await createAccount(db, { ...c.req.valid("json"), role: "customer" });
			// Sent before answering, so the link exists once the account does; a failed send is logged, and resent on request.
			await sendVerificationLink(c.env, db, requestLogger(c), account);
			return c.json({ ...(await tokensFor(c, account)), account: profileOf(account) }, 201);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/login",
			tags: ["Accounts"],
			summary: "Sign in with email and password (customers and staff)",
			request: { body: json(LoginInput) },
			responses: { 200: jsonContent(TokensView, "Signed in"), ...errorResponses(400, 401) },
		}),
		async (c) => {
			const { email, password } = c.req.valid("json");
			await limitByKey(
				c,
				"RATE_LIMIT_SIGN_IN",
				`${clientIp(c.req.raw.headers)}:${email}`,
				"Too many sign-in attempts; wait a minute and try again",
			);
			const account = await findAccountByEmail(database(c.var.d1), email);
			// Hash even for an unknown email, so the answer takes as long and says as little.
			const valid = await verifyPassword(password, account?.passwordHash ?? DUMMY_HASH);
			if (!account || !valid) throw new ApiError("unauthorized", "Email or password is wrong");
			return c.json(await tokensFor(c, account), 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/refresh",
			tags: ["Accounts"],
			summary: "Exchange a refresh token for new tokens; each refresh token works once",
			request: { body: json(RefreshInput) },
			responses: { 200: jsonContent(TokensView, "New tokens"), ...errorResponses(400, 401) },
		}),
		async (c) => {
			const db = database(c.var.d1);
			const rotation = await rotateRefreshToken(db, c.req.valid("json").refreshToken);
			if (!rotation.ok) {
				// A stolen token came back: the thief's access tokens die with the family, not only its refresh tokens.
				if (rotation.sessionId) await revokeSessions(c.env, [rotation.sessionId]);
				throw new ApiError(
					"unauthorized",
					rotation.reuse
						? "This refresh token was used already; every session of this sign-in is now signed out"
						: "The refresh token is invalid or expired",
				);
			}
			const account = await findAccount(db, rotation.accountId);
			if (!account) throw new ApiError("unauthorized", "This account no longer exists");
			return c.json(await tokensFor(c, account, rotation.refreshToken), 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/logout",
			tags: ["Accounts"],
			summary:
				"Sign out: the refresh token's whole sign-in stops working, its access tokens too (401 from the next request)",
			request: { body: json(RefreshInput) },
			responses: { 204: { description: "Signed out" }, ...errorResponses(400) },
		}),
		async (c) => {
			const sessionId = await revokeByToken(database(c.var.d1), c.req.valid("json").refreshToken);
			await endSessions(c, "sign_out", { sessionId });
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/customers/me",
			tags: ["Accounts"],
			summary: "The signed-in account's profile",
			security: bearerSecurity,
			responses: { 200: jsonContent(ProfileView, "The profile"), ...errorResponses(401) },
		}),
		async (c) => c.json(profileOf(await currentAccount(c)), 200),
	)
	.openapi(
		createRoute({
			method: "patch",
			path: "/customers/me",
			tags: ["Accounts"],
			summary:
				"Change the profile: name, phone, addresses, dietary preferences, allergens to avoid, favourite location, notifications, preferred language",
			security: bearerSecurity,
			request: { body: json(ProfilePatch) },
			responses: { 200: jsonContent(ProfileView, "The changed profile"), ...errorResponses(400, 401, 404) },
		}),
		async (c) => {
			const account = await currentAccount(c);
			return c.json(profileOf(await changeProfile(c, account, c.req.valid("json"))), 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/customers/me/password",
			tags: ["Accounts"],
			summary:
				"Change the password: every other session of the account ends (its tokens answer 401 from the next request); this one keeps working",
			security: bearerSecurity,
			request: { body: json(PasswordChange) },
			responses: {
				200: jsonContent(Acknowledgement, "Changed; this session goes on"),
				...errorResponses(400, 401),
			},
		}),
		async (c) => {
			const account = await currentAccount(c);
			const { currentPassword, newPassword } = c.req.valid("json");
			await limitByKey(
				c,
				"RATE_LIMIT_SIGN_IN",
				`password:${account.id}`,
				"Too many password attempts; wait a minute and try again",
			);
			if (!(await verifyPassword(currentPassword, account.passwordHash))) {
				throw new ApiError("unauthorized", "The current password is wrong", [
					{ field: "currentPassword", message: "is wrong" },
				]);
			}
			const weakness = passwordWeakness(newPassword, account.email);
			if (weakness) {
				throw new ApiError("validation_failed", `Invalid new password: ${weakness}`, [
					{ field: "newPassword", message: weakness },
				]);
			}
			const db = database(c.var.d1);
			await db
				.update(schema.accounts)
				.set({ passwordHash: await hashPassword(newPassword), updatedAt: new Date().toISOString() })
				.where(eq(schema.accounts.id, account.id));
			await endSessions(c, "password_change", { accountId: account.id, sessionId: sessionOfCaller(c) });
			auditChange(c, { after: { passwordChanged: true, otherSessionsEnded: true } });
			return c.json({ message: "Your password is changed; your other sessions are signed out" }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/customers/me/orders",
			tags: ["Accounts"],
			summary: "The signed-in customer's orders, newest first",
			security: bearerSecurity,
			responses: { 200: jsonContent(OrderHistoryView, "Order history"), ...errorResponses(401) },
		}),
		async (c) => {
			const account = await currentAccount(c);
			return c.json({ orders: await orderHistory(c, account) }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/customers/me/export",
			tags: ["Accounts"],
			summary:
				"Everything GoodFood holds about the signed-in account: the profile and every order with its lines, all of what deletion erases",
			security: bearerSecurity,
			responses: {
				200: jsonContent(
					z.object({
						exportedAt: z.string(),
						account: ProfileView,
						orders: z.array(z.record(z.string(), z.unknown())),
					}),
					"The account's data",
				),
				...errorResponses(401),
			},
		}),
		async (c) => {
			const account = await currentAccount(c);
			const orders = await exportedOrders(c, account);
			c.header("content-disposition", 'attachment; filename="goodfood-export.json"');
			return c.json({ exportedAt: new Date().toISOString(), account: profileOf(account), orders }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/customers/me",
			tags: ["Accounts"],
			summary:
				"Delete the account: every session ends at once; every order is kept for the restaurants, anonymised in the read models and in its own event stream",
			security: bearerSecurity,
			responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403) },
		}),
		async (c) => {
			assertMayDeleteOwnAccount(signedIn(c).role);
			const account = await currentAccount(c);
			// Sessions first, while the account's refresh tokens still say which are live: the token dies at once.
			await endSessions(c, "account_deletion", { accountId: account.id });
			const databases = erasureDatabasesIn(c);
			await eraseAccount(databases, account, new Date());
			// The orders' own streams: as many as this request may call; the sweep finishes any rest.
			const log = requestLogger(c);
			const progress = await forgetInOrderObjects(c.env, databases, log, {
				accountId: account.id,
				call: callContext(c),
			});
			log.info("account erased", { accountId: account.id, ...progress });
			return c.body(null, 204);
		},
	);

/** The request's sessions on the global database and on every region's: what it writes, the response's bookmarks cover. */
function erasureDatabasesIn(c: Context<AppEnv>): ErasureDatabases {
	return {
		global: database(c.var.d1),
		regions: c.var.orderData.everywhere().map(({ region, session }) => ({ region, db: database(session) })),
	};
}

/**
 * Every order of the account with its lines, newest first and not a page: an
 * export shows all that deletion erases, from every region.
 */
async function exportedOrders(c: Context<AppEnv>, account: AccountRow) {
	const { customerOrderHistory, orders, orderLines } = schema;
	const customerRef = customerRefOf(account.id, account.email);
	const perRegion = await Promise.all(
		c.var.orderData.everywhere().map(async ({ session }) => {
			const db = database(session);
			// A subquery, not a list of ids: however many orders, nothing is bound but the reference.
			const owned = db
				.select({ id: customerOrderHistory.orderId })
				.from(customerOrderHistory)
				.where(eq(customerOrderHistory.customerRef, customerRef));
			const [found, lines] = await db.batch([
				db.select().from(orders).where(inArray(orders.id, owned)),
				db.select().from(orderLines).where(inArray(orderLines.orderId, owned)),
			]);
			return found.map((order) => ({ ...order, lines: lines.filter((line) => line.orderId === order.id) }));
		}),
	);
	return perRegion.flat().sort(newestFirst);
}
