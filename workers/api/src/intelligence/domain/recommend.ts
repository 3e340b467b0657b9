/**
 * Item-to-item recommendations from what is ordered together at a location.
 * Pure: the caller brings the co-occurrence counts (the `item_pairs` and daily
 * item sales read models), the customer's history or cart, and the menu with
 * what can be ordered now; this decides what to suggest and why.
 */

/** How often items are ordered at one location, alone and together. */
export interface CoOccurrence {
	/** Orders containing each item. */
	orders: Map<string, number>;
	/** Orders containing both items, by item and then by the other item; symmetric. */
	together: Map<string, Map<string, number>>;
}

export interface PairCount {
	itemA: string;
	itemB: string;
	ordersTogether: number;
}

/** Shrinks the similarity of rarely ordered items, whose few co-occurrences are mostly chance. */
const SIMILARITY_SHRINKAGE = 2;
/** How much an item the customer ordered before counts against an item often ordered with their usual ones. */
const REPEAT_WEIGHT = 1;
/** Popularity only breaks ties and fills the list when the personal scores run out. */
const POPULARITY_WEIGHT = 0.05;

function addTogether(together: CoOccurrence["together"], a: string, b: string, count: number): void {
	let row = together.get(a);
	if (!row) {
		row = new Map();
		together.set(a, row);
	}
	row.set(b, (row.get(b) ?? 0) + count);
}

/** Counts by key, those of a key seen more than once (the same item or pair in several regions) summed. */
export function sumCounts<K>(counts: Iterable<readonly [K, number]>): Map<K, number> {
	const sums = new Map<K, number>();
	for (const [key, count] of counts) sums.set(key, (sums.get(key) ?? 0) + count);
	return sums;
}

/** Builds the model from the read models' rows: per-item order counts and each pair stored once. */
export function coOccurrenceFrom(
	itemOrders: Iterable<readonly [string, number]>,
	pairs: Iterable<PairCount>,
): CoOccurrence {
	const together: CoOccurrence["together"] = new Map();
	for (const pair of pairs) {
		if (pair.ordersTogether <= 0 || pair.itemA === pair.itemB) continue;
		addTogether(together, pair.itemA, pair.itemB, pair.ordersTogether);
		addTogether(together, pair.itemB, pair.itemA, pair.ordersTogether);
	}
	return { orders: new Map(itemOrders), together };
}

/** Builds the model from raw baskets, counting as the order projections do: each distinct item once per order. */
export function coOccurrenceOfBaskets(baskets: Iterable<readonly string[]>): CoOccurrence {
	const orders = new Map<string, number>();
	const together: CoOccurrence["together"] = new Map();
	for (const basket of baskets) {
		const distinct = [...new Set(basket)];
		for (const item of distinct) orders.set(item, (orders.get(item) ?? 0) + 1);
		for (const a of distinct) for (const b of distinct) if (a !== b) addTogether(together, a, b, 1);
	}
	return { orders, together };
}

/**
 * Cosine similarity of two items' order sets, shrunk for rare items: 1 when
 * they are always ordered together, 0 when never.
 */
export function similarity(model: CoOccurrence, a: string, b: string): number {
	const both = model.together.get(a)?.get(b) ?? 0;
	if (both === 0) return 0;
	// Cancelled orders leave the daily sales but not the pair counts, so a pair may outnumber an item's orders.
	const ordersA = Math.max(model.orders.get(a) ?? 0, both);
	const ordersB = Math.max(model.orders.get(b) ?? 0, both);
	return both / (Math.sqrt(ordersA * ordersB) + SIMILARITY_SHRINKAGE);
}

/** An item on the menu, as the recommender needs to see it. */
export interface Candidate {
	id: string;
	name: string;
	allergens: readonly string[];
	/** Not sold out, the location open and the item's and category's windows covering this moment. */
	availableNow: boolean;
}

export type Exclusion = "in_cart" | "avoided_allergen" | "unavailable";

/** Why an item must not be suggested, or null when it may be: never what is in the cart, unsafe or unorderable now. */
export function exclusionOf(
	candidate: Candidate,
	cart: ReadonlySet<string>,
	avoidAllergens: ReadonlySet<string>,
): Exclusion | null {
	if (cart.has(candidate.id)) return "in_cart";
	// Options' allergens are not counted: they apply only when the customer picks that option.
	if (candidate.allergens.some((allergen) => avoidAllergens.has(allergen))) return "avoided_allergen";
	if (!candidate.availableNow) return "unavailable";
	return null;
}

