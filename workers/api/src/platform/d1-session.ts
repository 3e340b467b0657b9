/**
 * Reads go through the D1 Sessions API so they can be served by a nearby
 * replica. A client that sends back the `x-d1-bookmark` of an earlier response
 * reads at least as new as that response: it sees its own writes.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";

export const BOOKMARK_HEADER = "x-d1-bookmark";

export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
	const bookmark = c.req.header(BOOKMARK_HEADER);
	const readOnly = c.req.method === "GET" || c.req.method === "HEAD";
	const session = c.env.DB.withSession(bookmark || (readOnly ? "first-unconstrained" : "first-primary"));
	c.set("d1", session);
	await next();
	const latest = session.getBookmark();
	if (latest) c.header(BOOKMARK_HEADER, latest);
});
