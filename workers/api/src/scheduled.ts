/**
 * The api worker's one `scheduled` handler: each cron of `[triggers]` in
 * wrangler.toml runs its own job. A cron nobody handles throws, so a
 * misconfigured trigger shows as failed in the dashboard instead of doing nothing.
 */
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace, formatTraceparent } from "@goodfood/platform/trace";
import { finishErasures } from "./accounts/erasure";
import { precomputeNightly } from "./intelligence/scheduled";
import { learnPrepTimesNightly } from "./kitchen/prep-times-job";
import { reconcilePaymentsNightly } from "./payments/reconcile-cron";

export const CRONS = {
	/** Nightly at 03:00 UTC: demand forecasts, then any erasure left over, then payments stuck at authorised. */
	nightly: "0 3 * * *",
	/** Every ten minutes, in every region: erasures a deletion request could not finish or was interrupted in, and orders that landed after it. */
	erasureSweep: "*/10 * * * *",
} as const;

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
	// Each run is the root of its own trace, so its lines can be found together.
	const trace = continueTrace(undefined);
	const log = spanLogger(trace);
	switch (controller.cron) {
		case CRONS.nightly: {
			const now = new Date(controller.scheduledTime);
			// One after the other, each whatever the other did; the run fails if either did.
			const failures: unknown[] = [];
			for (const job of [
				() => precomputeNightly(env, now, controller.cron, log),
				() => reconcilePaymentsNightly(env, now, log, { traceparent: formatTraceparent(trace) }),
				() => learnPrepTimesNightly(env, now, log),
			]) {
				await job().catch((error: unknown) => failures.push(error));
			}
			if (failures.length === 1) throw failures[0];
			if (failures.length > 1) throw new AggregateError(failures, "Nightly jobs failed");
			return;
		}
		case CRONS.erasureSweep:
			return finishErasures(env, log);
		default:
			throw new Error(`No job for cron ${controller.cron}`);
	}
}
