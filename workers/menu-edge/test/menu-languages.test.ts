/**
 * Menus in the customer's language at the edge: `?lang=`, then the bearer's
 * `lng` claim, then Accept-Language, then the location's default; a missing
 * translation falls back field by field; ETags, 304s and the rendered bodies
 * in memory are per language; Content-Language and Vary on every answer.
 */
import { env, exports } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { menuKeys } from "../../api/src/menu/contract";
import type { MenuDocument } from "../../api/src/menu/domain/document";
import { clearIsolateMemory } from "../src/index";
import { menuLanguage, renderMenu, versionSeenByClient } from "../src/render";

const SLUG = `lang-${crypto.randomUUID().slice(0, 8)}`;
const JWT = { JWT_SECRET: env.TEST_JWT_SECRET } as Env;
const ADMIN = `Bearer ${await issueAccessToken(JWT, { id: "acc-demo-admin", role: "admin", locations: [] })}`;
const customer = async (language?: string) =>
	`Bearer ${await issueAccessToken(JWT, { id: "acc-demo-customer", role: "customer", locations: [] }, { language })}`;

function edge(path: string, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, { ...init, headers }));
}

/** A staff write relayed through this edge, which learns the new version at once. */
async function write(method: string, path: string, body: unknown): Promise<{ id: string }> {
	const response = await edge(
		path,
		{ authorization: ADMIN, "content-type": "application/json" },
		{ method, body: JSON.stringify(body) },
	);
	expect(response.status, await response.clone().text()).toBeLessThan(300);
	return (await response.json()) as { id: string };
}

interface Menu {
	language: string;
	location: { defaultLanguage: string; languages: string[] };
	categories: {
		name: string;
		description: string;
		items: {
			name: string;
			description: string;
			translations?: unknown;
			modifierGroups: { name: string; options: { name: string }[] }[];
		}[];
	}[];
}

const MENU = `/menu?location=${SLUG}`;

async function menu(path = MENU, headers: Record<string, string> = {}) {
	const response = await edge(path, headers);
	const body = response.status === 200 ? ((await response.json()) as Menu) : undefined;
	return { response, body, item: body?.categories[0].items[0], layer: response.headers.get("x-cache-layer") };
}

const ALL_DAY = [{ opens: "00:00", closes: "23:59" }];

beforeAll(async () => {
	// A Tokyo location written in English and offered in Japanese too; Spanish is supported but not offered.
	const put = await edge(
		`/api/v1/locations/${SLUG}`,
		{ authorization: ADMIN, "content-type": "application/json" },
		{
			method: "PUT",
			body: JSON.stringify({
				name: "GoodFood Languages",
				address: { line: "1-1 Jinnan", city: "Tokyo", postcode: "150-0041", country: "JP" },
				coordinates: { latitude: 35.66, longitude: 139.7 },
				timeZone: "Asia/Tokyo",
				region: "apac",
				currency: "JPY",
				taxRateBps: 1000,
				pricesIncludeTax: true,
				openingHours: Object.fromEntries(["mon", "tue", "wed", "thu", "fri", "sat", "sun"].map((d) => [d, ALL_DAY])),
				fulfilment: { pickup: true, delivery: null },
				defaultLanguage: "en",
				languages: ["en", "ja"],
			}),
		},
	);
	expect(put.status, await put.clone().text()).toBe(201);
	const category = await write("POST", `/api/v1/locations/${SLUG}/categories`, {
		name: "Sandwiches",
		description: "Made this morning",
		translations: { ja: { name: "サンド" } },
	});
	await write("POST", `/api/v1/locations/${SLUG}/items`, {
		categoryId: category.id,
		name: "Egg sandwich",
		description: "Soft egg salad in milk bread",
		price: { amount: 480, currency: "JPY" },
		// No Japanese description: it reads in English.
		translations: { ja: { name: "たまごサンド" } },
		modifierGroups: [
			{
				name: "Bread",
				minSelections: 1,
				maxSelections: 1,
				translations: { ja: { name: "パン" } },
				options: [{ name: "White", translations: { ja: { name: "白" } } }, { name: "Brown" }],
			},
		],
	});
});

beforeEach(() => clearIsolateMemory());

