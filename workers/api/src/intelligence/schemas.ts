/** Request and response schemas of recommendations and demand forecasts. */
import { z } from "@hono/zod-openapi";
import { CART_ID_PATTERN } from "../cart/identity";
import { EU_ALLERGENS } from "../menu/domain/dietary";
import { MoneySchema } from "../menu/schemas";
import { isIsoDate } from "./domain/calendar";

const slug = z.string().regex(/^[a-z0-9-]{1,64}$/, "must be lower-case letters, digits and dashes");
const isoDate = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD");

function isAllergen(value: string): boolean {
	return (EU_ALLERGENS as readonly string[]).includes(value);
}

export const RecommendationsQuery = z.object({
	location: slug.openapi({ example: "london-soho" }),
	count: z.coerce.number().int().min(1).max(50).default(10),
	cart: z
		.string()
		.regex(CART_ID_PATTERN, "must be a cart id")
		.optional()
		.openapi({ description: "A cart whose contents seed the suggestions; its items are never suggested" }),
	avoid: z
		.string()
		.refine((value) => value.split(",").every(isAllergen), `must be allergens from ${EU_ALLERGENS.join(", ")}`)
		.optional()
		.openapi({
			description: "Allergens to avoid, separated by commas, besides those on a signed-in customer's profile",
			example: "peanuts,milk",
		}),
});

/** Splits the `avoid` filter; call only on a value RecommendationsQuery accepted. */
export function allergensOf(filter: string | undefined): string[] {
	return filter ? filter.split(",") : [];
}

export const RecommendationsSchema = z
	.object({
		location: z.string(),
		basis: z.enum(["history_and_cart", "history", "cart", "popularity"]).openapi({
			description: "What the suggestions were computed from",
		}),
		recommendations: z.array(
			z.object({
				item: z.object({ id: z.string(), name: z.string(), price: MoneySchema }),
				score: z.number().openapi({ description: "Higher is a better match; comparable within one answer" }),
				reason: z.string().openapi({ example: "Often ordered with Pad Thai" }),
			}),
		),
	})
	.openapi("Recommendations");

export const DemandQuery = z.object({
	location: slug.openapi({ example: "london-soho" }),
	category: z.string().min(1).max(100).openapi({ example: "cat-ldn-all-day" }),
	date: isoDate.openapi({
		description: "The location's local date: from the first day of its sales history to 14 days ahead",
		example: "2026-12-01",
	}),
});

const MODELS = ["holt-winters", "seasonal-naive", "mean"] as const;

const forecastFields = {
	date: z.string(),
	predicted: z.number().openapi({ description: "Units of the category expected to sell that day" }),
	lower80: z.number(),
	upper80: z.number(),
	lower95: z.number(),
	upper95: z.number(),
	model: z.enum(MODELS),
	mase: z.number().nullable().openapi({
		description: "The model's backtest error relative to seasonal-naive (below 1 beats it); null when not backtested",
	}),
	generatedAt: z.string(),
};

export const DemandForecastSchema = z
	.object({
		location: z.string(),
		category: z.object({ id: z.string(), name: z.string() }),
		...forecastFields,
		source: z.enum(["precomputed", "computed"]).openapi({
			description: "Read from the nightly run, or computed for this request from the sales history",
		}),
		actual: z.number().nullable().openapi({ description: "Units sold that day, for a date already past" }),
		note: z.string().nullable().openapi({ description: "Why the forecast is rougher than usual, if it is" }),
	})
	.openapi("DemandForecast");

export const ForecastListQuery = z.object({
	from: isoDate.optional().openapi({ description: "First local date; default today" }),
	to: isoDate.optional().openapi({ description: "Last local date; default 14 days after from" }),
});

export const ForecastListSchema = z
	.object({
		location: z.string(),
		from: z.string(),
		to: z.string(),
		forecasts: z.array(z.object({ category: z.object({ id: z.string(), name: z.string() }), ...forecastFields })),
	})
	.openapi("DemandForecastList");

export const PrepListQuery = z.object({
	date: isoDate.optional().openapi({
		description: "The location's local date, from today to 14 days ahead; default tomorrow there",
		example: "2026-12-08",
	}),
});

export const PrepListSchema = z
	.object({
		location: z.string(),
		date: z.string(),
		generatedAt: z.string().nullable().openapi({ description: "When the nightly forecast behind the list ran" }),
		note: z.string().nullable().openapi({ description: "Why the list is empty, when it is" }),
		items: z.array(
			z.object({
				item: z.object({ id: z.string(), name: z.string() }),
				category: z.object({ id: z.string(), name: z.string() }),
				expected: z.number().int().openapi({ description: "Units to prep: the forecast rounded up" }),
				lower80: z.number().int().openapi({ description: "The whole units inside the 80% prediction interval: from" }),
				upper80: z.number().int().openapi({ description: "to" }),
				predicted: z.number().openapi({ description: "The forecast itself, in tenths of a unit" }),
				model: z.enum([...MODELS, "category-share"]).openapi({
					description: "The item's own model, or category-share: its category's forecast split by its recent share",
				}),
				stockOnHand: z.number().int().nullable().openapi({
					description: "Units on hand now, reservations taken off; null when the item's stock is not tracked",
				}),
			}),
		),
	})
	.openapi("PrepList");
