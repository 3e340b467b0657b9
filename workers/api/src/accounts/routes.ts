/**
 * Accounts: register, sign in, rotate and revoke tokens, and the signed-in
 * account's profile, order history, data export and deletion.
 */

import { ACCESS_TOKEN_TTL_SECONDS, issueAccessToken } from "@goodfood/platform/access-token";
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, forbiddenRole, isStaffRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { limitByAddress } from "@goodfood/platform/rate-limit";
import { callContext } from "@goodfood/platform/request-log";
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, exists, inArray, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Context } from "hono";
import { cartObject } from "../cart/carts";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { findLocation } from "../menu/repository";
import { ERASED_CONTACT, ERASED_ORDER_COLUMNS } from "../ordering/domain/erasure";
import { DUMMY_HASH, verifyPassword } from "./domain/passwords";
import { type AccountRow, createAccount, findAccount, findAccountByEmail, principalOf, profileOf } from "./repository";
import {
	LoginInput,
	OrderHistoryView,
	ProfilePatch,
	ProfileView,
	RefreshInput,
	RegisterInput,
	TokensView,
} from "./schemas";
import { issueRefreshToken, revokeByToken, rotateRefreshToken } from "./tokens";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const RegisterResult = TokensView.extend({ account: ProfileView }).openapi("Registration");
const SIGN_IN_WINDOW_SECONDS = 60;

async function tokensFor(c: Context<AppEnv>, account: AccountRow, refreshToken?: string) {
	return {
		accessToken: await issueAccessToken(c.env, principalOf(account)),
		refreshToken: refreshToken ?? (await issueRefreshToken(database(c.var.d1), account.id)),
		expiresIn: ACCESS_TOKEN_TTL_SECONDS,
		tokenType: "Bearer" as const,
	};
}

export function clientIp(c: Context<AppEnv>): string {
	return c.req.header("cf-connecting-ip") ?? c.req.header("x-forwarded-for")?.split(",")[0]?.trim() ?? "unknown";
}

async function currentAccount(c: Context<AppEnv>): Promise<AccountRow> {
	const account = await findAccount(database(c.var.d1), signedIn(c).id);
	if (!account) throw new ApiError("unauthorized", "This account no longer exists");
	return account;
}

