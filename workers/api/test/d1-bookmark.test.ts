/**
 * The `x-d1-bookmark` header through the whole worker. It holds a bookmark per
 * database, each named (`global:<bookmark>,eu:<bookmark>`); a response hands
 * back every one the request was sent, moved on for each database it used.
 * Whatever a client sends in it, the answer is never a 500: a value that cannot
 * be a bookmark, or one D1 refuses, is a 400 `invalid_bookmark` naming the
 * header, and an entry for no database of ours is ignored.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf, STAFF } from "./helpers";

const LOCATIONS = "https://api.goodfood.test/api/v1/locations";
/** A bookmark as D1 gives them out, from before anything was written. */
const OLD_BOOKMARK = "00000000-00000000-00000000-00000000000000000000000000000000";

afterEach(() => {
	vi.restoreAllMocks();
});

function read(bookmark: string) {
	return SELF.fetch(LOCATIONS, { headers: { "x-d1-bookmark": bookmark } });
}

/** The header's entries by database name. */
function bookmarksOf(response: Response): Record<string, string> {
	const header = response.headers.get("x-d1-bookmark") ?? "";
	return Object.fromEntries(
		header
			.split(",")
			.filter(Boolean)
			.map((entry) => [entry.slice(0, entry.indexOf(":")), entry.slice(entry.indexOf(":") + 1)]),
	);
}

describe("the x-d1-bookmark header", () => {
	it("hands back the global database's bookmark, named, and reads with it", async () => {
		const first = await SELF.fetch(LOCATIONS);
		const { global } = bookmarksOf(first);
		expect(global).toBeTruthy();
		const again = await read(`global:${global}`);
		expect(again.status).toBe(200);
		expect(bookmarksOf(again).global).toBeTruthy();
	});

	it("hands back the bookmarks of databases the request did not use as they were sent", async () => {
		const response = await read(`global:${OLD_BOOKMARK},us:${OLD_BOOKMARK}`);
		expect(response.status).toBe(200);
		const bookmarks = bookmarksOf(response);
		expect(Object.keys(bookmarks).sort()).toEqual(["global", "us"]);
		expect(bookmarks.us).toBe(OLD_BOOKMARK);
	});

	it("names the bookmark of a region's order database the request used", async () => {
		// Moving a location reads its old region's orders (a move must not leave an open one behind).
		const location = (await (await SELF.fetch(`${LOCATIONS}/london-soho`)).json()) as Record<string, unknown>;
		const { slug, openNow, menuVersion, distanceMeters, ...fields } = location;
		const moving = `moving-${crypto.randomUUID().slice(0, 8)}`;
		const put = (region: string, bookmark?: string) =>
			SELF.fetch(`${LOCATIONS}/${moving}`, {
				method: "PUT",
				headers: { ...STAFF, "content-type": "application/json", ...(bookmark ? { "x-d1-bookmark": bookmark } : {}) },
				body: JSON.stringify({ ...fields, region }),
			});
		expect((await put("eu")).status).toBe(201);
		const moved = await put("us", `apac:${OLD_BOOKMARK}`);
		expect(moved.status).toBe(200);
		const bookmarks = bookmarksOf(moved);
		expect(Object.keys(bookmarks).sort()).toEqual(["apac", "eu", "global"]);
		expect(bookmarks.apac).toBe(OLD_BOOKMARK);
	});

	it.each([
		["a database we do not have", `mars:${OLD_BOOKMARK}`],
		["no name, as before regions", OLD_BOOKMARK],
		["no name beside a named one", `${OLD_BOOKMARK},global:${OLD_BOOKMARK}`],
	])("ignores an entry naming %s", async (_, header) => {
		const response = await read(header);
		expect(response.status).toBe(200);
		expect(Object.keys(bookmarksOf(response))).toEqual(["global"]);
	});

	it.each([
		["far too long", `global:${"0".repeat(600)}`],
		["with spaces", "global:not a bookmark"],
		["with spaces and no name", "not a bookmark"],
		["empty", "eu:"],
	])("answers a bookmark %s with 400 invalid_bookmark naming the header", async (_, bookmark) => {
		const response = await read(bookmark);
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("invalid_bookmark");
		expect(error.details).toEqual([expect.objectContaining({ field: "x-d1-bookmark" })]);
	});

	it.each([
		["global:garbage"],
		["global:%%"],
		["global:ffffffff-ffffffff-ffffffff-ffffffffffffffffffffffffffffffff"],
		["global:first-primary"],
	])("never answers 500 for the bookmark %s", async (bookmark) => {
		const response = await read(bookmark);
		expect(response.status).not.toBe(500);
		expect([200, 400]).toContain(response.status);
	});

	it("answers 400 when D1 refuses the global bookmark as the session opens", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		vi.spyOn(env.DB, "withSession").mockImplementation(() => {
			throw new Error("D1_ERROR: invalid bookmark");
		});
		const response = await read("global:00000000-0000000b-00000000-00000000000000000000000000000000");
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("invalid_bookmark");
	});

	it("answers 400 when D1 refuses a region's bookmark as its session opens", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		vi.spyOn(env.ORDERS_EU, "withSession").mockImplementation(() => {
			throw new Error("D1_ERROR: invalid bookmark");
		});
		const location = (await (await SELF.fetch(`${LOCATIONS}/london-soho`)).json()) as Record<string, unknown>;
		const { slug, openNow, menuVersion, distanceMeters, ...fields } = location;
		// Moving london-soho out of eu reads eu's orders, with the bookmark sent for eu.
		const response = await SELF.fetch(`${LOCATIONS}/london-soho`, {
			method: "PUT",
			headers: { ...STAFF, "content-type": "application/json", "x-d1-bookmark": `eu:${OLD_BOOKMARK}` },
			body: JSON.stringify({ ...fields, region: "us" }),
		});
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("invalid_bookmark");
	});

	it("answers 400 when D1 refuses the global bookmark at the first query", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const refused = async () => {
			throw new Error("D1_ERROR: Invalid bookmark: could not be parsed");
		};
		const statement = { bind: () => statement, all: refused, raw: refused, first: refused, run: refused };
		vi.spyOn(env.DB, "withSession").mockImplementation(
			() => ({ prepare: () => statement, batch: refused, getBookmark: () => null }) as unknown as D1DatabaseSession,
		);
		const response = await read("global:00000000-0000000b-00000000-00000000000000000000000000000000");
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("invalid_bookmark");
		expect(error.message).toContain("x-d1-bookmark");
	});
});
