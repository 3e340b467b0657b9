/**
 * The menu document: everything a customer needs to browse one location's
 * menu, as stored in KV and served by the edge. It is versioned and holds no
 * time-dependent state; `presentMenu` adds "available now" for a given moment,
 * so a cached document stays right as the local clock moves.
 */
import {
	type AvailabilityWindow,
	isWithinWindows,
	type LocalClock,
	localClock,
	type WeeklyOpeningHours,
} from "./availability";
import { type Closure, isOpenOn, upcomingClosures } from "./closures";
import { type Language, type Translations, translated } from "./language";
import type { Money } from "./money";
import type { OrderingState } from "./ordering-pause";

export interface LocationSummary {
	slug: string;
	name: string;
	address: { line: string; city: string; postcode: string; country: string };
	coordinates: { latitude: number; longitude: number };
	timeZone: string;
	/** Where the location's new orders are kept (a name in REGIONS); orders opened before a move stay in the old one. */
	region: string;
	currency: string;
	taxRateBps: number;
	pricesIncludeTax: boolean;
	openingHours: WeeklyOpeningHours;
	fulfilment: {
		pickup: boolean;
		delivery: { radiusMeters: number; fee: Money } | null;
	};
	/** Whether pickup orders may be paid at the counter instead of by card. */
	payAtPickup: boolean;
	/** How many orders, and item units, the kitchen takes per 15-minute slot; null is no limit. */
	slotCapacity: SlotCapacity;
	/** The language the menu is written in, and the one a request gets when it asks for none offered. */
	defaultLanguage: Language;
	/** Every language the menu is offered in, the default first. */
	languages: Language[];
	/** Whether staff have paused ordering, why and since when; checkout refuses while paused. */
	ordering: OrderingState;
	/** Whole local days the location is closed whatever its weekly hours say. */
	closures: Closure[];
}

export interface SlotCapacity {
	orders: number | null;
	units: number | null;
}

export interface MenuOption {
	id: string;
	name: string;
	priceDelta: Money;
	allergens: string[];
	translations: Translations<"name">;
}

export interface MenuModifierGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: MenuOption[];
	translations: Translations<"name">;
}

/** An item's photo: its id (the SHA-256 of its bytes, served at /images/{id}) and size, so a page can reserve its box. */
export interface MenuImage {
	id: string;
	width: number;
	height: number;
}

export interface MenuItem {
	id: string;
	categoryId: string;
	name: string;
	description: string;
	price: Money;
	image: MenuImage | null;
	allergens: string[];
	dietaryTags: string[];
	calories: number | null;
	availability: AvailabilityWindow[];
	soldOut: boolean;
	modifierGroups: MenuModifierGroup[];
	translations: Translations<"name" | "description">;
}

export interface MenuCategory {
	id: string;
	name: string;
	description: string;
	availability: AvailabilityWindow[];
	items: MenuItem[];
	translations: Translations<"name" | "description">;
}

export interface MenuDocument {
	location: LocationSummary;
	version: number;
	generatedAt: string;
	categories: MenuCategory[];
}

export type UnavailableReason = "sold_out" | "outside_hours" | "closed";

export type PresentedOption = Omit<MenuOption, "translations">;
export type PresentedModifierGroup = Omit<MenuModifierGroup, "translations" | "options"> & {
	options: PresentedOption[];
};

/** An item as one language reads it: names and descriptions resolved, no translations left. */
export interface PresentedItem extends Omit<MenuItem, "translations" | "modifierGroups"> {
	modifierGroups: PresentedModifierGroup[];
	availableNow: boolean;
	unavailableReason: UnavailableReason | null;
}

export interface PresentedCategory extends Omit<MenuCategory, "translations" | "items"> {
	availableNow: boolean;
	items: PresentedItem[];
}

export interface PresentedMenu extends Omit<MenuDocument, "categories"> {
	/** The language the names and descriptions are in. */
	language: Language;
	openNow: boolean;
	categories: PresentedCategory[];
}

/** Why an item cannot be ordered at this moment, or null when it can. */
export function unavailableReason(
	item: Pick<MenuItem, "soldOut" | "availability">,
	category: Pick<MenuCategory, "availability">,
	openNow: boolean,
	clock: LocalClock,
): UnavailableReason | null {
	if (item.soldOut) return "sold_out";
	if (!openNow) return "closed";
	if (!isWithinWindows(category.availability, clock) || !isWithinWindows(item.availability, clock)) {
		return "outside_hours";
	}
	return null;
}

/**
 * The menu as it can be ordered at `now`, in `language` (the location's
 * default when not given); a text without a translation reads in the default.
 */
export function presentMenu(document: MenuDocument, now: Date, language?: Language): PresentedMenu {
	const clock = localClock(now, document.location.timeZone);
	const openNow = isOpenOn(document.location, clock);
	const lang = language ?? document.location.defaultLanguage;
	return {
		...document,
		// A stored document may still list a closure that has ended since it was published.
		location: { ...document.location, closures: upcomingClosures(document.location.closures, clock.date) },
		language: lang,
		openNow,
		categories: document.categories.map(({ translations, items, ...category }) => ({
			...category,
			name: translated(category, translations, "name", lang),
			description: translated(category, translations, "description", lang),
			availableNow: openNow && isWithinWindows(category.availability, clock),
			items: items.map(({ translations: itemTranslations, modifierGroups, ...item }) => {
				const reason = unavailableReason(item, category, openNow, clock);
				return {
					...item,
					name: translated(item, itemTranslations, "name", lang),
					description: translated(item, itemTranslations, "description", lang),
					modifierGroups: modifierGroups.map(({ translations: groupTranslations, options, ...group }) => ({
						...group,
						name: translated(group, groupTranslations, "name", lang),
						options: options.map(({ translations: optionTranslations, ...option }) => ({
							...option,
							name: translated(option, optionTranslations, "name", lang),
						})),
					})),
					availableNow: reason === null,
					unavailableReason: reason,
				};
			}),
		})),
	};
}

/**
 * A short key that changes exactly when `presentMenu` would give a different
 * answer for the same document: whether the location is open (weekly hours and
 * closures), which availability windows are active, and, when it has closures,
 * the local date. Caches of presented menus are keyed by it.
 */
export function availabilityKey(document: MenuDocument, now: Date): string {
	const clock = localClock(now, document.location.timeZone);
	let key = isOpenOn(document.location, clock) ? "o" : "c";
	for (const windows of distinctWindowSets(document)) key += isWithinWindows(windows, clock) ? "1" : "0";
	// The closures listed depend on the local date (an ended one drops out at midnight).
	if (document.location.closures.length > 0) key += `d${clock.date.replaceAll("-", "")}`;
	return key;
}

const windowSetsByDocument = new WeakMap<MenuDocument, AvailabilityWindow[][]>();

function distinctWindowSets(document: MenuDocument): AvailabilityWindow[][] {
	let sets = windowSetsByDocument.get(document);
	if (!sets) {
		const seen = new Map<string, AvailabilityWindow[]>();
		for (const category of document.categories) {
			for (const windows of [category.availability, ...category.items.map((item) => item.availability)]) {
				if (windows.length > 0) seen.set(JSON.stringify(windows), windows);
			}
		}
		sets = [...seen.values()];
		windowSetsByDocument.set(document, sets);
	}
	return sets;
}
