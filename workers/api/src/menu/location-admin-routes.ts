/**
 * Admins create a location or replace its details, its region included; the
 * back office's hours, closures and pause are in location-operations-routes.ts. The
 * region says where the location's new orders are kept; a move to another
 * region is refused while the old one still holds orders the kitchen has to
 * finish (see domain/region-move.ts). Like every catalogue write, a change
 * bumps the menu version and publishes the menu document, which carries the
 * location.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { type Region, regionsOf } from "@goodfood/platform/regions";
import { createRoute } from "@hono/zod-openapi";
import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { decideRegionMove, FINISHED_ORDER_STATUSES } from "./domain/region-move";
import { locationOperationRoutes } from "./location-operations-routes";
import * as catalogue from "./repository";
import { describeLocation } from "./routes";
import { LocationInput, LocationSchema, NewLocationInput, SlugParam } from "./schemas";
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

function assertRegion(c: Context<AppEnv>, name: string): void {
	const regions = regionsOf(c.env);
	if (!regions.get(name)) throw unknownRegion(name, regions.all);
}

export const locationAdminRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/locations",
			tags: ["Menu (staff)"],
			summary: "Create a location (admins)",
			description: [
				"Creates the location at menu version 1 and publishes its (empty) menu. A slug another location has is refused with 409 `location_exists`.",
				"`timeZone` must be an IANA time zone, `currency` an ISO 4217 code in use, `region` a configured region (422 `unknown_region` lists them);",
				"opening ranges must not overlap and a range past midnight must close by 06:00 (400 naming `openingHours.<day>.<index>`).",
			].join(" "),
			security: bearerSecurity,
			middleware: [requireRole("admin")],
			request: { body: { content: { "application/json": { schema: NewLocationInput } }, required: true } },
			responses: {
				201: jsonContent(LocationSchema, "Created"),
				...errorResponses(400, 401, 403, 409, 422),
			},
		}),
		async (c) => {
			const { slug, ...input } = c.req.valid("json");
			assertRegion(c, input.region);
			const row = await catalogue.insertLocation(database(c.var.d1), slug, input);
			if (!row) {
				throw new ApiError("location_exists", `There is a location ${slug} already`, [
					{ field: "slug", message: "is taken by another location" },
				]);
			}
			const created = describeLocation({ ...row, menuVersion: await published(c, slug, row.menuVersion) }, new Date());
			auditChange(c, { before: null, after: created, locationSlug: slug });
			return c.json(created, 201);
		},
	)
	.openapi(
		createRoute({
			method: "put",
			path: "/locations/{slug}",
			tags: ["Menu (staff)"],
			summary: "Create a location, or replace its details (admins)",
			description: [
				"Creates the location when the slug is new (201; POST /locations creates without ever replacing), otherwise replaces its details (200) and bumps its menu version;",
				"either way the menu document is published again. Sending the location as it is changes nothing (200, same menu version). `region` is required and must be a configured region (422 `unknown_region` lists them).",
				"An order stays in the region its cart was opened in, so after a move earlier orders are still served from the old region and new carts open in the new one.",
				"A move is refused (409 `location_has_open_orders`) while the location has orders in its current region that are not picked up, delivered, rejected or cancelled:",
				"finish them first, so none disappears from a kitchen screen that reads the new region.",
				"Changing the currency of a location that sells items is refused (409 `conflict`): their prices are in it.",
				"Validated as on POST /locations: an IANA `timeZone`, an ISO 4217 `currency`, opening ranges that neither overlap nor run backwards. Its hours, closures and pause keep their own routes and are left as they are.",
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
			assertRegion(c, input.region);
			const regions = regionsOf(c.env);

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

			const now = new Date();
			const before = existing ? describeLocation(existing, now) : null;
			if (existing && catalogue.locationUnchanged(existing, input)) {
				// The same PUT again: nothing to write, no new menu version for edges to fetch.
				const unchanged = describeLocation(existing, now);
				auditChange(c, { before: unchanged, after: unchanged, locationSlug: slug });
				return c.json(unchanged, 200);
			}
			const { row, created } = await catalogue.putLocation(db, slug, input);
			const after = describeLocation({ ...row, menuVersion: await published(c, slug, row.menuVersion) }, now);
			auditChange(c, { before, after, locationSlug: slug });
			return c.json(after, created ? 201 : 200);
		},
	)
	.route("/", locationOperationRoutes);
