/**
 * Reads go through the D1 Sessions API so they can be served by a nearby
 * replica. A client that sends back the `x-d1-bookmark` of an earlier response
 * reads at least as new as that response: it sees its own writes.
 *
 * There is a database per region besides the global one, so the header holds
 * a bookmark per database, each named: `global:<bookmark>,eu:<bookmark>`. A
 * response hands back every bookmark the request was sent, moved on for each
 * database it used, so a client that keeps the latest header keeps them all.
 * An entry naming no database this deployment has, or none at all, is ignored:
 * a bookmark only ever applies to the database it came from.
 *
 * A bookmark itself is opaque, so it is not parsed here: a value that cannot be
 * one (not printable, or far too long) is refused up front, and one that D1
 * itself rejects, when the session opens or at its first query, is answered
 * 400 `invalid_bookmark` naming the header rather than 500.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app";
import { ApiError, errorResponse } from "./errors";
import { GLOBAL_DATABASE, type Region, regionsOf } from "./regions";

export const BOOKMARK_HEADER = "x-d1-bookmark";
export { GLOBAL_DATABASE };

/** Printable ASCII without commas, bounded: D1's bookmarks are a few dozen such characters. */
const PLAUSIBLE_BOOKMARK = /^[\x21-\x2b\x2d-\x7e]{1,512}$/;
const MAX_HEADER_LENGTH = 4096;

function invalidBookmark(): ApiError {
	return new ApiError(
		"invalid_bookmark",
		`The ${BOOKMARK_HEADER} header is not a list of bookmarks this API gave out; send the header of an earlier response, or none`,
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

/**
 * `name:bookmark` entries by database name. Entries without a name (a bare
 * bookmark from before regions) and empty ones (a trailing comma) are dropped;
 * a value that cannot be a bookmark is refused.
 */
export function parseBookmarks(header: string | undefined): Map<string, string> {
	const bookmarks = new Map<string, string>();
	if (!header) return bookmarks;
	if (header.length > MAX_HEADER_LENGTH) throw invalidBookmark();
	for (const entry of header.split(",")) {
		const trimmed = entry.trim();
		if (trimmed === "") continue;
		const colon = trimmed.indexOf(":");
		const value = colon > 0 ? trimmed.slice(colon + 1) : trimmed;
		if (!PLAUSIBLE_BOOKMARK.test(value)) throw invalidBookmark();
		if (colon > 0) bookmarks.set(trimmed.slice(0, colon), value);
	}
	return bookmarks;
}

function open(database: D1Database, bookmark: string | undefined, readOnly: boolean): D1DatabaseSession {
	try {
		return database.withSession(bookmark || (readOnly ? "first-unconstrained" : "first-primary"));
	} catch (error) {
		if (bookmark) throw invalidBookmark();
		throw error;
	}
}

/** A request's sessions on the regions' order databases, each opened on first use with the bookmark sent for it. */
export class OrderDataSessions {
	private readonly opened = new Map<string, D1DatabaseSession>();

	constructor(
		private readonly env: Env,
		private readonly sent: Map<string, string>,
		private readonly readOnly: boolean,
	) {}

	/** The session on one region's order database. */
	in(region: Region): D1DatabaseSession {
		let session = this.opened.get(region.name);
		if (!session) {
			session = open(region.orders, this.sent.get(region.name), this.readOnly);
			this.opened.set(region.name, session);
		}
		return session;
	}

	/** A session on every region's order database, for reads that span them all. */
	everywhere(): { region: Region; session: D1DatabaseSession }[] {
		return regionsOf(this.env).all.map((region) => ({ region, session: this.in(region) }));
	}

	/** The bookmarks this request moved on, by region. */
	bookmarks(): Map<string, string> {
		const latest = new Map<string, string>();
		for (const [name, session] of this.opened) {
			const bookmark = session.getBookmark();
			if (bookmark) latest.set(name, bookmark);
		}
		return latest;
	}
}

function headerValue(env: Env, sent: Map<string, string>, moved: Map<string, string>): string {
	const names = [GLOBAL_DATABASE, ...regionsOf(env).all.map((region) => region.name)];
	return names
		.map((name) => [name, moved.get(name) ?? sent.get(name)] as const)
		.filter(([, bookmark]) => bookmark)
		.map(([name, bookmark]) => `${name}:${bookmark}`)
		.join(",");
}

export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
	const sent = parseBookmarks(c.req.header(BOOKMARK_HEADER));
	const readOnly = c.req.method === "GET" || c.req.method === "HEAD";
	const session = open(c.env.DB, sent.get(GLOBAL_DATABASE), readOnly);
	const orderData = new OrderDataSessions(c.env, sent, readOnly);
	c.set("d1", session);
	c.set("orderData", orderData);
	await next();
	if (sent.size > 0 && c.error && isBookmarkFailure(c.error)) {
		// The handler's failure was D1 refusing a bookmark: the client's mistake, not the server's.
		c.res = undefined;
		c.res = errorResponse(c, invalidBookmark());
		return;
	}
	const moved = orderData.bookmarks();
	const global = session.getBookmark();
	if (global) moved.set(GLOBAL_DATABASE, global);
	const value = headerValue(c.env, sent, moved);
	if (value) c.header(BOOKMARK_HEADER, value);
});

/** The request's session on a region's order database. */
export function orderSession(c: Context<AppEnv>, region: Region): D1DatabaseSession {
	return c.var.orderData.in(region);
}
