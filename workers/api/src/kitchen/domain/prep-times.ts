/**
 * Learns a location's `PrepTimeModel` from its past orders (placed, confirmed
 * and ready times, and lines). Pure; the nightly job (../prep-times-job.ts)
 * feeds it the regional history.
 *
 * 1. Item times come from quiet orders only — those confirmed while no other
 *    order was in the kitchen — so their confirmation-to-ready time is the
 *    work itself, not a queue. Each order's time is credited to the item that
 *    sets its pace (its slowest line); an item's time is scaled until those
 *    orders are predicted right at the median, and shrunk toward its
 *    category's median when it has few of them.
 * 2. The kitchen's width (orders at once) is the one that best replays every
 *    past order through `predictReadyAt`, queue and all.
 * 3. Each hour's factor is the median of actual over predicted
 *    placement-to-ready times at that hour, shrunk toward 1 when the hour has
 *    few orders: the rush shows up as a factor above 1.
 */
import {
	DEFAULT_PREP_TIMES,
	type PrepTimeModel,
	paceSetter,
	predictReadyAt,
	type QueuedLine,
	type QueuedOrder,
	workMinutes,
} from "./eta";

export interface PastOrder {
	orderId: string;
	/** Epoch ms. */
	placedAt: number;
	confirmedAt: number;
	readyAt: number;
	/** The location's local hour at placement, 0–23. */
	localHour: number;
	lines: QueuedLine[];
}

export interface LearnOptions {
	/** Pseudo-samples of the category's time an item's own median is blended with. */
	itemShrinkage?: number;
	/** Pseudo-orders at factor 1 an hour's factor is blended with. */
	hourShrinkage?: number;
	maxParallel?: number;
}

const MINUTE_MS = 60_000;
/** Longer than this from confirmation to ready is a ticket nobody closed, not a preparation time. */
const MAX_PLAUSIBLE_MINUTES = 180;
const FIT_ROUNDS = 8;

export function median(values: number[]): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** The orders confirmed while the kitchen had at most `others` other orders in it. */
function quietOrders(orders: PastOrder[], others: number): PastOrder[] {
	const byConfirmation = [...orders].sort((a, b) => a.confirmedAt - b.confirmedAt);
	return byConfirmation.filter((order, index) => {
		let inKitchen = 0;
		for (let earlier = index - 1; earlier >= 0 && inKitchen <= others; earlier--) {
			if (byConfirmation[earlier].readyAt > order.confirmedAt) inKitchen += 1;
		}
		return inKitchen <= others;
	});
}

/** Every order with, for each, the orders placed before it and not yet ready when it was placed. */
export function withOrdersAhead(orders: PastOrder[]): { order: PastOrder; ahead: QueuedOrder[] }[] {
	const sorted = [...orders].sort((a, b) => a.placedAt - b.placedAt);
	let open: PastOrder[] = [];
	return sorted.map((order) => {
		open = open.filter((other) => other.readyAt > order.placedAt);
		const ahead = open.map((other) => ({ orderId: other.orderId, placedAt: other.placedAt, lines: other.lines }));
		open.push(order);
		return { order, ahead };
	});
}

function replayError(cases: { order: PastOrder; ahead: QueuedOrder[] }[], model: PrepTimeModel): number {
	let total = 0;
	for (const { order, ahead } of cases) {
		const predicted = predictReadyAt({ order, ahead, model, now: order.placedAt, localHour: order.localHour });
		total += Math.abs(predicted - order.readyAt);
	}
	return total / Math.max(1, cases.length);
}

