/** The menu document presented at a moment: what can be ordered now, and the key that caches depend on. */
import { describe, expect, it } from "vitest";
import type { WeeklyOpeningHours } from "./availability";
import { availabilityKey, type MenuDocument, presentMenu } from "./document";

const hours: WeeklyOpeningHours = {
	mon: [{ opens: "07:00", closes: "22:00" }],
	tue: [{ opens: "07:00", closes: "22:00" }],
	wed: [{ opens: "07:00", closes: "22:00" }],
	thu: [{ opens: "07:00", closes: "22:00" }],
	fri: [{ opens: "07:00", closes: "22:00" }],
	sat: [{ opens: "07:00", closes: "22:00" }],
	sun: [],
};

const item = (id: string, extra: Partial<MenuDocument["categories"][number]["items"][number]> = {}) => ({
	id,
	categoryId: "c",
	name: id,
	description: "",
	price: { amount: 500, currency: "JPY" },
	image: null,
	allergens: [],
	dietaryTags: [],
	calories: null,
	availability: [],
	soldOut: false,
	modifierGroups: [],
	translations: {},
	...extra,
});

const document: MenuDocument = {
	location: {
		slug: "tokyo-shibuya",
		name: "Shibuya",
		address: { line: "", city: "Tokyo", postcode: "", country: "JP" },
		coordinates: { latitude: 35.66, longitude: 139.7 },
		timeZone: "Asia/Tokyo",
		region: "apac",
		currency: "JPY",
		taxRateBps: 1000,
		pricesIncludeTax: true,
		openingHours: hours,
		fulfilment: { pickup: true, delivery: null },
		payAtPickup: false,
		slotCapacity: { orders: null, units: null },
		defaultLanguage: "en",
		languages: ["en"],
		ordering: { paused: false, reason: null, since: null },
		closures: [],
	},
	version: 7,
	generatedAt: "2026-07-01T00:00:00Z",
	categories: [
		{
			id: "breakfast",
			name: "Breakfast",
			description: "",
			availability: [{ from: "07:00", until: "10:30" }],
			items: [item("tamago-sando")],
			translations: {},
		},
		{
			id: "mains",
			name: "Mains",
			description: "",
			availability: [],
			items: [item("katsu-curry"), item("ramen", { soldOut: true })],
			translations: {},
		},
	],
};

const at = (iso: string) => new Date(iso);
const states = (iso: string) =>
	Object.fromEntries(
		presentMenu(document, at(iso)).categories.flatMap((category) =>
			category.items.map((presented) => [presented.id, presented.unavailableReason ?? "available"]),
		),
	);

describe("presentMenu", () => {
	it("offers breakfast at 10:29 Tokyo time and not at 10:30", () => {
		expect(states("2026-07-01T01:29:00Z")).toEqual({
			"tamago-sando": "available",
			"katsu-curry": "available",
			ramen: "sold_out",
		});
		expect(states("2026-07-01T01:30:00Z")).toMatchObject({
			"tamago-sando": "outside_hours",
			"katsu-curry": "available",
		});
	});

	it("marks everything but sold-out items closed outside opening hours", () => {
		expect(states("2026-07-05T03:00:00Z")).toEqual({
			"tamago-sando": "closed",
			"katsu-curry": "closed",
			ramen: "sold_out",
		});
		expect(presentMenu(document, at("2026-07-05T03:00:00Z")).openNow).toBe(false);
	});

	it("closes everything on a closure day within opening hours, lists only closures not yet ended, and changes the cache key", () => {
		const closed: MenuDocument = {
			...document,
			location: {
				...document.location,
				closures: [
					{ id: "old", from: "2026-06-01", to: "2026-06-02", reason: "Moving" },
					{ id: "today", from: "2026-07-01", to: "2026-07-01", reason: "Staff training" },
				],
			},
		};
		// Noon on Wednesday 1 July in Tokyo: open by its weekly hours.
		const noon = at("2026-07-01T03:00:00Z");
		const menu = presentMenu(closed, noon);
		expect(menu.openNow).toBe(false);
		expect(menu.categories.flatMap((category) => category.items.map((each) => each.unavailableReason))).toEqual([
			"closed",
			"closed",
			"sold_out",
		]);
		expect(menu.location.closures.map((closure) => closure.id)).toEqual(["today"]);
		expect(availabilityKey(closed, noon)).not.toBe(availabilityKey(document, noon));
		// The next day it is open again, and the ended closure is no longer listed.
		const nextNoon = at("2026-07-02T03:00:00Z");
		expect(presentMenu(closed, nextNoon).openNow).toBe(true);
		expect(presentMenu(closed, nextNoon).location.closures).toEqual([]);
	});
});

