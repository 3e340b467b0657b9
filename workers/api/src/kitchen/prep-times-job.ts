/**
 * The nightly prep-time job: for each location, reads the last weeks of its
 * orders from its region's order database (placed, confirmed and ready — the
 * first confirmation and ready milestones of the status history, as the
 * `orders` read model keeps them — and the lines), learns its prep-time model
 * (domain/prep-times.ts) and hands it to the location's kitchen object, which
 * predicts every checkout's ready time with it. A location without history
 * keeps whatever it had; one that fails is logged and the others still run.
 */
import { errorText, type Logger } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import { and, eq, gte, isNotNull, isNull } from "drizzle-orm";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { realLocation } from "../db/synthetic";
import { localClock } from "../menu/domain/availability";
import type { PrepTimeModel } from "./domain/eta";
import { learnPrepTimes, type PastOrder } from "./domain/prep-times";
import { kitchenOf } from "./kitchens";

/** Four weeks: every weekday four times, and a menu change forgotten within a month. */
export const PREP_HISTORY_DAYS = 28;

/**
 * A location's orders since `since` that were confirmed and became ready, as
 * the learner takes them. Scheduled orders are left out: their wait until the
 * time asked for is not the kitchen's.
 */
export async function loadPastOrders(
	db: Database,
	slug: string,
	since: string,
	timeZone: string,
): Promise<PastOrder[]> {
	const recent = and(
		eq(schema.orders.locationSlug, slug),
		gte(schema.orders.placedAt, since),
		isNotNull(schema.orders.confirmedAt),
		isNotNull(schema.orders.readyAt),
		isNull(schema.orders.requestedFor),
	);
	const [orders, lines] = await db.batch([
		db
			.select({
				id: schema.orders.id,
				placedAt: schema.orders.placedAt,
				confirmedAt: schema.orders.confirmedAt,
				readyAt: schema.orders.readyAt,
			})
			.from(schema.orders)
			.where(recent),
		db
			.select({
				orderId: schema.orderLines.orderId,
				itemId: schema.orderLines.itemId,
				categoryId: schema.orderLines.categoryId,
				quantity: schema.orderLines.quantity,
			})
			.from(schema.orderLines)
			.innerJoin(schema.orders, eq(schema.orders.id, schema.orderLines.orderId))
			.where(recent),
	]);
	const linesOf = new Map<string, PastOrder["lines"]>();
	for (const { orderId, ...line } of lines) linesOf.set(orderId, [...(linesOf.get(orderId) ?? []), line]);
	return orders.map((order) => {
		const placedAt = Date.parse(order.placedAt);
		return {
			orderId: order.id,
			placedAt,
			confirmedAt: Date.parse(order.confirmedAt ?? order.placedAt),
			readyAt: Date.parse(order.readyAt ?? order.placedAt),
			localHour: Math.floor(localClock(new Date(placedAt), timeZone).minutes / 60),
			lines: linesOf.get(order.id) ?? [],
		};
	});
}

export interface PrepTimesSummary {
	locations: number;
	/** Orders learned from, over all locations. */
	orders: number;
	failures: string[];
}

export async function learnPrepTimesNightly(
	env: Env,
	now: Date,
	log: Logger,
	push: (region: string, slug: string, model: PrepTimeModel) => Promise<void> = (region, slug, model) =>
		kitchenOf(env, regionNamed(env, region), slug).setPrepTimes(model),
): Promise<PrepTimesSummary> {
	const summary: PrepTimesSummary = { locations: 0, orders: 0, failures: [] };
	const since = new Date(now.getTime() - PREP_HISTORY_DAYS * 86_400_000).toISOString();
	const locations = await database(env.DB)
		.select({ slug: schema.locations.slug, timeZone: schema.locations.timeZone, region: schema.locations.region })
		.from(schema.locations)
		.where(realLocation());
	for (const location of locations) {
		try {
			const past = await loadPastOrders(
				database(regionNamed(env, location.region).orders),
				location.slug,
				since,
				location.timeZone,
			);
			if (past.length === 0) continue;
			await push(location.region, location.slug, learnPrepTimes(past));
			summary.locations += 1;
			summary.orders += past.length;
		} catch (error) {
			summary.failures.push(location.slug);
			log.error("prep times failed", { location: location.slug, error: errorText(error) });
		}
	}
	log.info("prep times learned", { ...summary });
	if (summary.failures.length > 0) throw new Error(`Prep times failed for ${summary.failures.join(", ")}`);
	return summary;
}
