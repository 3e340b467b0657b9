/**
 * The back office's day-to-day location writes, for admins and the
 * location's managers: its weekly opening hours, closures (holidays, one-off
 * days) and pausing ordering. Each change bumps the menu version and publishes
 * the menu document, which carries the location, so the edge that relayed the
 * write shows it on its next read and every other edge once its version
 * pointer is re-read (docs/locations.md); checkout reads the location fresh
 * from D1's primary, so it refuses at once.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import { localClock } from "./domain/availability";
import { upcomingClosures, withClosure, withoutClosure } from "./domain/closures";
import { ORDERING_RUNS, orderingState, paused, sameOrdering } from "./domain/ordering-pause";
import * as catalogue from "./repository";
import { describeLocation } from "./routes";
import {
	ClosureInput,
	ClosureSchema,
	IdParam,
	LocationSchema,
	OpeningHoursInput,
	PauseInput,
	SlugParam,
} from "./schemas";
import { published } from "./staff-routes";

type LocationRow = NonNullable<Awaited<ReturnType<typeof catalogue.findLocation>>>;

const ClosureParams = SlugParam.extend({ closureId: IdParam });
const ClosureList = z.object({ closures: z.array(ClosureSchema) }).openapi("ClosureList");

/** Admins anywhere, managers at their own locations. */
const managed = {
	tags: ["Locations (back office)"],
	security: bearerSecurity,
	middleware: [staffAtLocation(["manager", "admin"])],
};

/** A change another write raced past is decided again on the fresh row, at most this many times. */
const ATTEMPTS = 3;

interface Changed {
	before: LocationRow;
	after: LocationRow;
}

/**
 * Reads the location, lets `decide` say what to change (or nothing, for a
 * request that changes nothing: no new version), and writes it only if no
 * other write came in between, deciding again on the fresh row if one did: a
 * closure added at the same moment as another is never lost.
 */
async function changeLocation(
	c: Context<AppEnv>,
	slug: string,
	decide: (row: LocationRow) => catalogue.LocationOperations | undefined,
): Promise<Changed> {
	const db = database(c.var.d1);
	for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
		const row = await catalogue.findLocation(db, slug);
		if (!row) throw ApiError.notFound("Location");
		const change = decide(row);
		if (!change) return { before: row, after: row };
		const updated = await catalogue.updateLocationOperations(db, slug, row.menuVersion, change);
		if (updated) {
			updated.menuVersion = await published(c, slug, updated.menuVersion);
			return { before: row, after: updated };
		}
	}
	throw new ApiError("conflict", `${slug} kept changing while this change was made; send it again`);
}

/** The location as answered, and the audit log's before and after: the part of it the route changes. */
function answer<K extends "openingHours" | "closures" | "ordering">(
	c: Context<AppEnv>,
	slug: string,
	{ before, after }: Changed,
	part: K,
) {
	const now = new Date();
	const described = { before: describeLocation(before, now), after: describeLocation(after, now) };
	auditChange(c, {
		before: { [part]: described.before[part] },
		after: { [part]: described.after[part] },
		locationSlug: slug,
	});
	return described.after;
}

function todayAt(row: LocationRow): string {
	return localClock(new Date(), row.timeZone).date;
}

