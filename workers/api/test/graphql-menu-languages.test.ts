/**
 * Languages and photos through GraphQL: a location's languages, menus and
 * search in the language asked for (negotiated as REST negotiates ?lang=,
 * falling back rather than erroring), and an item's photo with its size and
 * the URLs the menu edge serves it at.
 */
import { env } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { json, locationInput, STAFF, send } from "./helpers";

interface GraphAnswer<T> {
	data?: T | null;
	errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
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

async function dataOf<T>(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
	const answer = await graphql<T>(query, variables, headers);
	expect(answer.errors, JSON.stringify(answer.errors)).toBeUndefined();
	return answer.data as T;
}

/** The SHA-256 of some bytes, as an upload would name them. */
const IMAGE_ID = "ab".repeat(32);
const SLUG = `test-gql-lang-${crypto.randomUUID().slice(0, 8)}`;
let itemId: string;
let plainItemId: string;

beforeAll(async () => {
	const location = await send(
		"PUT",
		`/api/v1/locations/${SLUG}`,
		locationInput({ defaultLanguage: "en", languages: ["en", "ja"] }),
		STAFF,
	);
	expect(location.status).toBe(201);
	const category = await send(
		"POST",
		`/api/v1/locations/${SLUG}/categories`,
		{ name: "Sandwiches", translations: { ja: { name: "サンドイッチ" } } },
		STAFF,
	);
	const categoryId = (await json<{ id: string }>(category)).id;
	await database(env.DB)
		.insert(schema.images)
		.values({ id: IMAGE_ID, contentType: "image/jpeg", width: 1200, height: 900, bytes: 123_456 })
		.onConflictDoNothing();
	const item = await send(
		"POST",
		`/api/v1/locations/${SLUG}/items`,
		{
			categoryId,
			name: "Egg sandwich",
			description: "Soft milk bread with egg salad",
			price: { amount: 650, currency: "GBP" },
			imageId: IMAGE_ID,
			translations: { ja: { name: "たまごサンド" } },
			modifierGroups: [
				{
					name: "Size",
					minSelections: 0,
					maxSelections: 1,
					translations: { ja: { name: "サイズ" } },
					options: [{ name: "Large", translations: { ja: { name: "大盛り" } } }],
				},
			],
		},
		STAFF,
	);
	expect(item.status, await item.clone().text()).toBe(201);
	itemId = (await json<{ id: string }>(item)).id;
	const plain = await send(
		"POST",
		`/api/v1/locations/${SLUG}/items`,
		{ categoryId, name: "Ham sandwich", price: { amount: 600, currency: "GBP" } },
		STAFF,
	);
	plainItemId = (await json<{ id: string }>(plain)).id;
});

interface GraphMenu {
	language: string;
	categories: {
		name: string;
		items: {
			id: string;
			name: string;
			description: string;
			modifierGroups: { name: string; options: { name: string }[] }[];
		}[];
	}[];
}

const MENU = /* GraphQL */ `
	query ($location: ID!, $language: String) {
		menu(location: $location, language: $language) {
			language
			categories { name items { id name description modifierGroups { name options { name } } } }
		}
	}
`;

function egg(menu: GraphMenu) {
	const item = menu.categories.flatMap((category) => category.items).find((candidate) => candidate.id === itemId);
	if (!item) throw new Error("the egg sandwich is not on the menu");
	return item;
}

describe("a location's languages", () => {
	it("names its default language and every language it offers, default first", async () => {
		const { location } = await dataOf<{ location: { defaultLanguage: string; languages: string[] } }>(
			`query ($slug: ID!) { location(slug: $slug) { defaultLanguage languages } }`,
			{ slug: SLUG },
		);
		expect(location).toEqual({ defaultLanguage: "en", languages: ["en", "ja"] });
	});
});

describe("menu(language:)", () => {
	it("presents every name in the language asked for, falling back field by field", async () => {
		const { menu } = await dataOf<{ menu: GraphMenu }>(MENU, { location: SLUG, language: "ja" });
		expect(menu.language).toBe("ja");
		expect(menu.categories[0].name).toBe("サンドイッチ");
		expect(egg(menu)).toMatchObject({
			name: "たまごサンド",
			// No Japanese description: the default's.
			description: "Soft milk bread with egg salad",
			modifierGroups: [{ name: "サイズ", options: [{ name: "大盛り" }] }],
		});
	});

	it("is the default language without an argument, and falls back for one not offered or unknown, never an error", async () => {
		for (const language of [undefined, null, "es", "fr", "not a language"]) {
			const { menu } = await dataOf<{ menu: GraphMenu }>(MENU, { location: SLUG, language });
			expect(menu.language, String(language)).toBe("en");
			expect(egg(menu).name).toBe("Egg sandwich");
		}
	});

	it("takes Accept-Language and the bearer's preferred language when no argument names one", async () => {
		const byHeader = await dataOf<{ menu: GraphMenu }>(MENU, { location: SLUG }, { "accept-language": "ja,en;q=0.5" });
		expect(byHeader.menu.language).toBe("ja");
		const token = await issueAccessToken(
			env,
			{ id: "acc-demo-customer", role: "customer", locations: [] },
			{ language: "ja" },
		);
		const authorization = `Bearer ${token}`;
		const byPreference = await dataOf<{ menu: GraphMenu }>(MENU, { location: SLUG }, { authorization });
		expect(byPreference.menu.language).toBe("ja");
		const overridden = await dataOf<{ menu: GraphMenu }>(MENU, { location: SLUG, language: "en" }, { authorization });
		expect(overridden.menu.language).toBe("en");
	});

	it("answers one operation in two languages when two fields ask for them", async () => {
		const data = await dataOf<{ ja: { menu: GraphMenu }; en: { menu: GraphMenu } }>(
			`query ($slug: ID!) {
				ja: location(slug: $slug) { menu(language: "ja") { language categories { name items { id name description modifierGroups { name options { name } } } } } }
				en: location(slug: $slug) { menu(language: "en") { language categories { name items { id name description modifierGroups { name options { name } } } } } }
			}`,
			{ slug: SLUG },
		);
		expect(egg(data.ja.menu).name).toBe("たまごサンド");
		expect(egg(data.en.menu).name).toBe("Egg sandwich");
	});
});

describe("searchMenu(language:)", () => {
	it("finds by a Japanese word and presents the hit in the language asked for", async () => {
		const query = `query ($language: String) {
			searchMenu(query: "サンド", location: "${SLUG}", language: $language) {
				language results { item { id name } category { name } }
			}
		}`;
		const ja = await dataOf<{
			searchMenu: { language: string; results: { item: { id: string; name: string }; category: { name: string } }[] };
		}>(query, { language: "ja" });
		expect(ja.searchMenu.language).toBe("ja");
		expect(ja.searchMenu.results).toEqual([
			{ item: { id: itemId, name: "たまごサンド" }, category: { name: "サンドイッチ" } },
		]);

		const fallback = await dataOf<{ searchMenu: { language: string; results: { item: { name: string } }[] } }>(query, {
			language: "xx",
		});
		expect(fallback.searchMenu.language).toBe("en");
		expect(fallback.searchMenu.results[0].item.name).toBe("Egg sandwich");
	});
});

describe("Item.image", () => {
	const IMAGE = /* GraphQL */ `
		query ($location: ID!) {
			menu(location: $location) {
				categories { items { id image { id width height url small: url(width: 100) mid: url(width: 320) big: url(width: 2000) } } }
			}
		}
	`;

	it("gives the photo's id and size, and the edge's URL at the smallest width that fills the box", async () => {
		const { menu } = await dataOf<{
			menu: { categories: { items: { id: string; image: Record<string, unknown> | null }[] }[] };
		}>(IMAGE, { location: SLUG });
		const items = new Map(menu.categories.flatMap((category) => category.items).map((item) => [item.id, item.image]));
		expect(items.get(itemId)).toEqual({
			id: IMAGE_ID,
			width: 1200,
			height: 900,
			url: `/images/${IMAGE_ID}`,
			small: `/images/${IMAGE_ID}?w=160`,
			mid: `/images/${IMAGE_ID}?w=320`,
			big: `/images/${IMAGE_ID}`,
		});
		expect(items.get(plainItemId)).toBeNull();
	});

	it("refuses a width that is no width, naming it", async () => {
		const answer = await graphql(
			`query ($location: ID!) { menu(location: $location) { categories { items { image { url(width: 0) } } } } }`,
			{ location: SLUG },
		);
		expect(answer.errors?.[0].extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "width", message: expect.any(String) }],
		});
	});
});
