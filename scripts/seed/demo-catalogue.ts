/** Demo catalogue for `npm run db:seed` and tests: three GoodFood locations (London, New York, Tokyo) with full menus. */
import { CHELSEA_SPANISH, inLanguage, TOKYO_JAPANESE, withTranslation } from "./demo-translations";
import type { SeedLocation, SeedModifierGroup, SeedOption } from "./types";

type Allergen = NonNullable<SeedOption["allergens"]>[number];

/** [id suffix, name, price delta in the location's minor units, allergens]. */
type OptionSpec = [key: string, name: string, priceDeltaMinor: number, allergens?: Allergen[]];

/**
 * A modifier group of an item. Ids follow the item's: `itm-ldn-latte` gets group
 * `grp-ldn-latte-<key>`, whose options are `opt-ldn-latte-<key>-<option key>`.
 */
function group(
	itemId: string,
	key: string,
	name: string,
	minSelections: number,
	maxSelections: number,
	options: OptionSpec[],
): SeedModifierGroup {
	const id = `${itemId.replace(/^itm-/, "grp-")}-${key}`;
	const optionPrefix = id.replace(/^grp-/, "opt-");
	return {
		id,
		name,
		minSelections,
		maxSelections,
		options: options.map(([optionKey, optionName, priceDeltaMinor, allergens]) => ({
			id: `${optionPrefix}-${optionKey}`,
			name: optionName,
			priceDeltaMinor,
			allergens: allergens ?? [],
		})),
	};
}

/** Required size choice: the first size is included in the price. */
function sizes(itemId: string, largeDelta: number, regular = "Regular", large = "Large"): SeedModifierGroup {
	return group(itemId, "size", "Size", 1, 1, [
		["regular", regular, 0],
		["large", large, largeDelta],
	]);
}

const PLANT_MILKS: Record<string, [name: string, allergens: Allergen[]]> = {
	oat: ["Oat milk", ["cereals_containing_gluten"]],
	soy: ["Soy milk", ["soybeans"]],
	almond: ["Almond milk", ["tree_nuts"]],
};

/** Milk choice: whole milk is included, plant milks cost `plantDelta`. Optional for drinks served black. */
function milk(
	itemId: string,
	plantDelta: number,
	{ plants = ["oat", "soy"], required = true }: { plants?: string[]; required?: boolean } = {},
): SeedModifierGroup {
	return group(itemId, "milk", "Milk", required ? 1 : 0, 1, [
		["whole", "Whole milk", 0, ["milk"]],
		...plants.map((plant): OptionSpec => [plant, PLANT_MILKS[plant][0], plantDelta, PLANT_MILKS[plant][1]]),
	]);
}

/** Free dips and sauces, up to two. */
function sauces(itemId: string, options: [key: string, name: string, allergens?: Allergen[]][]): SeedModifierGroup {
	return group(
		itemId,
		"sauces",
		"Sauces",
		0,
		2,
		options.map(([key, name, allergens]) => [key, name, 0, allergens]),
	);
}

// ---------------------------------------------------------------------------
// London, Soho (GBP, prices in pence)
// ---------------------------------------------------------------------------

function ldnEggs(itemId: string): SeedModifierGroup {
	return group(itemId, "eggs", "Eggs", 1, 1, [
		["fried", "Fried", 0],
		["poached", "Poached", 0],
		["scrambled", "Scrambled", 0, ["milk"]],
	]);
}

function ldnSide(itemId: string): SeedModifierGroup {
	return group(itemId, "side", "Side", 1, 1, [
		["fries", "Skin-on fries", 0],
		["sweet-potato-fries", "Sweet potato fries", 100],
		["salad", "Side salad", 0, ["mustard"]],
	]);
}

function ldnDips(itemId: string): SeedModifierGroup {
	return sauces(itemId, [
		["ketchup", "Tomato ketchup", ["celery"]],
		["garlic-mayo", "Garlic mayo", ["eggs", "mustard"]],
		["chipotle-mayo", "Chipotle mayo", ["eggs", "mustard"]],
		["curry-sauce", "Chip-shop curry sauce", ["cereals_containing_gluten", "celery"]],
	]);
}

function ldnCoffeeExtras(itemId: string): SeedModifierGroup {
	return group(itemId, "extras", "Extras", 0, 2, [
		["extra-shot", "Extra shot", 60],
		["vanilla-syrup", "Vanilla syrup", 50],
		["caramel-syrup", "Caramel syrup", 50],
	]);
}

