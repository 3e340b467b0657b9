/**
 * The kitchen's prep list: for a local date, each item's expected units and
 * 80% interval from the nightly item forecasts (global), beside its stock on
 * hand from the location's kitchen object. Staff of the location only.
 */
import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import { currentRegionOf } from "../cart/location-region";
import { kitchenOf } from "../kitchen/kitchens";
import { localClock } from "../menu/domain/availability";
import { SlugParam } from "../menu/schemas";
import { addDays } from "./domain/calendar";
import { MAX_DAYS_AHEAD } from "./domain/demand";
import { prepUnits } from "./domain/item-forecast";
import { invalid } from "./invalid";
import { findLocation, intelligenceDb, listItemForecasts } from "./repository";
import { PrepListQuery, PrepListSchema } from "./schemas";

const NO_FORECAST_NOTE =
	"No item forecast for this date yet: the nightly forecast runs after the first day of sales, and covers today and the next 14 days";

export const prepListRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/locations/{slug}/prep-list",
		tags: ["Forecasts (staff)"],
		summary: "What to prep for a local date: each item's expected units with its 80% range, and stock on hand",
		description:
			"From the nightly item forecasts: an item with eight steady weeks of sales has its own model, any other its category's forecast split by its share of the last 28 days (`category-share`). Units are whole: the forecast rounded up, and the whole units inside its 80% interval. Sorted by category (menu order), then item name. Staff of the location only.",
		security: bearerSecurity,
		middleware: [staffAtLocation()],
		request: { params: SlugParam, query: PrepListQuery },
		responses: {
			200: jsonContent(PrepListSchema, "The prep list; empty with a note before the first forecast"),
			...errorResponses(400, 401, 403, 404),
		},
	}),
	async (c) => {
		const { slug } = c.req.valid("param");
		const query = c.req.valid("query");
		const db = intelligenceDb(c.var.d1);
		const location = await findLocation(db, slug);
		if (!location) throw ApiError.notFound("Location");
		const today = localClock(new Date(), location.timeZone).date;
		const date = query.date ?? addDays(today, 1);
		if (date < today) throw invalid("date", `must not be in the past (today is ${today} here)`);
		const lastDate = addDays(today, MAX_DAYS_AHEAD);
		if (date > lastDate) throw invalid("date", `must be at most ${MAX_DAYS_AHEAD} days ahead (${lastDate})`);

		const rows = await listItemForecasts(db, slug, date);
		c.header("cache-control", "private, no-store");
		if (rows.length === 0) {
			return c.json({ location: slug, date, generatedAt: null, note: NO_FORECAST_NOTE, items: [] }, 200);
		}
		// Stock is now, not on the date: what is on hand to prep from.
		const kitchen = kitchenOf(c.env, await currentRegionOf(c.env, c.var.d1, slug), slug);
		const onHand = new Map<string, number>();
		for (const level of await kitchen.stock(location.timeZone)) {
			if (level.optionId === null) onHand.set(level.itemId, level.onHand);
		}
		return c.json(
			{
				location: slug,
				date,
				// One nightly run writes a location's whole set.
				generatedAt: rows[0].forecast.generatedAt,
				note: null,
				items: rows.map(({ forecast, itemName, categoryId, categoryName }) => ({
					item: { id: forecast.itemId, name: itemName },
					category: { id: categoryId, name: categoryName },
					...prepUnits(forecast),
					predicted: forecast.predicted,
					model: forecast.model,
					stockOnHand: onHand.get(forecast.itemId) ?? null,
				})),
			},
			200,
		);
	},
);
