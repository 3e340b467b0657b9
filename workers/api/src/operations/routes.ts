/**
 * Operational figures for admins, and for a location's managers about their
 * location, computed from the order read models (never the Durable Objects),
 * so asking costs a few indexed D1 reads whatever the traffic. Every region
 * has its own order database: a location's figures come from its region,
 * every location's from all regions at once, merged.
 */

import { createRouter } from "@goodfood/platform/app";
import { assertStaffAt, bearerSecurity, forbiddenRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { regionNamed } from "@goodfood/platform/regions";
import { createRoute } from "@hono/zod-openapi";
import { database } from "../db/client";
import {
	cancellationRate,
	countByStatus,
	mergeRegionStats,
	placedToReady,
	placedToReadySeconds,
	rejectionRate,
} from "./domain/stats";
import { readStats, regionOfLocation } from "./repository";
import { OperationalStatsSchema, StatsQuery } from "./schemas";

const WINDOW_MS = 24 * 3600_000;

export const operationsRoutes = createRouter().openapi(
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
			throw forbiddenRole(role, ["admin"], `Your role (${role}) may not see every location's figures; it needs admin`);
		}

		const to = new Date();
		const from = new Date(to.getTime() - WINDOW_MS);
		const since = from.toISOString();
		let regions: { region: string; session: D1DatabaseSession }[];
		if (location) {
			const region = await regionOfLocation(database(c.var.d1), location);
			if (!region) throw ApiError.notFound("Location");
			regions = [{ region, session: c.var.orderData.in(regionNamed(c.env, region)) }];
		} else {
			regions = c.var.orderData.everywhere().map(({ region, session }) => ({ region: region.name, session }));
		}
		// One region's items are ranked in SQL; several regions' are ranked once merged, from their full counts.
		const itemLimit = regions.length === 1 ? top : undefined;
		const perRegion = await Promise.all(
			regions.map(({ session }) => readStats(database(session), since, location, itemLimit)),
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
);
