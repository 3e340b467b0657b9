/**
 * Recommendations and demand forecasts over the order read models.
 * Recommendations are computed per request from the item pairs and daily item
 * sales the order-events consumer keeps current, in every region's order
 * database; forecasts are read from the nightly precompute (global), or
 * computed from the daily category sales of the location's region when missing.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { assertStaffAt, bearerSecurity, customerIdOf, signedIn, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { regionNamed } from "@goodfood/platform/regions";
import { callContext } from "@goodfood/platform/request-log";
import { createRoute, type z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cartObject, unwrap } from "../cart/carts";
import { orderIdForCart } from "../cart/identity";
import { database } from "../db/client";
import { localClock } from "../menu/domain/availability";
import { presentMenu } from "../menu/domain/document";
import { loadMenuDocument } from "../menu/repository";
import { SlugParam } from "../menu/schemas";
import { addDays, daysBetween } from "./domain/calendar";
import { firstSalesDate, forecastDates, MAX_DAYS_AHEAD } from "./domain/demand";
import { type Candidate, recommend } from "./domain/recommend";
import {
	type ForecastRow,
	findCategory,
	findForecast,
	findLocation,
	intelligenceDb,
	listForecasts,
	loadCategorySales,
	loadCoOccurrence,
	loadCustomerInputs,
} from "./repository";
import {
	allergensOf,
	DemandForecastSchema,
	DemandQuery,
	ForecastListQuery,
	ForecastListSchema,
	RecommendationsQuery,
	RecommendationsSchema,
} from "./schemas";

type Basis = z.infer<typeof RecommendationsSchema>["basis"];

/** The longest range the staff list answers at once. */
const MAX_LIST_DAYS = 92;

function invalid(field: string, message: string): ApiError {
	return new ApiError("validation_failed", `Invalid ${field}: ${message}`, [{ field, message }]);
}

/** The cart's item ids, if the caller may see the cart: another customer's cart is not found, as everywhere. */
async function cartItems(c: Context<AppEnv>, cartId: string, slug: string): Promise<string[]> {
	const object = cartObject(c.env, await orderIdForCart(cartId));
	const cart = unwrap(await object.view(cartId, customerIdOf(c), undefined, undefined, callContext(c)));
	if (cart.locationSlug !== slug) throw invalid("cart", `is a cart at ${cart.locationSlug}, not ${slug}`);
	return cart.lines.map((line) => line.itemId);
}

const SHORT_HISTORY_NOTE = "Too little sales history to backtest this forecast against seasonal-naive";

/** The stored forecast's figures, without the keys the request already named. */
function storedForecast(row: ForecastRow) {
	return {
		date: row.date,
		predicted: row.predicted,
		lower80: row.lower80,
		upper80: row.upper80,
		lower95: row.lower95,
		upper95: row.upper95,
		model: row.model,
		mase: row.mase,
		generatedAt: row.generatedAt,
	};
}

