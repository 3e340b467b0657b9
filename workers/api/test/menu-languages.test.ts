/**
 * The menu API in several languages: the origin's own menu read negotiates
 * like the edge (`?lang=`, the bearer's `lng` claim, Accept-Language, the
 * default), locations name their languages, and translations round trip
 * through the staff write routes with clear errors for bad ones.
 */
import { env } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { beforeAll, describe, expect, it } from "vitest";
import { call, errorOf, locationInput, PRINCIPALS, STAFF, send } from "./helpers";

const SLUG = `lang-${crypto.randomUUID().slice(0, 8)}`;
const MENU = `/api/v1/locations/${SLUG}/menu`;

interface Menu {
	language: string;
	location: { defaultLanguage: string; languages: string[] };
	categories: {
		id: string;
		name: string;
		description: string;
		items: { id: string; name: string; description: string; modifierGroups: ModifierGroup[] }[];
	}[];
}
interface ModifierGroup {
	id: string;
	name: string;
	options: { name: string }[];
}

async function menu(path = MENU, headers: Record<string, string> = {}) {
	const response = await call(path, { headers });
	expect(response.status).toBe(200);
	const body = (await response.json()) as Menu;
	return { response, body, category: body.categories[0], item: body.categories[0].items[0] };
}

async function written(response: Response): Promise<{ id: string; menuVersion: number }> {
	expect(response.status, await response.clone().text()).toBeLessThan(300);
	return (await response.json()) as { id: string; menuVersion: number };
}

const customer = async (language?: string) => ({
	authorization: `Bearer ${await issueAccessToken(env, PRINCIPALS.customer, { language })}`,
});

let categoryId: string;
let itemId: string;

beforeAll(async () => {
	const created = await send(
		"PUT",
		`/api/v1/locations/${SLUG}`,
		locationInput({ defaultLanguage: "en", languages: ["en", "ja"] }),
		STAFF,
	);
	expect(created.status, await created.clone().text()).toBe(201);
	categoryId = (
		await written(
			await send(
				"POST",
				`/api/v1/locations/${SLUG}/categories`,
				{ name: "Sandwiches", description: "Made this morning", translations: { ja: { name: "サンド" } } },
				STAFF,
			),
		)
	).id;
	itemId = (
		await written(
			await send(
				"POST",
				`/api/v1/locations/${SLUG}/items`,
				{
					categoryId,
					name: "Egg sandwich",
					description: "Soft egg salad",
					price: { amount: 650, currency: "GBP" },
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
				},
				STAFF,
			),
		)
	).id;
});

describe("GET /api/v1/locations/{slug}/menu in a language", () => {
	it("answers ?lang=ja in Japanese, with Content-Language and a Vary naming its sources", async () => {
		const { response, body, category, item } = await menu(`${MENU}?lang=ja`);
		expect(response.headers.get("content-language")).toBe("ja");
		const vary = response.headers.get("vary")?.toLowerCase() ?? "";
		expect(vary).toContain("accept-language");
		expect(vary).toContain("authorization");
		expect(body.language).toBe("ja");
		expect(category.name).toBe("サンド");
		expect(item.name).toBe("たまごサンド");
		expect(body.location).toMatchObject({ defaultLanguage: "en", languages: ["en", "ja"] });
	});

	it("follows Accept-Language, with ?lang= before it", async () => {
		const accepted = await menu(MENU, { "accept-language": "ja-JP,ja;q=0.9,en;q=0.8" });
		expect(accepted.response.headers.get("content-language")).toBe("ja");
		expect(accepted.item.name).toBe("たまごサンド");
		const asked = await menu(`${MENU}?lang=en`, { "accept-language": "ja-JP,ja;q=0.9" });
		expect(asked.response.headers.get("content-language")).toBe("en");
		expect(asked.item.name).toBe("Egg sandwich");
	});

	it("puts the signed-in customer's language (the token's lng claim) before Accept-Language and after ?lang=", async () => {
		const japanese = await customer("ja");
		const preferred = await menu(MENU, { ...japanese, "accept-language": "en" });
		expect(preferred.body.language).toBe("ja");
		expect((await menu(`${MENU}?lang=en`, japanese)).body.language).toBe("en");
		expect((await menu(MENU, { ...(await customer()), "accept-language": "ja" })).body.language).toBe("ja");
	});

	it("falls back to the default language for a language not supported or not offered, never an error", async () => {
		for (const lang of ["fr", "es", "zz-ZZ", "%F0%9F%92%A5", ""]) {
			const { response, item } = await menu(`${MENU}?lang=${lang}`, { "accept-language": "de" });
			expect(response.headers.get("content-language"), lang).toBe("en");
			expect(item.name, lang).toBe("Egg sandwich");
		}
		expect((await menu(`${MENU}?lang=fr`, { "accept-language": "ja" })).body.language).toBe("ja");
	});

	it("answers 400 naming lang for an absurdly long one", async () => {
		const response = await call(`${MENU}?lang=${"a".repeat(100)}`);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual(["lang"]);
	});

	it("reads a field without a translation in the default language", async () => {
		const { category, item } = await menu(`${MENU}?lang=ja`);
		expect(category.description).toBe("Made this morning");
		expect(item.description).toBe("Soft egg salad");
		expect(item.modifierGroups[0].name).toBe("パン");
		expect(item.modifierGroups[0].options.map((option) => option.name)).toEqual(["白", "Brown"]);
	});
});

