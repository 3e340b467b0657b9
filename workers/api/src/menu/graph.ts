/**
 * The menu's share of the graph: locations (nearest first), their menus, one
 * item by id (an entity a router may ask for) and search. Menus come whole
 * from `loadMenuDocuments`, through one DataLoader per operation, so a query
 * for every location's menu down to its options costs a fixed number of
 * statements however big the menus are; nested fields read the document.
 *
 * Menus and search take a `language` argument, negotiated with each location
 * as REST negotiates `?lang=` (then the bearer's preferred language, then
 * Accept-Language, then the location's default): a language a location does
 * not offer falls back, never errors.
 */
import { ApiError } from "@goodfood/platform/errors";
import DataLoader from "dataloader";
import { parse } from "graphql";
import { database } from "../db/client";
import { validated } from "../graph/arguments";
import { type GraphContext, perOperation } from "../graph/context";
import type { GraphPart } from "../graph/part";
import { WEEKDAYS, type WeeklyOpeningHours } from "./domain/availability";
import {
	type LocationSummary,
	type MenuDocument,
	type MenuImage,
	type PresentedMenu,
	presentMenu,
} from "./domain/document";
import { nearestFirst } from "./domain/geo";
import { negotiateLanguage } from "./domain/language";
import type { PresentedMenuItem } from "./reads";
import { findItemLocations, findLocation, listLocations, loadMenuDocuments } from "./repository";
import { languageWishes } from "./request-language";
import { describeLocation } from "./routes";
import { LocationsQuery, SearchQuery, SlugParam } from "./schemas";
import { searchMenu } from "./search";

/** A location as the graph resolves it: its summary, and whether it is open now. */
type GraphLocation = LocationSummary & { openNow: boolean; menuVersion: number; distanceMeters?: number };

/** The moment every menu of this operation is presented at, so one answer agrees with itself. */
function operationTime(context: GraphContext): Date {
	return perOperation(context, "menu.now", () => new Date());
}

/** Every menu document this operation reads, loaded together. */
function documentLoader(context: GraphContext): DataLoader<string, MenuDocument | null> {
	return perOperation(
		context,
		"menu.documents",
		() =>
			new DataLoader<string, MenuDocument | null>(async (slugs) => {
				const documents = await loadMenuDocuments(database(context.c.var.d1), slugs);
				return slugs.map((slug) => documents.get(slug) ?? null);
			}),
	);
}

/**
 * A location's menu as it can be ordered now, in the language negotiated from
 * `language` and the request; null for an unknown location. Presented once per
 * operation per location and language, however many fields ask for it.
 */
