/**
 * The signed-in account's profile and order history: what GET and PATCH
 * /customers/me, GET /customers/me/orders and the graph's `me` and `updateMe`
 * all call, so the two front doors answer alike.
 */
import type { AppEnv } from "@goodfood/platform/app";
import { signedIn } from "@goodfood/platform/auth";
import { ApiError, validationError } from "@goodfood/platform/errors";
import { desc, eq } from "drizzle-orm";
import type { Context } from "hono";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { findLocation } from "../menu/repository";
import { customerRefOf } from "../ordering/projections";
import { assertMaySaveAddresses } from "./domain/verification";
import { type AccountRow, findAccount } from "./repository";
import { ProfilePatch } from "./schemas";

/** The signed-in caller's account, or undefined when anonymous or the account is gone. */
export async function accountOfCaller(c: Context<AppEnv>): Promise<AccountRow | undefined> {
	const principal = c.get("principal");
	return principal ? findAccount(database(c.var.d1), principal.id) : undefined;
}

/** The signed-in caller's account: 401 when anonymous or when the account no longer exists. */
export async function currentAccount(c: Context<AppEnv>): Promise<AccountRow> {
	const account = await findAccount(database(c.var.d1), signedIn(c).id);
	if (!account) throw new ApiError("unauthorized", "This account no longer exists");
	return account;
}

export type ProfileChange = ReturnType<typeof ProfilePatch.parse>;

/** Checks an untrusted patch with the REST route's own schema: validation_failed naming each field. */
export function parseProfilePatch(input: unknown): ProfileChange {
	const parsed = ProfilePatch.safeParse(input);
	if (!parsed.success) throw validationError(parsed.error);
	return parsed.data;
}

/**
 * Applies a checked patch to the account: a favourite location must exist
 * (404 otherwise), and addresses wait for a confirmed e-mail address (403).
 */
export async function changeProfile(
	c: Context<AppEnv>,
	account: AccountRow,
	patch: ProfileChange,
): Promise<AccountRow> {
	assertMaySaveAddresses(account.emailVerifiedAt, patch.addresses);
	const db = database(c.var.d1);
	if (patch.favouriteLocation && !(await findLocation(db, patch.favouriteLocation))) {
		throw ApiError.notFound("Location");
	}
	const [updated] = await db
		.update(schema.accounts)
		.set({ ...patch, updatedAt: new Date().toISOString() })
		.where(eq(schema.accounts.id, account.id))
		.returning();
	return updated;
}

/** Newest first; the id breaks a tie, so a merge of the regions' pages is the same every time. */
export function newestFirst(a: { placedAt: string; id: string }, b: { placedAt: string; id: string }): number {
	return b.placedAt.localeCompare(a.placedAt) || b.id.localeCompare(a.id);
}

/** The most orders the history shows. */
export const ORDER_HISTORY_LIMIT = 200;

export interface OrderHistoryEntry {
	orderId: string;
	locationSlug: string;
	placedAt: string;
	status: string;
	total: { amount: number; currency: string };
}

/**
 * The account's newest orders from every region (each region's newest,
 * merged): one statement per region, whatever the limit.
 */
export async function orderHistory(
	c: Context<AppEnv>,
	account: AccountRow,
	limit = ORDER_HISTORY_LIMIT,
): Promise<OrderHistoryEntry[]> {
	const { customerOrderHistory } = schema;
	const customerRef = customerRefOf(account.id, account.email);
	const perRegion = await Promise.all(
		c.var.orderData
			.everywhere()
			.map(({ session }) =>
				database(session)
					.select()
					.from(customerOrderHistory)
					.where(eq(customerOrderHistory.customerRef, customerRef))
					.orderBy(desc(customerOrderHistory.placedAt), desc(customerOrderHistory.orderId))
					.limit(limit),
			),
	);
	return perRegion
		.flat()
		.map((row) => ({ ...row, id: row.orderId }))
		.sort(newestFirst)
		.slice(0, limit)
		.map((row) => ({
			orderId: row.orderId,
			locationSlug: row.locationSlug,
			placedAt: row.placedAt,
			status: row.status,
			total: { amount: row.totalMinor, currency: row.currency },
		}));
}
