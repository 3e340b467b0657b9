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
