/**
 * The menu's share of the graph: locations (nearest first), their menus, one
 * item by id (an entity a router may ask for) and search. Menus come whole
 * from `loadMenuDocuments`, through one DataLoader per operation, so a query
 * for every location's menu down to its options costs a fixed number of
 * statements however big the menus are; nested fields read the document.
 */
import { ApiError } from "@goodfood/platform/errors";
import DataLoader from "dataloader";
import { parse } from "graphql";
import { database } from "../db/client";
import { validated } from "../graph/arguments";
import { type GraphContext, perOperation } from "../graph/context";
import type { GraphPart } from "../graph/part";
import { WEEKDAYS, type WeeklyOpeningHours } from "./domain/availability";
import { type LocationSummary, type PresentedMenu, presentMenu } from "./domain/document";
import { nearestFirst } from "./domain/geo";
import type { PresentedMenuItem } from "./reads";
import { findItemLocations, findLocation, listLocations, loadMenuDocuments } from "./repository";
import { describeLocation } from "./routes";
import { LocationsQuery, SearchQuery, SlugParam } from "./schemas";
import { searchMenu } from "./search";

/** A location as the graph resolves it: its summary, and whether it is open now. */
type GraphLocation = LocationSummary & { openNow: boolean; menuVersion: number; distanceMeters?: number };

/** Every menu this operation reads, loaded together and presented at one moment. */
export function menuLoader(context: GraphContext): DataLoader<string, PresentedMenu | null> {
	return perOperation(context, "menu", () => {
		const now = new Date();
		return new DataLoader<string, PresentedMenu | null>(async (slugs) => {
			const documents = await loadMenuDocuments(database(context.c.var.d1), slugs);
			return slugs.map((slug) => {
				const document = documents.get(slug);
				return document ? presentMenu(document, now) : null;
			});
		});
	});
}

type DescribedLocation = ReturnType<typeof describeLocation>;

/**
 * A location as the `Location` type resolves it, read once per operation per
 * slug: for the carts, orders and histories that name their location.
 */
export function locationBySlug(context: GraphContext, slug: string): Promise<DescribedLocation> {
	const loader = perOperation(
		context,
		"menu.locations",
		() =>
			new DataLoader<string, DescribedLocation>(async (slugs) => {
				const now = new Date();
				const db = database(context.c.var.d1);
				return Promise.all(
					slugs.map(async (each) => {
						const row = await findLocation(db, each);
						return row ? describeLocation(row, now) : ApiError.notFound("Location");
					}),
				);
			}),
	);
	return loader.load(slug);
}

/** The location of each item id this operation resolves by reference, in one statement. */
function itemLocationLoader(context: GraphContext): DataLoader<string, string | null> {
	return perOperation(context, "menu.itemLocation", () => {
		return new DataLoader<string, string | null>(async (ids) => {
			const locations = await findItemLocations(database(context.c.var.d1), ids);
			return ids.map((id) => locations.get(id) ?? null);
		});
	});
}

/** A slug as REST's path parameter accepts it, else validation_failed naming the argument. */
function validSlug(value: string, argument: string): string {
	return validated(SlugParam.shape.slug, value, { argument });
}

function findOnMenu(menu: PresentedMenu, itemId: string): PresentedMenuItem | undefined {
	for (const category of menu.categories) {
		const item = category.items.find((candidate) => candidate.id === itemId);
		if (item) return item;
	}
	return undefined;
}

/** An item by id, as its location's menu presents it now; null for an unknown id. */
export async function itemById(context: GraphContext, itemId: string): Promise<PresentedMenuItem | null> {
	const slug = await itemLocationLoader(context).load(itemId);
	const menu = slug ? await menuLoader(context).load(slug) : null;
	return (menu && findOnMenu(menu, itemId)) ?? null;
}

/** The menu's own location, as a Location (open now by the menu's clock). */
function locationOfMenu(menu: PresentedMenu): GraphLocation {
	return { ...menu.location, openNow: menu.openNow, menuVersion: menu.version };
}

const openingHoursResolvers = Object.fromEntries(
	WEEKDAYS.map((day) => [day, (hours: Partial<WeeklyOpeningHours>) => hours[day] ?? []]),
);

