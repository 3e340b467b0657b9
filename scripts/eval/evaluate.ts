/**
 * Measures the recommender and the forecaster on synthetic history against
 * their baselines. Shared by `npm run eval` and the unit tests, which assert
 * the same targets on a smaller generated set.
 */
import {
	forecastSeries,
	meanAbsoluteScaledError,
	seasonalNaive,
} from "../../workers/api/src/intelligence/domain/forecast";
import {
	type Candidate,
	type CustomerHistory,
	coOccurrenceOfBaskets,
	recommend,
} from "../../workers/api/src/intelligence/domain/recommend";
import {
	generateDemandSeries,
	generateOrderHistory,
	type SyntheticOrder,
} from "../../workers/api/src/intelligence/domain/synthetic";

export const TARGETS = {
	/** The recommender's hit-rate@10 over popularity's. */
	hitRateLift: 1.5,
	/** Forecast MASE on the held-out days. */
	maxMase: 0.9,
	coverage80: [0.7, 0.9] as const,
};

export interface RecommendationFigures {
	customers: number;
	heldOutOrders: number;
	hitRateModel: number;
	hitRatePopularity: number;
	/** Guests: one item of the held-out order hidden, the rest in the cart. */
	cartHitRateModel: number;
	cartHitRatePopularity: number;
	cartCases: number;
}

/**
 * Hit-rate@k on each customer's last order: the recommender sees every other
 * order (the item pairs and popularity) and the customer's own earlier orders;
 * a hit is any item of the held-out order among its top k. Popularity gets the
 * same candidates and the same allergen filter.
 */
export function evaluateRecommendations(
	options: { seed: number; customers: number; maxOrdersPerCustomer?: number },
	k = 10,
): RecommendationFigures {
	const history = generateOrderHistory({
		seed: options.seed,
		customers: options.customers,
		maxOrdersPerCustomer: options.maxOrdersPerCustomer,
	});
	const lastOrder = new Map<string, SyntheticOrder>();
	const ordersOf = new Map<string, SyntheticOrder[]>();
	for (const order of history.orders) {
		lastOrder.set(order.customerId, order);
		const orders = ordersOf.get(order.customerId) ?? [];
		orders.push(order);
		ordersOf.set(order.customerId, orders);
	}
	const heldOut = new Set<SyntheticOrder>();
	for (const [customerId, order] of lastOrder) if ((ordersOf.get(customerId)?.length ?? 0) >= 2) heldOut.add(order);
	const training = history.orders.filter((order) => !heldOut.has(order));
	const model = coOccurrenceOfBaskets(training.map((order) => order.itemIds));
	const candidates: Candidate[] = history.items.map((item) => ({
		id: item.id,
		name: item.name,
		allergens: item.allergens,
		availableNow: true,
	}));
	const customers = new Map(history.customers.map((customer) => [customer.id, customer]));

	let hits = 0;
	let popularHits = 0;
	let cartHits = 0;
	let cartPopularHits = 0;
	let cartCases = 0;
	for (const order of heldOut) {
		const customer = customers.get(order.customerId);
		const avoidAllergens = customer?.avoidAllergens ?? [];
		const past = (ordersOf.get(order.customerId) ?? []).filter((earlier) => earlier !== order);
		const itemOrders = new Map<string, number>();
		for (const earlier of past)
			for (const item of new Set(earlier.itemIds)) itemOrders.set(item, (itemOrders.get(item) ?? 0) + 1);
		const customerHistory: CustomerHistory = { orders: past.length, itemOrders };
		const wanted = new Set(order.itemIds);
		const hit = (ids: string[]) => ids.some((id) => wanted.has(id));
		const top = (request: Partial<Parameters<typeof recommend>[0]>) =>
			recommend({ model, candidates, avoidAllergens, count: k, ...request }).map((item) => item.itemId);
		if (hit(top({ history: customerHistory }))) hits += 1;
		if (hit(top({}))) popularHits += 1;

		if (order.itemIds.length >= 2) {
			const [hidden, ...cart] = order.itemIds;
			cartCases += 1;
			if (top({ cart }).includes(hidden)) cartHits += 1;
			if (top({ cart, model: { orders: model.orders, together: new Map() } }).includes(hidden)) cartPopularHits += 1;
		}
	}
	const rate = (count: number, of: number) => (of === 0 ? 0 : count / of);
	return {
		customers: history.customers.length,
		heldOutOrders: heldOut.size,
		hitRateModel: rate(hits, heldOut.size),
		hitRatePopularity: rate(popularHits, heldOut.size),
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
	};
}
