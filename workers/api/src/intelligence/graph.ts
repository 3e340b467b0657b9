/**
 * Intelligence's share of the graph: suggestions (anyone; personalised for a
 * signed-in customer) and demand forecasts (staff of the location only), each
 * answered by the function its REST route calls, with its query's schema.
 */
import { parse } from "graphql";
import { validated } from "../graph/arguments";
import type { GraphPart } from "../graph/part";
import { forecastDemand } from "./demand-forecast";
import { recommendationsFor } from "./recommendations";
import { allergensOf, DemandQuery, RecommendationsQuery } from "./schemas";

export const intelligenceGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"An item worth suggesting, and why."
		type Recommendation {
			item: Item!
			"Higher is a better match; comparable within one answer."
			score: Float!
			reason: String!
		}

		type DemandForecastCategory {
			id: ID!
			name: String!
		}

		"Units of a category expected to sell on a local date, with 80% and 95% prediction intervals."
		type DemandForecast {
			location: ID!
			category: DemandForecastCategory!
			date: String!
			predicted: Float!
			lower80: Float!
			upper80: Float!
			lower95: Float!
			upper95: Float!
			"holt-winters, seasonal-naive or mean."
			model: String!
			"Backtest error relative to seasonal-naive (below 1 beats it); null when not backtested."
			mase: Float
			generatedAt: String!
			"precomputed (the nightly run) or computed (for this request)."
			source: String!
			"Units sold that day, for a date already past."
			actual: Float
			"Why the forecast is rougher than usual, if it is."
			note: String
		}

		extend type Query {
			"""
			Items to suggest at a location, best first: for a signed-in customer's taste, a cart's
			contents, or what is popular. Never an item in the cart, one with an allergen to avoid
			(given here or on the customer's profile), or one that cannot be ordered now.
			"""
			recommendations(location: ID!, cart: ID, count: Int = 10, avoid: [String!]): [Recommendation!]!
			"A category's expected demand on the location's local date (up to 14 days ahead). Staff of the location only."
			demandForecast(location: ID!, category: ID!, date: String!): DemandForecast!
		}
	`),
	resolvers: {
		Query: {
			recommendations: async (
				_,
				args: { location: string; cart?: string | null; count?: number | null; avoid?: string[] | null },
				{ c },
			) => {
				const { location, count, cart, avoid } = validated(RecommendationsQuery, {
					location: args.location,
					cart: args.cart ?? undefined,
					count: args.count ?? undefined,
					avoid: args.avoid && args.avoid.length > 0 ? args.avoid.join(",") : undefined,
				});
				const answer = await recommendationsFor(c, { location, count, cart, avoidAllergens: allergensOf(avoid) });
				return answer.recommendations;
			},
			demandForecast: async (_, args: { location: string; category: string; date: string }, { c }) => {
				return forecastDemand(c, validated(DemandQuery, args));
			},
		},
	},
};
