/**
 * Measures the recommender and the forecaster on synthetic history against
 * their baselines. Shared by `npm run eval` and the unit tests, which assert
 * the same targets on a smaller generated set.
 */
import { addDays } from "../../workers/api/src/intelligence/domain/calendar";
import { dailyHistory } from "../../workers/api/src/intelligence/domain/demand";
import {
	forecastSeries,
	meanAbsoluteScaledError,
	seasonalNaive,
} from "../../workers/api/src/intelligence/domain/forecast";
import { forecastItem, prepUnits } from "../../workers/api/src/intelligence/domain/item-forecast";
import {
	type Candidate,
	type CustomerHistory,
	coOccurrenceOfBaskets,
	recommend,
} from "../../workers/api/src/intelligence/domain/recommend";
import {
	generateDemandSeries,
	generateItemDemand,
	generateOrderHistory,
	Random,
	type SyntheticOrder,
} from "../../workers/api/src/intelligence/domain/synthetic";

export const TARGETS = {
	/**
	 * The recommender's hit-rate@10 over popularity's. Issue 16 asked for 2.0,
	 * which this evaluation cannot reach: popularity already hits 0.538 of the
	 * held-out orders, so even a perfect model's lift is 1 / 0.538 = 1.86 (run.ts
	 * prints that ceiling). The gate is what the small set in recommend.test.ts also holds.
	 */
	hitRateLift: 1.5,
	/** Forecast MASE on the held-out days, of categories and of the items the prep list shows. */
	maxMase: 0.8,
	coverage80: [0.75, 0.85] as const,
};

export interface RecommendationFigures {
	customers: number;
	/** Training is every order placed before this day; evaluation is on or after it. */
	cutoffDay: number;
	trainingOrders: number;
	/** Returning customers' first orders on or after the cutoff. */
	heldOutOrders: number;
	hitRateModel: number;
	hitRatePopularity: number;
	/** Guests: one seeded-random item of each customer's first order after the cutoff hidden, the rest in the cart. */
	cartHitRateModel: number;
	cartHitRatePopularity: number;
	cartCases: number;
}

/**
 * A split by time: the model (item pairs and popularity) is trained on every
 * order placed before a cutoff day, the day of the order at `trainFraction`
 * of the time-ordered history, so nothing after the cutoff leaks into it.
 *
 * Hit-rate@k on each returning customer's first order on or after the cutoff:
 * the recommender sees the training orders and that customer's own orders
 * before the cutoff; a hit is any item of the held-out order among its top k.
 * Customers with no order before the cutoff are left out here (both would
 * answer by popularity). Popularity gets the same candidates and the same
 * allergen filter.
 *
 * Guests: for every customer's first order after the cutoff with two or more
 * items, one item chosen by a PRNG seeded from `seed` is hidden and the rest
 * are the cart; a hit is the hidden item among the top k.
 */