export const intelligenceRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/recommendations",
			tags: ["Recommendations"],
			summary: "Items to suggest: for the signed-in customer's taste, a cart's contents, or what is popular",
			description:
				"Item-to-item collaborative filtering over what is ordered together at the location (its orders in every region), personalised by a signed-in customer's past orders there; popularity when there is nothing to go on. Never suggests an item in the cart, one with an allergen the customer avoids, or one that cannot be ordered right now.",
			request: { query: RecommendationsQuery },
			responses: {
				200: jsonContent(RecommendationsSchema, "Suggestions, best first"),
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const { location: slug, count, cart: cartId, avoid } = c.req.valid("query");
			const document = await loadMenuDocument(database(c.var.d1), slug);
			if (!document) throw ApiError.notFound("Location");
			// Learned from the location's orders in every region (it keeps what it learned before moving region).
			const regions = c.var.orderData.everywhere().map(({ session }) => intelligenceDb(session));
			const customerId = customerIdOf(c);
			const [cart, customer] = await Promise.all([
				cartId ? cartItems(c, cartId, slug) : [],
				customerId ? loadCustomerInputs(intelligenceDb(c.var.d1), regions, customerId, slug) : undefined,
			]);
			const history = customer && customer.history.orders > 0 ? customer.history : undefined;
			const model = await loadCoOccurrence(regions, slug, [...cart, ...(history?.itemOrders.keys() ?? [])]);

			const menu = presentMenu(document, new Date());
			const items = new Map(menu.categories.flatMap((category) => category.items.map((item) => [item.id, item])));
			const candidates: Candidate[] = [...items.values()].map((item) => ({
				id: item.id,
				name: item.name,
				allergens: item.allergens,
				availableNow: item.availableNow,
			}));
			const suggestions = recommend({
				model,
				candidates,
				cart,
				history,
				avoidAllergens: [...allergensOf(avoid), ...(customer?.avoidAllergens ?? [])],
				count,
				names: customer?.names,
				placeName: document.location.name,
			});
			const basis: Basis =
				history && cart.length > 0 ? "history_and_cart" : history ? "history" : cart.length > 0 ? "cart" : "popularity";
			c.header("cache-control", "private, no-store");
			return c.json(
				{
					location: slug,
					basis,
					recommendations: suggestions.flatMap((suggestion) => {
						const item = items.get(suggestion.itemId);
						if (!item) return [];
						return [
							{
								item: { id: item.id, name: item.name, price: item.price },
								score: Math.round(suggestion.score * 10_000) / 10_000,
								reason: suggestion.reason,
							},
						];
					}),
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
			signedIn(c);
			const { location: slug, category: categoryId, date } = c.req.valid("query");
			const db = intelligenceDb(c.var.d1);
			const location = await findLocation(db, slug);
			if (!location) throw ApiError.notFound("Location");
			assertStaffAt(c, slug);
			const category = await findCategory(db, slug, categoryId);
			if (!category) throw ApiError.notFound("Category");

			const today = localClock(new Date(), location.timeZone).date;
			const lastDate = addDays(today, MAX_DAYS_AHEAD);
			if (date > lastDate) throw invalid("date", `must be at most ${MAX_DAYS_AHEAD} days ahead (${lastDate})`);
			const past = date < today;
			// A past date is forecast from the days before it; the day itself is only its actual.
			const salesEnd = past ? addDays(date, 1) : today;
			// Forecasts are global; the location's sales are in its region.
			const sales = intelligenceDb(c.var.orderData.in(regionNamed(c.env, location.region)));
			const [precomputed, salesRows] = await Promise.all([
				findForecast(db, slug, categoryId, date),
				loadCategorySales(sales, slug, salesEnd, categoryId),
			]);
			const rows = salesRows.get(categoryId) ?? [];
			const first = firstSalesDate(rows);
			if (past && (first === null || date <= first)) {
				throw invalid(
					"date",
					first === null
						? "is in the past, and this category has no sales history"
						: `must be after the first day of sales (${first}), so there is history to forecast from`,
				);
			}
			const actual = past ? rows.filter((row) => row.date === date).reduce((sum, row) => sum + row.units, 0) : null;
			const answer = { location: slug, category: { id: category.id, name: category.name }, actual };
			c.header("cache-control", "private, no-store");
			if (precomputed) {
				const note = precomputed.mase === null ? SHORT_HISTORY_NOTE : null;
				return c.json({ ...answer, ...storedForecast(precomputed), source: "precomputed" as const, note }, 200);
			}
			if (first === null) {
				throw new ApiError("unprocessable", "This category has no sales history yet to forecast from");
			}
			const end = past ? date : today;
			const { series, forecasts } = forecastDates(rows, end, [date]);
			return c.json(
				{
					...answer,
					...forecasts[0],
					generatedAt: new Date().toISOString(),
					source: "computed" as const,
					note: series.note,
				},
				200,
			);
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
