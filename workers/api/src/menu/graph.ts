/** The menu's share of the graph: locations (nearest first) and their menus. */
import { ApiError } from "@goodfood/platform/errors";
import { parse } from "graphql";
import { database } from "../db/client";
import type { GraphPart } from "../graph/part";
import { nearestFirst } from "./domain/geo";
import { findLocation, listLocations } from "./repository";
import { describeLocation } from "./routes";

export const menuGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"A restaurant: where it is, when it is open and what region keeps its orders."
		type Location @key(fields: "slug") {
			slug: ID!
			name: String!
			timeZone: String!
			region: String!
			currency: String!
			openNow: Boolean!
		}

		extend type Query {
			"Every location, nearest first when a position is given."
			locations(latitude: Float, longitude: Float): [Location!]!
			"One location, or null."
			location(slug: ID!): Location
		}
	`),
	resolvers: {
		Query: {
			locations: async (_, args: { latitude?: number | null; longitude?: number | null }, { c }) => {
				const now = new Date();
				const locations = (await listLocations(database(c.var.d1))).map((row) => describeLocation(row, now));
				return args.latitude != null && args.longitude != null
					? nearestFirst(locations, { latitude: args.latitude, longitude: args.longitude })
					: locations;
			},
			location: async (_, { slug }: { slug: string }, { c }) => {
				const row = await findLocation(database(c.var.d1), slug);
				return row ? describeLocation(row, new Date()) : null;
			},
		},
		Location: {
			__resolveReference: async ({ slug }: { slug: string }, { c }) => {
				const row = await findLocation(database(c.var.d1), slug);
				if (!row) throw ApiError.notFound("Location");
				return describeLocation(row, new Date());
			},
		},
	},
};