/** A customer's past orders at the location: in how many orders each item was. */
export interface CustomerHistory {
	orders: number;
	itemOrders: ReadonlyMap<string, number>;
}

export interface RecommendationRequest {
	model: CoOccurrence;
	candidates: readonly Candidate[];
	/** Items in the cart: they seed the scores and are never suggested. */
	cart?: readonly string[];
	history?: CustomerHistory;
	avoidAllergens?: readonly string[];
	count: number;
	/** Names of items that may seed a reason but are no longer on the menu. */
	names?: ReadonlyMap<string, string>;
	/** Where the popularity reason says the item is popular, e.g. "GoodFood Soho". */
	placeName?: string;
}

export type ReasonKind = "ordered_with" | "ordered_before" | "popular";

export interface Recommendation {
	itemId: string;
	score: number;
	reason: string;
	reasonKind: ReasonKind;
}

interface Scored extends Recommendation {
	popularity: number;
}

function seedWeights(cart: readonly string[], history: CustomerHistory | undefined): Map<string, number> {
	const seeds = new Map<string, number>();
	if (history && history.orders > 0) {
		for (const [item, times] of history.itemOrders) seeds.set(item, times / history.orders);
	}
	// What is in the cart now says more about this order than any past one.
	for (const item of cart) seeds.set(item, (seeds.get(item) ?? 0) + 1);
	return seeds;
}

function orderedBefore(times: number): string {
	return times === 1 ? "You ordered this before" : `You've ordered this ${times} times`;
}

/**
 * The best `count` items for this customer or cart, best first. Each item
 * scores by how often it is ordered with the seeds (the cart and the items of
 * the customer's past orders, weighted by how often they recur), plus how
 * often the customer ordered it themselves; with no seeds, or past them, by
 * popularity. The reason names the largest contribution.
 */
export function recommend(request: RecommendationRequest): Recommendation[] {
	const { model, count, history } = request;
	const cart = new Set(request.cart ?? []);
	const avoid = new Set(request.avoidAllergens ?? []);
	const seeds = seedWeights([...cart], history);
	const seedTotal = [...seeds.values()].reduce((sum, weight) => sum + weight, 0);
	const names = new Map(request.names ?? []);
	for (const candidate of request.candidates) names.set(candidate.id, candidate.name);
	const mostOrders = Math.max(1, ...model.orders.values());
	const popularReason = request.placeName ? `Popular at ${request.placeName}` : "Popular here";

	const scored: Scored[] = [];
	for (const candidate of request.candidates) {
		if (exclusionOf(candidate, cart, avoid) !== null) continue;
		const popularity = (model.orders.get(candidate.id) ?? 0) / mostOrders;
		let together = 0;
		let bestSeed: string | undefined;
		let bestSeedScore = 0;
		for (const [seed, weight] of seeds) {
			if (seed === candidate.id) continue;
			const contribution = weight * similarity(model, seed, candidate.id);
			together += contribution;
			if (contribution > bestSeedScore) {
				bestSeedScore = contribution;
				bestSeed = seed;
			}
		}
		together = seedTotal > 0 ? together / seedTotal : 0;
		const times = history?.itemOrders.get(candidate.id) ?? 0;
		const repeat = history && history.orders > 0 ? (REPEAT_WEIGHT * times) / history.orders : 0;
		const personal = together + repeat;
		const score = seeds.size > 0 ? personal + POPULARITY_WEIGHT * popularity : popularity;
		let reasonKind: ReasonKind = "popular";
		let reason = popularReason;
		if (repeat > 0 && repeat >= together) {
			reasonKind = "ordered_before";
			reason = orderedBefore(times);
		} else if (together > 0 && bestSeed !== undefined) {
			reasonKind = "ordered_with";
			reason = `Often ordered with ${names.get(bestSeed) ?? "your usual"}`;
		}
		scored.push({ itemId: candidate.id, score, reason, reasonKind, popularity });
	}
	scored.sort((a, b) => b.score - a.score || b.popularity - a.popularity || a.itemId.localeCompare(b.itemId));
	return scored.slice(0, count).map(({ itemId, score, reason, reasonKind }) => ({ itemId, score, reason, reasonKind }));
}
