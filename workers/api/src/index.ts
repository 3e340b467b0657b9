/** Entry point of the api worker: HTTP, the queue consumers, the crons (forecasts, erasure sweep), the menu origin and the Durable Objects. */

import { rewriteLegacyPaths } from "@goodfood/platform/legacy-paths";
import { app } from "./app";
import { handleQueue } from "./queues";
import { handleScheduled } from "./scheduled";

export { CartDurableObject } from "../../../durable-objects/src/cart";
export { KitchenFeed } from "../../../durable-objects/src/kitchen-feed";
export { MenuOrigin } from "./menu/origin";

export default {
	fetch: (request, env, ctx) => app.fetch(rewriteLegacyPaths(request), env, ctx),
	queue: handleQueue,
	scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