describe("presentMenu in a language", () => {
	const noon = at("2026-07-01T03:00:00Z");
	const translatedDocument: MenuDocument = {
		...document,
		location: { ...document.location, defaultLanguage: "en", languages: ["en", "ja", "es"] },
		categories: [
			{
				...document.categories[0],
				description: "Until half past ten",
				translations: { ja: { name: "朝食" }, es: { name: "Desayuno", description: "Hasta las diez y media" } },
				items: [
					item("tamago-sando", {
						name: "Egg sandwich",
						description: "Soft egg salad",
						translations: { ja: { name: "たまごサンド" }, es: { description: "Ensalada de huevo" } },
						modifierGroups: [
							{
								id: "bread",
								name: "Bread",
								minSelections: 1,
								maxSelections: 1,
								translations: { ja: { name: "パン" } },
								options: [
									{
										id: "white",
										name: "White",
										priceDelta: { amount: 0, currency: "JPY" },
										allergens: [],
										translations: { ja: { name: "白" } },
									},
									{
										id: "brown",
										name: "Brown",
										priceDelta: { amount: 50, currency: "JPY" },
										allergens: [],
										translations: {},
									},
								],
							},
						],
					}),
				],
			},
		],
	};
	const first = (language?: "en" | "ja" | "es") => {
		const menu = presentMenu(translatedDocument, noon, language);
		const category = menu.categories[0];
		const sando = category.items[0];
		const group = sando.modifierGroups[0];
		return { menu, category, sando, group, options: group.options.map((option) => option.name) };
	};

	it("resolves every name and description in the language asked for, and says which", () => {
		const ja = first("ja");
		expect(ja.menu.language).toBe("ja");
		expect(ja.category.name).toBe("朝食");
		expect(ja.sando.name).toBe("たまごサンド");
		expect(ja.group.name).toBe("パン");
		expect(ja.options).toEqual(["白", "Brown"]);
	});

	it("falls back to the default language field by field", () => {
		const ja = first("ja");
		expect(ja.category.description).toBe("Until half past ten");
		expect(ja.sando.description).toBe("Soft egg salad");
		const es = first("es");
		expect(es.category).toMatchObject({ name: "Desayuno", description: "Hasta las diez y media" });
		expect(es.sando).toMatchObject({ name: "Egg sandwich", description: "Ensalada de huevo" });
		expect(es.group.name).toBe("Bread");
		expect(es.options).toEqual(["White", "Brown"]);
	});

	it("answers in the default language when none is given, and leaves no translations in the answer", () => {
		const plain = first();
		expect(plain.menu.language).toBe("en");
		expect(plain.sando.name).toBe("Egg sandwich");
		const json = JSON.stringify(presentMenu(translatedDocument, noon, "ja"));
		expect(json).not.toContain("translations");
		expect(json).not.toContain("Desayuno");
	});

	it("keeps what does not depend on the language: ids, prices and availability", () => {
		const ja = first("ja");
		const en = first("en");
		expect(ja.sando).toMatchObject({ id: en.sando.id, price: en.sando.price, availableNow: en.sando.availableNow });
		expect(ja.group.options.map((option) => option.priceDelta)).toEqual(
			en.group.options.map((option) => option.priceDelta),
		);
	});
});

describe("availabilityKey", () => {
	it("stays the same while nothing changes and changes when a window closes", () => {
		const early = availabilityKey(document, at("2026-07-01T00:00:00Z"));
		expect(availabilityKey(document, at("2026-07-01T01:00:00Z"))).toBe(early);
		expect(availabilityKey(document, at("2026-07-01T01:30:00Z"))).not.toBe(early);
	});

	it("changes when the location closes", () => {
		expect(availabilityKey(document, at("2026-07-01T12:00:00Z"))).not.toBe(
			availabilityKey(document, at("2026-07-01T13:00:00Z")),
		);
	});
});
