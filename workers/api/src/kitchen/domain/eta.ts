/**
 * Predicts when an order will be ready from the kitchen's load: the orders
 * ahead of it, each item's preparation time learned from past orders (with a
 * fallback per category), and the time of day. Pure.
 *
 * The kitchen is pictured as a line with room for `parallel` orders at once,
 * worked first come, first served: the orders ahead are replayed onto it from
 * their placement, each taking its predicted work, and this order starts when
 * the first place frees up. An order's work is its slowest line plus a share
 * of the others (lines cook side by side), scaled by the hour's factor (the
 * rush slows a kitchen down). The parameters are learned by `learnPrepTimes`
 * (prep-times.ts) and measured in `scripts/eval/eta.ts`.
 */

export interface PrepTimeModel {
	/** Minutes per unit of an item id, learned from confirmation-to-ready times. */
	items: Record<string, number>;
	/** Minutes per unit of a category id, for items without enough history of their own. */
	categories: Record<string, number>;
	/** Minutes for an item of an unknown category. */
	defaultMinutes: number;
	/** Orders the kitchen works on at once; 2 when not learned. */
	parallel?: number;
	/** Minutes from placement to the kitchen confirming; 2 when not learned. */
	confirmMinutes?: number;
	/** Multiplier of the work by the location's local hour ("0"–"23"); 1 for an hour not listed. */
	hourFactors?: Record<string, number>;
}

export const DEFAULT_PREP_TIMES: PrepTimeModel = { items: {}, categories: {}, defaultMinutes: 10 };

/** Each further unit of a line adds this share of one unit's time (a second burger shares the grill). */
export const EXTRA_UNIT_SHARE = 0.25;
/** Each line other than the slowest adds this share of its time (lines cook side by side, but hands are shared). */
export const OTHER_LINE_SHARE = 0.25;
const DEFAULT_PARALLEL = 2;
const DEFAULT_CONFIRM_MINUTES = 2;
/** An order ahead that has run past its predicted time is still not ready: it is taken to need at least this much more. */
const MIN_REMAINING_MINUTES = 1;
const MINUTE_MS = 60_000;

export interface QueuedLine {
	itemId: string;
	categoryId: string;
	quantity: number;
}

export interface QueuedOrder {
	orderId: string;
	/** Epoch ms. */
	placedAt: number;
	lines: QueuedLine[];
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

/** Minutes for one unit of the line's item: its own time, else its category's, else the default. */
export function unitMinutes(model: PrepTimeModel, line: QueuedLine): number {
	return model.items[line.itemId] ?? model.categories[line.categoryId] ?? model.defaultMinutes;
}

/** Minutes of one line: the first unit in full, each further one a share. */
export function lineMinutes(model: PrepTimeModel, line: QueuedLine): number {
	return unitMinutes(model, line) * (1 + EXTRA_UNIT_SHARE * Math.max(0, line.quantity - 1));
}

/** Minutes of work in an order at an ordinary hour: its slowest line, and a share of the rest. */
export function workMinutes(model: PrepTimeModel, lines: QueuedLine[]): number {
	const times = lines.map((line) => lineMinutes(model, line)).sort((a, b) => b - a);
	return (times[0] ?? 0) + OTHER_LINE_SHARE * times.slice(1).reduce((sum, time) => sum + time, 0);
}

/** The line whose item sets an order's pace: the slowest. */
export function paceSetter(model: PrepTimeModel, lines: QueuedLine[]): QueuedLine | undefined {
	let slowest: QueuedLine | undefined;
	for (const line of lines) if (!slowest || lineMinutes(model, line) > lineMinutes(model, slowest)) slowest = line;
	return slowest;
}

export function hourFactor(model: PrepTimeModel, localHour: number): number {
	return model.hourFactors?.[String(localHour)] ?? 1;
}

/** Epoch ms at which the order is predicted ready. */
export function predictReadyAt(input: EtaInput): number {
	const { model, now } = input;
	const factor = hourFactor(model, input.localHour);
	const confirm = (model.confirmMinutes ?? DEFAULT_CONFIRM_MINUTES) * MINUTE_MS;
	// When each place on the line is next free.
	const freeAt = new Array<number>(Math.max(1, Math.round(model.parallel ?? DEFAULT_PARALLEL))).fill(
		Number.NEGATIVE_INFINITY,
	);
	const takeEarliest = (from: number, work: number, atLeast: number): number => {
		let place = 0;
		for (let index = 1; index < freeAt.length; index++) if (freeAt[index] < freeAt[place]) place = index;
		const done = Math.max(Math.max(from, freeAt[place]) + work, atLeast);
		freeAt[place] = done;
		return done;
	};
	const ahead = [...input.ahead].sort((a, b) => a.placedAt - b.placedAt);
	for (const order of ahead) {
		// Not ready yet by definition, so it holds its place until some time after now.
		takeEarliest(
			Math.min(order.placedAt, now) + confirm,
			workMinutes(model, order.lines) * factor * MINUTE_MS,
			now + MIN_REMAINING_MINUTES * MINUTE_MS,
		);
	}
	return takeEarliest(now + confirm, workMinutes(model, input.order.lines) * factor * MINUTE_MS, now);
}
