/**
 * Synthetic order history with known structure, for measuring the recommender
 * and the forecaster against baselines: items that go together, customers with
 * tastes, favourites and allergens, and daily demand with weekly seasonality,
 * trend and holidays. Everything follows from the seed, so a run is repeatable.
 */
import { addDays } from "./calendar";

/** A small, fast, seedable PRNG (mulberry32): uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
}

/** The draws the generators need, all from one seeded stream. */
export class Random {
	private readonly uniform: () => number;

	constructor(seed: number) {
		this.uniform = mulberry32(seed);
	}

	next(): number {
		return this.uniform();
	}

	int(below: number): number {
		return Math.floor(this.uniform() * below);
	}

	chance(probability: number): boolean {
		return this.uniform() < probability;
	}

	/** One element, with probability proportional to its weight. */
	weighted<T>(values: readonly T[], weight: (value: T) => number): T | undefined {
		const total = values.reduce((sum, value) => sum + weight(value), 0);
		if (total <= 0) return undefined;
		let remaining = this.uniform() * total;
		for (const value of values) {
			remaining -= weight(value);
			if (remaining < 0) return value;
		}
		return values[values.length - 1];
	}

	normal(): number {
		const u = 1 - this.uniform();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
	}

	/** Knuth's method for small means, a rounded normal approximation for large ones. */
	poisson(mean: number): number {
		if (mean <= 0) return 0;
		if (mean > 60) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
		const limit = Math.exp(-mean);
		let count = 0;
		let product = this.uniform();
		while (product > limit) {
			count += 1;
			product *= this.uniform();
		}
		return count;
	}

