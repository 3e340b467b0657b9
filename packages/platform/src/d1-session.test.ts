import { describe, expect, it } from "vitest";
import { parseBookmarks } from "./d1-session";
import { ApiError } from "./errors";

const BOOKMARK = "00000000-0000000b-00000000-00000000000000000000000000000000";
const OTHER = "00000001-0000000c-00000000-00000000000000000000000000000001";

function refusal(header: string): ApiError {
	try {
		parseBookmarks(header);
	} catch (error) {
		expect(error).toBeInstanceOf(ApiError);
		return error as ApiError;
	}
	throw new Error(`${header} was accepted`);
}

describe("parseBookmarks", () => {
	it("reads nothing from no header", () => {
		expect(parseBookmarks(undefined).size).toBe(0);
		expect(parseBookmarks("").size).toBe(0);
	});

	it("reads one bookmark per database name", () => {
		expect(Object.fromEntries(parseBookmarks(`global:${BOOKMARK},eu:${OTHER}`))).toEqual({
			global: BOOKMARK,
			eu: OTHER,
		});
	});

	it("tolerates spaces around entries and a trailing comma", () => {
		expect(Object.fromEntries(parseBookmarks(` global:${BOOKMARK} , eu:${OTHER},`))).toEqual({
			global: BOOKMARK,
			eu: OTHER,
		});
	});

	it("keeps entries for names it does not know, for the caller to ignore, and the last of a repeated name", () => {
		expect(Object.fromEntries(parseBookmarks(`mars:${BOOKMARK},eu:${BOOKMARK},eu:${OTHER}`))).toEqual({
			mars: BOOKMARK,
			eu: OTHER,
		});
	});

	it("drops a bookmark without a name, as the header had it before regions", () => {
		expect(parseBookmarks(BOOKMARK).size).toBe(0);
		expect(Object.fromEntries(parseBookmarks(`${BOOKMARK},eu:${OTHER}`))).toEqual({ eu: OTHER });
		expect(parseBookmarks(`:${BOOKMARK}`).size).toBe(0);
	});

	it("refuses a value that cannot be a bookmark, named or not, with 400 naming the header", () => {
		for (const header of [
			`global:not a bookmark`,
			"not a bookmark",
			"eu:",
			`global:${"0".repeat(600)}`,
			"eu:\u00e9t\u00e9",
		]) {
			const error = refusal(header);
			expect(error.code).toBe("invalid_bookmark");
			expect(error.status).toBe(400);
			expect(error.details).toEqual([expect.objectContaining({ field: "x-d1-bookmark" })]);
		}
	});

	it("refuses a header far longer than any list of bookmarks", () => {
		const header = Array.from({ length: 100 }, (_, index) => `r${index}:${BOOKMARK}`).join(",");
		expect(refusal(header).code).toBe("invalid_bookmark");
	});
});
