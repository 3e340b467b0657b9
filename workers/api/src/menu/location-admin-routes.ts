/**
 * Admins create a location or replace its details, its region included. The
 * region says where the location's new orders are kept; a move to another
 * region is refused while the old one still holds orders the kitchen has to
 * finish (see domain/region-move.ts). Like every catalogue write, a change
 * bumps the menu version and publishes the menu document, which carries the
 * location.
 */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { type Region, regionsOf } from "@goodfood/platform/regions";
import { createRoute } from "@hono/zod-openapi";
import { and, eq, notInArray, sql } from "drizzle-orm";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { decideRegionMove, FINISHED_ORDER_STATUSES } from "./domain/region-move";
import * as catalogue from "./repository";
import { describeLocation } from "./routes";
import { LocationInput, LocationSchema, SlugParam } from "./schemas";
import { published } from "./staff-routes";

/** Orders of the location the kitchen has not finished, in one region's order database. */
async function countOpenOrders(session: D1DatabaseSession, slug: string): Promise<number> {
	const row = await database(session)
		.select({ count: sql<number>`count(*)` })
		.from(schema.orders)
		.where(and(eq(schema.orders.locationSlug, slug), notInArray(schema.orders.status, [...FINISHED_ORDER_STATUSES])))
		.get();
	return row?.count ?? 0;
}

function unknownRegion(name: string, configured: readonly Region[]): ApiError {
	const names = configured.map((region) => region.name);
	const message = `region must be one of ${names.join(", ")}`;
	return new ApiError("unknown_region", `There is no region "${name}": ${message}`, [
		{ field: "region", message, configured: names },
	]);
}

export const locationAdminRoutes = createRouter().openapi(
	createRoute({
		method: "put",
		path: "/locations/{slug}",
		tags: ["Menu (staff)"],
		summary: "Create a location, or replace its details (admins)",
		description: [
			"Creates the location when the slug is new (201), otherwise replaces its details (200) and bumps its menu version;",
			"either way the menu document is published again. Sending the location as it is changes nothing (200, same menu version). `region` is required and must be a configured region (422 `unknown_region` lists them).",
			"An order stays in the region its cart was opened in, so after a move earlier orders are still served from the old region and new carts open in the new one.",
			"A move is refused (409 `location_has_open_orders`) while the location has orders in its current region that are not picked up, delivered, rejected or cancelled:",
			"finish them first, so none disappears from a kitchen screen that reads the new region.",
			"Changing the currency of a location that sells items is refused (409 `conflict`): their prices are in it.",
		].join(" "),
		security: bearerSecurity,
		middleware: [requireRole("admin")],
		request: {
			params: SlugParam,
			body: { content: { "application/json": { schema: LocationInput } }, required: true },
		},
		responses: {
			200: jsonContent(LocationSchema, "Replaced; menuVersion is the location's new menu version"),
			201: jsonContent(LocationSchema, "Created"),
			...errorResponses(400, 401, 403, 409, 422),
		},
	}),
	async (c) => {
		const { slug } = c.req.valid("param");
		const input = c.req.valid("json");
		const regions = regionsOf(c.env);
		if (!regions.get(input.region)) throw unknownRegion(input.region, regions.all);

		const db = database(c.var.d1);
		const existing = await catalogue.findLocation(db, slug);
		if (existing && existing.currency !== input.currency && (await catalogue.countItems(db, slug)) > 0) {
			throw new ApiError(
				"conflict",
				`${slug} sells items priced in ${existing.currency}; change their prices before its currency`,
				[{ field: "currency", message: `must stay ${existing.currency} while the location sells items` }],
			);
		}
		if (existing) {
			// Only a move reads the old region. One no longer configured holds nothing this deployment serves, so nothing is left behind.
			const currentRegion = existing.region === input.region ? undefined : regions.get(existing.region);
			const openOrders = currentRegion ? await countOpenOrders(c.var.orderData.in(currentRegion), slug) : 0;
			const move = decideRegionMove(existing.region, input.region, openOrders);
			if (move.kind === "refused") {
				throw new ApiError(
					"location_has_open_orders",
					`${slug} has ${move.openOrders} unfinished order(s) in the region ${move.from}; finish or cancel them before moving it to ${move.to}`,
					[
						{
							field: "region",
							message: `cannot leave ${move.from} while it holds unfinished orders`,
							openOrders: move.openOrders,
							currentRegion: move.from,
						},
					],
				);
			}
		}

		if (existing && catalogue.locationUnchanged(existing, input)) {
			// The same PUT again: nothing to write, no new menu version for edges to fetch.
			return c.json(describeLocation(existing, new Date()), 200);
		}
		const { row, created } = await catalogue.putLocation(db, slug, input);
		const menuVersion = await published(c, slug, row.menuVersion);
		return c.json(describeLocation({ ...row, menuVersion }, new Date()), created ? 201 : 200);
	},
);
