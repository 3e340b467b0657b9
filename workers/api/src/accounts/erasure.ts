/**
 * Erasing a customer's account, however many orders it has, in every region.
 *
 * The account and its tombstone live in the global database; the orders, their
 * read models, the notification log and the erasure's to-do list
 * (`erasure_orders`) live in each order's region. No batch spans two
 * databases, so an erasure is a sequence of steps, and the tombstone comes
 * first, as the global record that an erasure has begun:
 *
 * 1. Global: the tombstone, `completed_at` NULL.
 * 2. Each region, one batch: `erased_accounts` (from here on the region's
 *    projection writes a late order of the account anonymised and lists it),
 *    the account's orders listed in `erasure_orders`, its read models and
 *    notification log anonymised.
 * 3. Global, one batch, only once every region has done step 2: the
 *    tombstone's count (the regions' lists summed) and the account's removal
 *    with its refresh tokens.
 * 4. Each listed order's Cart object rewrites its events without the person:
 *    an RPC call per order, worked off the regions' lists in pages, a bounded
 *    number per invocation.
 *
 * A crash (or a region that fails) after step 1 leaves a tombstone whose
 * account still exists: the sweep (every ten minutes) resumes it, running
 * steps 2 and 3 again. Each is idempotent, and the account row still holds the
 * e-mail address the notification log is scrubbed by. So an account is never
 * removed while any region may still hold its data un-anonymised, and a
 * half-done erasure always has a global record that someone revisits. (The
 * other order, regions first and the tombstone last, would leave a live account
 * half anonymised, with nothing saying so, after a crash between them.)
 *
 * A late order, whose OrderPlaced its region projects after step 2, is listed
 * there by the projection. The tombstone, in another database, cannot be
 * reopened in that batch: the sweep finds the pending row, reopens the
 * tombstone (`completed_at` NULL, recounted), has the order's object forget
 * the customer, and stamps `completed_at` once no region has a pending row for
 * the account. A row listed between the sweep's count and its stamp is pending
 * at the next sweep, which reopens the tombstone again.
 */

import { errorText, type Logger } from "@goodfood/platform/log";
import { type Region, regionsOf } from "@goodfood/platform/regions";
import type { CallContext } from "@goodfood/platform/trace";
import { and, asc, eq, exists, gt, inArray, isNull, ne, notExists, or, sql } from "drizzle-orm";
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
/** Account ids bound in one statement, under D1's 100 parameters. */
const ACCOUNTS_PER_STATEMENT = 90;
/** Interrupted erasures the sweep resumes per run, and tombstones it reopens or completes. */
const ACCOUNTS_PER_SWEEP = 200;

/** The databases an erasure touches: the global one, and each region's order database. */
export interface ErasureDatabases {
	global: Database;
	regions: { region: Region; db: Database }[];
}

/** The worker's own databases, for the sweep (a request uses its sessions instead). */
export function erasureDatabasesOf(env: Env): ErasureDatabases {
	return {
		global: database(env.DB),
		regions: regionsOf(env).all.map((region) => ({ region, db: database(region.orders) })),
	};
}

interface ErasedAccount {
	id: string;
	email: string;
}

/**
 * Erases an account (steps 1 to 3 above): afterwards it is gone, its orders in
 * every region are anonymised and listed for their Cart objects, and its
 * tombstone says when and how many. Returns the orders listed.
 */
export async function eraseAccount(databases: ErasureDatabases, account: ErasedAccount, now: Date): Promise<number> {
	await databases.global
		.insert(schema.accountTombstones)
		.values({ accountId: account.id, erasedAt: now.toISOString(), orders: 0 })
		.onConflictDoNothing();
	return anonymiseAndRemove(databases, account, now.toISOString());
}

/** Steps 2 and 3: every region's batch, then, only if all of them succeeded, the global one. */
async function anonymiseAndRemove(
	{ global, regions }: ErasureDatabases,
	account: ErasedAccount,
	erasedAt: string,
): Promise<number> {
	const listed = await Promise.all(regions.map(({ db }) => anonymiseInRegion(db, account, erasedAt)));
	const orders = listed.reduce((sum, count) => sum + count, 0);
	const { accountTombstones, accounts, refreshTokens } = schema;
	await global.batch([
		global.update(accountTombstones).set({ orders }).where(eq(accountTombstones.accountId, account.id)),
		global.delete(refreshTokens).where(eq(refreshTokens.accountId, account.id)),
		global.delete(accounts).where(eq(accounts.id, account.id)),
	]);
	return orders;
}