describe("locations name their languages", () => {
	it("lists each location's default and offered languages, the default among them", async () => {
		const { locations } = (await (await call("/api/v1/locations")).json()) as {
			locations: { slug: string; defaultLanguage: string; languages: string[] }[];
		};
		expect(locations.find((location) => location.slug === SLUG)).toMatchObject({
			defaultLanguage: "en",
			languages: ["en", "ja"],
		});
		for (const location of locations) expect(location.languages).toContain(location.defaultLanguage);
		const one = (await (await call(`/api/v1/locations/${SLUG}`)).json()) as Record<string, unknown>;
		expect(one).toMatchObject({ defaultLanguage: "en", languages: ["en", "ja"] });
	});

	it("refuses languages that leave out the default language, naming languages", async () => {
		const response = await send(
			"PUT",
			`/api/v1/locations/${SLUG}`,
			locationInput({ defaultLanguage: "ja", languages: ["en"] }),
			STAFF,
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual(["languages"]);
	});

	it("refuses a language that is not supported, naming the field", async () => {
		const response = await send(
			"PUT",
			`/api/v1/locations/${SLUG}`,
			locationInput({ defaultLanguage: "fr", languages: ["fr"] }),
			STAFF,
		);
		expect(response.status).toBe(400);
		const fields = (await errorOf(response)).details?.map((detail) => detail.field) ?? [];
		expect(fields).toContain("defaultLanguage");
		expect(fields).toContain("languages.0");
	});
});

describe("translations through the staff write routes", () => {
	it("round trips item, category, modifier group and option translations through PATCH and PUT", async () => {
		await written(
			await send(
				"PATCH",
				`/api/v1/locations/${SLUG}/items/${itemId}`,
				{ translations: { ja: { name: "玉子サンド", description: "ふわふわ" } } },
				STAFF,
			),
		);
		await written(
			await send(
				"PATCH",
				`/api/v1/locations/${SLUG}/categories/${categoryId}`,
				{ translations: { ja: { name: "サンドイッチ", description: "今朝作りました" } } },
				STAFF,
			),
		);
		const group = (await menu(`${MENU}?lang=ja`)).item.modifierGroups[0];
		await written(
			await send(
				"PUT",
				`/api/v1/locations/${SLUG}/modifier-groups/${group.id}`,
				{
					name: "Bread",
					minSelections: 1,
					maxSelections: 1,
					translations: { ja: { name: "パンの種類" } },
					options: [
						{ name: "White", translations: { ja: { name: "食パン" } } },
						{ name: "Brown", translations: { ja: { name: "全粒粉" } } },
					],
				},
				STAFF,
			),
		);

		const ja = await menu(`${MENU}?lang=ja`);
		expect(ja.category).toMatchObject({ name: "サンドイッチ", description: "今朝作りました" });
		expect(ja.item).toMatchObject({ name: "玉子サンド", description: "ふわふわ" });
		expect(ja.item.modifierGroups[0].name).toBe("パンの種類");
		expect(ja.item.modifierGroups[0].options.map((option) => option.name)).toEqual(["食パン", "全粒粉"]);
		// The default language's text is untouched.
		const en = await menu(`${MENU}?lang=en`);
		expect(en.item).toMatchObject({ name: "Egg sandwich", description: "Soft egg salad" });
		expect(en.item.modifierGroups[0].options.map((option) => option.name)).toEqual(["White", "Brown"]);

		// A PATCH's translations replace the item's whole map: none left, it reads in the default language.
		await written(await send("PATCH", `/api/v1/locations/${SLUG}/items/${itemId}`, { translations: {} }, STAFF));
		expect((await menu(`${MENU}?lang=ja`)).item).toMatchObject({ name: "Egg sandwich", description: "Soft egg salad" });
	});

	it("refuses a translation into a language that is not supported, naming the field", async () => {
		const response = await send(
			"PATCH",
			`/api/v1/locations/${SLUG}/items/${itemId}`,
			{ translations: { fr: { name: "Sandwich aux œufs" } } },
			STAFF,
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual([
			{ field: "translations", message: expect.stringContaining('"fr"') },
		]);
	});

	it("refuses a translated field the item does not have, naming it", async () => {
		const response = await send(
			"POST",
			`/api/v1/locations/${SLUG}/categories`,
			{ name: "Drinks", translations: { ja: { title: "飲み物" } } },
			STAFF,
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual([
			{ field: "translations.ja", message: expect.stringContaining('"title"') },
		]);
	});

	it("refuses an option translation that is not text, naming its path", async () => {
		const group = (await menu()).item.modifierGroups[0];
		const response = await send(
			"PUT",
			`/api/v1/locations/${SLUG}/modifier-groups/${group.id}`,
			{
				name: "Bread",
				minSelections: 0,
				maxSelections: 1,
				options: [{ name: "White", translations: { ja: { name: 7 } } }],
			},
			STAFF,
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual([
			"options.0.translations.ja.name",
		]);
	});
});