export const locationOperationRoutes = createRouter()
	.openapi(
		createRoute({
			...managed,
			method: "put",
			path: "/locations/{slug}/opening-hours",
			summary: "Replace a location's weekly opening hours (admins, its managers)",
			description:
				"Validated as on the location itself: ranges of a day must not overlap, and a range past midnight (`closes` before `opens`) must close by 06:00 and not overlap the next day's first ranges; each problem names `openingHours.<day>.<index>`. The same hours again change nothing (same menu version).",
			request: {
				params: SlugParam,
				body: {
					content: { "application/json": { schema: z.object({ openingHours: OpeningHoursInput }) } },
					required: true,
				},
			},
			responses: {
				200: jsonContent(LocationSchema, "The location with its new hours; menuVersion is its new menu version"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const { openingHours } = c.req.valid("json");
			const changed = await changeLocation(c, slug, (row) =>
				JSON.stringify(row.openingHours) === JSON.stringify(openingHours) ? undefined : { openingHours },
			);
			return c.json(answer(c, slug, changed, "openingHours"), 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/locations/{slug}/closures",
			tags: ["Locations (back office)"],
			summary: "A location's closures under way today or to come (its staff)",
			security: bearerSecurity,
			middleware: [staffAtLocation()],
			request: { params: SlugParam },
			responses: {
				200: jsonContent(ClosureList, "Closures, soonest first"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const row = await catalogue.findLocation(database(c.var.d1), slug);
			if (!row) throw ApiError.notFound("Location");
			return c.json({ closures: upcomingClosures(row.closures, todayAt(row)) }, 200);
		},
	)
	.openapi(
		createRoute({
			...managed,
			method: "post",
			path: "/locations/{slug}/closures",
			summary: "Close a location for whole days: a holiday, a one-off day (admins, its managers)",
			description:
				"From `from` to `to` inclusive, the location's local dates (`to` defaults to `from`). While it lasts the location is not open (`openNow` false), has no bookable slots, and checkout answers 409 `location_closed`. A `from` before today at the location is refused with 422 `closure_in_past`; a `to` before `from` with 400 naming `to`. Closures that have ended are dropped.",
			request: {
				params: SlugParam,
				body: { content: { "application/json": { schema: ClosureInput } }, required: true },
			},
			responses: {
				201: jsonContent(ClosureSchema, "The closure"),
				...errorResponses(400, 401, 403, 404, 409, 422),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const request = c.req.valid("json");
			const id = catalogue.newId("clo");
			let closure: z.infer<typeof ClosureSchema> | undefined;
			const changed = await changeLocation(c, slug, (row) => {
				const next = withClosure(row.closures, request, todayAt(row), id);
				closure = next.closure;
				return { closures: next.closures };
			});
			answer(c, slug, changed, "closures");
			if (!closure) throw new Error("a closure decided without a closure");
			return c.json(closure, 201);
		},
	)
	.openapi(
		createRoute({
			...managed,
			method: "delete",
			path: "/locations/{slug}/closures/{closureId}",
			summary: "Remove a closure (admins, its managers)",
			request: { params: ClosureParams },
			responses: { 204: { description: "Removed" }, ...errorResponses(400, 401, 403, 404, 409) },
		}),
		async (c) => {
			const { slug, closureId } = c.req.valid("param");
			const changed = await changeLocation(c, slug, (row) => {
				const closures = withoutClosure(row.closures, closureId, todayAt(row));
				if (!closures) throw ApiError.notFound("Closure");
				return { closures };
			});
			answer(c, slug, changed, "closures");
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			...managed,
			method: "post",
			path: "/locations/{slug}/pause",
			summary: "Pause ordering at a location, with the reason customers are shown (admins, its managers)",
			description:
				"Until it is resumed, checkout answers 409 `location_paused` with `details.reason`, and the location and its menu show `ordering.paused`. Pausing again with the same reason changes nothing; with another reason, takes the new one and keeps `since`.",
			request: {
				params: SlugParam,
				body: { content: { "application/json": { schema: PauseInput } }, required: true },
			},
			responses: {
				200: jsonContent(LocationSchema, "The location, paused"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const { reason } = c.req.valid("json");
			const changed = await changeLocation(c, slug, (row) => {
				const current = orderingState(row.orderingPausedAt, row.orderingPausedReason);
				const next = paused(current, reason, new Date());
				return sameOrdering(current, next) ? undefined : { ordering: next };
			});
			return c.json(answer(c, slug, changed, "ordering"), 200);
		},
	)
	.openapi(
		createRoute({
			...managed,
			method: "post",
			path: "/locations/{slug}/resume",
			summary: "Resume ordering at a paused location (admins, its managers)",
			description: "Resuming a location that takes orders changes nothing.",
			request: { params: SlugParam },
			responses: {
				200: jsonContent(LocationSchema, "The location, taking orders"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const changed = await changeLocation(c, slug, (row) =>
				row.orderingPausedAt === null ? undefined : { ordering: ORDERING_RUNS },
			);
			return c.json(answer(c, slug, changed, "ordering"), 200);
		},
	);
