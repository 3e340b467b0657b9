/**
 * The nightly payment reconciliation. A card payment is captured when its
 * order is handed over and released when it is rejected or cancelled; the
 * order's Cart object does both, retrying with backoff. Should a step never
 * land (a provider outage longer than the retries, a lost webhook), the read
 * model still says `authorised` for an order that is finished, or for one
 * nobody has touched for a day. This run finds those in every region's order
 * database and asks each order's object to settle its payment from the
 * provider's own view (`reconcilePayment`), which records whatever the
 * provider says happened and retries what it still owes.
 *
 * Bounded: at most RECONCILE_PER_REGION objects per region and
 * RECONCILE_RUN_BUDGET in all, since the nightly invocation also forecasts
 * and works off erasures (500 objects) within the Workers subrequest limit.
 * An order left over is found again the next night.
 */

import { errorText, type Logger } from "@goodfood/platform/log";
import { writeDataPoint } from "@goodfood/platform/metrics";
import { type Region, regionsOf } from "@goodfood/platform/regions";
import type { Outcome } from "@goodfood/platform/rule-violation";
import type { CallContext } from "@goodfood/platform/trace";
import { and, asc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { cartObject } from "../cart/carts";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import type { OrderStatus } from "../ordering/domain/order";
import type { PaymentStatus } from "./domain/payment";

export const RECONCILE_PER_REGION = 200;
export const RECONCILE_RUN_BUDGET = 300;
/** Objects called at once. */
const CONCURRENCY = 25;
/** An authorisation nothing has moved for this long is stuck, whatever the order's status. */
export const STALE_AFTER_MS = 24 * 3_600_000;
/**
 * A finished order's capture or release may still be under way (the object retries with backoff, and
 * its event may be on the queue): it counts as stuck only once the order has been finished this long.
 */
export const SETTLE_GRACE_MS = 3_600_000;

/** Order statuses after which an authorisation must have been captured (handed over) or released. */
const CAPTURED_AFTER: OrderStatus[] = ["picked_up", "delivered"];
const RELEASED_AFTER: OrderStatus[] = ["rejected", "cancelled"];

export interface StuckPayment {
	orderId: string;
	/** What never landed: the capture, the release, or nothing moved in a day. */
	owed: "capture" | "release" | "stale";
}

/**
 * The orders of one region whose payment is stuck at `authorised`: finished
 * orders first (their capture or release is certainly owed), then the longest
 * untouched, at most `limit`. The index on (payment_status, updated_at) keeps
 * it to the authorised rows.
 */
export async function findStuckPayments(db: Database, now: Date, limit: number): Promise<StuckPayment[]> {
	const { orders } = schema;
	const finished = [...CAPTURED_AFTER, ...RELEASED_AFTER];
	const settledBefore = new Date(now.getTime() - SETTLE_GRACE_MS).toISOString();
	const staleBefore = new Date(now.getTime() - STALE_AFTER_MS).toISOString();
	const rows = await db
		.select({ orderId: orders.id, status: orders.status })
		.from(orders)
		.where(
			and(
				eq(orders.paymentStatus, "authorised" satisfies PaymentStatus),
				or(
					and(inArray(orders.status, finished), lt(orders.updatedAt, settledBefore)),
					lt(orders.updatedAt, staleBefore),
				),
			),
		)
		.orderBy(
			sql`case when ${inArray(orders.status, finished)} then 0 else 1 end`,
			asc(orders.updatedAt),
			asc(orders.id),
		)
		.limit(limit);
	return rows.map(({ orderId, status }) => ({
		orderId,
		owed: CAPTURED_AFTER.includes(status) ? "capture" : RELEASED_AFTER.includes(status) ? "release" : "stale",
	}));
}

/** Asks an order's object to settle its payment from the provider's view. */
export type Reconcile = (
	orderId: string,
	call: CallContext,
) => Promise<Outcome<{ status: PaymentStatus; changed: boolean }>>;

export interface ReconcileSummary {
	checked: number;
	changed: number;
	failed: number;
	/** Regions whose database could not be read. */
	failedRegions: string[];
}

/**
 * One region's run, in the order-events dataset: `index1` `payments` ·
 * `blob1` `payment_reconcile`, `blob2` region · `double1` failed, `double2`
 * checked, `double3` changed. A dashboard alerts on `double1` above zero.
 */
function reconcileDataPoint(region: string, counts: Omit<ReconcileSummary, "failedRegions">): AnalyticsEngineDataPoint {
	return {
		indexes: ["payments"],
		blobs: ["payment_reconcile", region],
		doubles: [counts.failed, counts.checked, counts.changed],
	};
}

function refusalOf(outcome: Outcome<unknown>): string {
	return outcome.ok ? "" : `${outcome.violation.code}: ${outcome.violation.message}`;
}

async function reconcileRegion(
	region: Region,
	stuck: StuckPayment[],
	reconcile: Reconcile,
	call: CallContext,
	log: Logger,
): Promise<Omit<ReconcileSummary, "failedRegions">> {
	const counts = { checked: 0, changed: 0, failed: 0 };
	for (let start = 0; start < stuck.length; start += CONCURRENCY) {
		const page = stuck.slice(start, start + CONCURRENCY);
		// Async, so an object that cannot even be reached fails its order alone, not the run.
		const results = await Promise.allSettled(page.map(async ({ orderId }) => reconcile(orderId, call)));
		results.forEach((result, index) => {
			const { orderId, owed } = page[index];
			counts.checked += 1;
			if (result.status === "fulfilled" && result.value.ok) {
				if (result.value.value.changed) {
					counts.changed += 1;
					log.info("stuck payment settled", { region: region.name, orderId, owed, status: result.value.value.status });
				}
				return;
			}
			counts.failed += 1;
			const error = result.status === "rejected" ? errorText(result.reason) : refusalOf(result.value);
			log.error("stuck payment not reconciled; the next run tries again", {
				region: region.name,
				orderId,
				owed,
				error,
			});
		});
	}
	return counts;
}

/**
 * Settles the stuck payments of every region. Each region's failures are
 * counted and logged without stopping the others; the caller decides whether
 * a run with failures is a failed run.
 */
export async function reconcilePayments(
	env: Env,
	now: Date,
	log: Logger,
	{
		call = {},
		reconcile = (orderId, context) => cartObject(env, orderId).reconcilePayment(context),
	}: { call?: CallContext; reconcile?: Reconcile } = {},
): Promise<ReconcileSummary> {
	const regions = regionsOf(env).all;
	const perRegion = Math.min(RECONCILE_PER_REGION, Math.floor(RECONCILE_RUN_BUDGET / Math.max(1, regions.length)));
	const summary: ReconcileSummary = { checked: 0, changed: 0, failed: 0, failedRegions: [] };
	for (const region of regions) {
		let stuck: StuckPayment[];
		try {
			stuck = await findStuckPayments(database(region.orders), now, perRegion);
		} catch (error) {
			summary.failedRegions.push(region.name);
			log.error("stuck payments not read", { region: region.name, error: errorText(error) });
			continue;
		}
		const counts = await reconcileRegion(region, stuck, reconcile, call, log);
		summary.checked += counts.checked;
		summary.changed += counts.changed;
		summary.failed += counts.failed;
		writeDataPoint(env.ORDER_METRICS, reconcileDataPoint(region.name, counts));
	}
	const fields = { ...summary, perRegion };
	if (summary.failed > 0 || summary.failedRegions.length > 0) log.warn("payments reconciled", fields);
	else log.info("payments reconciled", fields);
	return summary;
}

/** The nightly job's part: throws when anything failed, so the run shows as failed in the dashboard. */
export async function reconcilePaymentsNightly(env: Env, now: Date, log: Logger, call: CallContext): Promise<void> {
	const summary = await reconcilePayments(env, now, log, { call });
	if (summary.failed > 0 || summary.failedRegions.length > 0) {
		throw new Error(
			`Payment reconciliation failed for ${summary.failed} order(s)${summary.failedRegions.length > 0 ? ` and region(s) ${summary.failedRegions.join(", ")}` : ""}`,
		);
	}
}
