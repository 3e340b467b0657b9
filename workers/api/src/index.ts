/** Entry point of the api worker: HTTP and the menu origin entrypoint. */
import { app } from "./app";

export { MenuOrigin } from "./menu/origin";

export default {
	fetch: app.fetch,
} satisfies ExportedHandler<Env>;