export async function menuIn(
	context: GraphContext,
	slug: string,
	language?: string | null,
): Promise<PresentedMenu | null> {
	const document = await documentLoader(context).load(slug);
	if (!document) return null;
	const { languages, defaultLanguage } = document.location;
	const chosen = negotiateLanguage(languages, defaultLanguage, languageWishes(context.c.req, language));
	const presented = perOperation(context, "menu.presented", () => new Map<string, PresentedMenu>());
	const key = `${slug} ${chosen}`;
	let menu = presented.get(key);
	if (!menu) {
		menu = presentMenu(document, operationTime(context), chosen);
		presented.set(key, menu);
	}
	return menu;
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

/** An item by id, as its location's menu presents it now in the request's language; null for an unknown id. */
export async function itemById(context: GraphContext, itemId: string): Promise<PresentedMenuItem | null> {
	const slug = await itemLocationLoader(context).load(itemId);
	const menu = slug ? await menuIn(context, slug) : null;
	return (menu && findOnMenu(menu, itemId)) ?? null;
}

/** The menu's own location, as a Location (open now by the menu's clock). */
function locationOfMenu(menu: PresentedMenu): GraphLocation {
	return { ...menu.location, openNow: menu.openNow, menuVersion: menu.version };
}

/** The widths the menu edge resizes photos to (`/images/{id}?w=`). */
const IMAGE_WIDTHS = [160, 320, 640] as const;
/** The widest a client may ask `url(width:)` for: wider than any screen's photo, so a typo is an error. */
const MAX_IMAGE_WIDTH = 4096;

/**
 * Where the edge serves a photo for a box `width` pixels wide: the smallest
 * width it offers that fills the box, or the original when the box is wider
 * than any (or no width is given).
 */
export function imageUrl(image: Pick<MenuImage, "id">, width?: number | null): string {
	const path = `/images/${image.id}`;
	if (width == null) return path;
	if (!Number.isInteger(width) || width < 1 || width > MAX_IMAGE_WIDTH) {
		throw new ApiError("validation_failed", "Invalid width", [
			{ field: "width", message: `must be a whole number of pixels from 1 to ${MAX_IMAGE_WIDTH}` },
		]);
	}
	const fits = IMAGE_WIDTHS.find((offered) => offered >= width);
	return fits ? `${path}?w=${fits}` : path;
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

		"Whether staff have paused ordering at a location; checkout is refused while they have."
		type LocationOrdering {
			paused: Boolean!
			"Why, as staff put it; null while ordering runs."
			reason: String
			"When ordering was paused (ISO 8601); null while it runs."
			since: String
		}

		"Whole local days a location is closed whatever its weekly hours say, from and to inclusive (YYYY-MM-DD)."
		type Closure {
			id: ID!
			from: String!
			to: String!
			reason: String!
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
			"The language the menu is written in (ISO 639-1), and the one a menu falls back to."
			defaultLanguage: String!
			"Every language the menu is offered in, the default first."
			languages: [String!]!
			"Whether ordering is paused, why and since when."
			ordering: LocationOrdering!
			"Closures under way today or to come, soonest first."
			closures: [Closure!]!
			"Within opening hours on the local clock, on a day no closure covers."
			openNow: Boolean!
			menuVersion: Int!
			"Metres from the position given to locations(latitude, longitude), else null."
			distanceMeters: Int
			"""
			The whole menu, with what can be ordered now, in \`language\` if the location
			offers it (else the bearer's preferred language, Accept-Language, then the default).
			"""
			menu(language: String): Menu!
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
			"The language the names and descriptions are in (ISO 639-1)."
			language: String!
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
			"The item's photo, or null when it has none."
			image: MenuImage
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

		"A photo of an item, served by the menu edge; its size lets a page reserve its box before it loads."
		type MenuImage {
			"The SHA-256 of the photo's bytes: a URL that never changes meaning."
			id: ID!
			width: Int!
			height: Int!
			"""
			Where the edge serves it: for a box \`width\` pixels wide, the smallest size the edge
			makes that fills it (160, 320 or 640), else the original (also when no width is given).
			"""
			url(width: Int): String!
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
			"The one language every hit is in (the location's, for a search at one location); null when hits differ or none."
			language: String
			"Best first."
			results: [MenuSearchHit!]!
		}

		extend type Query {
			"Every location, nearest first when a position is given."
			locations(latitude: Float, longitude: Float): [Location!]!
			"One location, or null."
			location(slug: ID!): Location
			"""
			A location's whole menu, with what can be ordered now; null for an unknown location.
			In \`language\` if the location offers it, else the bearer's preferred language,
			Accept-Language, then the location's default (never an error).
			"""
			menu(location: ID!, language: String): Menu
			"""
			Full-text search over menu items in every language they are written in, everywhere
			or at one location (not_found when it is unknown); each hit is presented in the
			language negotiated with its location, as menu(language:) negotiates it.
			"""
			searchMenu(query: String!, location: ID, limit: Int = 20, language: String): MenuSearch!
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
			menu: (_, args: { location: string; language?: string | null }, context) =>
				menuIn(context, validSlug(args.location, "location"), args.language),
			searchMenu: async (
				_,
				args: { query: string; location?: string | null; limit?: number | null; language?: string | null },
				context,
			) => {
				const { lang, ...search } = validated(
					SearchQuery,
					{
						q: args.query,
						location: args.location ?? undefined,
						limit: args.limit ?? undefined,
						lang: args.language ?? undefined,
					},
					{ rename: { q: "query", lang: "language" } },
				);
				const { hits, language } = await searchMenu(context.c.var.d1, search, languageWishes(context.c.req, lang));
				return {
					query: search.q,
					language: language ?? null,
					results: hits.map(({ menu, category, item }) => ({ location: locationOfMenu(menu), category, item })),
				};
			},
		},
		Location: {
			__resolveReference: ({ slug }: { slug: string }, context) => locationBySlug(context, slug),
			menu: async ({ slug }: GraphLocation, args: { language?: string | null }, context) => {
				const menu = await menuIn(context, slug, args.language);
				// The location was just read; it is gone only if deleted in between.
				if (!menu) throw ApiError.notFound("Location");
				return menu;
			},
		},
		OpeningHours: openingHoursResolvers,
		Menu: {
			location: (menu: PresentedMenu) => locationOfMenu(menu),
		},
		MenuImage: {
			url: (image: MenuImage, args: { width?: number | null }) => imageUrl(image, args.width),
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
