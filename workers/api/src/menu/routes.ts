/** Public menu reads: locations and a location's menu (search is in search-routes.ts). */

import { createRouter } from "@goodfood/platform/app";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { localClock } from "./domain/availability";
import { isOpenOn, upcomingClosures } from "./domain/closures";
import { nearestFirst } from "./domain/geo";
import { readMenu } from "./reads";
import { findLocation, listLocations, toLocationSummary } from "./repository";
import { LANGUAGE_VARY, languageWishes } from "./request-language";
import { LocationSchema, LocationsQuery, MenuSchema, SlugParam } from "./schemas";

/** Any text: a language that is not supported or not offered falls back to the location's default, never a 400. */
const MenuQuery = z.object({
	lang: z.string().max(35).optional().openapi({
		description:
			"The language to answer in (ISO 639-1, e.g. `ja`); beats the bearer's preference and Accept-Language. One the location does not offer falls back to its default language.",
		example: "ja",
	}),
});

/** The menu's body depends on these request headers besides the URL (the bearer's `lng` claim is a wish). */

type LocationRow = NonNullable<Awaited<ReturnType<typeof findLocation>>>;

/** A location as the API answers it at `now`: open or not on its clock, with the closures still to come. */
export function describeLocation(row: LocationRow, now: Date) {
	const summary = toLocationSummary(row);
	const clock = localClock(now, summary.timeZone);
	return {
		...summary,
		closures: upcomingClosures(summary.closures, clock.date),
		openNow: isOpenOn(summary, clock),
		menuVersion: row.menuVersion,
	};
}

export const menuRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/locations",
			tags: ["Menu"],
			summary: "List locations, nearest first when lat and lng are given",
			request: { query: LocationsQuery },
			responses: {
				200: jsonContent(z.object({ locations: z.array(LocationSchema) }), "Locations"),
				...errorResponses(400),
			},
		}),
		async (c) => {
			const { lat, lng } = c.req.valid("query");
			const now = new Date();
			const locations = (await listLocations(database(c.var.d1))).map((row) => describeLocation(row, now));
			const ordered =
				lat !== undefined && lng !== undefined ? nearestFirst(locations, { latitude: lat, longitude: lng }) : locations;
			return c.json({ locations: ordered }, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/locations/{slug}",
			tags: ["Menu"],
			summary: "One location",
			request: { params: SlugParam },
			responses: { 200: jsonContent(LocationSchema, "The location"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const row = await findLocation(database(c.var.d1), c.req.valid("param").slug);
			if (!row) throw ApiError.notFound("Location");
			return c.json(describeLocation(row, new Date()), 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/locations/{slug}/menu",
			tags: ["Menu"],
			summary: "A location's whole menu, with what can be ordered now, in the caller's language",
			description:
				"The language is the first the location offers of: `?lang=`, the signed-in customer's preference, Accept-Language; else the location's default. It is in `language` and `Content-Language`; a missing translation reads in the default language, field by field.",
			request: { params: SlugParam, query: MenuQuery },
			responses: { 200: jsonContent(MenuSchema, "The menu"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const menu = await readMenu(
				c.var.d1,
				c.req.valid("param").slug,
				languageWishes(c.req, c.req.valid("query").lang),
			);
			if (!menu) throw ApiError.notFound("Location");
			c.header("cache-control", "no-store");
			c.header("content-language", menu.language);
			c.header("vary", LANGUAGE_VARY, { append: true });
			return c.json(menu, 200);
		},
	);
