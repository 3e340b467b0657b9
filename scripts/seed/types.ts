/** Shape of the demo catalogue; `sql.ts` turns it into INSERT statements. */
import type { AvailabilityWindow, WeeklyOpeningHours } from "../../workers/api/src/menu/domain/availability";
import type { Allergen, DietaryTag } from "../../workers/api/src/menu/domain/dietary";

export interface SeedOption {
	id: string;
	name: string;
	priceDeltaMinor: number;
	allergens?: Allergen[];
}

export interface SeedModifierGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: SeedOption[];
}

export interface SeedItem {
	id: string;
	name: string;
	description: string;
	priceMinor: number;
	imageKey: string | null;
	allergens: Allergen[];
	dietaryTags: DietaryTag[];
	calories: number | null;
	availability?: AvailabilityWindow[];
	soldOut?: boolean;
	modifierGroups: SeedModifierGroup[];
}

export interface SeedCategory {
	id: string;
	name: string;
	description: string;
	availability: AvailabilityWindow[];
	items: SeedItem[];
}

export interface SeedLocation {
	slug: string;
	name: string;
	addressLine: string;
	city: string;
	postcode: string;
	country: string;
	latitude: number;
	longitude: number;
	timeZone: string;
	/** Where its orders are kept: a name in wrangler.toml's REGIONS. */
	region: string;
	currency: string;
	taxRateBps: number;
	pricesIncludeTax: boolean;
	openingHours: WeeklyOpeningHours;
	pickupEnabled: boolean;
	/** Whether pickup orders may be paid at the counter instead of by card. */
	payAtPickup: boolean;
	deliveryEnabled: boolean;
	deliveryRadiusMeters: number;
	deliveryFeeMinor: number;
	categories: SeedCategory[];
}
