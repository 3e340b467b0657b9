/**
 * Search in every language a menu is written in: the trigram index finds a
 * Japanese word inside another (`サンド` in `たまごサンド`), an English prefix
 * or fragment (`cap`, `puccin`), and a two-character word (`寿司`) that has no
 * trigram; hits come back in the language asked for (lang, the bearer's
 * preferred language, Accept-Language, else the location's default), and FTS
 * syntax in the text is only text.
 */
import { env } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { beforeAll, describe, expect, it } from "vitest";
import { call, errorOf, json, locationInput, STAFF, send } from "./helpers";

interface SearchAnswer {
	query: string;
	results: {
		location: { slug: string };
		category: { id: string; name: string };
		item: { id: string; name: string; description: string };
		language: string;
	}[];
}

/** Letters only, so the nonce is one search term found nowhere else. */
function nonce(): string {
	return Array.from(crypto.getRandomValues(new Uint8Array(10)), (byte) => String.fromCharCode(97 + (byte % 26))).join(
		"",
	);
}

async function createLocation(languages: string[]): Promise<string> {
	const slug = `test-lang-${crypto.randomUUID().slice(0, 8)}`;
	const response = await send(
		"PUT",
		`/api/v1/locations/${slug}`,
		locationInput({ defaultLanguage: "en", languages }),
		STAFF,
	);
	expect(response.status).toBe(201);
	return slug;
}

async function createCategory(slug: string): Promise<string> {
	const response = await send(
		"POST",
		`/api/v1/locations/${slug}/categories`,
		{ name: "Lunch", translations: { ja: { name: "ランチ" } } },
		STAFF,
	);
	expect(response.status).toBe(201);
	return (await json<{ id: string }>(response)).id;
}

async function createItem(slug: string, item: Record<string, unknown>): Promise<string> {
	const response = await send(
		"POST",
		`/api/v1/locations/${slug}/items`,
		{ price: { amount: 500, currency: "GBP" }, ...item },
		STAFF,
	);
	expect(response.status).toBe(201);
	return (await json<{ id: string }>(response)).id;
}

function search(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
	return call(`/api/v1/menu/search?${new URLSearchParams(params)}`, { headers });
}

const TAG = nonce();
let bilingual: string;
let englishOnly: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
	bilingual = await createLocation(["en", "ja"]);
	const lunch = await createCategory(bilingual);
	ids.eggSandwich = await createItem(bilingual, {
		categoryId: lunch,
		name: "Egg sandwich",
		description: `Soft milk bread with egg salad ${TAG}`,
		translations: { ja: { name: "たまごサンド", description: "ふわふわの食パンにたまごサラダ" } },
	});
	ids.sushi = await createItem(bilingual, {
		categoryId: lunch,
		name: "Nigiri set",
		description: "Eight pieces of the day's fish",
		translations: { ja: { name: "にぎり寿司" } },
	});
	ids.cappuccino = await createItem(bilingual, {
		categoryId: lunch,
		name: "Cappuccino",
		description: "Espresso with steamed milk and foam",
		translations: { ja: { name: "カプチーノ" } },
	});
	ids.milkTea = await createItem(bilingual, {
		categoryId: lunch,
		name: "Milk tea",
		description: "Assam, sweetened",
	});
	englishOnly = await createLocation(["en"]);
	const other = await createCategory(englishOnly);
	ids.englishEgg = await createItem(englishOnly, {
		categoryId: other,
		name: "Egg roll",
		description: `Egg in a soft roll ${TAG}`,
	});
});

describe("Japanese search", () => {
	it("finds たまごサンド by サンド, a word inside it", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "サンド", location: bilingual, lang: "ja" }));
		expect(answer.results.map((hit) => hit.item.id)).toEqual([ids.eggSandwich]);
		expect(answer.results[0].item.name).toBe("たまごサンド");
	});

	it("finds a two-character word, 寿司, though it has no trigram", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "寿司", location: bilingual }));
		expect(answer.results.map((hit) => hit.item.id)).toEqual([ids.sushi]);
	});

	it("needs every term: a short term and a long one that are not on one item find nothing", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "寿司 cappuccino", location: bilingual }));
		expect(answer.results).toEqual([]);
		const both = await json<SearchAnswer>(await search({ q: "寿司 nigiri", location: bilingual }));
		expect(both.results.map((hit) => hit.item.id)).toEqual([ids.sushi]);
	});

	it("finds a Japanese description by words in it", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "たまごサラダ", location: bilingual }));
		expect(answer.results.map((hit) => hit.item.id)).toEqual([ids.eggSandwich]);
	});
});

describe("English search on the trigram index", () => {
	it("finds Cappuccino by its first letters, a fragment inside it, and any case", async () => {
		for (const q of ["cap", "Capp", "puccin", "CAPPUCCINO"]) {
			const answer = await json<SearchAnswer>(await search({ q, location: bilingual }));
			expect(
				answer.results.map((hit) => hit.item.id),
				q,
			).toEqual([ids.cappuccino]);
		}
	});

	it("finds the seeded London menu's Cappuccino by cap", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "cap", location: "london-soho" }));
		expect(answer.results.map((hit) => hit.item.name)).toContain("Cappuccino");
	});

	it("ranks a hit in the name above one in the description", async () => {
		const answer = await json<SearchAnswer>(await search({ q: "milk", location: bilingual }));
		expect(answer.results[0].item.id).toBe(ids.milkTea);
		expect(new Set(answer.results.map((hit) => hit.item.id))).toEqual(
			new Set([ids.milkTea, ids.eggSandwich, ids.cappuccino]),
		);
	});
});

