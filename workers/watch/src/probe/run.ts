import { errorText, type Logger } from "@goodfood/platform/log";
import { type FrontDoor, type JourneyOptions, placeAndFollow } from "./journey";
import { provisionProbe } from "./provision";
import { latencies, type ProbeOutcome, runPoint, type StepTiming, stepPoint } from "./report";

/** The parts of the watch's env the probe uses; tests hand in the api's database and a front door of their own. */
export interface ProbeEnv {
	DB: D1Database;
	ORDER_METRICS: AnalyticsEngineDataset;
	FRONT_DOOR: FrontDoor;
	ENVIRONMENT: string;
	PROBE_LOCATION: string;
	PROBE_EMAIL: string;
	PROBE_PASSWORD: string;
	REGIONS: Record<string, unknown>;
}

/** What one run did, step by step. */
export interface ProbeRun {
	outcome: ProbeOutcome;
	orderId: string;
	totalMs: number;
	steps: StepTiming[];
	failedStep: string;
}

/** A step that failed, named, with why. */
export class ProbeStepFailed extends Error {
	constructor(
		readonly step: string,
		cause: unknown,
	) {
		super(`synthetic probe failed at ${step}: ${errorText(cause)}`, { cause });
		this.name = "ProbeStepFailed";
	}
}

export const PROBE_OPTIONS: JourneyOptions = { pollIntervalMs: 500, followDeadlineMs: 60_000 };

/** Places one test order through the front door and follows it to ready (docs/synthetic-probe.md); the cron's entry. */
export async function runSyntheticProbe(env: WatchEnv, now: Date, log: Logger): Promise<void> {
	await probeOnce(env, now, log);
}

/**
 * One probe run: a `probe_step` point per step and a `probe_run` point per
 * run, one log line with every step's latency, and, when a step fails, its
 * failed points and then the error, so the cron run fails too.
 */
export async function probeOnce(
	env: ProbeEnv,
	now: Date,
	log: Logger,
	options: JourneyOptions = PROBE_OPTIONS,
): Promise<ProbeRun> {
	const run: ProbeRun = { outcome: "ok", orderId: "", totalMs: 0, steps: [], failedStep: "" };
	const started = Date.now();
	const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
		const began = Date.now();
		const finish = (outcome: ProbeOutcome) => {
			const timing = { step: name, outcome, latencyMs: Date.now() - began, orderId: run.orderId };
			run.steps.push(timing);
			env.ORDER_METRICS.writeDataPoint(stepPoint(env.ENVIRONMENT, timing));
		};
		try {
			const value = await work();
			finish("ok");
			return value;
		} catch (error) {
			finish("failed");
			throw new ProbeStepFailed(name, error);
		}
	};

	let failure: ProbeStepFailed | undefined;
	try {
		const fixture = await step("provision", () => provisionProbe(env));
		await placeAndFollow(env.FRONT_DOOR, fixture, step, options, (orderId) => {
			run.orderId = orderId;
		});
	} catch (error) {
		failure = error instanceof ProbeStepFailed ? error : new ProbeStepFailed("unknown", error);
		run.outcome = "failed";
		run.failedStep = failure.step;
	}
	run.totalMs = Date.now() - started;
	env.ORDER_METRICS.writeDataPoint(runPoint(env.ENVIRONMENT, run.outcome, run.failedStep, run.totalMs));
	const fields = {
		outcome: run.outcome,
		location: env.PROBE_LOCATION,
		orderId: run.orderId,
		scheduledAt: now.toISOString(),
		totalMs: run.totalMs,
		stepsMs: latencies(run.steps),
	};
	if (failure) {
		log.error("synthetic probe failed", { ...fields, failedStep: run.failedStep, error: errorText(failure.cause) });
		throw failure;
	}
	log.info("synthetic probe", fields);
	return run;
}
