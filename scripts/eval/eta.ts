/**
 * Measures the ready-time predictor on a simulated kitchen: the prep-time
 * model is learned from simulated past days, then every order of the
 * held-out days that follow is predicted at its placement from the orders
 * then in the kitchen, and compared with when it was actually ready. Next to
 * it: the fixed "15 minutes from placement" and the ETA the cook typed at
 * confirmation. Shared by `npm run eval` and a unit test that asserts the
 * target on a smaller simulation.
 */

import { type KitchenDay, simulateKitchenDays } from "../../workers/api/src/intelligence/domain/kitchen-day";
import { predictReadyAt } from "../../workers/api/src/kitchen/domain/eta";
import { learnPrepTimes, type PastOrder, withOrdersAhead } from "../../workers/api/src/kitchen/domain/prep-times";

/** The predictor's MAE over the fixed 15 minutes' must be at most this. */
export const ETA_TARGET = 0.6;

export interface EtaFigures {
	seed: number;
	trainingDays: number;
	heldOutDays: number;
	trainingOrders: number;
	heldOutOrders: number;
	/** Mean absolute error in minutes of the predicted ready time. */
	maeModel: number;
	/** Always 15 minutes after placement. */
	maeFixed15: number;
	/** The ETA the cook typed when confirming (its minutes from confirmation). */
	maeTyped: number;
	/** maeModel / maeFixed15; the target is at most ETA_TARGET. */
	ratio: number;
	/** Share of orders ready within 5 minutes of the prediction. */
	within5Model: number;
	within5Fixed15: number;
	/** Mean minutes from placement to ready on the held-out days, for scale. */
	meanActualMinutes: number;
	/** The learned width and hour factors, to read next to the figures. */
	parallel: number;
	hourFactors: Record<string, number>;
}

export interface EtaOptions {
	seed: number;
	trainingDays?: number;
	heldOutDays?: number;
	/** Scales the simulated arrivals. */
	volume?: number;
}

const MINUTE_MS = 60_000;

function pastOrders(days: KitchenDay[]): PastOrder[] {
	return days.flatMap((day) =>
		day.orders.map((order) => ({
			orderId: order.orderId,
			placedAt: order.placedAt,
			confirmedAt: order.confirmedAt,
			readyAt: order.readyAt,
			localHour: order.localHour,
			lines: order.lines,
		})),
	);
}

export function evaluateEta(options: EtaOptions): EtaFigures {
	const trainingDays = options.trainingDays ?? 28;
	const heldOutDays = options.heldOutDays ?? 7;
	const { days } = simulateKitchenDays({
		seed: options.seed,
		days: trainingDays + heldOutDays,
		volume: options.volume,
	});
	const training = pastOrders(days.slice(0, trainingDays));
	const model = learnPrepTimes(training);

	const typedAt = new Map(
		days.flatMap((day) => day.orders.map((order) => [order.orderId, order.typedReadyAt] as const)),
	);
	let count = 0;
	let model_ = 0;
	let fixed = 0;
	let typed = 0;
	let within5Model = 0;
	let within5Fixed = 0;
	let actual = 0;
	for (const day of days.slice(trainingDays)) {
		// The kitchen object's view at each placement: orders placed before and not yet ready.
		for (const { order, ahead } of withOrdersAhead(pastOrders([day]))) {
			const predicted = predictReadyAt({ order, ahead, model, now: order.placedAt, localHour: order.localHour });
			const errorModel = Math.abs(predicted - order.readyAt) / MINUTE_MS;
			const errorFixed = Math.abs(order.placedAt + 15 * MINUTE_MS - order.readyAt) / MINUTE_MS;
			count += 1;
			model_ += errorModel;
			fixed += errorFixed;
			typed += Math.abs((typedAt.get(order.orderId) ?? order.readyAt) - order.readyAt) / MINUTE_MS;
			if (errorModel <= 5) within5Model += 1;
			if (errorFixed <= 5) within5Fixed += 1;
			actual += (order.readyAt - order.placedAt) / MINUTE_MS;
		}
	}
	const mean = (total: number) => total / Math.max(1, count);
	return {
		seed: options.seed,
		trainingDays,
		heldOutDays,
		trainingOrders: training.length,
		heldOutOrders: count,
		maeModel: mean(model_),
		maeFixed15: mean(fixed),
		maeTyped: mean(typed),
		ratio: fixed > 0 ? model_ / fixed : 0,
		within5Model: mean(within5Model),
		within5Fixed15: mean(within5Fixed),
		meanActualMinutes: mean(actual),
		parallel: model.parallel ?? 0,
		hourFactors: model.hourFactors ?? {},
	};
}
