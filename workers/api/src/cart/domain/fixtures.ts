/**
 * Fixtures for the cart and ordering domain tests: one open location, its
 * catalogue, a line as the cart stores it, and a way to catch a refusal.
 * Used by tests only; production code never imports this module.
 */
import { type RuleViolation, RuleViolationError } from "@goodfood/platform/rule-violation";
import type { TimeRange } from "../../menu/domain/availability";
import type { LocationSummary } from "../../menu/domain/document";
import type { DraftLine } from "./lines";
import type { CatalogueItem } from "./pricing";

/** A Wednesday, 13:00 on the London clock (BST): Soho is open. */
export const NOW = new Date("2026-07-01T12:00:00Z");

const DAILY: TimeRange[] = [{ opens: "08:00", closes: "23:00" }];

/** Prices include 20% VAT; delivers within 3 km for £2.99. */
export const soho: LocationSummary = {
	slug: "london-soho",
	name: "GoodFood Soho",
	region: "eu",
	address: { line: "1 Greek Street", city: "London", postcode: "W1D 4DH", country: "GB" },
	coordinates: { latitude: 51.5136, longitude: -0.1312 },
	timeZone: "Europe/London",
	currency: "GBP",
	taxRateBps: 2000,
	pricesIncludeTax: true,
	openingHours: { mon: DAILY, tue: DAILY, wed: DAILY, thu: DAILY, fri: DAILY, sat: DAILY, sun: DAILY },
	fulfilment: { pickup: true, delivery: { radiusMeters: 3000, fee: { amount: 299, currency: "GBP" } } },
	payAtPickup: false,
	slotCapacity: { orders: null, units: null },
	defaultLanguage: "en",
	languages: ["en"],
	ordering: { paused: false, reason: null, since: null },
	closures: [],
};

/** £12.00; one broth required (miso +50p), up to three toppings (egg +£1.50, chashu +£2.50). */
export const ramen: CatalogueItem = {
	id: "itm-ramen",
	locationSlug: "london-soho",
	categoryId: "cat-bowls",
	name: "Ramen",
	priceMinor: 1200,
	soldOut: false,
	availability: [],
	categoryAvailability: [],
	modifierGroups: [
		{
			id: "broth",
			name: "Broth",
			minSelections: 1,
			maxSelections: 1,
			options: [
				{ id: "tonkotsu", name: "Tonkotsu", priceDeltaMinor: 0 },
				{ id: "miso", name: "Miso", priceDeltaMinor: 50 },
			],
		},
		{
			id: "toppings",
			name: "Toppings",
			minSelections: 0,
			maxSelections: 3,
			options: [
				{ id: "egg", name: "Egg", priceDeltaMinor: 150 },
				{ id: "chashu", name: "Chashu", priceDeltaMinor: 250 },
			],
		},
	],
};

/** £6.50, no options. */
export const gyoza: CatalogueItem = { ...ramen, id: "itm-gyoza", name: "Gyoza", priceMinor: 650, modifierGroups: [] };

/** The catalogue as read fresh for a cart: items by id. */
export function catalogue(...items: CatalogueItem[]): Map<string, CatalogueItem> {
	return new Map(items.map((item) => [item.id, item]));
}

/** A line as the cart stores it: one tonkotsu ramen at £12.00, no note. */
export function storedLine(overrides: Partial<DraftLine> = {}): DraftLine {
	return {
		lineId: "ln_00000000000000a1",
		itemId: ramen.id,
		categoryId: ramen.categoryId,
		name: ramen.name,
		quantity: 1,
		unitPrice: 1200,
		options: [{ groupId: "broth", optionId: "tonkotsu", name: "Tonkotsu", priceDelta: 0 }],
		optionKey: "tonkotsu",
		note: null,
		...overrides,
	};
}

/** A stored line of gyoza, £6.50 each. */
export function gyozaLine(overrides: Partial<DraftLine> = {}): DraftLine {
	return storedLine({
		lineId: "ln_00000000000000b2",
		itemId: gyoza.id,
		name: gyoza.name,
		unitPrice: 650,
		options: [],
		optionKey: "",
		...overrides,
	});
}

/** The rule a call broke; fails the test when the call was not refused. */
export function refusal(run: () => unknown): RuleViolation {
	try {
		run();
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation;
		throw error;
	}
	throw new Error("expected the call to be refused, but it succeeded");
}
