/**
 * Reads go through the D1 Sessions API so they can be served by a nearby
 * replica. A client that sends back the `x-d1-bookmark` of an earlier response
 * reads at least as new as that response: it sees its own writes.
 *
 * A bookmark is opaque, so it is not parsed here: a value that cannot be one
 * (empty of printable characters, or far too long) is refused up front, and one
 * that D1 itself rejects, when the session opens or at its first query, is
 * answered 400 `invalid_bookmark` naming the header rather than 500.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { ApiError, errorResponse } from "./errors";

export const BOOKMARK_HEADER = "x-d1-bookmark";

/** Printable ASCII, bounded: D1's bookmarks are a few dozen such characters. */
const PLAUSIBLE_BOOKMARK = /^[\x21-\x7e]{1,512}$/;

function invalidBookmark(): ApiError {
	return new ApiError(
		"invalid_bookmark",
		`The ${BOOKMARK_HEADER} header is not a bookmark this API gave out; send one from an earlier response, or none`,
		[{ field: BOOKMARK_HEADER, message: "not a D1 bookmark" }],
		400,
	);
}

/** Whether D1 refused the request's bookmark, as far as its error says. */
function isBookmarkFailure(error: unknown): boolean {
	for (let current = error; current instanceof Error; current = current.cause) {
		if (/bookmark/i.test(current.message)) return true;
	}
	return false;
}

function openSession(c: Context<AppEnv>, bookmark: string | undefined): D1DatabaseSession {
	const readOnly = c.req.method === "GET" || c.req.method === "HEAD";
	try {
		return c.env.DB.withSession(bookmark || (readOnly ? "first-unconstrained" : "first-primary"));
	} catch (error) {
		if (bookmark) throw invalidBookmark();
		throw error;
	}
}

export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
	const bookmark = c.req.header(BOOKMARK_HEADER);
	if (bookmark && !PLAUSIBLE_BOOKMARK.test(bookmark)) throw invalidBookmark();
	const session = openSession(c, bookmark);
	c.set("d1", session);
	await next();
	if (bookmark && c.error && isBookmarkFailure(c.error)) {
		// The handler's failure was D1 refusing the bookmark: the client's mistake, not the server's.
		c.res = undefined;
		c.res = errorResponse(c, invalidBookmark());
		return;
	}
	const latest = session.getBookmark();
	if (latest) c.header(BOOKMARK_HEADER, latest);
});