export function evaluateRecommendations(
	options: { seed: number; customers: number; maxOrdersPerCustomer?: number; trainFraction?: number },
	k = 10,
): RecommendationFigures {
	const history = generateOrderHistory({
		seed: options.seed,
		customers: options.customers,
		maxOrdersPerCustomer: options.maxOrdersPerCustomer,
	});
	// The orders are in time order (by day, then id), so the cutoff is a day and ties fall on one side.
	const trainFraction = options.trainFraction ?? 0.8;
	const cutoffIndex = Math.min(history.orders.length - 1, Math.floor(history.orders.length * trainFraction));
	const cutoffDay = history.orders[cutoffIndex]?.day ?? 0;
	const training = history.orders.filter((order) => order.day < cutoffDay);
	const trainingOf = new Map<string, SyntheticOrder[]>();
	for (const order of training) {
		const orders = trainingOf.get(order.customerId) ?? [];
		orders.push(order);
		trainingOf.set(order.customerId, orders);
	}
	const firstAfter = new Map<string, SyntheticOrder>();
	for (const order of history.orders)
		if (order.day >= cutoffDay && !firstAfter.has(order.customerId)) firstAfter.set(order.customerId, order);

	const model = coOccurrenceOfBaskets(training.map((order) => order.itemIds));
	const candidates: Candidate[] = history.items.map((item) => ({
		id: item.id,
		name: item.name,
		allergens: item.allergens,
		availableNow: true,
	}));
	const customers = new Map(history.customers.map((customer) => [customer.id, customer]));
	// Its own stream, so which item is hidden does not depend on the generator's draws.
	const hide = new Random((options.seed ^ 0x5eed_ca27) >>> 0);

	let heldOut = 0;
	let hits = 0;
	let popularHits = 0;
	let cartHits = 0;
	let cartPopularHits = 0;
	let cartCases = 0;
	for (const order of firstAfter.values()) {
		const customer = customers.get(order.customerId);
		const avoidAllergens = customer?.avoidAllergens ?? [];
		const top = (request: Partial<Parameters<typeof recommend>[0]>) =>
			recommend({ model, candidates, avoidAllergens, count: k, ...request }).map((item) => item.itemId);

		const past = trainingOf.get(order.customerId) ?? [];
		if (past.length > 0) {
			const itemOrders = new Map<string, number>();
			for (const earlier of past)
				for (const item of new Set(earlier.itemIds)) itemOrders.set(item, (itemOrders.get(item) ?? 0) + 1);
			const customerHistory: CustomerHistory = { orders: past.length, itemOrders };
			const wanted = new Set(order.itemIds);
			const hit = (ids: string[]) => ids.some((id) => wanted.has(id));
			heldOut += 1;
			if (hit(top({ history: customerHistory }))) hits += 1;
			if (hit(top({}))) popularHits += 1;
		}

		if (order.itemIds.length >= 2) {
			const hiddenIndex = hide.int(order.itemIds.length);
			const hidden = order.itemIds[hiddenIndex];
			const cart = order.itemIds.filter((_, index) => index !== hiddenIndex);
			cartCases += 1;
			if (top({ cart }).includes(hidden)) cartHits += 1;
			if (top({ cart, model: { orders: model.orders, together: new Map() } }).includes(hidden)) cartPopularHits += 1;
		}
	}
	const rate = (count: number, of: number) => (of === 0 ? 0 : count / of);
	return {
		customers: history.customers.length,
		cutoffDay,
		trainingOrders: training.length,
		heldOutOrders: heldOut,
		hitRateModel: rate(hits, heldOut),
		hitRatePopularity: rate(popularHits, heldOut),
		cartHitRateModel: rate(cartHits, cartCases),
		cartHitRatePopularity: rate(cartPopularHits, cartCases),
		cartCases,
	};
}

export interface ForecastFigures {
	series: number;
	heldOutDays: number;
	/** Mean over series of the held-out MASE. */
	maseModel: number;
	maseSeasonalNaive: number;
	coverage80: number;
	coverage95: number;
	/** How many series each model was chosen for. */
	chosen: Record<string, number>;
	/** Items (of `itemCategories` categories) with history before the held-out days, as the prep list forecasts them. */
	items: number;
	maseItems: number;
	maseItemsSeasonalNaive: number;
	coverage80Items: number;
	coverage95Items: number;
	/** Of the whole-unit 80% interval the prep list prints (rounded outwards). */
	coverage80ItemsPrep: number;
	chosenItems: Record<string, number>;
}

/**
 * Fits each synthetic series on all but its last `heldOutDays` days and
 * forecasts those days from that one origin, so the longest horizon is
 * `heldOutDays`, beyond the 14 the API serves.
 */
