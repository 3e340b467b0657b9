/** Shape of the demo catalogue; `sql.ts` turns it into INSERT statements. */
import type { AvailabilityWindow, WeeklyOpeningHours } from "../../workers/api/src/menu/domain/availability";
import type { Allergen, DietaryTag } from "../../workers/api/src/menu/domain/dietary";
import type { Language, Translations } from "../../workers/api/src/menu/domain/language";

export interface SeedOption {
	id: string;
	name: string;
	priceDeltaMinor: number;
	allergens?: Allergen[];
	translations?: Translations<"name">;
}

export interface SeedModifierGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: SeedOption[];
	translations?: Translations<"name">;
}

export interface SeedItem {
	id: string;
	name: string;
	description: string;
	priceMinor: number;
	/** Always null in the seed: photos are drawn and uploaded through the API by demo-photos.ts. */
	imageKey: string | null;
	allergens: Allergen[];
	dietaryTags: DietaryTag[];
	calories: number | null;
	availability?: AvailabilityWindow[];
	soldOut?: boolean;
	modifierGroups: SeedModifierGroup[];
	/** The name and description in the location's other languages; the base text is in its default language. */
	translations?: Translations<"name" | "description">;
}

export interface SeedCategory {
	id: string;
	name: string;
	description: string;
	availability: AvailabilityWindow[];
	items: SeedItem[];
	translations?: Translations<"name" | "description">;
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
	/** The language its menu is written in; missing translations fall back to it. */
	defaultLanguage: Language;
	/** The languages its menu is offered in, the default among them. */
	languages: Language[];
	categories: SeedCategory[];
}
