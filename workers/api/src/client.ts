/**
 * A typed client for front ends: paths, inputs and answers come from the api
 * worker's own route declarations, so a changed route breaks the build of a
 * client that no longer fits it. The web app takes its API types from
 * `GoodFoodClient` (web/src/api/types.ts), so `npm run typecheck:web` fails
 * where a changed route no longer fits the app.
 */
import { type ClientRequestOptions, hc } from "hono/client";
import type { app } from "./app";

export type GoodFoodApi = typeof app;

// Instantiating hc's types once here keeps editors fast in the projects that use the client.
export type GoodFoodClient = ReturnType<typeof hc<GoodFoodApi>>;

/** A client for the API at `baseUrl`; `options.fetch` supplies the transport (a service binding, a test worker). */
export function createClient(baseUrl: string, options?: ClientRequestOptions): GoodFoodClient {
	return hc<GoodFoodApi>(baseUrl, options);
}
