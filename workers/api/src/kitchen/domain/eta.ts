/**
 * Predicts when an order will be ready from the kitchen's load: the orders
 * ahead of it, each item's preparation time learned from past orders (with a
 * fallback per category), and the time of day. Pure.
 *
 * First cut, to be replaced by the learned predictor measured in `npm run eval`.
 */

export interface PrepTimeModel {
	/** Minutes per item id, learned from confirmation-to-ready times. */
	items: Record<string, number>;
	/** Minutes per category id, for items without enough history of their own. */
	categories: Record<string, number>;
	/** Minutes for an item of an unknown category. */
	defaultMinutes: number;
}

export const DEFAULT_PREP_TIMES: PrepTimeModel = { items: {}, categories: {}, defaultMinutes: 10 };

export interface QueuedOrder {
	orderId: string;
	/** Epoch ms. */
	placedAt: number;
	lines: { itemId: string; categoryId: string; quantity: number }[];
}

export interface EtaInput {
	order: QueuedOrder;
	/** Orders placed before it and not yet ready. */
	ahead: QueuedOrder[];
	model: PrepTimeModel;
	/** Epoch ms. */
	now: number;
	/** The location's local hour, 0–23. */
	localHour: number;
}

function prepMinutes(model: PrepTimeModel, line: QueuedOrder["lines"][number]): number {
	return model.items[line.itemId] ?? model.categories[line.categoryId] ?? model.defaultMinutes;
}

/** Epoch ms at which the order is predicted ready. */
export function predictReadyAt(input: EtaInput): number {
	const own = Math.max(0, ...input.order.lines.map((line) => prepMinutes(input.model, line)));
	const queued = input.ahead.reduce(
		(sum, order) => sum + Math.max(0, ...order.lines.map((line) => prepMinutes(input.model, line))),
		0,
	);
	return input.now + (own + queued / 2) * 60_000;
}
