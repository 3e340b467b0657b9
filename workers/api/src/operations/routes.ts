/**
 * Operational figures for admins, and for a location's managers about their
 * location, computed from the order read models (never the Durable Objects),
 * so asking costs a few indexed D1 reads whatever the traffic. Every region
 * has its own order database: a location's figures come from its region,
 * every location's from all regions at once, merged. Daily figures read
 * every region even for one location: a location moved to another region
 * keeps its old orders where they were placed. And the dead letters of every
 * region, for admins to see and replay.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { assertStaffAt, bearerSecurity, forbiddenRole, requireRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { ErrorSchema, errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { regionNamed, regionsOf } from "@goodfood/platform/regions";
import { requestLogger } from "@goodfood/platform/request-log";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import { syntheticLocationSlugs } from "../db/synthetic";
import { localClock } from "../menu/domain/availability";
import {
	dailyFigures,
	datesBetween,
	EMPTY_DAY,
	latestDate,
	MAX_DAILY_RANGE_DAYS,
	mergeDays,
	rangeOf,
	rangeProblem,
} from "./domain/daily";
import {
	cancellationRate,
	countByStatus,
	mergeRegionStats,
	placedToReady,
	placedToReadySeconds,
	rejectionRate,
} from "./domain/stats";
import { REPLAY_ALL_LIMIT, replayOne, replayPending } from "./replay";
import {
	type DeadLetterRow,
	type LocationDayRows,
	listDeadLetters,
	readDailyRows,
	readStats,
	regionOfLocation,
	statsLocations,
} from "./repository";
import {
	DailyStatsQuery,
	DailyStatsSchema,
	DeadLetterListSchema,
	DeadLetterParams,
	DeadLettersQuery,
	OperationalStatsSchema,
	ReplayAllResultSchema,
	ReplayResultSchema,
	StatsQuery,
} from "./schemas";

const WINDOW_MS = 24 * 3600_000;

const adminOnly = requireRole("admin");

/** The region a path names, or 404: no letter can be in a region the deployment does not have. */
function regionOr404(c: Context<AppEnv>, name: string) {
	const region = regionsOf(c.env).get(name);
	if (!region) throw ApiError.notFound("Dead letter");
	return region;
}

function deadLetterView(region: string, row: DeadLetterRow) {
	return {
		region,
		queue: row.queue,
		messageId: row.messageId,
		eventId: row.eventId,
		eventType: row.eventType,
		orderId: row.orderId,
		reason: row.reason,
		attempts: row.attempts,
		deadAt: row.deadAt,
		replayedAt: row.replayedAt,
	};
}

