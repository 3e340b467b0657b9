/**
 * The menu and intelligence through GraphQL, against what REST answers for
 * the same request: london-soho's menu, search, an item as a federation
 * entity, suggestions at a test location open around the clock, demand
 * forecasts for staff only; unknown locations and bad arguments; and the cost
 * in D1 statements of every location's whole menu, which must not grow with
 * the menus.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { addDays } from "../src/intelligence/domain/calendar";
import { localClock, WEEKDAYS } from "../src/menu/domain/availability";
import { countInPlace, d1Counter } from "./d1-counting";
import { bearer, call, json, PRINCIPALS, send } from "./helpers";

interface GraphAnswer<T> {
	data?: T | null;
	errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; details?: unknown } }[];
}

async function graphql<T>(
	query: string,
	variables: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): Promise<GraphAnswer<T>> {
	const response = await send("POST", "/api/v1/graphql", { query, variables }, headers);
	expect(response.status, await response.clone().text()).toBe(200);
	return json<GraphAnswer<T>>(response);
}

/** The answer's data, failing the test with its errors if it has any. */
async function dataOf<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
	const answer = await graphql<T>(query, variables, headers);
	expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
	return answer.data as T;
}

async function rest<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
	const response = await call(path, { headers });
	expect(response.status, await response.clone().text()).toBe(200);
	return json<T>(response);
}

const codesOf = (answer: GraphAnswer<unknown>) => answer.errors?.map((error) => error.extensions?.code);

/** A test location open around the clock, so what can be ordered now does not depend on when the test runs. */
const SLUG = "graph-menu-test";
const TIME_ZONE = "Europe/London";
const db = database(env.DB);
const euOrders = database(env.ORDERS_EU);
const today = () => localClock(new Date(), TIME_ZONE).date;
const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

const ITEMS = { satay: "itm-gq-satay", curry: "itm-gq-curry", rice: "itm-gq-rice", lassi: "itm-gq-lassi" } as const;

async function addLocation(slug: string): Promise<void> {
	await db.insert(schema.locations).values({
		slug,
		name: `GoodFood ${slug}`,
		addressLine: "1 Graph Street",
		city: "London",
		postcode: "W1 1GQ",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: TIME_ZONE,
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: allDay,
	});
}

/** An item in the location's first category with `groups` modifier groups of three options each. */
async function addItem(slug: string, categoryId: string, id: string, allergens: string[], groups = 1) {
	await db
		.insert(schema.items)
		.values({ id, locationSlug: slug, categoryId, name: `Item ${id}`, priceMinor: 650, allergens });
	for (let group = 0; group < groups; group++) {
		const groupId = `grp-${id}-${group}`;
		await db.insert(schema.modifierGroups).values({
			id: groupId,
			itemId: id,
			name: `Choice ${group}`,
			minSelections: 0,
			maxSelections: 1,
			position: group,
		});
		await db.insert(schema.modifierOptions).values(
			[0, 1, 2].map((option) => ({
				id: `opt-${groupId}-${option}`,
				groupId,
				name: `Option ${option}`,
				priceDeltaMinor: 50 * option,
				position: option,
			})),
		);
	}
}

