/** The menu editor's read: the stored menu with every translation, which the presented menu leaves out. */
import { describe, expect, it } from "vitest";
import { call, json, STAFF, send } from "./helpers";

interface EditableMenu {
	location: { slug: string; defaultLanguage: string; languages: string[] };
	version: number;
	categories: {
		id: string;
		name: string;
		translations: Record<string, Record<string, string>>;
		items: {
			id: string;
			name: string;
			translations: Record<string, Record<string, string>>;
			modifierGroups: {
				name: string;
				translations: Record<string, Record<string, string>>;
				options: { name: string; translations: Record<string, Record<string, string>> }[];
			}[];
		}[];
	}[];
}

describe("GET /api/v1/locations/{slug}/menu/editable", () => {
	it("answers every translation of the item, its groups and options, and the version of the write just made", async () => {
		const category = await json<{ id: string }>(
			await send("POST", "/api/v1/locations/london-soho/categories", { name: "Editor test" }, STAFF),
		);
		const created = await send(
			"POST",
			"/api/v1/locations/london-soho/items",
			{
				categoryId: category.id,
				name: "Egg sandwich",
				price: { amount: 550, currency: "GBP" },
				translations: { ja: { name: "たまごサンド" }, es: { description: "Sándwich de huevo" } },
				modifierGroups: [
					{
						name: "Bread",
						minSelections: 1,
						maxSelections: 1,
						translations: { ja: { name: "パン" } },
						options: [{ name: "White", translations: { ja: { name: "白" } } }],
					},
				],
			},
			STAFF,
		);
		expect(created.status).toBe(201);
		const { id, menuVersion } = await json<{ id: string; menuVersion: number }>(created);

		const response = await call("/api/v1/locations/london-soho/menu/editable", { headers: STAFF });
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("no-store");
		const menu = await json<EditableMenu>(response);
		expect(menu.version).toBeGreaterThanOrEqual(menuVersion);
		expect(menu.location).toMatchObject({ slug: "london-soho", defaultLanguage: "en", languages: ["en"] });
		const item = menu.categories.flatMap((each) => each.items).find((each) => each.id === id);
		expect(item).toMatchObject({
			name: "Egg sandwich",
			translations: { ja: { name: "たまごサンド" }, es: { description: "Sándwich de huevo" } },
		});
		expect(item?.modifierGroups[0]).toMatchObject({
			name: "Bread",
			translations: { ja: { name: "パン" } },
			options: [{ name: "White", translations: { ja: { name: "白" } } }],
		});
	});

	it("is 404 for a location that does not exist", async () => {
		const response = await call("/api/v1/locations/no-such-place/menu/editable", { headers: STAFF });
		expect(response.status).toBe(404);
	});
});