/** One region's part, as one batch; answers how many of the account's orders the region has listed. */
async function anonymiseInRegion(db: Database, account: ErasedAccount, erasedAt: string): Promise<number> {
	const { notificationLog, orders, orderLines, customerOrderHistory, erasureOrders, erasedAccounts } = schema;
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
	const results = await db.batch([
		// First, so an OrderPlaced this region projects from now on is written anonymised and listed.
		db.insert(erasedAccounts).values({ accountId: account.id, erasedAt }).onConflictDoNothing(),
		// The to-do list: every order the region's read models hold for the account, however many.
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
		// The e-mail log rows of the account's orders, and any under its address. A row already
		// scrubbed for the same event would collide with the update on the log's key, so it goes first.
		db.delete(notificationLog).where(and(isCustomersEmail, ne(notificationLog.recipient, erased), erasedRowExists)),
		db.update(notificationLog).set({ recipient: erased }).where(isCustomersEmail),
		db.update(orders).set(ERASED_ORDER_COLUMNS).where(inArray(orders.id, listedOrders)),
		db.update(orderLines).set(ERASED_LINE_COLUMNS).where(inArray(orderLines.orderId, listedOrders)),
		db.delete(customerOrderHistory).where(eq(customerOrderHistory.customerRef, customerRef)),
		db.select({ listed: sql<number>`count(*)` }).from(erasureOrders).where(eq(erasureOrders.accountId, account.id)),
	]);
	return results[7][0]?.listed ?? 0;
}

export interface ForgetProgress {
	/** Order objects that forgot the customer in this run. */
	forgotten: number;
	/** Orders left on the regions' to-do lists (a failed call stays on it for the next run). */
	pending: number;
}

/**
 * Works the to-do lists off (step 4): each listed order's Cart object rewrites
 * its events without the person, then the row is ticked. One account's lists
 * (the deletion request) or every account's (the sweep), region after region,
 * at most `budget` objects in all. A tombstone whose lists are done in every
 * region gets its `completed_at`, with the orders counted again.
 */
export async function forgetInOrderObjects(
	env: Env,
	databases: ErasureDatabases,
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
	for (const { db } of databases.regions) {
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
				// Async, so an object that cannot even be reached fails its row alone, not the run.
				page.map(async (row) => cartObject(env, row.orderId).forgetCustomer(row.accountId, call)),
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
	}
	await completeFinishedTombstones(databases, accountId);
	let pending = 0;
	for (const { db } of databases.regions) {
		const [row] = await db.select({ pending: sql<number>`count(*)` }).from(erasureOrders).where(pendingOf);
		pending += row.pending;
	}
	return { forgotten, pending };
}

interface Tally {
	/** Orders listed for the account, in every region. */
	listed: number;
	/** Of those, orders whose object has not forgotten the customer yet. */
	pending: number;
}

/** Each account's lists, summed over the regions. */
async function tallyLists(regions: ErasureDatabases["regions"], accountIds: string[]): Promise<Map<string, Tally>> {
	const { erasureOrders } = schema;
	const tallies = new Map<string, Tally>(accountIds.map((id) => [id, { listed: 0, pending: 0 }]));
	for (const ids of chunks(accountIds, ACCOUNTS_PER_STATEMENT)) {
		const perRegion = await Promise.all(
			regions.map(({ db }) =>
				db
					.select({
						accountId: erasureOrders.accountId,
						listed: sql<number>`count(*)`,
						pending: sql<number>`count(*) - count(${erasureOrders.forgottenAt})`,
					})
					.from(erasureOrders)
					.where(inArray(erasureOrders.accountId, ids))
					.groupBy(erasureOrders.accountId),
			),
		);
		for (const row of perRegion.flat()) {
			const tally = tallies.get(row.accountId);
			if (!tally) continue;
			tally.listed += row.listed;
			tally.pending += row.pending;
		}
	}
	return tallies;
}

/**
 * Stamps `completed_at`, with the orders counted again, on open tombstones of
 * removed accounts with nothing pending in any region: one account's, or the
 * oldest open ones. Only an account already removed: one still present is an
 * interrupted erasure, which the sweep resumes first.
 */