const LONDON_SOHO: SeedLocation = {
	slug: "london-soho",
	name: "GoodFood Soho",
	addressLine: "36 Broadwick Street",
	city: "London",
	postcode: "W1F 8JB",
	country: "GB",
	latitude: 51.5136,
	longitude: -0.1365,
	timeZone: "Europe/London",
	region: "eu",
	currency: "GBP",
	taxRateBps: 2000,
	pricesIncludeTax: true,
	openingHours: {
		mon: [{ opens: "07:00", closes: "22:00" }],
		tue: [{ opens: "07:00", closes: "22:00" }],
		wed: [{ opens: "07:00", closes: "22:00" }],
		thu: [{ opens: "07:00", closes: "22:00" }],
		fri: [{ opens: "07:00", closes: "23:30" }],
		sat: [{ opens: "07:00", closes: "23:30" }],
		sun: [{ opens: "08:00", closes: "21:00" }],
	},
	pickupEnabled: true,
	// The demo of paying at the counter: the other locations take cards only.
	payAtPickup: true,
	deliveryEnabled: true,
	deliveryRadiusMeters: 3000,
	deliveryFeeMinor: 299,
	defaultLanguage: "en",
	languages: ["en"],
	categories: [
		{
			id: "cat-ldn-breakfast",
			name: "Breakfast",
			description: "Served until 11am, every day.",
			availability: [{ from: "07:00", until: "11:00" }],
			items: [
				{
					id: "itm-ldn-full-english",
					name: "Full English",
					description:
						"Two free-range eggs, dry-cured back bacon, Cumberland sausage, black pudding, beans, roast tomato, mushrooms and sourdough toast.",
					priceMinor: 1150,
					imageKey: null,
					allergens: ["eggs", "cereals_containing_gluten", "milk", "sulphur_dioxide"],
					dietaryTags: ["nut_free"],
					calories: 1080,
					modifierGroups: [
						ldnEggs("itm-ldn-full-english"),
						group("itm-ldn-full-english", "extras", "Extras", 0, 3, [
							["hash-brown", "Hash brown", 150],
							["extra-bacon", "Extra bacon", 200],
							["halloumi", "Grilled halloumi", 220, ["milk"]],
							["avocado", "Smashed avocado", 180],
						]),
					],
				},
				{
					id: "itm-ldn-veggie-breakfast",
					name: "Veggie Full English",
					description:
						"Two free-range eggs, grilled halloumi, veggie sausage, avocado, beans, roast tomato, mushrooms and sourdough toast.",
					priceMinor: 1050,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten", "soybeans"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 890,
					modifierGroups: [ldnEggs("itm-ldn-veggie-breakfast")],
				},
				{
					id: "itm-ldn-bacon-roll",
					name: "Bacon Roll",
					description: "Dry-cured back bacon and salted butter in a soft floured bap. Red or brown sauce?",
					priceMinor: 650,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk"],
					dietaryTags: ["nut_free"],
					calories: 480,
					modifierGroups: [
						sauces("itm-ldn-bacon-roll", [
							["ketchup", "Tomato ketchup", ["celery"]],
							["brown-sauce", "Brown sauce", ["cereals_containing_gluten"]],
							["english-mustard", "English mustard", ["mustard"]],
						]),
						group("itm-ldn-bacon-roll", "extras", "Extras", 0, 2, [
							["fried-egg", "Fried egg", 120, ["eggs"]],
							["hash-brown", "Hash brown", 150],
						]),
					],
				},
				{
					id: "itm-ldn-avocado-toast",
					name: "Smashed Avocado on Sourdough",
					description: "Lime and chilli smashed avocado with toasted seeds and coriander on toasted sourdough.",
					priceMinor: 890,
					imageKey: null,
					allergens: ["cereals_containing_gluten"],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 520,
					modifierGroups: [
						group("itm-ldn-avocado-toast", "extras", "Extras", 0, 3, [
							["cherry-tomatoes", "Roast cherry tomatoes", 120],
							["smoked-tofu", "Smoked tofu", 200, ["soybeans"]],
							["crispy-chickpeas", "Crispy chickpeas", 120],
							["chilli-oil", "Chilli oil", 50],
						]),
					],
				},
				{
					id: "itm-ldn-porridge",
					name: "Porridge",
					description: "Scottish rolled oats cooked slow and creamy, with your choice of milk and toppings.",
					priceMinor: 450,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 350,
					modifierGroups: [
						milk("itm-ldn-porridge", 0),
						group("itm-ldn-porridge", "toppings", "Toppings", 0, 3, [
							["banana", "Sliced banana", 50],
							["berries", "Mixed berries", 90],
							["honey", "Runny honey", 30],
							["golden-syrup", "Golden syrup", 30],
						]),
					],
				},
				{
					id: "itm-ldn-bircher",
					name: "Apple & Hazelnut Bircher",
					description:
						"Oats soaked overnight in apple juice and Greek yoghurt, with grated apple, toasted hazelnuts and dried apricots.",
					priceMinor: 550,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "tree_nuts", "sulphur_dioxide"],
					dietaryTags: ["vegetarian"],
					calories: 410,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-ldn-all-day",
			name: "All Day",
			description: "Sandwiches, bowls and plates, served from open to close.",
			availability: [],
			items: [
				{
					id: "itm-ldn-fish-finger-sandwich",
					name: "Fish Finger Sandwich",
					description:
						"Crispy panko cod fingers, tartare sauce, baby gem and a squeeze of lemon on thick-cut white bloomer.",
					priceMinor: 990,
					imageKey: null,
					allergens: ["fish", "cereals_containing_gluten", "eggs", "milk", "mustard"],
					dietaryTags: ["nut_free"],
					calories: 720,
					modifierGroups: [ldnSide("itm-ldn-fish-finger-sandwich")],
				},
				{
					id: "itm-ldn-pad-thai",
					name: "Pad Thai Bowl",
					description:
						"Rice noodles wok-fried with tamarind, egg, beansprouts and spring onion, topped with crushed peanuts and lime.",
					priceMinor: 1150,
					imageKey: null,
					allergens: ["eggs", "fish", "peanuts", "soybeans"],
					dietaryTags: ["dairy_free"],
					calories: 760,
					modifierGroups: [
						group("itm-ldn-pad-thai", "protein", "Protein", 1, 1, [
							["chicken", "Chicken", 0],
							["king-prawns", "King prawns", 200, ["crustaceans"]],
							["tofu", "Crispy tofu", 0, ["soybeans"]],
						]),
						group("itm-ldn-pad-thai", "extras", "Extras", 0, 3, [
							["extra-peanuts", "Extra peanuts", 50, ["peanuts"]],
							["fried-egg", "Fried egg", 120, ["eggs"]],
							["fresh-chilli", "Fresh chilli", 30],
						]),
					],
				},
				{
					id: "itm-ldn-halloumi-wrap",
					name: "Halloumi & Harissa Wrap",
					description:
						"Grilled halloumi, harissa, roasted red peppers, houmous and rocket in a toasted flour tortilla.",
					priceMinor: 850,
					imageKey: null,
					allergens: ["milk", "cereals_containing_gluten", "sesame"],
					dietaryTags: ["vegetarian", "spicy", "nut_free"],
					calories: 640,
					modifierGroups: [
						sauces("itm-ldn-halloumi-wrap", [
							["garlic-mayo", "Garlic mayo", ["eggs", "mustard"]],
							["chilli-sauce", "Chilli sauce"],
							["tahini", "Tahini", ["sesame"]],
						]),
					],
				},
				{
					id: "itm-ldn-chicken-caesar",
					name: "Chicken Caesar Salad",
					description: "Chargrilled chicken, baby gem, Parmesan, garlic croutons and anchovy Caesar dressing.",
					priceMinor: 1050,
					imageKey: null,
					allergens: ["eggs", "fish", "milk", "cereals_containing_gluten", "mustard"],
					dietaryTags: ["nut_free"],
					calories: 580,
					modifierGroups: [
						group("itm-ldn-chicken-caesar", "extras", "Extras", 0, 3, [
							["bacon", "Smoked bacon", 150],
							["extra-chicken", "Extra chicken", 250],
							["soft-boiled-egg", "Soft-boiled egg", 120, ["eggs"]],
							["avocado", "Avocado", 180],
						]),
					],
				},
				{
					id: "itm-ldn-cheeseburger",
					name: "Soho Cheeseburger",
					description:
						"Aged beef patty, mature Cheddar, pickles, red onion and burger sauce in a toasted seeded brioche bun.",
					priceMinor: 1250,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "eggs", "mustard", "sesame"],
					dietaryTags: [],
					calories: 980,
					modifierGroups: [
						ldnSide("itm-ldn-cheeseburger"),
						group("itm-ldn-cheeseburger", "extras", "Extras", 0, 4, [
							["bacon", "Smoked bacon", 150],
							["extra-patty", "Extra patty", 350],
							["jalapenos", "Jalapeños", 50],
							["fried-egg", "Fried egg", 120, ["eggs"]],
							["stilton", "Stilton", 120, ["milk"]],
						]),
					],
				},
				{
					id: "itm-ldn-tofu-katsu",
					name: "Crispy Tofu Katsu Curry",
					description:
						"Panko-crumbed tofu, mild katsu curry sauce, sticky rice and pickled slaw, finished with toasted sesame.",
					priceMinor: 1090,
					imageKey: null,
					allergens: ["soybeans", "cereals_containing_gluten", "sesame", "celery"],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 850,
					modifierGroups: [sizes("itm-ldn-tofu-katsu", 250)],
				},
				{
					id: "itm-ldn-eggs-royale",
					name: "Weekend Eggs Royale",
					description:
						"Weekend brunch only: poached eggs and Scottish smoked salmon on a toasted English muffin with hollandaise.",
					priceMinor: 1250,
					imageKey: null,
					allergens: ["eggs", "fish", "milk", "cereals_containing_gluten"],
					dietaryTags: ["nut_free"],
					calories: 690,
					availability: [{ from: "09:00", until: "15:00", days: ["sat", "sun"] }],
					modifierGroups: [
						group("itm-ldn-eggs-royale", "extras", "Extras", 0, 2, [
							["extra-egg", "Extra poached egg", 150, ["eggs"]],
							["avocado", "Avocado", 180],
							["spinach", "Wilted spinach", 120],
						]),
					],
				},
			],
		},
		{
			id: "cat-ldn-sides",
			name: "Sides & Snacks",
			description: "Fries, small plates and bakery bites.",
			availability: [],
			items: [
				{
					id: "itm-ldn-fries",
					name: "Skin-On Fries",
					description: "Double-cooked skin-on fries with sea salt.",
					priceMinor: 390,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 380,
					modifierGroups: [sizes("itm-ldn-fries", 150), ldnDips("itm-ldn-fries")],
				},
				{
					id: "itm-ldn-sweet-potato-fries",
					name: "Sweet Potato Fries",
					description: "Crispy sweet potato fries with smoked paprika salt.",
					priceMinor: 450,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 410,
					modifierGroups: [ldnDips("itm-ldn-sweet-potato-fries")],
				},
				{
					id: "itm-ldn-halloumi-fries",
					name: "Halloumi Fries",
					description: "Golden halloumi sticks with za'atar yoghurt, pomegranate seeds and mint.",
					priceMinor: 650,
					imageKey: null,
					allergens: ["milk", "cereals_containing_gluten", "sesame"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 480,
					modifierGroups: [],
				},
				{
					id: "itm-ldn-sausage-roll",
					name: "Pork & Sage Sausage Roll",
					description: "Outdoor-bred pork and sage wrapped in flaky all-butter puff pastry, baked fresh every morning.",
					priceMinor: 380,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "sulphur_dioxide"],
					dietaryTags: ["nut_free"],
					calories: 420,
					modifierGroups: [],
				},
				{
					id: "itm-ldn-tomato-soup",
					name: "Roast Tomato & Red Pepper Soup",
					description: "Roast tomato and red pepper soup with basil, served with a slice of toasted sourdough.",
					priceMinor: 590,
					imageKey: null,
					allergens: ["celery", "cereals_containing_gluten"],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 260,
					modifierGroups: [sizes("itm-ldn-tomato-soup", 200, "Cup", "Bowl")],
				},
			],
		},
		{
			id: "cat-ldn-desserts",
			name: "Cakes & Desserts",
			description: "Baked in-house every morning.",
			availability: [],
			items: [
				{
					id: "itm-ldn-salted-caramel-brownie",
					name: "Salted Caramel Brownie",
					description: "Fudgy dark chocolate brownie swirled with salted caramel.",
					priceMinor: 395,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten", "soybeans"],
					dietaryTags: ["vegetarian"],
					calories: 420,
					soldOut: true,
					modifierGroups: [],
				},
				{
					id: "itm-ldn-sticky-toffee-pudding",
					name: "Sticky Toffee Pudding",
					description: "Warm date sponge drenched in toffee sauce.",
					priceMinor: 650,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 620,
					modifierGroups: [
						group("itm-ldn-sticky-toffee-pudding", "served-with", "Served with", 1, 1, [
							["clotted-cream", "Cornish clotted cream", 0, ["milk"]],
							["custard", "Vanilla custard", 0, ["milk", "eggs"]],
							["ice-cream", "Vanilla ice cream", 0, ["milk", "eggs"]],
						]),
					],
				},
				{
					id: "itm-ldn-carrot-cake",
					name: "Carrot Cake",
					description: "Spiced carrot and walnut sponge with cream cheese frosting.",
					priceMinor: 450,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten", "tree_nuts"],
					dietaryTags: ["vegetarian"],
					calories: 480,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-ldn-drinks",
			name: "Drinks",
			description: "Coffee from our Hackney roastery, tea and fresh juice.",
			availability: [],
			items: [
				{
					id: "itm-ldn-flat-white",
					name: "Flat White",
					description: "A double ristretto with silky steamed milk.",
					priceMinor: 340,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 120,
					modifierGroups: [milk("itm-ldn-flat-white", 40), ldnCoffeeExtras("itm-ldn-flat-white")],
				},
				{
					id: "itm-ldn-latte",
					name: "Latte",
					description: "A double shot of espresso with steamed milk and a thin layer of foam.",
					priceMinor: 360,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 190,
					modifierGroups: [sizes("itm-ldn-latte", 50), milk("itm-ldn-latte", 40), ldnCoffeeExtras("itm-ldn-latte")],
				},
				{
					id: "itm-ldn-cappuccino",
					name: "Cappuccino",
					description: "A double shot of espresso with deep milk foam and a dusting of cocoa.",
					priceMinor: 350,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 130,
					modifierGroups: [sizes("itm-ldn-cappuccino", 50), milk("itm-ldn-cappuccino", 40)],
				},
				{
					id: "itm-ldn-hot-chocolate",
					name: "Hot Chocolate",
					description: "Rich 54% dark chocolate melted into steamed milk.",
					priceMinor: 380,
					imageKey: null,
					allergens: ["milk", "soybeans"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 280,
					modifierGroups: [
						milk("itm-ldn-hot-chocolate", 40),
						group("itm-ldn-hot-chocolate", "toppings", "Toppings", 0, 2, [
							["whipped-cream", "Whipped cream", 50, ["milk"]],
							["cinnamon", "Cinnamon dusting", 0],
						]),
					],
				},
				{
					id: "itm-ldn-breakfast-tea",
					name: "English Breakfast Tea",
					description: "A strong Assam and Kenyan blend, brewed in the pot. Milk on request.",
					priceMinor: 260,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 5,
					modifierGroups: [milk("itm-ldn-breakfast-tea", 0, { required: false })],
				},
				{
					id: "itm-ldn-orange-juice",
					name: "Freshly Squeezed Orange Juice",
					description: "Squeezed to order from Valencia oranges.",
					priceMinor: 390,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 110,
					modifierGroups: [sizes("itm-ldn-orange-juice", 100)],
				},
				{
					id: "itm-ldn-sparkling-water",
					name: "Sparkling Mineral Water",
					description: "Naturally carbonated Welsh mineral water in a 500 ml glass bottle.",
					priceMinor: 220,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 0,
					modifierGroups: [],
				},
			],
		},
	],
};

// ---------------------------------------------------------------------------
// New York, Chelsea (USD, prices in cents)
// ---------------------------------------------------------------------------

function nycDeliSide(itemId: string): SeedModifierGroup {
	return group(itemId, "side", "Side", 1, 1, [
		["pickle", "Half-sour pickle", 0, ["mustard"]],
		["coleslaw", "Coleslaw", 0, ["eggs", "mustard"]],
		["potato-salad", "Potato salad", 0, ["eggs", "celery", "mustard"]],
		["fries", "Fries", 200],
	]);
}

function nycBurgerSide(itemId: string): SeedModifierGroup {
	return group(itemId, "side", "Side", 1, 1, [
		["fries", "Shoestring fries", 0],
		["sweet-potato-fries", "Sweet potato fries", 150],
		["salad", "Side salad", 0, ["mustard", "sulphur_dioxide"]],
	]);
}

function nycCoffeeExtras(itemId: string): SeedModifierGroup {
	return group(itemId, "extras", "Extras", 0, 3, [
		["extra-shot", "Extra shot", 150],
		["vanilla-syrup", "Vanilla syrup", 75],
		["caramel-syrup", "Caramel syrup", 75],
		["hazelnut-syrup", "Hazelnut syrup", 75],
	]);
}

const NEW_YORK_CHELSEA: SeedLocation = {
	slug: "new-york-chelsea",
	name: "GoodFood Chelsea",
	addressLine: "200 Ninth Avenue",
	city: "New York",
	postcode: "10011",
	country: "US",
	latitude: 40.7465,
	longitude: -74.0014,
	timeZone: "America/New_York",
	region: "us",
	currency: "USD",
	taxRateBps: 888,
	pricesIncludeTax: false,
	openingHours: {
		mon: [{ opens: "07:00", closes: "22:00" }],
		tue: [{ opens: "07:00", closes: "22:00" }],
		wed: [{ opens: "07:00", closes: "22:00" }],
		thu: [{ opens: "07:00", closes: "22:00" }],
		fri: [{ opens: "07:00", closes: "01:00" }],
		sat: [{ opens: "07:00", closes: "01:00" }],
		sun: [{ opens: "08:00", closes: "21:00" }],
	},
	pickupEnabled: true,
	payAtPickup: false,
	deliveryEnabled: true,
	deliveryRadiusMeters: 2500,
	deliveryFeeMinor: 399,
	defaultLanguage: "en",
	languages: ["en"],
	categories: [
		{
			id: "cat-nyc-breakfast",
			name: "Breakfast",
			description: "Bagels, eggs and griddle classics until 11am.",
			availability: [{ from: "07:00", until: "11:00" }],
			items: [
				{
					id: "itm-nyc-lox-bagel",
					name: "Lox & Schmear Bagel",
					description:
						"Nova lox, scallion cream cheese, capers, red onion and tomato on a hand-rolled, kettle-boiled bagel.",
					priceMinor: 1495,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "fish", "sesame"],
					dietaryTags: ["nut_free"],
					calories: 560,
					modifierGroups: [
						group("itm-nyc-lox-bagel", "bagel", "Bagel", 1, 1, [
							["everything", "Everything", 0, ["sesame"]],
							["plain", "Plain", 0],
							["sesame", "Sesame", 0, ["sesame"]],
							["poppy", "Poppy seed", 0],
							["whole-wheat", "Whole wheat", 0],
						]),
						group("itm-nyc-lox-bagel", "extras", "Extras", 0, 3, [
							["extra-lox", "Extra lox", 500, ["fish"]],
							["avocado", "Avocado", 250],
							["double-schmear", "Double cream cheese", 150, ["milk"]],
						]),
					],
				},
				{
					id: "itm-nyc-bacon-egg-cheese",
					name: "Bacon, Egg & Cheese",
					description:
						"The bodega classic: two fried eggs, crispy bacon and melted American cheese on a buttered kaiser roll.",
					priceMinor: 895,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk"],
					dietaryTags: ["nut_free"],
					calories: 620,
					modifierGroups: [
						group("itm-nyc-bacon-egg-cheese", "bread", "Bread", 1, 1, [
							["kaiser", "Kaiser roll", 0],
							["everything-bagel", "Everything bagel", 100, ["sesame"]],
							["plain-bagel", "Plain bagel", 100],
							["hero", "Toasted hero", 150],
						]),
						sauces("itm-nyc-bacon-egg-cheese", [
							["spk", "Salt, pepper & ketchup"],
							["hot-sauce", "Hot sauce"],
							["sriracha", "Sriracha"],
						]),
					],
				},
				{
					id: "itm-nyc-pancakes",
					name: "Buttermilk Pancakes",
					description: "Fluffy buttermilk pancakes with whipped butter and pure Vermont maple syrup.",
					priceMinor: 1295,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 780,
					modifierGroups: [
						sizes("itm-nyc-pancakes", 400, "Short stack (3)", "Tall stack (5)"),
						group("itm-nyc-pancakes", "extras", "Extras", 0, 3, [
							["blueberries", "Blueberries", 200],
							["chocolate-chips", "Chocolate chips", 150, ["milk", "soybeans"]],
							["bananas", "Sliced bananas", 150],
							["bacon", "Side of bacon", 400],
						]),
					],
				},
				{
					id: "itm-nyc-yogurt-parfait",
					name: "Greek Yogurt Parfait",
					description: "Greek yogurt layered with house almond granola, fresh berries and local wildflower honey.",
					priceMinor: 795,
					imageKey: null,
					allergens: ["milk", "cereals_containing_gluten", "tree_nuts"],
					dietaryTags: ["vegetarian"],
					calories: 420,
					modifierGroups: [],
				},
				{
					id: "itm-nyc-egg-white-wrap",
					name: "Egg White & Spinach Wrap",
					description: "Egg whites, baby spinach, feta and roasted tomatoes in a toasted whole-wheat wrap.",
					priceMinor: 1050,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 430,
					modifierGroups: [
						group("itm-nyc-egg-white-wrap", "extras", "Extras", 0, 3, [
							["avocado", "Avocado", 250],
							["turkey-bacon", "Turkey bacon", 300],
							["pepper-jack", "Pepper jack", 150, ["milk"]],
						]),
					],
				},
			],
		},
		{
			id: "cat-nyc-sandwiches",
			name: "Sandwiches & Salads",
			description: "Deli sandwiches, burgers and big salads, all day.",
			availability: [],
			items: [
				{
					id: "itm-nyc-pastrami-on-rye",
					name: "Pastrami on Rye",
					description: "Hand-sliced peppered pastrami piled high on seeded rye with spicy brown mustard.",
					priceMinor: 1895,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "mustard"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 820,
					modifierGroups: [
						sizes("itm-nyc-pastrami-on-rye", 600, "Regular", "Double-stacked"),
						nycDeliSide("itm-nyc-pastrami-on-rye"),
					],
				},
				{
					id: "itm-nyc-reuben",
					name: "Reuben",
					description: "Corned beef, Swiss cheese, sauerkraut and Russian dressing on griddled rye.",
					priceMinor: 1895,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "eggs", "mustard", "sulphur_dioxide"],
					dietaryTags: ["nut_free"],
					calories: 910,
					modifierGroups: [nycDeliSide("itm-nyc-reuben")],
				},
				{
					id: "itm-nyc-cobb-salad",
					name: "Cobb Salad",
					description: "Grilled chicken, bacon, hard-boiled egg, avocado, blue cheese and tomato over chopped romaine.",
					priceMinor: 1695,
					imageKey: null,
					allergens: ["eggs", "milk", "mustard", "sulphur_dioxide"],
					dietaryTags: ["gluten_free", "nut_free"],
					calories: 690,
					modifierGroups: [
						group("itm-nyc-cobb-salad", "dressing", "Dressing", 1, 1, [
							["red-wine-vinaigrette", "Red wine vinaigrette", 0, ["mustard", "sulphur_dioxide"]],
							["blue-cheese", "Blue cheese", 0, ["milk", "eggs"]],
							["ranch", "Ranch", 0, ["milk", "eggs"]],
						]),
						group("itm-nyc-cobb-salad", "extras", "Extras", 0, 3, [
							["extra-chicken", "Extra chicken", 400],
							["extra-bacon", "Extra bacon", 250],
							["extra-egg", "Extra egg", 150, ["eggs"]],
						]),
					],
				},
				{
					id: "itm-nyc-turkey-club",
					name: "Turkey Club",
					description:
						"Roast turkey breast, applewood bacon, lettuce, tomato and mayo on toasted white, triple-decked.",
					priceMinor: 1595,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "mustard"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 740,
					modifierGroups: [nycDeliSide("itm-nyc-turkey-club")],
				},
				{
					id: "itm-nyc-chicken-parm",
					name: "Chicken Parm Hero",
					description:
						"Breaded chicken cutlet, Sunday-gravy marinara, fresh mozzarella and Parmesan on a toasted sesame hero.",
					priceMinor: 1695,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "sesame"],
					dietaryTags: ["nut_free"],
					calories: 1050,
					modifierGroups: [
						group("itm-nyc-chicken-parm", "extras", "Extras", 0, 3, [
							["extra-mozzarella", "Extra mozzarella", 150, ["milk"]],
							["cherry-peppers", "Hot cherry peppers", 100],
							["onions", "Sautéed onions", 100],
						]),
					],
				},
				{
					id: "itm-nyc-smash-burger",
					name: "Double Smash Burger",
					description:
						"Two smashed beef patties, American cheese, pickles, onions and house sauce on a toasted potato roll.",
					priceMinor: 1795,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "eggs", "mustard", "soybeans"],
					dietaryTags: ["nut_free"],
					calories: 980,
					modifierGroups: [
						nycBurgerSide("itm-nyc-smash-burger"),
						group("itm-nyc-smash-burger", "extras", "Extras", 0, 3, [
							["bacon", "Bacon", 250],
							["extra-patty", "Extra patty", 400],
							["fried-egg", "Fried egg", 200, ["eggs"]],
							["jalapenos", "Pickled jalapeños", 100],
						]),
					],
				},
				{
					id: "itm-nyc-falafel-bowl",
					name: "Falafel Grain Bowl",
					description: "Herbed falafel, quinoa, hummus, cucumber-tomato salad, pickled red onion and tahini.",
					priceMinor: 1495,
					imageKey: null,
					allergens: ["sesame"],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 720,
					modifierGroups: [
						group("itm-nyc-falafel-bowl", "extras", "Extras", 0, 3, [
							["avocado", "Avocado", 250],
							["extra-falafel", "Extra falafel", 300],
							["pita", "Warm pita", 150, ["cereals_containing_gluten"]],
						]),
					],
				},
				{
					id: "itm-nyc-chicken-waffles",
					name: "Weekend Chicken & Waffles",
					description:
						"Weekend brunch only: buttermilk fried chicken on a Belgian waffle with hot honey and maple butter.",
					priceMinor: 1895,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk"],
					dietaryTags: ["spicy", "nut_free"],
					calories: 1150,
					availability: [{ from: "10:00", until: "15:00", days: ["sat", "sun"] }],
					modifierGroups: [
						sauces("itm-nyc-chicken-waffles", [
							["hot-honey", "Extra hot honey"],
							["maple-syrup", "Maple syrup"],
							["sausage-gravy", "Sausage gravy", ["milk", "cereals_containing_gluten"]],
						]),
					],
				},
			],
		},
		{
			id: "cat-nyc-sides",
			name: "Sides & Soup",
			description: "Fries, deli sides and a proper bowl of soup.",
			availability: [],
			items: [
				{
					id: "itm-nyc-fries",
					name: "Shoestring Fries",
					description: "Thin, crispy fries with sea salt.",
					priceMinor: 595,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 420,
					modifierGroups: [
						sizes("itm-nyc-fries", 200),
						sauces("itm-nyc-fries", [
							["ketchup", "Ketchup"],
							["chipotle-mayo", "Chipotle mayo", ["eggs"]],
							["ranch", "Ranch", ["milk", "eggs"]],
							["honey-mustard", "Honey mustard", ["mustard", "eggs"]],
						]),
					],
				},
				{
					id: "itm-nyc-mac-cheese",
					name: "Mac & Cheese",
					description: "Cavatappi baked in a sharp Cheddar and Gruyère sauce under toasted breadcrumbs.",
					priceMinor: 795,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk", "mustard"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 610,
					modifierGroups: [
						group("itm-nyc-mac-cheese", "extras", "Extras", 0, 2, [
							["bacon", "Bacon bits", 250],
							["jalapenos", "Pickled jalapeños", 100],
						]),
					],
				},
				{
					id: "itm-nyc-pickles",
					name: "Half-Sour Pickles",
					description: "Crunchy garlic-and-dill half-sours, brined in-house.",
					priceMinor: 395,
					imageKey: null,
					allergens: ["mustard"],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 15,
					modifierGroups: [],
				},
				{
					id: "itm-nyc-matzo-ball-soup",
					name: "Matzo Ball Soup",
					description: "Golden chicken broth with a fluffy matzo ball, carrots, celery and fresh dill.",
					priceMinor: 895,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "celery"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 320,
					modifierGroups: [sizes("itm-nyc-matzo-ball-soup", 300, "Cup", "Bowl")],
				},
			],
		},
		{
			id: "cat-nyc-desserts",
			name: "Desserts",
			description: "New York sweets from our bakery.",
			availability: [],
			items: [
				{
					id: "itm-nyc-cheesecake",
					name: "New York Cheesecake",
					description: "Dense, creamy baked cheesecake on a graham cracker crust.",
					priceMinor: 895,
					imageKey: null,
					allergens: ["milk", "eggs", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 640,
					modifierGroups: [
						group("itm-nyc-cheesecake", "topping", "Topping", 0, 1, [
							["strawberry", "Strawberry compote", 150],
							["sour-cherry", "Sour cherry", 150],
							["salted-caramel", "Salted caramel", 150, ["milk"]],
						]),
					],
				},
				{
					id: "itm-nyc-black-white-cookie",
					name: "Black & White Cookie",
					description: "A soft, cakey cookie iced half in vanilla fondant, half in chocolate.",
					priceMinor: 450,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "soybeans"],
					dietaryTags: ["vegetarian"],
					calories: 420,
					modifierGroups: [],
				},
				{
					id: "itm-nyc-babka",
					name: "Chocolate Babka",
					description: "A thick slice of buttery braided babka, swirled with dark chocolate.",
					priceMinor: 595,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "soybeans"],
					dietaryTags: ["vegetarian"],
					calories: 460,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-nyc-drinks",
			name: "Drinks",
			description: "Espresso, cold brew and soda-fountain classics.",
			availability: [],
			items: [
				{
					id: "itm-nyc-cold-brew",
					name: "Cold Brew",
					description: "Steeped for 18 hours for a smooth, chocolatey cup. Served over ice.",
					priceMinor: 550,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 5,
					modifierGroups: [
						sizes("itm-nyc-cold-brew", 150, "16 oz", "24 oz"),
						milk("itm-nyc-cold-brew", 75, { plants: ["oat", "almond"], required: false }),
						group("itm-nyc-cold-brew", "extras", "Extras", 0, 3, [
							["vanilla-syrup", "Vanilla syrup", 75],
							["cold-foam", "Sweet cream cold foam", 125, ["milk"]],
							["extra-shot", "Espresso shot", 150],
						]),
					],
				},
				{
					id: "itm-nyc-latte",
					name: "Latte",
					description: "A double shot of espresso with steamed milk.",
					priceMinor: 575,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 190,
					modifierGroups: [
						sizes("itm-nyc-latte", 100, "12 oz", "16 oz"),
						milk("itm-nyc-latte", 75, { plants: ["oat", "almond"] }),
						nycCoffeeExtras("itm-nyc-latte"),
					],
				},
				{
					id: "itm-nyc-drip-coffee",
					name: "Drip Coffee",
					description: "Our house medium roast, brewed fresh every 30 minutes.",
					priceMinor: 350,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 5,
					modifierGroups: [
						sizes("itm-nyc-drip-coffee", 100, "Small", "Large"),
						milk("itm-nyc-drip-coffee", 75, { plants: ["oat", "almond"], required: false }),
					],
				},
				{
					id: "itm-nyc-egg-cream",
					name: "Chocolate Egg Cream",
					description: "The soda-fountain classic: chocolate syrup, cold milk and seltzer. No egg, no cream.",
					priceMinor: 495,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 220,
					modifierGroups: [],
				},
				{
					id: "itm-nyc-lemonade",
					name: "Fresh-Squeezed Lemonade",
					description: "Lemons squeezed in-house, lightly sweetened with cane sugar.",
					priceMinor: 495,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 160,
					modifierGroups: [],
				},
			],
		},
	],
};

