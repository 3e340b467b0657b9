/**
 * The watch worker: two crons and a health check. It shares no code path with
 * the workers it watches beyond the databases, so an api that cannot start
 * still gets alerted on.
 */

import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { checkServiceLevels } from "./alerts/check";
import { runSyntheticProbe } from "./probe/run";

export const CRONS = {
	/** Every minute: objectives, dead letters, failing captures and stale outboxes. */
	serviceLevels: "* * * * *",
	/** Every five minutes: a test order through the front door, followed to ready. */
	probe: "*/5 * * * *",
} as const;

export default {
	fetch: (request) =>
		new URL(request.url).pathname === "/health"
			? Response.json({ status: "ok", worker: "watch" })
			: Response.json({ error: { code: "not_found", message: "The watch answers /health only." } }, { status: 404 }),
	scheduled: async (controller, env) => {
		const log = spanLogger(continueTrace(undefined));
		const now = new Date(controller.scheduledTime);
		switch (controller.cron) {
			case CRONS.serviceLevels:
				return checkServiceLevels(env, now, log);
			case CRONS.probe:
				return runSyntheticProbe(env, now, log);
			default:
				throw new Error(`No job for cron ${controller.cron}`);
		}
	},
} satisfies ExportedHandler<WatchEnv>;