function fitItems(
	quiet: PastOrder[],
	itemShrinkage: number,
): Pick<PrepTimeModel, "items" | "categories" | "defaultMinutes"> {
	const durations = quiet.map((order) => (order.readyAt - order.confirmedAt) / MINUTE_MS);
	const overall = median(durations);
	const defaultMinutes = Number.isFinite(overall) ? overall : DEFAULT_PREP_TIMES.defaultMinutes;
	let model: PrepTimeModel = { items: {}, categories: {}, defaultMinutes };
	for (let round = 0; round < FIT_ROUNDS; round++) {
		// Each quiet order says how far off its pace-setter's time is.
		const samples = new Map<string, { categoryId: string; minutes: number[] }>();
		quiet.forEach((order, index) => {
			const pace = paceSetter(model, order.lines);
			const predicted = workMinutes(model, order.lines);
			if (!pace || predicted <= 0) return;
			const current = model.items[pace.itemId] ?? model.categories[pace.categoryId] ?? model.defaultMinutes;
			const entry = samples.get(pace.itemId) ?? { categoryId: pace.categoryId, minutes: [] };
			entry.minutes.push(current * (durations[index] / predicted));
			samples.set(pace.itemId, entry);
		});
		const byCategory = new Map<string, number[]>();
		for (const { categoryId, minutes } of samples.values()) {
			byCategory.set(categoryId, [...(byCategory.get(categoryId) ?? []), ...minutes]);
		}
		const categories: Record<string, number> = {};
		for (const [categoryId, minutes] of byCategory) categories[categoryId] = median(minutes);
		const items: Record<string, number> = {};
		for (const [itemId, { categoryId, minutes }] of samples) {
			const n = minutes.length;
			items[itemId] = (n * median(minutes) + itemShrinkage * categories[categoryId]) / (n + itemShrinkage);
		}
		// Items never seen setting the pace keep their previous estimate.
		model = { items: { ...model.items, ...items }, categories: { ...model.categories, ...categories }, defaultMinutes };
	}
	return model;
}

export function learnPrepTimes(history: PastOrder[], options: LearnOptions = {}): PrepTimeModel {
	const orders = history.filter((order) => {
		const minutes = (order.readyAt - order.confirmedAt) / MINUTE_MS;
		return (
			order.lines.length > 0 && order.confirmedAt >= order.placedAt && minutes > 0 && minutes <= MAX_PLAUSIBLE_MINUTES
		);
	});
	if (orders.length === 0) return DEFAULT_PREP_TIMES;
	const itemShrinkage = options.itemShrinkage ?? 3;
	const hourShrinkage = options.hourShrinkage ?? 10;

	// A busy location may rarely be empty: then one other order in the kitchen is quiet enough.
	let quiet = quietOrders(orders, 0);
	if (quiet.length < 30) quiet = quietOrders(orders, 1);
	if (quiet.length === 0) quiet = orders;
	const base = fitItems(quiet, itemShrinkage);
	const confirmMinutes = median(orders.map((order) => (order.confirmedAt - order.placedAt) / MINUTE_MS));

	const cases = withOrdersAhead(orders);
	let model: PrepTimeModel = { ...base, confirmMinutes, parallel: 1, hourFactors: {} };
	// Width and hour factors depend on each other: alternate twice.
	for (let round = 0; round < 2; round++) {
		let best = { parallel: 1, error: Number.POSITIVE_INFINITY };
		for (let parallel = 1; parallel <= (options.maxParallel ?? 8); parallel++) {
			const error = replayError(cases, { ...model, parallel });
			if (error < best.error) best = { parallel, error };
		}
		model = { ...model, parallel: best.parallel };
		const ratios = new Map<number, number[]>();
		for (const { order, ahead } of cases) {
			const plain = { ...model, hourFactors: {} };
			const predicted = predictReadyAt({ order, ahead, model: plain, now: order.placedAt, localHour: order.localHour });
			const span = predicted - order.placedAt;
			if (span <= 0) continue;
			ratios.set(order.localHour, [...(ratios.get(order.localHour) ?? []), (order.readyAt - order.placedAt) / span]);
		}
		const hourFactors: Record<string, number> = {};
		for (const [hour, values] of ratios) {
			hourFactors[String(hour)] = round2(
				(values.length * median(values) + hourShrinkage) / (values.length + hourShrinkage),
			);
		}
		model = { ...model, hourFactors };
	}
	return {
		items: Object.fromEntries(Object.entries(model.items).map(([id, minutes]) => [id, round2(minutes)])),
		categories: Object.fromEntries(Object.entries(model.categories).map(([id, minutes]) => [id, round2(minutes)])),
		defaultMinutes: round2(model.defaultMinutes),
		parallel: model.parallel,
		confirmMinutes: round2(confirmMinutes),
		hourFactors: model.hourFactors,
	};
}