async function completeFinishedTombstones(
	{ global, regions }: ErasureDatabases,
	accountId: string | undefined,
): Promise<void> {
	const { accountTombstones, accounts } = schema;
	const open = await global
		.select({ accountId: accountTombstones.accountId })
		.from(accountTombstones)
		.where(
			and(
				isNull(accountTombstones.completedAt),
				accountId ? eq(accountTombstones.accountId, accountId) : undefined,
				notExists(global.select({ one: sql`1` }).from(accounts).where(eq(accounts.id, accountTombstones.accountId))),
			),
		)
		.orderBy(asc(accountTombstones.erasedAt))
		.limit(ACCOUNTS_PER_SWEEP);
	if (open.length === 0) return;
	const tallies = await tallyLists(
		regions,
		open.map((row) => row.accountId),
	);
	const completedAt = new Date().toISOString();
	const updates = [...tallies]
		.filter(([, tally]) => tally.pending === 0)
		.map(([id, tally]) =>
			global
				.update(accountTombstones)
				.set({ orders: tally.listed, completedAt })
				.where(and(eq(accountTombstones.accountId, id), isNull(accountTombstones.completedAt))),
		);
	if (updates.length > 0) await global.batch(updates as [(typeof updates)[0], ...typeof updates]);
}

/**
 * Reopens, and counts again, the tombstone of every account with an order
 * pending in some region that its tombstone does not account for: a late
 * order a projection listed after the erasure.
 */
async function reopenTombstonesWithLateOrders({ global, regions }: ErasureDatabases): Promise<number> {
	const { erasureOrders, accountTombstones } = schema;
	const pendingAccounts = await Promise.all(
		regions.map(({ db }) =>
			db
				.selectDistinct({ accountId: erasureOrders.accountId })
				.from(erasureOrders)
				.where(isNull(erasureOrders.forgottenAt))
				.orderBy(asc(erasureOrders.accountId))
				.limit(ACCOUNTS_PER_SWEEP),
		),
	);
	const accountIds = [...new Set(pendingAccounts.flat().map((row) => row.accountId))];
	if (accountIds.length === 0) return 0;
	const tallies = await tallyLists(regions, accountIds);
	const updates = [...tallies].map(([id, tally]) =>
		global
			.update(accountTombstones)
			.set({ orders: tally.listed, completedAt: null })
			.where(
				and(
					eq(accountTombstones.accountId, id),
					or(sql`${accountTombstones.completedAt} is not null`, ne(accountTombstones.orders, tally.listed)),
				),
			)
			.returning({ accountId: accountTombstones.accountId }),
	);
	const reopened = await global.batch(updates as [(typeof updates)[0], ...typeof updates]);
	return reopened.flat().length;
}

/**
 * Erasures a crash or a failing region interrupted after the tombstone: the
 * account is still there, so steps 2 and 3 run again for it.
 */
async function resumeInterruptedErasures(databases: ErasureDatabases, log: Logger): Promise<number> {
	const { accountTombstones, accounts } = schema;
	const interrupted = await databases.global
		.select({ id: accounts.id, email: accounts.email, erasedAt: accountTombstones.erasedAt })
		.from(accountTombstones)
		.innerJoin(accounts, eq(accounts.id, accountTombstones.accountId))
		.orderBy(asc(accountTombstones.erasedAt))
		.limit(ACCOUNTS_PER_SWEEP);
	let resumed = 0;
	for (const account of interrupted) {
		try {
			await anonymiseAndRemove(databases, account, account.erasedAt);
			resumed += 1;
		} catch (error) {
			// A region still failing: this account waits for the next sweep, the others go on.
			log.error("interrupted erasure not resumed; the next sweep retries", {
				accountId: account.id,
				error: errorText(error),
			});
		}
	}
	return resumed;
}

/**
 * The sweep (every ten minutes, and nightly): resumes interrupted erasures,
 * reopens the tombstones of accounts with late orders, then finishes every
 * erasure with orders left: those a deletion could not reach in its own
 * request and those whose OrderPlaced landed after it. Never throws, so the
 * cron's other work still runs.
 */
export async function finishErasures(
	env: Env,
	log: Logger,
	{ budget }: { budget?: number } = {},
	databases: ErasureDatabases = erasureDatabasesOf(env),
): Promise<void> {
	try {
		const resumed = await resumeInterruptedErasures(databases, log);
		const reopened = await reopenTombstonesWithLateOrders(databases);
		const progress = await forgetInOrderObjects(env, databases, log, { budget });
		if (resumed > 0 || reopened > 0 || progress.forgotten > 0 || progress.pending > 0) {
			log.info("erasures swept", { resumed, reopened, ...progress });
		}
	} catch (error) {
		log.error("erasure sweep failed", { error: errorText(error) });
	}
}

function groupBy<T>(rows: T[], key: (row: T) => string): T[][] {
	const groups = new Map<string, T[]>();
	for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
	return [...groups.values()];
}

function chunks<T>(items: T[], size: number): T[][] {
	const result: T[][] = [];
	for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
	return result;
}
