/**
 * The allergens and dietary tags the API accepts. Its answers (profiles, menu
 * items) declare them as plain strings, so values read from an answer are
 * narrowed to the known ones before they go back into a request or a filter.
 */
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import type { Allergen, DietaryTag } from "./types";

const ALLERGENS: ReadonlySet<string> = new Set(EU_ALLERGENS);
const TAGS: ReadonlySet<string> = new Set(DIETARY_TAGS);

export function knownAllergens(values: readonly string[]): Allergen[] {
	return values.filter((value): value is Allergen => ALLERGENS.has(value));
}

export function knownDietaryTags(values: readonly string[]): DietaryTag[] {
	return values.filter((value): value is DietaryTag => TAGS.has(value));
}