	/** Marsaglia and Tsang's method; shape >= 1. */
	gamma(shape: number): number {
		const d = shape - 1 / 3;
		const c = 1 / Math.sqrt(9 * d);
		for (;;) {
			const x = this.normal();
			const v = (1 + c * x) ** 3;
			if (v <= 0) continue;
			if (Math.log(1 - this.uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
		}
	}
}

export const SYNTHETIC_ALLERGENS = ["milk", "eggs", "peanuts", "cereals_containing_gluten", "crustaceans", "sesame"];

const CUISINES = [
	"Thai",
	"Italian",
	"Mexican",
	"Japanese",
	"Indian",
	"Greek",
	"Korean",
	"Lebanese",
	"French",
	"Vietnamese",
];

type Role = "main" | "side" | "drink" | "dessert";
const ROLES_PER_CUISINE: Role[] = ["main", "main", "main", "main", "side", "side", "side", "drink", "drink", "dessert"];

export interface SyntheticItem {
	id: string;
	name: string;
	categoryId: string;
	cuisine: number;
	allergens: string[];
	/** Relative appeal within its cuisine. */
	appeal: number;
	/** For a main: the side and drink it is usually ordered with. */
	companions: string[];
}

export interface SyntheticCustomer {
	id: string;
	/** Weight of each cuisine in this customer's orders. */
	tastes: number[];
	avoidAllergens: string[];
	/** Mains this customer keeps coming back to. */
	favourites: string[];
}

export interface SyntheticOrder {
	id: string;
	customerId: string;
	day: number;
	itemIds: string[];
}

export interface SyntheticOrderHistory {
	items: SyntheticItem[];
	customers: SyntheticCustomer[];
	/** In time order. */
	orders: SyntheticOrder[];
}

export interface OrderHistoryOptions {
	seed: number;
	customers: number;
	cuisines?: number;
	days?: number;
	minOrdersPerCustomer?: number;
	maxOrdersPerCustomer?: number;
}

/**
 * Orders at one location. Each cuisine has four mains, three sides, two drinks
 * and a dessert; every main has a usual side and drink. A customer likes one
 * or two cuisines, has a few favourite mains, and may avoid one allergen,
 * which none of their orders ever contains.
 */
export function generateOrderHistory(options: OrderHistoryOptions): SyntheticOrderHistory {
	const random = new Random(options.seed);
	const cuisineCount = Math.min(options.cuisines ?? 10, CUISINES.length);
	const days = options.days ?? 180;
	const minOrders = options.minOrdersPerCustomer ?? 2;
	const maxOrders = options.maxOrdersPerCustomer ?? 10;

	const items: SyntheticItem[] = [];
	for (let cuisine = 0; cuisine < cuisineCount; cuisine++) {
		const counts: Record<Role, number> = { main: 0, side: 0, drink: 0, dessert: 0 };
		for (const role of ROLES_PER_CUISINE) {
			counts[role] += 1;
			items.push({
				id: `syn-${cuisine}-${role}-${counts[role]}`,
				name: `${CUISINES[cuisine]} ${role} ${counts[role]}`,
				categoryId: `cat-${role}s`,
				cuisine,
				allergens: SYNTHETIC_ALLERGENS.filter(() => random.chance(0.15)),
				appeal: Math.exp(0.8 * random.normal()),
				companions: [],
			});
		}
	}
	for (const main of items.filter((item) => item.id.includes("-main-"))) {
		const sameCuisine = items.filter((item) => item.cuisine === main.cuisine);
		const side = random.weighted(
			sameCuisine.filter((item) => item.id.includes("-side-")),
			() => 1,
		);
		const drink = random.weighted(
			sameCuisine.filter((item) => item.id.includes("-drink-")),
			() => 1,
		);
		main.companions = [side, drink].filter((item) => item !== undefined).map((item) => item.id);
	}
	const byId = new Map(items.map((item) => [item.id, item]));
	// Some cuisines are simply more popular than others.
	const cuisineAppeal = Array.from({ length: cuisineCount }, (_, cuisine) => 1 / (1 + cuisine) ** 0.5);

	const customers: SyntheticCustomer[] = [];
	const orders: SyntheticOrder[] = [];
	for (let index = 0; index < options.customers; index++) {
		const tastes = new Array<number>(cuisineCount).fill(0);
		const cuisines = Array.from({ length: cuisineCount }, (_, cuisine) => cuisine);
		const first = random.weighted(cuisines, (cuisine) => cuisineAppeal[cuisine]) ?? 0;
		tastes[first] = 1;
		if (random.chance(0.6)) {
			const second = random.weighted(cuisines, (cuisine) => (cuisine === first ? 0 : cuisineAppeal[cuisine])) ?? first;
			tastes[first] = 0.7;
			tastes[second] += 0.3;
		}
		const avoidAllergens = random.chance(0.3) ? [SYNTHETIC_ALLERGENS[random.int(SYNTHETIC_ALLERGENS.length)]] : [];
		const safe = (item: SyntheticItem) => !item.allergens.some((allergen) => avoidAllergens.includes(allergen));
		const likedMains = items.filter((item) => item.id.includes("-main-") && tastes[item.cuisine] > 0 && safe(item));
		const favourites: string[] = [];
		for (let pick = 0; pick < 2; pick++) {
			const favourite = random.weighted(likedMains, (item) =>
				favourites.includes(item.id) ? 0 : item.appeal * tastes[item.cuisine],
			);
			if (favourite) favourites.push(favourite.id);
		}
		const customer: SyntheticCustomer = { id: `cus-${index}`, tastes, avoidAllergens, favourites };
		customers.push(customer);

		const orderCount = minOrders + random.int(maxOrders - minOrders + 1);
		for (let number = 0; number < orderCount; number++) {
			const basket = new Set<string>();
			const main =
				favourites.length > 0 && random.chance(0.5)
					? byId.get(favourites[random.int(favourites.length)])
					: random.weighted(likedMains, (item) => item.appeal * tastes[item.cuisine]);
			if (main) {
				basket.add(main.id);
				for (const companion of main.companions) {
					const item = byId.get(companion);
					if (item && safe(item) && random.chance(0.6)) basket.add(companion);
				}
			}
			if (random.chance(0.3)) {
				const extra = random.weighted(items, (item) => (safe(item) ? item.appeal * tastes[item.cuisine] : 0));
				if (extra) basket.add(extra.id);
			}
			if (random.chance(0.15) || basket.size === 0) {
				const anything = random.weighted(items, (item) => (safe(item) ? item.appeal * cuisineAppeal[item.cuisine] : 0));
				if (anything) basket.add(anything.id);
			}
			orders.push({
				id: `ord-${index}-${number}`,
				customerId: customer.id,
				day: random.int(days),
				itemIds: [...basket],
			});
		}
	}
	orders.sort((a, b) => a.day - b.day || a.id.localeCompare(b.id));
	return { items, customers, orders };
}

export interface SyntheticSeries {
	id: string;
	/** The date of `values[0]`. */
	start: string;
	values: number[];
	/** The structure it was drawn from, for inspection. */
	truth: { level: number; weekly: number[]; growthPerYear: number; holidays: string[] };
}

export interface DemandOptions {
	seed: number;
	series: number;
	days: number;
	start?: string;
}

/** Holidays by month and day: closures and quiet days below 1, busy days above. */
const HOLIDAYS: Record<string, number> = {
	"01-01": 0.5,
	"02-14": 1.6,
	"05-01": 1.3,
	"07-04": 1.4,
	"10-31": 1.3,
	"12-24": 1.5,
	"12-25": 0.2,
	"12-31": 1.7,
};

/**
 * Daily units of one category at one location: a level, a weekly profile
 * (busier at the weekend, by a random margin), linear growth or decline,
 * holidays, and overdispersed Poisson noise (a gamma-Poisson mixture).
 */
export function generateDemandSeries(options: DemandOptions): SyntheticSeries[] {
	const random = new Random(options.seed);
	const start = options.start ?? "2025-01-06";
	const result: SyntheticSeries[] = [];
	for (let index = 0; index < options.series; index++) {
		const level = 6 + Math.exp(Math.log(30) + 0.8 * random.normal());
		const weekend = 0.1 + 0.5 * random.next();
		const midweekDip = 0.15 * random.next();
		// Indexed from the start date's weekday (a Monday by default).
		const weekly = [
			1 - midweekDip,
			1 - midweekDip / 2,
			1,
			1 + weekend / 3,
			1 + weekend,
			1 + weekend * 0.9,
			1 - weekend / 4,
		];
		const growthPerYear = -0.1 + 0.5 * random.next();
		const dispersion = 15 + 25 * random.next();
		const holidays: string[] = [];
		const values: number[] = [];
		for (let day = 0; day < options.days; day++) {
			const date = addDays(start, day);
			const holiday = HOLIDAYS[date.slice(5)];
			if (holiday !== undefined) holidays.push(date);
			const mean =
				level *
				weekly[day % 7] *
				Math.max(0.1, 1 + (growthPerYear * day) / 365) *
				(holiday ?? 1) *
				(random.gamma(dispersion) / dispersion);
			values.push(random.poisson(mean));
		}
		result.push({ id: `series-${index}`, start, values, truth: { level, weekly, growthPerYear, holidays } });
	}
	return result;
}

export interface SyntheticItemSeries {
	id: string;
	/** The day (index into the category's values) of the item's launch; nothing sells before it. */
	launchDay: number;
	values: number[];
}

export interface SyntheticCategoryItems {
	id: string;
	start: string;
	/** The category's daily units: the sum of its items' (as the read models keep them). */
	values: number[];
	items: SyntheticItemSeries[];
}

export interface ItemDemandOptions {
	seed: number;
	categories: number;
	days: number;
	start?: string;
}

/**
 * Daily units of the items of categories at one location: each category has
 * the structure of `generateDemandSeries` (level, weekly profile, trend,
 * holidays, a day's shock shared by its items); its three to eight items
 * split it by appeal that drifts from day to day, each with its own noise on
 * top, and about one item in five launched late in the history. Item counts
 * are low (a few units a day, some well under one). Its own seed stream, so
 * it leaves the other generators' output alone.
 */
export function generateItemDemand(options: ItemDemandOptions): SyntheticCategoryItems[] {
	const random = new Random((options.seed ^ 0x17e4_d3a1) >>> 0);
	const start = options.start ?? "2025-01-06";
	const result: SyntheticCategoryItems[] = [];
	for (let index = 0; index < options.categories; index++) {
		const level = 8 + Math.exp(Math.log(25) + 0.7 * random.normal());
		const weekend = 0.1 + 0.5 * random.next();
		const midweekDip = 0.15 * random.next();
		const weekly = [
			1 - midweekDip,
			1 - midweekDip / 2,
			1,
			1 + weekend / 3,
			1 + weekend,
			1 + weekend * 0.9,
			1 - weekend / 4,
		];
		const growthPerYear = -0.1 + 0.5 * random.next();
		const dispersion = 15 + 25 * random.next();
		const itemCount = 3 + random.int(6);
		const items = Array.from({ length: itemCount }, (_, item) => ({
			id: `cat-${index}-item-${item}`,
			logAppeal: 0.9 * random.normal(),
			launchDay: random.chance(0.2) ? options.days - 20 - random.int(100) : 0,
			itemDispersion: 8 + 30 * random.next(),
			values: new Array<number>(options.days).fill(0),
		}));
		const values = new Array<number>(options.days).fill(0);
		for (let day = 0; day < options.days; day++) {
			const holiday = HOLIDAYS[addDays(start, day).slice(5)];
			const mean =
				level *
				weekly[day % 7] *
				Math.max(0.1, 1 + (growthPerYear * day) / 365) *
				(holiday ?? 1) *
				(random.gamma(dispersion) / dispersion);
			// Tastes drift: each item's appeal takes a small random step a day.
			for (const item of items) item.logAppeal += 0.015 * random.normal();
			const live = items.filter((item) => day >= item.launchDay);
			const total = live.reduce((sum, item) => sum + Math.exp(item.logAppeal), 0);
			for (const item of live) {
				const share = Math.exp(item.logAppeal) / total;
				const units = random.poisson(mean * share * (random.gamma(item.itemDispersion) / item.itemDispersion));
				item.values[day] = units;
				values[day] += units;
			}
		}
		result.push({
			id: `category-${index}`,
			start,
			values,
			items: items.map((item) => ({ id: item.id, launchDay: Math.max(0, item.launchDay), values: item.values })),
		});
	}
	return result;
}
