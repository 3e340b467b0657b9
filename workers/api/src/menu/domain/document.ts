/**
 * The menu document: everything a customer needs to browse one location's
 * menu, as stored in KV and served by the edge. It is versioned and holds no
 * time-dependent state; `presentMenu` adds "available now" for a given moment,
 * so a cached document stays right as the local clock moves.
 */
import {
	type AvailabilityWindow,
	isOpenAt,
	isWithinWindows,
	type LocalClock,
	localClock,
	type WeeklyOpeningHours,
} from "./availability";
import type { Money } from "./money";

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
}

export interface MenuModifierGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: MenuOption[];
}

export interface MenuItem {
	id: string;
	categoryId: string;
	name: string;
	description: string;
	price: Money;
	imageKey: string | null;
	allergens: string[];
	dietaryTags: string[];
	calories: number | null;
	availability: AvailabilityWindow[];
	soldOut: boolean;
	modifierGroups: MenuModifierGroup[];
}

export interface MenuCategory {
	id: string;
	name: string;
	description: string;
	availability: AvailabilityWindow[];
	items: MenuItem[];
}

export interface MenuDocument {
	location: LocationSummary;
	version: number;
	generatedAt: string;
	categories: MenuCategory[];
}

export type UnavailableReason = "sold_out" | "outside_hours" | "closed";

export interface PresentedItem extends MenuItem {
	availableNow: boolean;
	unavailableReason: UnavailableReason | null;
}

export interface PresentedMenu extends Omit<MenuDocument, "categories"> {
	openNow: boolean;
	categories: (Omit<MenuCategory, "items"> & { availableNow: boolean; items: PresentedItem[] })[];
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

export function presentMenu(document: MenuDocument, now: Date): PresentedMenu {
	const clock = localClock(now, document.location.timeZone);
	const openNow = isOpenAt(document.location.openingHours, clock);
	return {
		...document,
		openNow,
		categories: document.categories.map((category) => ({
			...category,
			availableNow: openNow && isWithinWindows(category.availability, clock),
			items: category.items.map((item) => {
				const reason = unavailableReason(item, category, openNow, clock);
				return { ...item, availableNow: reason === null, unavailableReason: reason };
			}),
		})),
	};
}

/**
 * A short key that changes exactly when `presentMenu` would give a different
 * answer for the same document: whether the location is open and which
 * availability windows are active. Caches of presented menus are keyed by it.
 */
export function availabilityKey(document: MenuDocument, now: Date): string {
	const clock = localClock(now, document.location.timeZone);
	let key = isOpenAt(document.location.openingHours, clock) ? "o" : "c";
	for (const windows of distinctWindowSets(document)) key += isWithinWindows(windows, clock) ? "1" : "0";
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
