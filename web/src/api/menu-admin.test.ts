/** The menu editor reads every translation as stored, from the editable menu. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { fetchMenuTranslations } from "./menu-admin";

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
		const translations = await fetchMenuTranslations("tokyo");
		// A translation the same as the default text is still a stored translation.
		expect(translations.get("itm_1")).toEqual({
			ja: { name: "たまごサンド", description: "ふわふわ" },
			es: { name: "Egg Sando" },
		});
		expect(translations.get("cat_1")).toEqual({ ja: { name: "サンド" } });
	});
});