// ---------------------------------------------------------------------------
// Tokyo, Shibuya (JPY, a zero-decimal currency: prices in whole yen)
// ---------------------------------------------------------------------------

function tyoRice(itemId: string): SeedModifierGroup {
	return group(itemId, "rice", "Rice", 1, 1, [
		["regular", "Regular", 0],
		["large", "Large (ōmori)", 150],
	]);
}

function tyoSpice(itemId: string): SeedModifierGroup {
	return group(itemId, "spice", "Spice level", 1, 1, [
		["mild", "Mild", 0],
		["medium", "Medium", 0],
		["hot", "Hot", 0],
	]);
}

function tyoTemperature(itemId: string): SeedModifierGroup {
	return group(itemId, "temperature", "Hot or iced", 1, 1, [
		["hot", "Hot", 0],
		["iced", "Iced", 0],
	]);
}

const TOKYO_SHIBUYA: SeedLocation = {
	slug: "tokyo-shibuya",
	name: "GoodFood Shibuya",
	addressLine: "1-22-8 Jinnan, Shibuya-ku",
	city: "Tokyo",
	postcode: "150-0041",
	country: "JP",
	latitude: 35.6595,
	longitude: 139.7005,
	timeZone: "Asia/Tokyo",
	region: "apac",
	currency: "JPY",
	taxRateBps: 1000,
	pricesIncludeTax: true,
	openingHours: {
		mon: [{ opens: "07:00", closes: "21:00" }],
		tue: [{ opens: "07:00", closes: "21:00" }],
		wed: [{ opens: "07:00", closes: "21:00" }],
		thu: [{ opens: "07:00", closes: "21:00" }],
		fri: [{ opens: "07:00", closes: "21:00" }],
		sat: [{ opens: "08:00", closes: "20:00" }],
		sun: [{ opens: "08:00", closes: "20:00" }],
	},
	pickupEnabled: true,
	payAtPickup: false,
	deliveryEnabled: false,
	deliveryRadiusMeters: 0,
	deliveryFeeMinor: 0,
	defaultLanguage: "en",
	languages: ["en"],
	categories: [
		{
			id: "cat-tyo-breakfast",
			name: "Breakfast",
			description: "Kissaten-style morning sets, served until 10:30.",
			availability: [{ from: "07:00", until: "10:30" }],
			items: [
				{
					id: "itm-tyo-tamago-sando",
					name: "Tamago Sando",
					description: "Creamy egg salad made with Japanese mayonnaise between soft, crustless shokupan.",
					priceMinor: 580,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten", "mustard"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 430,
					modifierGroups: [
						group("itm-tyo-tamago-sando", "drink", "Make it a set", 0, 1, [
							["hot-coffee", "Hot coffee", 250],
							["iced-coffee", "Iced coffee", 250],
							["green-tea", "Hot green tea", 200],
						]),
					],
				},
				{
					id: "itm-tyo-salmon-breakfast",
					name: "Grilled Salmon Breakfast Set",
					description: "Salt-grilled salmon, steamed rice, miso soup, tamagoyaki and Japanese pickles.",
					priceMinor: 1280,
					imageKey: null,
					allergens: ["fish", "eggs", "soybeans", "cereals_containing_gluten"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 620,
					modifierGroups: [
						group("itm-tyo-salmon-breakfast", "rice", "Rice", 1, 1, [
							["white", "White rice", 0],
							["large-white", "Large white rice", 100],
							["multigrain", "Multigrain rice", 50],
						]),
					],
				},
				{
					id: "itm-tyo-ogura-toast",
					name: "Ogura Toast",
					description: "Nagoya-style thick-cut toast with salted butter and sweet red bean paste.",
					priceMinor: 480,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 460,
					modifierGroups: [
						group("itm-tyo-ogura-toast", "extras", "Extras", 0, 2, [
							["whipped-cream", "Whipped cream", 100, ["milk"]],
							["boiled-egg", "Boiled egg", 80, ["eggs"]],
						]),
					],
				},
				{
					id: "itm-tyo-pizza-toast",
					name: "Pizza Toast",
					description: "A kissaten classic: thick toast with tomato sauce, ham, green pepper and melted mozzarella.",
					priceMinor: 680,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "milk"],
					dietaryTags: ["nut_free"],
					calories: 520,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-matcha-granola",
					name: "Matcha Granola Yogurt",
					description: "Thick yogurt with matcha and almond granola, seasonal fruit and a drizzle of kuromitsu.",
					priceMinor: 650,
					imageKey: null,
					allergens: ["milk", "cereals_containing_gluten", "tree_nuts"],
					dietaryTags: ["vegetarian"],
					calories: 380,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-tyo-onigiri",
			name: "Onigiri & Sando",
			description: "Rice balls and sandwiches made fresh through the day.",
			availability: [],
			items: [
				{
					id: "itm-tyo-salmon-onigiri",
					name: "Salmon Onigiri",
					description: "Flaked grilled salmon in lightly salted rice, wrapped in crisp nori.",
					priceMinor: 220,
					imageKey: null,
					allergens: ["fish"],
					dietaryTags: ["gluten_free", "dairy_free", "nut_free"],
					calories: 190,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-tuna-mayo-onigiri",
					name: "Tuna Mayo Onigiri",
					description: "Japan's favourite onigiri: tuna mixed with Japanese mayonnaise, wrapped in nori.",
					priceMinor: 200,
					imageKey: null,
					allergens: ["fish", "eggs", "mustard"],
					dietaryTags: ["gluten_free", "dairy_free", "nut_free"],
					calories: 230,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-umeboshi-onigiri",
					name: "Umeboshi Onigiri",
					description: "Tart pickled plum and red shiso in salted rice, wrapped in nori.",
					priceMinor: 180,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 170,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-katsu-sando",
					name: "Pork Katsu Sando",
					description: "Panko-crumbed pork loin, tonkatsu sauce and shredded cabbage in toasted shokupan.",
					priceMinor: 980,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "soybeans"],
					dietaryTags: ["nut_free"],
					calories: 720,
					modifierGroups: [
						sauces("itm-tyo-katsu-sando", [
							["tonkatsu-sauce", "Extra tonkatsu sauce", ["soybeans"]],
							["karashi", "Karashi mustard", ["mustard"]],
							["mayo", "Japanese mayonnaise", ["eggs", "mustard"]],
						]),
					],
				},
				{
					id: "itm-tyo-fruit-sando",
					name: "Fruit Sando",
					description: "Strawberries, kiwi and mandarin set in lightly sweetened whipped cream on milk bread.",
					priceMinor: 680,
					imageKey: null,
					allergens: ["milk", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 410,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-tyo-mains",
			name: "Rice Bowls & Curry",
			description: "Donburi and Japanese curry, served over steamed rice.",
			availability: [],
			items: [
				{
					id: "itm-tyo-katsu-curry",
					name: "Chicken Katsu Curry",
					description: "Panko-crumbed chicken thigh with rich Japanese curry, steamed rice and fukujinzuke pickles.",
					priceMinor: 1180,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "eggs", "milk", "soybeans"],
					dietaryTags: ["nut_free"],
					calories: 980,
					modifierGroups: [
						tyoRice("itm-tyo-katsu-curry"),
						tyoSpice("itm-tyo-katsu-curry"),
						group("itm-tyo-katsu-curry", "toppings", "Toppings", 0, 3, [
							["soft-boiled-egg", "Soft-boiled egg", 100, ["eggs"]],
							["cheese", "Melted cheese", 150, ["milk"]],
							["aubergine", "Fried aubergine", 120],
							["extra-katsu", "Extra katsu", 350, ["cereals_containing_gluten", "eggs"]],
						]),
					],
				},
				{
					id: "itm-tyo-vegetable-curry",
					name: "Vegan Vegetable Curry",
					description: "Japanese curry slow-cooked with seasonal vegetables, made without meat, dairy or dashi.",
					priceMinor: 1080,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "soybeans", "celery"],
					dietaryTags: ["vegan", "vegetarian", "dairy_free", "nut_free"],
					calories: 720,
					modifierGroups: [tyoRice("itm-tyo-vegetable-curry"), tyoSpice("itm-tyo-vegetable-curry")],
				},
				{
					id: "itm-tyo-oyakodon",
					name: "Oyakodon",
					description: "Chicken and egg simmered in dashi, soy and mirin over rice, topped with mitsuba.",
					priceMinor: 980,
					imageKey: null,
					allergens: ["eggs", "fish", "soybeans", "cereals_containing_gluten"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 780,
					modifierGroups: [
						tyoRice("itm-tyo-oyakodon"),
						group("itm-tyo-oyakodon", "extras", "Extras", 0, 2, [
							["onsen-egg", "Onsen egg", 100, ["eggs"]],
							["shichimi", "Shichimi chilli", 0, ["sesame"]],
						]),
					],
				},
				{
					id: "itm-tyo-gyudon",
					name: "Gyudon",
					description: "Thin-sliced beef and onion simmered in sweet soy and dashi over rice, with pickled ginger.",
					priceMinor: 880,
					imageKey: null,
					allergens: ["cereals_containing_gluten", "soybeans", "fish"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 740,
					modifierGroups: [
						tyoRice("itm-tyo-gyudon"),
						group("itm-tyo-gyudon", "toppings", "Toppings", 0, 3, [
							["onsen-egg", "Onsen egg", 100, ["eggs"]],
							["kimchi", "Kimchi", 150, ["fish", "crustaceans"]],
							["cheese", "Grated cheese", 150, ["milk"]],
							["spring-onion", "Spring onion", 80],
						]),
					],
				},
				{
					id: "itm-tyo-teriyaki-salmon-bowl",
					name: "Teriyaki Salmon Bowl",
					description: "Glazed teriyaki salmon over rice with edamame, pickled radish and toasted sesame.",
					priceMinor: 1280,
					imageKey: null,
					allergens: ["fish", "soybeans", "cereals_containing_gluten", "sesame"],
					dietaryTags: ["dairy_free", "nut_free"],
					calories: 720,
					modifierGroups: [tyoRice("itm-tyo-teriyaki-salmon-bowl")],
				},
			],
		},
		{
			id: "cat-tyo-sweets",
			name: "Sweets",
			description: "Japanese cafe sweets and wagashi.",
			availability: [],
			items: [
				{
					id: "itm-tyo-matcha-roll",
					name: "Matcha Roll Cake",
					description: "Light matcha sponge rolled around fresh cream and sweet azuki beans.",
					priceMinor: 520,
					imageKey: null,
					allergens: ["eggs", "milk", "cereals_containing_gluten"],
					dietaryTags: ["vegetarian", "nut_free"],
					calories: 310,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-dorayaki",
					name: "Dorayaki",
					description: "Two honey pancakes sandwiching smooth red bean paste.",
					priceMinor: 320,
					imageKey: null,
					allergens: ["eggs", "cereals_containing_gluten", "soybeans"],
					dietaryTags: ["vegetarian", "dairy_free", "nut_free"],
					calories: 280,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-purin",
					name: "Custard Pudding (Purin)",
					description: "Firm, old-fashioned custard pudding under bittersweet caramel.",
					priceMinor: 420,
					imageKey: null,
					allergens: ["eggs", "milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 250,
					modifierGroups: [
						group("itm-tyo-purin", "topping", "Topping", 0, 1, [
							["whipped-cream", "Whipped cream", 80, ["milk"]],
							["cherry", "Cherry", 50],
						]),
					],
				},
				{
					id: "itm-tyo-warabi-mochi",
					name: "Warabi Mochi",
					description: "Wobbly bracken-starch mochi dusted with kinako and drizzled with kuromitsu syrup.",
					priceMinor: 450,
					imageKey: null,
					allergens: ["soybeans"],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 210,
					modifierGroups: [],
				},
			],
		},
		{
			id: "cat-tyo-drinks",
			name: "Drinks",
			description: "Uji matcha, hojicha and hand-drip coffee.",
			availability: [],
			items: [
				{
					id: "itm-tyo-matcha-latte",
					name: "Matcha Latte",
					description: "Ceremonial-grade Uji matcha whisked to order and topped with steamed milk.",
					priceMinor: 580,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 180,
					modifierGroups: [
						sizes("itm-tyo-matcha-latte", 100),
						tyoTemperature("itm-tyo-matcha-latte"),
						milk("itm-tyo-matcha-latte", 50),
						group("itm-tyo-matcha-latte", "extras", "Extras", 0, 2, [
							["extra-matcha", "Extra matcha", 100],
							["kuromitsu", "Kuromitsu syrup", 50],
						]),
					],
				},
				{
					id: "itm-tyo-hojicha-latte",
					name: "Hojicha Latte",
					description: "Roasted green tea with steamed milk: toasty, mellow and low in caffeine.",
					priceMinor: 550,
					imageKey: null,
					allergens: ["milk"],
					dietaryTags: ["vegetarian", "gluten_free", "nut_free"],
					calories: 160,
					modifierGroups: [
						sizes("itm-tyo-hojicha-latte", 100),
						tyoTemperature("itm-tyo-hojicha-latte"),
						milk("itm-tyo-hojicha-latte", 50),
					],
				},
				{
					id: "itm-tyo-hand-drip",
					name: "Hand-Drip Coffee",
					description: "Pour-over coffee brewed cup by cup. Ask us about today's single origin.",
					priceMinor: 500,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 5,
					modifierGroups: [
						group("itm-tyo-hand-drip", "beans", "Beans", 1, 1, [
							["house", "House blend", 0],
							["ethiopia", "Ethiopia Yirgacheffe", 100],
							["guatemala", "Guatemala Huehuetenango", 100],
						]),
					],
				},
				{
					id: "itm-tyo-iced-sencha",
					name: "Iced Sencha",
					description: "Cold-brewed Shizuoka sencha, unsweetened.",
					priceMinor: 380,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 0,
					modifierGroups: [],
				},
				{
					id: "itm-tyo-yuzu-soda",
					name: "Yuzu Soda",
					description: "House yuzu syrup topped with sparkling water.",
					priceMinor: 450,
					imageKey: null,
					allergens: [],
					dietaryTags: ["vegan", "vegetarian", "gluten_free", "dairy_free", "nut_free"],
					calories: 90,
					modifierGroups: [],
				},
			],
		},
	],
};

/**
 * London in English only; New York in English with Spanish; Tokyo in Japanese
 * with English (authored in English above, turned into Japanese by demo-translations.ts).
 */
export const DEMO_LOCATIONS: SeedLocation[] = [
	LONDON_SOHO,
	withTranslation(NEW_YORK_CHELSEA, "es", CHELSEA_SPANISH),
	inLanguage(TOKYO_SHIBUYA, "ja", TOKYO_JAPANESE, ["ja", "en"]),
];
