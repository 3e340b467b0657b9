/**
 * The `x-d1-bookmark` header through the whole worker: whatever a client sends
 * in it, the answer is never a 500. A value that cannot be a bookmark, or one
 * D1 refuses, is a 400 `invalid_bookmark` naming the header.
 */
import { SELF } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorOf } from "./helpers";

const LOCATIONS = "https://api.goodfood.test/api/v1/locations";

afterEach(() => {
	vi.restoreAllMocks();
});

function read(bookmark: string) {
	return SELF.fetch(LOCATIONS, { headers: { "x-d1-bookmark": bookmark } });
}

describe("the x-d1-bookmark header", () => {
	it("reads with a bookmark from an earlier response, and hands a new one back", async () => {
		const first = await SELF.fetch(LOCATIONS);
		const bookmark = first.headers.get("x-d1-bookmark");
		expect(bookmark).toBeTruthy();
		const again = await read(String(bookmark));
		expect(again.status).toBe(200);
		expect(again.headers.get("x-d1-bookmark")).toBeTruthy();
	});

	it.each([
		["far too long", "0".repeat(600)],
		["with spaces", "not a bookmark"],
	])("answers a bookmark %s with 400 invalid_bookmark naming the header", async (_, bookmark) => {
		const response = await read(bookmark);
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("invalid_bookmark");
		expect(error.details).toEqual([expect.objectContaining({ field: "x-d1-bookmark" })]);
	});

	it.each([["garbage"], ["%%"], ["ffffffff-ffffffff-ffffffff-ffffffffffffffffffffffffffffffff"], ["first-primary"]])(
		"never answers 500 for the bookmark %s",
		async (bookmark) => {
			const response = await read(bookmark);
			expect(response.status).not.toBe(500);
			expect([200, 400]).toContain(response.status);
		},
	);

	it("answers 400 when D1 refuses the bookmark as the session opens", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		vi.spyOn(env.DB, "withSession").mockImplementation(() => {
			throw new Error("D1_ERROR: invalid bookmark");
		});
		const response = await read("00000000-0000000b-00000000-00000000000000000000000000000000");
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("invalid_bookmark");
	});

	it("answers 400 when D1 refuses the bookmark at the first query", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const refused = async () => {
			throw new Error("D1_ERROR: Invalid bookmark: could not be parsed");
		};
		const statement = { bind: () => statement, all: refused, raw: refused, first: refused, run: refused };
		vi.spyOn(env.DB, "withSession").mockImplementation(
			() => ({ prepare: () => statement, batch: refused, getBookmark: () => null }) as unknown as D1DatabaseSession,
		);
		const response = await read("00000000-0000000b-00000000-00000000000000000000000000000000");
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("invalid_bookmark");
		expect(error.message).toContain("x-d1-bookmark");
	});
});
