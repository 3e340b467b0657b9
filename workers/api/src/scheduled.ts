/**
 * The api worker's one `scheduled` handler: each cron of `[triggers]` in
 * wrangler.toml runs its own job. A cron nobody handles throws, so a
 * misconfigured trigger shows as failed in the dashboard instead of doing nothing.
 */
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { finishErasures } from "./accounts/erasure";
import { precomputeNightly } from "./intelligence/scheduled";

export const CRONS = {
	/** Nightly at 03:00 UTC: demand forecasts, then any erasure left over. */
	nightly: "0 3 * * *",
	/** Every ten minutes, in every region: erasures a deletion request could not finish or was interrupted in, and orders that landed after it. */
	erasureSweep: "*/10 * * * *",
} as const;

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
	// Each run is the root of its own trace, so its lines can be found together.
	const log = spanLogger(continueTrace(undefined));
	switch (controller.cron) {
		case CRONS.nightly:
			return precomputeNightly(env, new Date(controller.scheduledTime), controller.cron, log);
		case CRONS.erasureSweep:
			return finishErasures(env, log);
		default:
			throw new Error(`No job for cron ${controller.cron}`);
	}
}
