/** The 14 allergens EU Regulation 1169/2011 requires a food business to declare. */
export const EU_ALLERGENS = [
	"celery",
	"cereals_containing_gluten",
	"crustaceans",
	"eggs",
	"fish",
	"lupin",
	"milk",
	"molluscs",
	"mustard",
	"tree_nuts",
	"peanuts",
	"sesame",
	"soybeans",
	"sulphur_dioxide",
] as const;
export type Allergen = (typeof EU_ALLERGENS)[number];

export const DIETARY_TAGS = [
	"vegan",
	"vegetarian",
	"gluten_free",
	"dairy_free",
	"halal",
	"kosher",
	"spicy",
	"nut_free",
] as const;
export type DietaryTag = (typeof DIETARY_TAGS)[number];