export const menuGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"An amount of money in minor units (pence, cents) of a currency."
		type Money {
			amount: Int!
			"An ISO 4217 code."
			currency: String!
		}

		type LocationAddress {
			line: String!
			city: String!
			postcode: String!
			"An ISO 3166-1 alpha-2 code."
			country: String!
		}

		type Coordinates {
			latitude: Float!
			longitude: Float!
		}

		"From opens to closes, local time HH:MM on a 24-hour clock; closes 24:00 is midnight."
		type OpeningRange {
			opens: String!
			closes: String!
		}

		"The week's opening ranges, day by day (a day without ranges is closed)."
		type OpeningHours {
			mon: [OpeningRange!]!
			tue: [OpeningRange!]!
			wed: [OpeningRange!]!
			thu: [OpeningRange!]!
			fri: [OpeningRange!]!
			sat: [OpeningRange!]!
			sun: [OpeningRange!]!
		}

		type LocationDelivery {
			radiusMeters: Int!
			fee: Money!
		}

		"How a location hands orders over."
		type LocationFulfilment {
			pickup: Boolean!
			"Null when the location does not deliver."
			delivery: LocationDelivery
		}

		"Orders and item units the kitchen takes per 15-minute slot; null is no limit."
		type SlotCapacity {
			orders: Int
			units: Int
		}

		"A restaurant: where it is, when it is open, what region keeps its orders, and its menu."
		type Location @key(fields: "slug") {
			slug: ID!
			name: String!
			address: LocationAddress!
			coordinates: Coordinates!
			timeZone: String!
			"The region that keeps the location's new orders."
			region: String!
			currency: String!
			"Tax rate in basis points: 2000 = 20%."
			taxRateBps: Int!
			"Whether prices include tax (VAT) or tax is added at checkout."
			pricesIncludeTax: Boolean!
			openingHours: OpeningHours!
			fulfilment: LocationFulfilment!
			"Whether pickup orders may be paid at the counter (pay_at_pickup) instead of by card."
			payAtPickup: Boolean!
			"What the kitchen takes per 15-minute slot; GET /locations/{slug}/slots lists a date's slots with their room left."
			slotCapacity: SlotCapacity!
			openNow: Boolean!
			menuVersion: Int!
			"Metres from the position given to locations(latitude, longitude), else null."
			distanceMeters: Int
			"The whole menu, with what can be ordered now."
			menu: Menu!
		}

		"A time of day something is served: from until, local HH:MM, on the days named (every day when none are)."
		type AvailabilityWindow {
			from: String!
			until: String!
			days: [String!]
		}

		enum UnavailableReason {
			sold_out
			outside_hours
			closed
		}

		type Menu {
			location: Location!
			version: Int!
			generatedAt: String!
			openNow: Boolean!
			categories: [Category!]!
		}

		type Category {
			id: ID!
			name: String!
			description: String!
			"Empty when served whenever the location is open."
			availability: [AvailabilityWindow!]!
			availableNow: Boolean!
			items: [Item!]!
		}

		"Something on a menu, as it can be ordered now."
		type Item @key(fields: "id") {
			id: ID!
			categoryId: ID!
			name: String!
			description: String!
			price: Money!
			imageKey: String
			"EU allergen names, such as peanuts or milk."
			allergens: [String!]!
			"Dietary flags, such as vegan or gluten_free."
			dietaryTags: [String!]!
			calories: Int
			"Empty when served whenever its category is."
			availability: [AvailabilityWindow!]!
			soldOut: Boolean!
			availableNow: Boolean!
			"Why it cannot be ordered now, or null when it can."
			unavailableReason: UnavailableReason
			modifierGroups: [ModifierGroup!]!
		}

		type ModifierGroup {
			id: ID!
			name: String!
			minSelections: Int!
			maxSelections: Int!
			options: [ModifierOption!]!
		}

		type ModifierOption {
			id: ID!
			name: String!
			priceDelta: Money!
			allergens: [String!]!
		}

		type MenuSearchHit {
			location: Location!
			category: Category!
			item: Item!
		}

		type MenuSearch {
			query: String!
			"Best first."
			results: [MenuSearchHit!]!
		}

		extend type Query {
			"Every location, nearest first when a position is given."
			locations(latitude: Float, longitude: Float): [Location!]!
			"One location, or null."
			location(slug: ID!): Location
			"A location's whole menu, with what can be ordered now; null for an unknown location."
			menu(location: ID!): Menu
			"Full-text search over menu items, everywhere or at one location (not_found when it is unknown)."
			searchMenu(query: String!, location: ID, limit: Int = 20): MenuSearch!
		}
	`),
	resolvers: {
		Query: {
			locations: async (_, args: { latitude?: number | null; longitude?: number | null }, { c }) => {
				const { lat, lng } = validated(
					LocationsQuery,
					{ lat: args.latitude ?? undefined, lng: args.longitude ?? undefined },
					{ rename: { lat: "latitude", lng: "longitude" } },
				);
				const now = new Date();
				const locations = (await listLocations(database(c.var.d1))).map((row) => describeLocation(row, now));
				return lat !== undefined && lng !== undefined
					? nearestFirst(locations, { latitude: lat, longitude: lng })
					: locations;
			},
			location: async (_, args: { slug: string }, { c }) => {
				const row = await findLocation(database(c.var.d1), validSlug(args.slug, "slug"));
				return row ? describeLocation(row, new Date()) : null;
			},
			menu: (_, args: { location: string }, context) => menuLoader(context).load(validSlug(args.location, "location")),
			searchMenu: async (_, args: { query: string; location?: string | null; limit?: number | null }, { c }) => {
				const search = validated(
					SearchQuery,
					{ q: args.query, location: args.location ?? undefined, limit: args.limit ?? undefined },
					{ rename: { q: "query" } },
				);
				const hits = await searchMenu(c.var.d1, search);
				return {
					query: search.q,
					results: hits.map(({ menu, category, item }) => ({ location: locationOfMenu(menu), category, item })),
				};
			},
		},
		Location: {
			__resolveReference: ({ slug }: { slug: string }, context) => locationBySlug(context, slug),
			menu: async ({ slug }: GraphLocation, _, context) => {
				const menu = await menuLoader(context).load(slug);
				// The location was just read; it is gone only if deleted in between.
				if (!menu) throw ApiError.notFound("Location");
				return menu;
			},
		},
		OpeningHours: openingHoursResolvers,
		Menu: {
			location: (menu: PresentedMenu) => locationOfMenu(menu),
		},
		Item: {
			__resolveReference: async ({ id }: { id: string }, context) => {
				const item = await itemById(context, id);
				if (!item) throw ApiError.notFound("Item");
				return item;
			},
		},
	},
};
