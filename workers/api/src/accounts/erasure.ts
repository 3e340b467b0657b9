/**
 * Erasing a customer's account, however many orders it has.
 *
 * One D1 batch does the part that must be atomic: the tombstone, the to-do
 * list of every order (`erasure_orders`), the anonymised read models and
 * notification log, and the account's removal. Each order's own event stream
 * lives in its Cart object and needs an RPC call per order, so those are
 * worked off the to-do list in pages, a bounded number per invocation: the
 * deletion request does what it can, and the nightly sweep finishes the rest
 * (after a crash, or for an account with more orders than one invocation may
 * call). An order whose OrderPlaced lands after the deletion is added to the
 * list by its projection (`ordering/projections.ts`), which reopens the
 * tombstone until the sweep has rewritten that order's stream too.
 */

import { errorText, type Logger } from "@goodfood/platform/log";
import type { CallContext } from "@goodfood/platform/trace";
import { and, asc, eq, exists, gt, inArray, isNull, ne, notExists, or, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { alias } from "drizzle-orm/sqlite-core";
import { cartObject } from "../cart/carts";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { ERASED_CONTACT, ERASED_LINE_COLUMNS, ERASED_ORDER_COLUMNS } from "../ordering/domain/erasure";
import { customerRefOf } from "../ordering/projections";

/** Cart objects called per invocation: well inside the Workers limit of 1,000 subrequests, with room for D1. */
export const ORDER_OBJECTS_PER_INVOCATION = 500;
/** Order objects called at once; a page's ids are also bound in one statement, under D1's 100 parameters. */
const PAGE_SIZE = 50;

/**
 * The statements of an account's erasure, to run as one batch: after it, the
 * account is gone, its orders are anonymised in D1 and listed for their Cart
 * objects, and its tombstone says when and how many.
 */
export function eraseAccountStatements(
	db: Database,
	account: { id: string; email: string },
	now: Date,
): [BatchItem<"sqlite">, ...BatchItem<"sqlite">[]] {
	const { notificationLog, orders, orderLines, customerOrderHistory, erasureOrders, accountTombstones } = schema;
	const customerRef = customerRefOf(account.id, account.email);
	const listedOrders = db
		.select({ id: erasureOrders.orderId })
		.from(erasureOrders)
		.where(eq(erasureOrders.accountId, account.id));
	const erased = ERASED_CONTACT.email;
	const isCustomersEmail = and(
		eq(notificationLog.channel, "email"),
		or(
			sql`lower(${notificationLog.recipient}) = ${account.email.toLowerCase()}`,
			inArray(notificationLog.orderId, listedOrders),
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
	return [
		// The to-do list first: every order the read models hold for the account, however many.
		db
			.insert(erasureOrders)
			.select(
				db
					.select({
						accountId: sql<string>`${account.id}`.as("account_id"),
						orderId: customerOrderHistory.orderId,
						forgottenAt: sql<string | null>`null`.as("forgotten_at"),
					})
					.from(customerOrderHistory)
					.where(eq(customerOrderHistory.customerRef, customerRef)),
			)
			.onConflictDoNothing(),
		db
			.insert(accountTombstones)
			.values({
				accountId: account.id,
				erasedAt: now.toISOString(),
				orders: sql`(select count(*) from ${erasureOrders} where ${erasureOrders.accountId} = ${account.id})`,
			})
			.onConflictDoNothing(),
		// The e-mail log rows of the account's orders, and any under its address. A row already
		// scrubbed for the same event would collide with the update on the log's key, so it goes first.
		db.delete(notificationLog).where(and(isCustomersEmail, ne(notificationLog.recipient, erased), erasedRowExists)),
		db.update(notificationLog).set({ recipient: erased }).where(isCustomersEmail),
		db.update(orders).set(ERASED_ORDER_COLUMNS).where(inArray(orders.id, listedOrders)),
		db.update(orderLines).set(ERASED_LINE_COLUMNS).where(inArray(orderLines.orderId, listedOrders)),
		db.delete(customerOrderHistory).where(eq(customerOrderHistory.customerRef, customerRef)),
		// Its refresh tokens go with it (ON DELETE CASCADE).
		db.delete(schema.accounts).where(eq(schema.accounts.id, account.id)),
	];
}

export interface ForgetProgress {
	/** Order objects that forgot the customer in this run. */
	forgotten: number;
	/** Orders left on the to-do list (a failed call stays on it for the next run). */
	pending: number;
}

/**
 * Works the to-do list off: each listed order's Cart object rewrites its
 * events without the person, then the row is ticked. One account's list
 * (the deletion request) or every account's (the sweep), at most `budget`
 * objects. A tombstone whose list is done gets its `completed_at`.
 */
export async function forgetInOrderObjects(
	env: Env,
	db: Database,
	log: Logger,
	{
		accountId,
		budget = ORDER_OBJECTS_PER_INVOCATION,
		call = {},
	}: { accountId?: string; budget?: number; call?: CallContext },
): Promise<ForgetProgress> {
	const { erasureOrders } = schema;
	const pendingOf = and(
		isNull(erasureOrders.forgottenAt),
		accountId ? eq(erasureOrders.accountId, accountId) : undefined,
	);
	let forgotten = 0;
	let called = 0;
	let after = { accountId: "", orderId: "" };
	while (called < budget) {
		const page = await db
			.select({ accountId: erasureOrders.accountId, orderId: erasureOrders.orderId })
			.from(erasureOrders)
			.where(
				and(
					pendingOf,
					// Keyset paging, so a call that failed is not retried within this run.
					or(
						gt(erasureOrders.accountId, after.accountId),
						and(eq(erasureOrders.accountId, after.accountId), gt(erasureOrders.orderId, after.orderId)),
					),
				),
			)
			.orderBy(asc(erasureOrders.accountId), asc(erasureOrders.orderId))
			.limit(Math.min(PAGE_SIZE, budget - called));
		if (page.length === 0) break;
		called += page.length;
		after = page[page.length - 1];
		const results = await Promise.allSettled(
			page.map((row) => cartObject(env, row.orderId).forgetCustomer(row.accountId, call)),
		);
		const done = page.filter((row, index) => {
			const result = results[index];
			if (result.status === "fulfilled") return true;
			log.error("order object did not forget an erased customer; the sweep retries", {
				orderId: row.orderId,
				error: errorText(result.reason),
			});
			return false;
		});
		for (const accountRows of groupBy(done, (row) => row.accountId)) {
			await db
				.update(erasureOrders)
				.set({ forgottenAt: new Date().toISOString() })
				.where(
					and(
						eq(erasureOrders.accountId, accountRows[0].accountId),
						inArray(
							erasureOrders.orderId,
							accountRows.map((row) => row.orderId),
						),
					),
				);
		}
		forgotten += done.length;
	}
	await completeFinishedTombstones(db, accountId);
	const [{ pending }] = await db.select({ pending: sql<number>`count(*)` }).from(erasureOrders).where(pendingOf);
	return { forgotten, pending };
}

/** Stamps `completed_at` on tombstones with nothing left on their list, in one statement, so a late order cannot slip between. */
async function completeFinishedTombstones(db: Database, accountId: string | undefined): Promise<void> {
	const { accountTombstones, erasureOrders } = schema;
	await db
		.update(accountTombstones)
		.set({ completedAt: new Date().toISOString() })
		.where(
			and(
				isNull(accountTombstones.completedAt),
				accountId ? eq(accountTombstones.accountId, accountId) : undefined,
				notExists(
					db
						.select({ one: sql`1` })
						.from(erasureOrders)
						.where(and(eq(erasureOrders.accountId, accountTombstones.accountId), isNull(erasureOrders.forgottenAt))),
				),
			),
		);
}

/**
 * The sweep (nightly cron): finishes every erasure with orders left, those a
 * deletion could not reach in its own request and those whose OrderPlaced
 * landed after it. Never throws, so the cron's other work still runs.
 */
export async function finishErasures(env: Env, log: Logger): Promise<void> {
	try {
		const progress = await forgetInOrderObjects(env, database(env.DB), log, {});
		if (progress.forgotten > 0 || progress.pending > 0) log.info("erasures swept", { ...progress });
	} catch (error) {
		log.error("erasure sweep failed", { error: errorText(error) });
	}
}

function groupBy<T>(rows: T[], key: (row: T) => string): T[][] {
	const groups = new Map<string, T[]>();
	for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
	return [...groups.values()];
}
