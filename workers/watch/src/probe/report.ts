/**
 * The probe's Analytics Engine points, in the order-events dataset under
 * `index1 = 'probe'` (layout in docs/synthetic-probe.md): one `probe_step`
 * per step and one `probe_run` per run, which the watch's alerts read.
 */

export type ProbeOutcome = "ok" | "failed";

/** One timed step of a run. */
export interface StepTiming {
	step: string;
	outcome: ProbeOutcome;
	latencyMs: number;
	/** The order the step worked on, once there is one; '' before checkout. */
	orderId: string;
}

/** The point a step writes: blob1 `probe_step`, blob2 step, blob3 outcome, blob4 environment, blob5 order id; double1 latency. */
export function stepPoint(environment: string, timing: StepTiming): AnalyticsEngineDataPoint {
	return {
		indexes: ["probe"],
		blobs: ["probe_step", timing.step, timing.outcome, environment, timing.orderId],
		doubles: [timing.latencyMs],
	};
}

/** The point a run writes: blob1 `probe_run`, blob2 outcome, blob3 the failed step ('' when ok), blob4 environment; double1 total ms. */
export function runPoint(
	environment: string,
	outcome: ProbeOutcome,
	failedStep: string,
	totalMs: number,
): AnalyticsEngineDataPoint {
	return { indexes: ["probe"], blobs: ["probe_run", outcome, failedStep, environment], doubles: [totalMs] };
}

/** Each step's latency in ms by step name, in the order they ran: the run's log line carries it. */
export function latencies(timings: readonly StepTiming[]): Record<string, number> {
	return Object.fromEntries(timings.map((timing) => [timing.step, timing.latencyMs]));
}