export const accountRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/auth/register",
			tags: ["Accounts"],
			summary: "Register a customer account and sign in",
			request: { body: json(RegisterInput) },
			responses: { 201: jsonContent(RegisterResult, "Registered and signed in"), ...errorResponses(400, 409) },
		}),
		async (c) => {
			await limitByAddress(
				c,
				"RATE_LIMIT_REGISTER",
				"Too many registrations from this address; wait a minute and try again",
			);
			const account = await createAccount(database(c.var.d1), { ...c.req.valid("json"), role: "customer" });
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
			const { success } = await c.env.RATE_LIMIT_SIGN_IN.limit({ key: `${clientIp(c)}:${email}` });
			if (!success) {
				c.header("retry-after", String(SIGN_IN_WINDOW_SECONDS));
				throw new ApiError("rate_limited", "Too many sign-in attempts; wait a minute and try again");
			}
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
			summary: "Sign out: the refresh token's whole sign-in stops working",
			request: { body: json(RefreshInput) },
			responses: { 204: { description: "Signed out" }, ...errorResponses(400) },
		}),
		async (c) => {
			await revokeByToken(database(c.var.d1), c.req.valid("json").refreshToken);
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
				"Change the profile: name, phone, addresses, dietary preferences, allergens to avoid, favourite location, notifications",
			security: bearerSecurity,
			request: { body: json(ProfilePatch) },
			responses: { 200: jsonContent(ProfileView, "The changed profile"), ...errorResponses(400, 401, 404) },
		}),
		async (c) => {
			const account = await currentAccount(c);
			const patch = c.req.valid("json");
			const db = database(c.var.d1);
			if (patch.favouriteLocation && !(await findLocation(db, patch.favouriteLocation))) {
				throw ApiError.notFound("Location");
			}
			const [updated] = await db
				.update(schema.accounts)
				.set({ ...patch, updatedAt: new Date().toISOString() })
				.where(eq(schema.accounts.id, account.id))
				.returning();
			return c.json(profileOf(updated), 200);
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
			return c.json({ orders: await orderHistory(c, account.id) }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/customers/me/export",
			tags: ["Accounts"],
			summary: "Everything GoodFood holds about the signed-in account",
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
			const db = database(c.var.d1);
			const history = await orderHistory(c, account.id);
			const orders = await Promise.all(
				history.map(async ({ orderId }) => {
					const [order, lines] = await db.batch([
						db.select().from(schema.orders).where(eq(schema.orders.id, orderId)),
						db.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, orderId)),
					]);
					return { ...order[0], lines };
				}),
			);
			c.header("content-disposition", 'attachment; filename="goodfood-export.json"');
			return c.json({ exportedAt: new Date().toISOString(), account: profileOf(account), orders }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/customers/me",
			tags: ["Accounts"],
			summary: "Delete the account: orders are kept for the restaurants, anonymised",
			security: bearerSecurity,
			responses: { 204: { description: "Deleted" }, ...errorResponses(401, 403) },
		}),
		async (c) => {
			// Staff accounts are an admin's to remove, so no location is left without its last admin by accident.
			const { role } = signedIn(c);
			if (isStaffRole(role)) {
				throw forbiddenRole(
					role,
					["customer"],
					`Your role (${role}) may not delete your own account; an admin removes staff accounts`,
				);
			}
			const account = await currentAccount(c);
			const db = database(c.var.d1);
			const customerRef = `customer:${account.id}`;
			const owned = await orderHistory(c, account.id);
			// The orders' own streams first, so a failure leaves the account to retry the deletion with.
			await Promise.all(
				owned.map(({ orderId }) => cartObject(c.env, orderId).forgetCustomer(account.id, callContext(c))),
			);
			const { notificationLog, orders } = schema;
			const erased = ERASED_CONTACT.email;
			const isCustomersEmail = and(
				eq(notificationLog.channel, "email"),
				or(
					sql`lower(${notificationLog.recipient}) = ${account.email.toLowerCase()}`,
					inArray(
						notificationLog.orderId,
						db.select({ id: orders.id }).from(orders).where(eq(orders.customerRef, customerRef)),
					),
				),
			);
			const scrubbed = alias(notificationLog, "scrubbed");
			const erasedRowExists = exists(
				db
					.select({ one: sql`1` })
					.from(scrubbed)
					.where(
						and(
							eq(scrubbed.eventId, notificationLog.eventId),
							eq(scrubbed.channel, "email"),
							eq(scrubbed.recipient, erased),
						),
					),
			);
			await db.batch([
				// Before the orders lose their reference: the e-mail log rows of the account's orders, and any under its address.
				// A row already scrubbed for the same event would collide with the update on the log's key, so it goes first.
				db.delete(notificationLog).where(and(isCustomersEmail, ne(notificationLog.recipient, erased), erasedRowExists)),
				db.update(notificationLog).set({ recipient: erased }).where(isCustomersEmail),
				db.update(orders).set(ERASED_ORDER_COLUMNS).where(eq(orders.customerRef, customerRef)),
				db.delete(schema.customerOrderHistory).where(eq(schema.customerOrderHistory.customerRef, customerRef)),
				db.delete(schema.accounts).where(eq(schema.accounts.id, account.id)),
			]);
			return c.body(null, 204);
		},
	);

async function orderHistory(c: Context<AppEnv>, accountId: string) {
	const db = database(c.var.d1);
	const rows = await db
		.select()
		.from(schema.customerOrderHistory)
		.where(eq(schema.customerOrderHistory.customerRef, `customer:${accountId}`))
		.orderBy(desc(schema.customerOrderHistory.placedAt))
		.limit(200);
	return rows.map((row) => ({
		orderId: row.orderId,
		locationSlug: row.locationSlug,
		placedAt: row.placedAt,
		status: row.status,
		total: { amount: row.totalMinor, currency: row.currency },
	}));
}