beforeAll(async () => {
	await addLocation(SLUG);
	await db.insert(schema.categories).values({ id: "cat-gq-mains", locationSlug: SLUG, name: "Mains", position: 1 });
	await addItem(SLUG, "cat-gq-mains", ITEMS.satay, ["peanuts"]);
	await addItem(SLUG, "cat-gq-mains", ITEMS.curry, []);
	await addItem(SLUG, "cat-gq-mains", ITEMS.rice, []);
	await addItem(SLUG, "cat-gq-mains", ITEMS.lassi, ["milk"]);
	const pair = (a: string, b: string, ordersTogether: number) => {
		const [itemA, itemB] = [a, b].sort();
		return { locationSlug: SLUG, itemA, itemB, ordersTogether };
	};
	await euOrders
		.insert(schema.itemPairs)
		.values([pair(ITEMS.curry, ITEMS.rice, 20), pair(ITEMS.curry, ITEMS.satay, 12), pair(ITEMS.curry, ITEMS.lassi, 5)]);
	await euOrders.insert(schema.dailyItemSales).values(
		[
			[ITEMS.satay, 40],
			[ITEMS.curry, 30],
			[ITEMS.rice, 20],
			[ITEMS.lassi, 10],
		].map(([itemId, orders]) => ({
			locationSlug: SLUG,
			businessDate: addDays(today(), -1),
			itemId: itemId as string,
			categoryId: "cat-gq-mains",
			quantity: orders as number,
			orders: orders as number,
			revenueMinor: (orders as number) * 650,
			currency: "GBP",
		})),
	);
	// Six weeks of london-soho breakfast sales, for its forecasts.
	const days = Array.from({ length: 42 }, (_, index) => ({
		locationSlug: "london-soho",
		businessDate: addDays(today(), -(index + 1)),
		categoryId: "cat-ldn-breakfast",
		quantity: 30 + (index % 7) * 3,
		orders: 30 + (index % 7) * 3,
		revenueMinor: 30_000,
		currency: "GBP",
	}));
	for (let start = 0; start < days.length; start += 14) {
		await euOrders.insert(schema.dailyCategorySales).values(days.slice(start, start + 14));
	}
});

interface RestMenu {
	version: number;
	location: { slug: string; name: string; currency: string };
	categories: {
		id: string;
		name: string;
		availableNow: boolean;
		items: {
			id: string;
			name: string;
			price: { amount: number; currency: string };
			allergens: string[];
			dietaryTags: string[];
			soldOut: boolean;
			availableNow: boolean;
			unavailableReason: string | null;
			modifierGroups: {
				id: string;
				name: string;
				minSelections: number;
				maxSelections: number;
				options: { id: string; name: string; priceDelta: { amount: number; currency: string } }[];
			}[];
		}[];
	}[];
}

const MENU_FIELDS = /* GraphQL */ `
	version
	location { slug name currency }
	categories {
		id name availableNow
		items {
			id name price { amount currency } allergens dietaryTags soldOut availableNow unavailableReason
			modifierGroups { id name minSelections maxSelections options { id name priceDelta { amount currency } } }
		}
	}
`;

/** The REST menu cut down to the fields MENU_FIELDS asks for. */
function restMenuAsGraph(menu: RestMenu) {
	return {
		version: menu.version,
		location: { slug: menu.location.slug, name: menu.location.name, currency: menu.location.currency },
		categories: menu.categories.map((category) => ({
			id: category.id,
			name: category.name,
			availableNow: category.availableNow,
			items: category.items.map((item) => ({
				id: item.id,
				name: item.name,
				price: item.price,
				allergens: item.allergens,
				dietaryTags: item.dietaryTags,
				soldOut: item.soldOut,
				availableNow: item.availableNow,
				unavailableReason: item.unavailableReason,
				modifierGroups: item.modifierGroups.map((group) => ({
					id: group.id,
					name: group.name,
					minSelections: group.minSelections,
					maxSelections: group.maxSelections,
					options: group.options.map((option) => ({ id: option.id, name: option.name, priceDelta: option.priceDelta })),
				})),
			})),
		})),
	};
}

