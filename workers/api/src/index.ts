/** Entry point of the api worker: HTTP, the queue consumers, the crons (forecasts, erasure sweep), the menu origin and the Durable Objects. */

import { rewriteLegacyPaths } from "@goodfood/platform/legacy-paths";
import { writeLog } from "@goodfood/platform/log";
import { CONFIGURATION_RETRY_DELAY_SECONDS, refusedConfiguration } from "@goodfood/platform/regions";
import { app } from "./app";
import { handleQueue } from "./queues";
import { handleScheduled } from "./scheduled";

export { CartDurableObject } from "../../../durable-objects/src/cart";
export { KitchenFeed } from "../../../durable-objects/src/kitchen-feed";
export { LocationKitchen } from "../../../durable-objects/src/location-kitchen";
export { PaymentSimulator } from "../../../durable-objects/src/payment-simulator";
export { MenuOrigin } from "./menu/origin";

// Only handlers and entrypoints may be exported here: workerd refuses a module exporting anything else.

function configurationRefused(env: Env, work: string): boolean {
	const error = refusedConfiguration(env, (refused) =>
		writeLog("error", "configuration invalid; refusing every request, batch and cron run", {
			error: refused.message,
		}),
	);
	if (error) writeLog("warn", `${work} not run: the configuration is invalid`, { error: error.message });
	return error !== undefined;
}

export default {
	// The app itself refuses requests under a configuration that cannot work (see app.ts).
	fetch: (request, env, ctx) => app.fetch(rewriteLegacyPaths(request), env, ctx),
	queue: async (batch, env, ctx) => {
		if (configurationRefused(env, `queue batch of ${batch.queue}`)) {
			// Not processed and not failed one by one: kept for when the configuration is fixed.
			batch.retryAll({ delaySeconds: CONFIGURATION_RETRY_DELAY_SECONDS });
			return;
		}
		return handleQueue(batch, env, ctx);
	},
	scheduled: async (controller, env) => {
		// A skipped run is logged; the erasure sweep resumes at its next run, forecasts are made the next night.
		if (configurationRefused(env, `cron ${controller.cron}`)) return;
		return handleScheduled(controller, env);
	},
} satisfies ExportedHandler<Env>;