export function evaluateForecasts(options: {
	seed: number;
	series: number;
	days: number;
	heldOutDays?: number;
	/** Categories of the item-level set; each has three to eight items. */
	itemCategories?: number;
}): ForecastFigures {
	const heldOutDays = options.heldOutDays ?? 28;
	const generated = generateDemandSeries({ seed: options.seed, series: options.series, days: options.days });
	let maseModel = 0;
	let maseNaive = 0;
	let scored = 0;
	let covered80 = 0;
	let covered95 = 0;
	let days = 0;
	const chosen: Record<string, number> = {};
	for (const series of generated) {
		const training = series.values.slice(0, -heldOutDays);
		const actual = series.values.slice(-heldOutDays);
		const forecast = forecastSeries(training, heldOutDays);
		chosen[forecast.model] = (chosen[forecast.model] ?? 0) + 1;
		const model = meanAbsoluteScaledError(
			actual,
			forecast.points.map((point) => point.predicted),
			training,
		);
		const naive = meanAbsoluteScaledError(actual, seasonalNaive(training, heldOutDays), training);
		if (model !== null && naive !== null) {
			maseModel += model;
			maseNaive += naive;
			scored += 1;
		}
		forecast.points.forEach((point, index) => {
			const value = actual[index];
			if (value >= point.lower80 && value <= point.upper80) covered80 += 1;
			if (value >= point.lower95 && value <= point.upper95) covered95 += 1;
			days += 1;
		});
	}
	return {
		series: generated.length,
		heldOutDays,
		maseModel: scored === 0 ? 0 : maseModel / scored,
		maseSeasonalNaive: scored === 0 ? 0 : maseNaive / scored,
		coverage80: days === 0 ? 0 : covered80 / days,
		coverage95: days === 0 ? 0 : covered95 / days,
		chosen,
		...evaluateItemForecasts(options.seed, options.itemCategories ?? 12, options.days, heldOutDays),
	};
}

/**
 * The prep list's forecasts on synthetic items: each category forecast from
 * its own training days, then each item launched before the held-out days
 * forecast by `forecastItem` (its own model or its category's share), from
 * one origin, against what the item sold. An item's history starts at its
 * first sale, as the nightly job reads it.
 */
function evaluateItemForecasts(seed: number, categories: number, totalDays: number, heldOutDays: number) {
	const generated = generateItemDemand({ seed, categories, days: totalDays });
	let mase = 0;
	let maseNaive = 0;
	let scored = 0;
	let covered80 = 0;
	let covered95 = 0;
	let coveredPrep = 0;
	let days = 0;
	let items = 0;
	const chosenItems: Record<string, number> = {};
	const asRows = (values: readonly number[], start: string) =>
		values.map((units, day) => ({ date: addDays(start, day), units })).filter((row) => row.units > 0);
	for (const category of generated) {
		const cut = category.values.length - heldOutDays;
		const end = addDays(category.start, cut);
		const categoryHistory = category.values.slice(0, cut);
		const categoryForecast = forecastSeries(categoryHistory, heldOutDays);
		for (const item of category.items) {
			const history = dailyHistory(asRows(item.values.slice(0, cut), category.start), end);
			if (history.length === 0) continue;
			const actual = item.values.slice(cut);
			const forecast = forecastItem(history, categoryHistory, categoryForecast.points, heldOutDays);
			items += 1;
			chosenItems[forecast.model] = (chosenItems[forecast.model] ?? 0) + 1;
			const model = meanAbsoluteScaledError(
				actual,
				forecast.points.map((point) => point.predicted),
				history,
			);
			const naive = meanAbsoluteScaledError(actual, seasonalNaive(history, heldOutDays), history);
			if (model !== null && naive !== null) {
				mase += model;
				maseNaive += naive;
				scored += 1;
			}
			forecast.points.forEach((point, index) => {
				const value = actual[index];
				if (value >= point.lower80 && value <= point.upper80) covered80 += 1;
				if (value >= point.lower95 && value <= point.upper95) covered95 += 1;
				const prep = prepUnits(point);
				if (value >= prep.lower80 && value <= prep.upper80) coveredPrep += 1;
				days += 1;
			});
		}
	}
	const ratio = (count: number, of: number) => (of === 0 ? 0 : count / of);
	return {
		items,
		maseItems: ratio(mase, scored),
		maseItemsSeasonalNaive: ratio(maseNaive, scored),
		coverage80Items: ratio(covered80, days),
		coverage95Items: ratio(covered95, days),
		coverage80ItemsPrep: ratio(coveredPrep, days),
		chosenItems,
	};
}
