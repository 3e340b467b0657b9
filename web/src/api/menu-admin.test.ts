/** The menu editor reads every translation: as stored when the API offers it, else worked out per language. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchMenuTranslations } from "./menu-admin";
import type { Menu } from "./types";

function menuIn(language: string, names: { category: string; item: string; description: string; option: string }) {
	return {
		language,
		location: { defaultLanguage: "en", languages: ["en", "ja", "es"] },
		categories: [
			{
				id: "cat_1",
				name: names.category,
				description: "",
				items: [
					{
						id: "itm_1",
						name: names.item,
						description: names.description,
						modifierGroups: [{ id: "grp_1", name: "Size", options: [{ id: "opt_1", name: names.option }] }],
					},
				],
			},
		],
	} as unknown as Menu;
}

const english = menuIn("en", { category: "Sandwiches", item: "Egg Sando", description: "Soft egg", option: "Large" });

function answering(routes: Record<string, { status: number; body: unknown }>) {
	const fetch = vi.fn(async (url: string) => {
		const route = routes[url] ?? { status: 404, body: { error: { code: "not_found", message: "Not found" } } };
		return new Response(JSON.stringify(route.body), {
			status: route.status,
			headers: { "content-type": "application/json" },
		});
	});
	vi.stubGlobal("fetch", fetch);
	return fetch;
}

afterEach(() => vi.unstubAllGlobals());

describe("fetchMenuTranslations", () => {
	it("takes the translations as stored from the editable menu", async () => {
		const stored = {
			categories: [
				{
					id: "cat_1",
					translations: { ja: { name: "サンド" } },
					items: [
						{
							id: "itm_1",
							translations: { ja: { name: "たまごサンド", description: "ふわふわ" }, es: { name: "Egg Sando" } },
							modifierGroups: [{ id: "grp_1", translations: {}, options: [{ id: "opt_1", translations: {} }] }],
						},
					],
				},
			],
		};
		answering({ "/api/v1/locations/tokyo/menu/editable": { status: 200, body: stored } });
		const translations = await fetchMenuTranslations("tokyo", english);
		expect(translations.exact).toBe(true);
		// A translation the same as the default text is still a stored translation.
		expect(translations.byId.get("itm_1")).toEqual({
			ja: { name: "たまごサンド", description: "ふわふわ" },
			es: { name: "Egg Sando" },
		});
		expect(translations.byId.get("cat_1")).toEqual({ ja: { name: "サンド" } });
	});

	it("without the editable menu, takes a text as translated where a language's menu differs from the default's", async () => {
		const japanese = menuIn("ja", {
			category: "サンド",
			item: "たまごサンド",
			description: "Soft egg",
			option: "大盛り",
		});
		answering({
			"/api/v1/locations/tokyo/menu?lang=ja": { status: 200, body: japanese },
			// Asked for Spanish, answered in English: nothing can be learnt about Spanish.
			"/api/v1/locations/tokyo/menu?lang=es": { status: 200, body: english },
		});
		const translations = await fetchMenuTranslations("tokyo", english);
		expect(translations.exact).toBe(false);
		expect(translations.unread).toEqual(["es"]);
		expect(translations.byId.get("itm_1")).toEqual({ ja: { name: "たまごサンド" } });
		expect(translations.byId.get("cat_1")).toEqual({ ja: { name: "サンド" } });
		expect(translations.byId.get("grp_1")).toEqual({});
		expect(translations.byId.get("opt_1")).toEqual({ ja: { name: "大盛り" } });
	});
});