export const operationsRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/admin/stats",
			tags: ["Operations"],
			summary:
				"Orders by status, placed-to-ready median and p90, cancellation and rejection rates and top items over the last day",
			security: bearerSecurity,
			request: { query: StatsQuery },
			responses: {
				200: jsonContent(OperationalStatsSchema, "The last day's figures"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const { location, top } = c.req.valid("query");
			const { role } = signedIn(c);
			if (location) assertStaffAt(c, location, ["manager", "admin"]);
			else if (role !== "admin") {
				throw forbiddenRole(
					role,
					["admin"],
					`Your role (${role}) may not see every location's figures; it needs admin`,
				);
			}

			const to = new Date();
			const from = new Date(to.getTime() - WINDOW_MS);
			const since = from.toISOString();
			let regions: { region: string; session: D1DatabaseSession }[];
			// Every location's figures leave out the synthetic probe's orders; one location's are that location's.
			let hidden: string[] = [];
			if (location) {
				const region = await regionOfLocation(database(c.var.d1), location);
				if (!region) throw ApiError.notFound("Location");
				regions = [{ region, session: c.var.orderData.in(regionNamed(c.env, region)) }];
			} else {
				regions = c.var.orderData.everywhere().map(({ region, session }) => ({ region: region.name, session }));
				hidden = await syntheticLocationSlugs(database(c.var.d1));
			}
			// One region's items are ranked in SQL; several regions' are ranked once merged, from their full counts.
			const itemLimit = regions.length === 1 ? top : undefined;
			const perRegion = await Promise.all(
				regions.map(({ session }) => readStats(database(session), since, location, itemLimit, hidden)),
			);
			const rows = mergeRegionStats(perRegion, top);
			const ordersByStatus = countByStatus(rows.byStatus);
			c.header("cache-control", "no-store");
			return c.json(
				{
					location: location ?? null,
					window: { from: from.toISOString(), to: to.toISOString() },
					orders: Object.values(ordersByStatus).reduce((sum, count) => sum + count, 0),
					ordersByStatus,
					placedToReady: placedToReady(placedToReadySeconds(rows.readyTimes)),
					cancellationRate: cancellationRate(ordersByStatus),
					rejectionRate: rejectionRate(ordersByStatus),
					topItems: rows.topItems,
					regions: regions.map(({ region }, index) => ({
						region,
						orders: perRegion[index].byStatus.reduce((sum, row) => sum + row.count, 0),
					})),
				},
				200,
			);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/admin/stats/daily",
			tags: ["Operations"],
			summary:
				"Per location and local day: orders, revenue, average basket, cancellation and rejection rates, preparation time percentiles and ETA accuracy",
			description: `At most ${MAX_DAILY_RANGE_DAYS} days. Admins may ask for every location; a manager names one of their own with location.`,
			security: bearerSecurity,
			request: { query: DailyStatsQuery },
			responses: {
				200: jsonContent(DailyStatsSchema, "Every day of the range for each location, oldest first"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const query = c.req.valid("query");
			const { role } = signedIn(c);
			if (query.location) assertStaffAt(c, query.location, ["manager", "admin"]);
			else if (role !== "admin") {
				throw forbiddenRole(
					role,
					["admin"],
					`Your role (${role}) may not see every location's figures; it needs admin`,
				);
			}
			const locations = await statsLocations(database(c.var.d1), query.location);
			if (query.location && locations.length === 0) throw ApiError.notFound("Location");

			const now = new Date();
			const { from, to } = rangeOf(
				latestDate(locations.map((location) => localClock(now, location.timeZone).date)),
				query.from,
				query.to,
			);
			const problem = rangeProblem(from, to);
			if (problem) {
				throw new ApiError("validation_failed", `Invalid ${problem.field}: ${problem.message}`, [problem]);
			}

			const perRegion = await Promise.all(
				c.var.orderData.everywhere().map(({ session }) => readDailyRows(database(session), from, to, query.location)),
			);
			const byDay = new Map<string, LocationDayRows[]>();
			for (const row of perRegion.flat()) {
				const key = `${row.location}/${row.date}`;
				byDay.set(key, [...(byDay.get(key) ?? []), row]);
			}
			const dates = datesBetween(from, to);
			c.header("cache-control", "no-store");
			return c.json(
				{
					from,
					to,
					locations: locations.map((location) => ({
						location: location.slug,
						name: location.name,
						currency: location.currency,
						days: dates.map((date) => {
							const rows = byDay.get(`${location.slug}/${date}`);
							return dailyFigures(date, location.currency, rows ? mergeDays(rows) : EMPTY_DAY);
						}),
					})),
				},
				200,
			);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/admin/dead-letters",
			tags: ["Operations"],
			summary: "Order events whose retries ran out, from every region, newest first (admins)",
			security: bearerSecurity,
			middleware: [adminOnly],
			request: { query: DeadLettersQuery },
			responses: {
				200: jsonContent(DeadLetterListSchema, "The dead letters"),
				...errorResponses(400, 401, 403),
			},
		}),
		async (c) => {
			const { state, limit } = c.req.valid("query");
			const perRegion = await Promise.all(
				c.var.orderData
					.everywhere()
					.map(async ({ region, session }) =>
						(await listDeadLetters(database(session), state, limit)).map((row) => deadLetterView(region.name, row)),
					),
			);
			const deadLetters = perRegion
				.flat()
				.sort((a, b) => (a.deadAt < b.deadAt ? 1 : a.deadAt > b.deadAt ? -1 : 0))
				.slice(0, limit);
			c.header("cache-control", "no-store");
			return c.json({ deadLetters }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/admin/dead-letters/{region}/{queue}/{messageId}/replay",
			tags: ["Operations"],
			summary: "Send a dead letter back onto the queue it died on, once (admins)",
			description:
				"Marks the letter replayed, then sends its stored body back. A letter replayed already answers replayed: false and is not sent again.",
			security: bearerSecurity,
			middleware: [adminOnly],
			request: { params: DeadLetterParams },
			responses: {
				200: jsonContent(ReplayResultSchema, "Replayed now, or earlier"),
				...errorResponses(400, 401, 403, 404, 422),
				503: jsonContent(ErrorSchema, "The queue did not take it (`unavailable`); it is still pending"),
			},
		}),
		async (c) => {
			const { region: name, queue, messageId } = c.req.valid("param");
			const region = regionOr404(c, name);
			// The primary: the claim is a write, and the read before it must see the latest claim.
			const orders = database(c.var.orderData.in(region));
			const result = await replayOne(c.env, orders, { queue, messageId }, new Date(), requestLogger(c));
			auditChange(c, {
				before: { replayedAt: result.replayed ? null : result.replayedAt },
				after: { replayedAt: result.replayedAt },
			});
			return c.json(result, 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/admin/dead-letters/replay",
			tags: ["Operations"],
			summary: `Send every pending dead letter back onto its queue, once (admins; at most ${REPLAY_ALL_LIMIT} per region a call)`,
			security: bearerSecurity,
			middleware: [adminOnly],
			responses: {
				200: jsonContent(ReplayAllResultSchema, "How many were sent back"),
				...errorResponses(401, 403),
				503: jsonContent(ErrorSchema, "A queue did not take them (`unavailable`); those not sent are still pending"),
			},
		}),
		async (c) => {
			const now = new Date();
			const log = requestLogger(c);
			const counts = await Promise.all(
				c.var.orderData.everywhere().map(async ({ session }) => {
					const orders = database(session);
					const pending = await listDeadLetters(orders, "pending", REPLAY_ALL_LIMIT);
					return replayPending(c.env, orders, pending, now, log);
				}),
			);
			const result = {
				replayed: counts.reduce((sum, count) => sum + count.replayed, 0),
				alreadyReplayed: counts.reduce((sum, count) => sum + count.alreadyReplayed, 0),
			};
			auditChange(c, { before: { pending: result.replayed + result.alreadyReplayed }, after: result });
			return c.json(result, 200);
		},
	);
