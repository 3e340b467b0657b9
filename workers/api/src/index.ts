/** Entry point of the api worker: HTTP, the order-events consumer, the menu origin and the Cart Durable Object. */
import { app } from "./app";
import { handleOrderEvents } from "./ordering/consumer";

export { CartDurableObject } from "../../../durable-objects/src/cart";
export { MenuOrigin } from "./menu/origin";

export default {
	fetch: app.fetch,
	queue: handleOrderEvents,
} satisfies ExportedHandler<Env>;