describe("the menu through GraphQL", () => {
	it("is london-soho's REST menu: categories, items, prices, groups and option ids", async () => {
		const [graph, restMenu] = await Promise.all([
			dataOf<{ menu: RestMenu }>(`query ($location: ID!) { menu(location: $location) { ${MENU_FIELDS} } }`, {
				location: "london-soho",
			}),
			rest<RestMenu>("/api/v1/locations/london-soho/menu"),
		]);
		expect(graph.menu).toEqual(restMenuAsGraph(restMenu));
		const flatWhite = graph.menu.categories
			.flatMap((category) => category.items)
			.find((item) => item.id === "itm-ldn-flat-white");
		expect(flatWhite?.modifierGroups.flatMap((group) => group.options.map((option) => option.id))).toContain(
			"opt-ldn-flat-white-milk-oat",
		);
	});

	it("gives a location's address, hours, taxes and fulfilment as REST does, and its menu", async () => {
		const query = /* GraphQL */ `{
			location(slug: "london-soho") {
				slug name timeZone region currency taxRateBps pricesIncludeTax openNow menuVersion
				address { line city postcode country }
				coordinates { latitude longitude }
				openingHours { mon { opens closes } tue { opens closes } wed { opens closes } thu { opens closes }
					fri { opens closes } sat { opens closes } sun { opens closes } }
				fulfilment { pickup delivery { radiusMeters fee { amount currency } } }
				payAtPickup
				slotCapacity { orders units }
				defaultLanguage languages
				ordering { paused reason since }
				closures { id from to reason }
				menu { version categories { id } }
			}
		}`;
		const [{ location }, restLocation] = await Promise.all([
			dataOf<{ location: Record<string, unknown> & { menu: { version: number; categories: unknown[] } } }>(query),
			rest<Record<string, unknown>>("/api/v1/locations/london-soho"),
		]);
		const { menu, ...fields } = location;
		expect(fields).toEqual(restLocation);
		expect(menu.version).toBe(restLocation.menuVersion);
		expect(menu.categories.length).toBeGreaterThan(0);
	});

	it("answers null for an unknown location's menu or location", async () => {
		const data = await dataOf<{ menu: unknown; location: unknown }>(
			`{ menu(location: "atlantis") { version } location(slug: "atlantis") { slug } }`,
		);
		expect(data).toEqual({ menu: null, location: null });
	});

	it("refuses a slug REST would refuse, naming the argument", async () => {
		const answer = await graphql(`{ menu(location: "Not A Slug!") { version } }`);
		expect(codesOf(answer)).toEqual(["validation_failed"]);
		expect(JSON.stringify(answer.errors?.[0].extensions?.details)).toContain('"field":"location"');
	});

	it("orders locations nearest first, and refuses a latitude without a longitude naming it", async () => {
		const near = await dataOf<{ locations: { slug: string; distanceMeters: number }[] }>(
			`{ locations(latitude: 40.7465, longitude: -74.0014) { slug distanceMeters } }`,
		);
		expect(near.locations[0].slug).toBe("new-york-chelsea");
		expect(near.locations[0].distanceMeters).toBeLessThan(near.locations[1].distanceMeters);
		const half = await graphql(`{ locations(latitude: 40.7) { slug } }`);
		expect(codesOf(half)).toEqual(["validation_failed"]);
		expect(JSON.stringify(half.errors?.[0].extensions?.details)).toContain("longitude");
	});
});

describe("searchMenu", () => {
	it("finds what REST's search finds, with each hit's location and category", async () => {
		const [graph, restSearch] = await Promise.all([
			dataOf<{
				searchMenu: {
					query: string;
					results: {
						location: { slug: string };
						category: { id: string };
						item: { id: string; price: { amount: number } };
					}[];
				};
			}>(
				`{ searchMenu(query: "flat white", location: "london-soho") {
					query results { location { slug } category { id } item { id price { amount } } } } }`,
			),
			rest<{ results: { location: { slug: string }; category: { id: string }; item: { id: string } }[] }>(
				"/api/v1/menu/search?q=flat%20white&location=london-soho",
			),
		]);
		expect(graph.searchMenu.query).toBe("flat white");
		expect(graph.searchMenu.results.map((hit) => hit.item.id)).toContain("itm-ldn-flat-white");
		expect(graph.searchMenu.results.map((hit) => [hit.location.slug, hit.category.id, hit.item.id])).toEqual(
			restSearch.results.map((hit) => [hit.location.slug, hit.category.id, hit.item.id]),
		);
	});

	it("answers not_found for an unknown location and validation_failed naming query for empty text", async () => {
		expect(codesOf(await graphql(`{ searchMenu(query: "tea", location: "atlantis") { query } }`))).toEqual([
			"not_found",
		]);
		const empty = await graphql(`{ searchMenu(query: "   ") { query } }`);
		expect(codesOf(empty)).toEqual(["validation_failed"]);
		expect(empty.errors?.[0].extensions?.details).toEqual([{ field: "query", message: "must not be empty" }]);
	});
});