describe("choosing the language", () => {
	it("answers ?lang=ja in Japanese with Content-Language: ja", async () => {
		const { response, body, item } = await menu(`${MENU}&lang=ja`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-language")).toBe("ja");
		expect(body?.language).toBe("ja");
		expect(body?.categories[0].name).toBe("サンド");
		expect(item?.name).toBe("たまごサンド");
		expect(body?.location).toMatchObject({ defaultLanguage: "en", languages: ["en", "ja"] });
	});

	it("follows Accept-Language, regional tags and q-values included", async () => {
		const { response, item } = await menu(MENU, { "accept-language": "ja-JP,ja;q=0.9,en;q=0.8" });
		expect(response.headers.get("content-language")).toBe("ja");
		expect(item?.name).toBe("たまごサンド");

		const english = await menu(MENU, { "accept-language": "ja;q=0.2,en-GB;q=0.9" });
		expect(english.response.headers.get("content-language")).toBe("en");
	});

	it("lets ?lang= beat Accept-Language", async () => {
		const { response, item } = await menu(`${MENU}&lang=en`, { "accept-language": "ja-JP,ja;q=0.9" });
		expect(response.headers.get("content-language")).toBe("en");
		expect(item?.name).toBe("Egg sandwich");
	});

	it("lets the signed-in customer's language (the token's lng claim) beat Accept-Language, and ?lang= beat it", async () => {
		const authorization = await customer("ja");
		const preferred = await menu(MENU, { authorization, "accept-language": "en-US,en;q=0.9" });
		expect(preferred.response.headers.get("content-language")).toBe("ja");
		expect(preferred.item?.name).toBe("たまごサンド");

		const asked = await menu(`${MENU}&lang=en`, { authorization });
		expect(asked.response.headers.get("content-language")).toBe("en");

		// A token without a language, or not a token at all, leaves Accept-Language in charge.
		const none = await menu(MENU, { authorization: await customer(), "accept-language": "ja" });
		expect(none.response.headers.get("content-language")).toBe("ja");
		const garbage = await menu(MENU, { authorization: "Bearer not-a-jwt", "accept-language": "ja" });
		expect(garbage.response.status).toBe(200);
		expect(garbage.response.headers.get("content-language")).toBe("ja");
	});

	it("falls back to the default language for a language not supported or not offered, never an error", async () => {
		for (const path of [`${MENU}&lang=fr`, `${MENU}&lang=es`, `${MENU}&lang=%00%ff`, `${MENU}&lang=`]) {
			const { response, item } = await menu(path, { "accept-language": "fr-FR, *;q=0.5" });
			expect(response.status, path).toBe(200);
			expect(response.headers.get("content-language"), path).toBe("en");
			expect(item?.name, path).toBe("Egg sandwich");
		}
		// Unsupported ?lang= passes over to the next wish.
		const next = await menu(`${MENU}&lang=fr`, { "accept-language": "ja" });
		expect(next.response.headers.get("content-language")).toBe("ja");
	});
});

describe("fallback", () => {
	it("reads a field without a translation in the default language, field by field", async () => {
		const { body, item } = await menu(`${MENU}&lang=ja`);
		expect(body?.categories[0]).toMatchObject({ name: "サンド", description: "Made this morning" });
		expect(item).toMatchObject({ name: "たまごサンド", description: "Soft egg salad in milk bread" });
		expect(item?.modifierGroups, JSON.stringify(item)).toHaveLength(1);
		expect(item?.modifierGroups[0].name).toBe("パン");
		expect(item?.modifierGroups[0].options.map((option) => option.name)).toEqual(["白", "Brown"]);
		expect(item?.translations).toBeUndefined();
	});
});

describe("ETags and caching per language", () => {
	it("gives each language its own ETag, and a 304 holds only for the language it was made for", async () => {
		const english = await menu(`${MENU}&lang=en`);
		const japanese = await menu(`${MENU}&lang=ja`);
		const enTag = english.response.headers.get("etag") ?? "";
		const jaTag = japanese.response.headers.get("etag") ?? "";
		expect(enTag).toMatch(new RegExp(`^"menu\\.${SLUG}\\.v\\d+\\.en\\.[a-z0-9]+"$`));
		expect(jaTag).toBe(enTag.replace(".en.", ".ja."));

		for (const layerTest of [false, true]) {
			// Once from memory, once through the router after memory is forgotten.
			if (layerTest) clearIsolateMemory();
			const same = await edge(`${MENU}&lang=ja`, { "if-none-match": jaTag });
			expect(same.status).toBe(304);
			expect(same.headers.get("etag")).toBe(jaTag);
			expect(same.headers.get("content-language")).toBe("ja");
			const other = await edge(`${MENU}&lang=en`, { "if-none-match": jaTag });
			expect(other.status).toBe(200);
			expect(other.headers.get("etag")).toBe(enTag);
		}

		const zipped = await edge(`${MENU}&lang=ja`, { "accept-encoding": "gzip" });
		expect(zipped.headers.get("etag")).toBe(jaTag.replace(/"$/, '-gz"'));
		expect(zipped.headers.get("content-language")).toBe("ja");
		expect(((await zipped.json()) as Menu).language).toBe("ja");
	});

	it("keeps one rendered body per language in memory, neither leaking into the other", async () => {
		await menu(`${MENU}&lang=en`);
		const first = { en: await menu(`${MENU}&lang=en`), ja: await menu(`${MENU}&lang=ja`) };
		expect(first.en.layer).toBe("memory");
		expect(first.ja.layer).toBe("memory");
		// Interleaved hits from memory keep their own body each time.
		for (let round = 0; round < 3; round++) {
			for (const language of ["ja", "en"] as const) {
				const again = await menu(`${MENU}&lang=${language}`);
				expect(again.layer).toBe("memory");
				expect(again.body).toEqual(first[language].body);
				expect(again.response.headers.get("content-language")).toBe(language);
			}
		}
		expect(first.en.item?.name).toBe("Egg sandwich");
		expect(first.ja.item?.name).toBe("たまごサンド");
	});

	it("renders each (version, availability, language) once and names the language in the ETag", async () => {
		const { body } = await menu(`${MENU}&lang=en`);
		const version = (body as unknown as { version: number }).version;
		const document = await env.MENU_KV.get<MenuDocument>(menuKeys.document(SLUG, version), "json");
		if (!document) throw new Error("the document is in KV once served");
		const now = new Date();
		const en = renderMenu(document, now, "en");
		const ja = renderMenu(document, now, "ja");
		expect(renderMenu(document, now, "ja")).toBe(ja);
		expect(renderMenu(document, now)).toBe(en);
		expect(en.body).not.toBe(ja.body);
		expect(JSON.parse(ja.body).language).toBe("ja");
		expect(ja.etag).toContain(".ja.");
		// The same negotiation answers the same request from memory, and an unsupported wish the default.
		expect(menuLanguage(document.location, null, null, "ja-JP,ja;q=0.9")).toBe("ja");
		expect(menuLanguage(document.location, null, null, "ja-JP,ja;q=0.9")).toBe("ja");
		expect(menuLanguage(document.location, "fr", null, null)).toBe("en");
	});

	it("still reads the version from an ETag made before menus had languages", () => {
		expect(versionSeenByClient(`"menu.${SLUG}.v7.o1"`, SLUG)).toBe(7);
		expect(versionSeenByClient(`"menu.${SLUG}.v8.ja.o10-gz", "menu.${SLUG}.v7.c"`, SLUG)).toBe(8);
	});
});

describe("Vary", () => {
	it("names the encoding, Accept-Language, Authorization and Origin from memory and through the router", async () => {
		const origin = "http://localhost:5173";
		clearIsolateMemory();
		const routed = await edge(MENU, { origin });
		const fromMemory = await edge(MENU, { origin });
		expect(routed.headers.get("x-cache-layer")).not.toBe("memory");
		expect(fromMemory.headers.get("x-cache-layer")).toBe("memory");
		for (const response of [routed, fromMemory]) {
			const vary = (response.headers.get("vary") ?? "")
				.split(",")
				.map((name) => name.trim().toLowerCase())
				.sort();
			expect(vary).toEqual(["accept-encoding", "accept-language", "authorization", "origin"]);
			expect(response.headers.get("content-language")).toBe("en");
		}
	});
});
