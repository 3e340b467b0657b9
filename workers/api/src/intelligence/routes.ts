/**
 * Recommendations and demand forecasts over the order read models.
 * Recommendations are computed per request from the item pairs and daily item
 * sales the order-events consumer keeps current, in every region's order
 * database; forecasts are read from the nightly precompute (global), or
 * computed from the daily category sales of the location's region when missing.
 */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import { localClock } from "../menu/domain/availability";
import { SlugParam } from "../menu/schemas";
import { forecastDemand, storedForecast } from "./demand-forecast";
import { addDays, daysBetween } from "./domain/calendar";
import { MAX_DAYS_AHEAD } from "./domain/demand";
import { invalid } from "./invalid";
import { recommendationsFor } from "./recommendations";
import { findLocation, intelligenceDb, listForecasts } from "./repository";
import {
	allergensOf,
	DemandForecastSchema,
	DemandQuery,
	ForecastListQuery,
	ForecastListSchema,
	RecommendationsQuery,
	RecommendationsSchema,
} from "./schemas";

/** The longest range the staff list answers at once. */
const MAX_LIST_DAYS = 92;

export const intelligenceRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/recommendations",
			tags: ["Recommendations"],
			summary: "Items to suggest: for the signed-in customer's taste, a cart's contents, or what is popular",
			description:
				"Item-to-item collaborative filtering over what is ordered together at the location (its orders in every region), personalised by a signed-in customer's past orders there; popularity when there is nothing to go on. Never suggests an item in the cart, one with an allergen the customer avoids, one sold out, or one outside the hours it is served; while the location is closed (a cart for a later slot), the rest of the menu may be suggested.",
			request: { query: RecommendationsQuery },
			responses: {
				200: jsonContent(RecommendationsSchema, "Suggestions, best first"),
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const { location, count, cart, avoid } = c.req.valid("query");
			const answer = await recommendationsFor(c, { location, count, cart, avoidAllergens: allergensOf(avoid) });
			c.header("cache-control", "private, no-store");
			return c.json(
				{
					...answer,
					recommendations: answer.recommendations.map(({ item, score, reason }) => ({
						item: { id: item.id, name: item.name, price: item.price },
						score,
						reason,
					})),
				},
				200,
			);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/forecasts/demand",
			tags: ["Forecasts (staff)"],
			summary: "Units of a category expected to sell on a local date, with 80% and 95% prediction intervals",
			description:
				"Today and the next 14 days come from the nightly precompute when it has run; other dates, and any it missed, are computed from the daily sales history (Holt-Winters or seasonal-naive, whichever backtested better). A past date is forecast from the history before it and answered with what actually sold. Staff of the location only.",
			security: bearerSecurity,
			request: { query: DemandQuery },
			responses: {
				200: jsonContent(DemandForecastSchema, "The forecast"),
				...errorResponses(400, 401, 403, 404, 422),
			},
		}),
		async (c) => {
			const forecast = await forecastDemand(c, c.req.valid("query"));
			c.header("cache-control", "private, no-store");
			return c.json(forecast, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/locations/{slug}/forecasts",
			tags: ["Forecasts (staff)"],
			summary: "The location's precomputed demand forecasts by date and category, for kitchen planning",
			security: bearerSecurity,
			middleware: [staffAtLocation()],
			request: { params: SlugParam, query: ForecastListQuery },
			responses: {
				200: jsonContent(ForecastListSchema, "Forecasts, by date and then menu order"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const query = c.req.valid("query");
			const db = intelligenceDb(c.var.d1);
			const location = await findLocation(db, slug);
			if (!location) throw ApiError.notFound("Location");
			const from = query.from ?? localClock(new Date(), location.timeZone).date;
			const to = query.to ?? addDays(from, MAX_DAYS_AHEAD);
			if (to < from) throw invalid("to", "must not be before from");
			if (daysBetween(from, to) >= MAX_LIST_DAYS) throw invalid("to", `must be within ${MAX_LIST_DAYS} days of from`);
			const rows = await listForecasts(db, slug, from, to);
			c.header("cache-control", "private, no-store");
			return c.json(
				{
					location: slug,
					from,
					to,
					forecasts: rows.map(({ forecast, categoryName }) => ({
						category: { id: forecast.categoryId, name: categoryName },
						...storedForecast(forecast),
					})),
				},
				200,
			);
		},
	);