describe("Item as a federation entity", () => {
	it("resolves an Item representation by id, and refuses an unknown one with not_found", async () => {
		const query = /* GraphQL */ `query ($representations: [_Any!]!) {
			_entities(representations: $representations) {
				... on Item { id name price { amount currency } modifierGroups { options { id } } }
			}
		}`;
		const found = await dataOf<{
			_entities: {
				id: string;
				name: string;
				price: { currency: string };
				modifierGroups: { options: { id: string }[] }[];
			}[];
		}>(query, {
			representations: [
				{ __typename: "Item", id: "itm-ldn-flat-white" },
				{ __typename: "Item", id: "itm-nyc-cold-brew" },
			],
		});
		expect(found._entities.map((item) => [item.id, item.price.currency])).toEqual([
			["itm-ldn-flat-white", "GBP"],
			["itm-nyc-cold-brew", "USD"],
		]);
		expect(found._entities[0].modifierGroups.flatMap((group) => group.options.map((option) => option.id))).toContain(
			"opt-ldn-flat-white-milk-oat",
		);
		const unknown = await graphql(query, { representations: [{ __typename: "Item", id: "itm-nowhere" }] });
		expect(codesOf(unknown)).toEqual(["not_found"]);
	});
});

describe("the cost of menus in D1", () => {
	const EVERY_MENU = /* GraphQL */ `{ locations { menu { categories { items { modifierGroups { options { id } } } } } } }`;

	/** The statements one request for every location's whole menu runs on the global database. */
	async function statementsForEveryMenu(): Promise<{ count: number; sql: string[]; options: number }> {
		const counter = d1Counter("query");
		const uncount = countInPlace(env.DB, counter);
		try {
			const data = await dataOf<{
				locations: { menu: { categories: { items: { modifierGroups: { options: { id: string }[] }[] }[] }[] } }[];
			}>(EVERY_MENU);
			const options = data.locations
				.flatMap((location) => location.menu.categories)
				.flatMap((category) => category.items)
				.flatMap((item) => item.modifierGroups)
				.flatMap((group) => group.options).length;
			return { count: counter.statements.length, sql: counter.sqlOf("query"), options };
		} finally {
			uncount();
		}
	}

	it("is a fixed number of statements, however many locations, items, groups and options there are", async () => {
		const before = await statementsForEveryMenu();
		// The locations, then each menu's location, categories, items, groups and options: one statement each.
		expect(before.count, before.sql.join("\n")).toBeLessThanOrEqual(6);

		await addLocation("graph-menu-more");
		await db.insert(schema.categories).values({ id: "cat-gq-more", locationSlug: "graph-menu-more", name: "More" });
		for (let index = 0; index < 12; index++) {
			await addItem("graph-menu-more", "cat-gq-more", `itm-gq-more-${index}`, [], 3);
		}
		const after = await statementsForEveryMenu();
		expect(after.options).toBe(before.options + 12 * 3 * 3);
		expect(after.count, after.sql.join("\n")).toBe(before.count);
	});
});

interface GraphRecommendation {
	item: { id: string; name: string; allergens: string[]; price: { amount: number } };
	score: number;
	reason: string;
}