describe("results in the chosen language", () => {
	it("presents hits in ?lang= when the location offers it, and says so in Content-Language", async () => {
		const response = await search({ q: "サンド", location: bilingual, lang: "ja" });
		expect(response.headers.get("content-language")).toBe("ja");
		expect(response.headers.get("vary")).toContain("Accept-Language");
		const [hit] = (await json<SearchAnswer>(response)).results;
		expect(hit).toMatchObject({
			language: "ja",
			category: { name: "ランチ" },
			item: { name: "たまごサンド", description: "ふわふわの食パンにたまごサラダ" },
		});
	});

	it("falls back field by field: a translation without a description reads the default's", async () => {
		const [hit] = (await json<SearchAnswer>(await search({ q: "寿司", location: bilingual, lang: "ja" }))).results;
		expect(hit.item).toMatchObject({ name: "にぎり寿司", description: "Eight pieces of the day's fish" });
	});

	it("finds by the Japanese name and answers in the default language when none is asked for", async () => {
		const response = await search({ q: "サンド", location: bilingual });
		expect(response.headers.get("content-language")).toBe("en");
		const [hit] = (await json<SearchAnswer>(response)).results;
		expect(hit).toMatchObject({ language: "en", category: { name: "Lunch" }, item: { name: "Egg sandwich" } });
	});

	it("takes Accept-Language, then the bearer's preferred language, and lets ?lang= override both", async () => {
		const byHeader = await search({ q: "cap", location: bilingual }, { "accept-language": "ja-JP,ja;q=0.9,en;q=0.5" });
		expect(byHeader.headers.get("content-language")).toBe("ja");
		expect((await json<SearchAnswer>(byHeader)).results[0].item.name).toBe("カプチーノ");

		const token = await issueAccessToken(
			env,
			{ id: "acc-demo-customer", role: "customer", locations: [] },
			{ language: "ja" },
		);
		const authorization = `Bearer ${token}`;
		const byPreference = await search({ q: "cap", location: bilingual }, { authorization, "accept-language": "en" });
		expect(byPreference.headers.get("content-language")).toBe("ja");

		const overridden = await search({ q: "cap", location: bilingual, lang: "en" }, { authorization });
		expect(overridden.headers.get("content-language")).toBe("en");
		expect((await json<SearchAnswer>(overridden)).results[0].item.name).toBe("Cappuccino");
	});

	it("falls back to the location's default for a language it does not offer or nobody supports, never an error", async () => {
		for (const lang of ["es", "fr", "xx-YY", "not a language"]) {
			const response = await search({ q: "cap", location: bilingual, lang });
			expect(response.status, lang).toBe(200);
			expect(response.headers.get("content-language"), lang).toBe("en");
		}
	});

	it("names the location's language for a search there that finds nothing", async () => {
		const response = await search({ q: "nothing-like-this", location: bilingual, lang: "ja" });
		expect((await json<SearchAnswer>(response)).results).toEqual([]);
		expect(response.headers.get("content-language")).toBe("ja");
	});

	it("everywhere: each hit in its location's language, and Content-Language only when they all agree", async () => {
		const mixed = await search({ q: TAG, lang: "ja" });
		const answer = await json<SearchAnswer>(mixed);
		const languageOf = new Map(answer.results.map((hit) => [hit.item.id, hit.language]));
		expect(languageOf).toEqual(
			new Map([
				[ids.eggSandwich, "ja"],
				[ids.englishEgg, "en"],
			]),
		);
		expect(mixed.headers.get("content-language")).toBeNull();

		const agreed = await search({ q: TAG, lang: "en" });
		expect((await json<SearchAnswer>(agreed)).results).toHaveLength(2);
		expect(agreed.headers.get("content-language")).toBe("en");
	});
});

describe("FTS syntax in the text", () => {
	it("is only text: quotes, stars, operators and parentheses neither fail nor change the match", async () => {
		for (const q of [
			'"',
			"*",
			"OR",
			"NEAR(",
			'cap" OR "egg',
			"cap*",
			"NEAR(cap egg, 2)",
			"name:cap",
			"^cap",
			"-cap",
			"(",
			"AND NOT",
		]) {
			const response = await search({ q, location: bilingual });
			expect(response.status, q).toBe(200);
		}
		const starred = await json<SearchAnswer>(await search({ q: "cap*", location: bilingual }));
		expect(starred.results.map((hit) => hit.item.id)).toEqual([ids.cappuccino]);
		// OR is a word here, not an operator: nothing holds both "cap" and "egg".
		const or = await json<SearchAnswer>(await search({ q: "cap OR egg", location: bilingual }));
		expect(or.results).toEqual([]);
	});

	it("still refuses empty text, naming q", async () => {
		const response = await search({ q: "  " });
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("q");
	});
});