describe("recommendations", () => {
	const RECOMMENDATIONS = /* GraphQL */ `query ($location: ID!, $count: Int, $avoid: [String!], $cart: ID) {
		recommendations(location: $location, count: $count, avoid: $avoid, cart: $cart) {
			item { id name allergens price { amount } } score reason
		}
	}`;

	it("are REST's suggestions, best first, with the whole item", async () => {
		const [graph, restAnswer] = await Promise.all([
			dataOf<{ recommendations: GraphRecommendation[] }>(RECOMMENDATIONS, { location: SLUG, count: 3 }),
			rest<{ recommendations: { item: { id: string }; score: number; reason: string }[] }>(
				`/api/v1/recommendations?location=${SLUG}&count=3`,
			),
		]);
		expect(graph.recommendations).toHaveLength(3);
		expect(graph.recommendations.map(({ item, score, reason }) => ({ id: item.id, score, reason }))).toEqual(
			restAnswer.recommendations.map(({ item, score, reason }) => ({ id: item.id, score, reason })),
		);
		expect(graph.recommendations[0].item).toMatchObject({
			id: ITEMS.satay,
			allergens: ["peanuts"],
			price: { amount: 650 },
		});
	});

	it("leave out allergens to avoid and the cart's own items", async () => {
		const created = await send("POST", "/api/v1/carts", { locationSlug: SLUG });
		const cart = await json<{ id: string }>(created);
		const added = await send("POST", `/api/v1/carts/${cart.id}/items`, { itemId: ITEMS.curry, quantity: 1 });
		expect(added.status, await added.clone().text()).toBe(201);
		const { recommendations } = await dataOf<{ recommendations: GraphRecommendation[] }>(RECOMMENDATIONS, {
			location: SLUG,
			avoid: ["peanuts"],
			cart: cart.id,
		});
		const ids = recommendations.map((recommendation) => recommendation.item.id);
		expect(ids[0]).toBe(ITEMS.rice);
		expect(ids).not.toContain(ITEMS.satay);
		expect(ids).not.toContain(ITEMS.curry);
	});

	it("refuse an unknown allergen naming avoid, and an unknown location with not_found", async () => {
		const bad = await graphql(RECOMMENDATIONS, { location: SLUG, avoid: ["gluten-ish"] });
		expect(codesOf(bad)).toEqual(["validation_failed"]);
		expect(JSON.stringify(bad.errors?.[0].extensions?.details)).toContain('"field":"avoid"');
		expect(codesOf(await graphql(RECOMMENDATIONS, { location: "atlantis" }))).toEqual(["not_found"]);
	});
});

describe("demandForecast", () => {
	const FORECAST = /* GraphQL */ `query ($location: ID!, $category: ID!, $date: String!) {
		demandForecast(location: $location, category: $category, date: $date) {
			location category { id name } date predicted lower80 upper80 lower95 upper95 model mase source actual note
		}
	}`;
	const variables = () => ({ location: "london-soho", category: "cat-ldn-breakfast", date: today() });

	it("answers the location's staff as REST does", async () => {
		const manager = await bearer(PRINCIPALS.manager);
		const [graph, restForecast] = await Promise.all([
			dataOf<{ demandForecast: Record<string, unknown> }>(FORECAST, variables(), manager),
			rest<Record<string, unknown>>(
				`/api/v1/forecasts/demand?location=london-soho&category=cat-ldn-breakfast&date=${today()}`,
				manager,
			),
		]);
		const { generatedAt: _generatedAt, ...restFields } = restForecast;
		expect(graph.demandForecast).toEqual(restFields);
		expect(graph.demandForecast).toMatchObject({
			category: { id: "cat-ldn-breakfast", name: "Breakfast" },
			source: "computed",
		});
	});

	it("is refused to a customer and other locations' staff with forbidden, and to no one signed in with unauthorized", async () => {
		for (const principal of [PRINCIPALS.customer, PRINCIPALS.otherKitchen]) {
			const answer = await graphql(FORECAST, variables(), await bearer(principal));
			expect(codesOf(answer), principal.id).toEqual(["forbidden"]);
			expect(answer.data).toBeNull();
		}
		expect(codesOf(await graphql(FORECAST, variables()))).toEqual(["unauthorized"]);
	});

	it("refuses a date that is not one, naming date", async () => {
		const answer = await graphql(FORECAST, { ...variables(), date: "soon" }, await bearer(PRINCIPALS.manager));
		expect(codesOf(answer)).toEqual(["validation_failed"]);
		expect(JSON.stringify(answer.errors?.[0].extensions?.details)).toContain('"field":"date"');
	});
});
