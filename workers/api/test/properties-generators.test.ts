/**
 * The fuzzers' own parts (test/fuzz/): the zod-to-fast-check converter gives
 * values its schema accepts and near-misses it refuses, and the answer check
 * catches each kind of bad answer, so a green property test means something.
 */
import { ErrorSchema } from "@goodfood/platform/openapi";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { nearMiss, validValue } from "../../../test/fuzz/arbitraries";
import { checkAnswer, FindingTally } from "../../../test/fuzz/check";
import { type FuzzOperation, type FuzzRequest, requestArbitrary } from "../../../test/fuzz/operations";

const Line = z.object({
	itemId: z.string().min(1).max(100),
	quantity: z.number().int().min(1).max(20).default(1),
	options: z.array(z.string().regex(/^opt-[a-z]{3,8}$/)).max(3),
	note: z.string().max(20).nullish(),
	fulfilment: z.enum(["pickup", "delivery"]),
	when: z.union([z.literal("asap"), z.iso.datetime()]),
	key: z
		.string()
		.min(16)
		.max(32)
		.regex(/^[\x21-\x7e]+$/),
	contact: z.object({ email: z.email(), phone: z.string().regex(/^\+?[0-9][0-9 ()-]{5,19}$/) }),
});

describe("validValue", () => {
	it("draws values the schema accepts, lengths and patterns included", () => {
		fc.assert(
			fc.property(validValue(Line), (value) => {
				expect(Line.safeParse(value).error?.issues ?? []).toEqual([]);
			}),
			{ numRuns: 200, seed: 7 },
		);
	});

	it("mostly takes the known values a field's name has", () => {
		const values = fc.sample(validValue(z.object({ itemId: z.string() }), { itemId: ["itm-ldn-flat-white"] }), {
			numRuns: 200,
			seed: 7,
		});
		const known = values.filter((value) => (value as { itemId: string }).itemId === "itm-ldn-flat-white").length;
		expect(known).toBeGreaterThan(120);
	});
});

describe("nearMiss", () => {
	it("draws values a strict schema mostly refuses (the rest sit at its edges)", () => {
		const Strict = z.strictObject({
			quantity: z.number().int().min(1).max(20),
			fulfilment: z.enum(["pickup", "delivery"]),
			itemId: z.string().min(1).max(100),
		});
		const values = fc.sample(nearMiss(Strict), { numRuns: 300, seed: 7 });
		const refused = values.filter((value) => !Strict.safeParse(value).success).length;
		expect(refused / values.length).toBeGreaterThan(0.8);
	});

	it("reaches over a string's maximum, under a number's minimum and past an array's length", () => {
		const over = (schema: z.ZodType) =>
			fc.sample(nearMiss(schema), { numRuns: 300, seed: 7 }).some((value) => !schema.safeParse(value).success);
		expect(over(z.string().max(5))).toBe(true);
		expect(over(z.number().int().min(1))).toBe(true);
		expect(over(z.array(z.boolean()).max(2))).toBe(true);
	});
});

const operation: FuzzOperation = {
	name: "POST /api/v1/things",
	method: "POST",
	path: "/api/v1/things",
	responses: {
		"201": { "application/json": z.object({ id: z.string() }) },
		"204": {},
		"400": { "application/json": ErrorSchema },
	},
	documentedStatuses: new Set(["201", "204", "400", "429"]),
};
const request: FuzzRequest = {
	operation: operation.name,
	principal: "anonymous",
	method: "POST",
	url: "/api/v1/things",
	headers: {},
	body: "{}",
};
const json = (status: number, body: unknown) => ({
	status,
	contentType: "application/json",
	text: JSON.stringify(body),
});
const envelope = (code: string) => ({ error: { code, message: "no", requestId: "r" } });

describe("checkAnswer", () => {
	it("passes documented answers on their schema", () => {
		expect(checkAnswer(operation, request, json(201, { id: "t1" }))).toEqual([]);
		expect(checkAnswer(operation, request, { status: 204, contentType: "", text: "" })).toEqual([]);
		expect(checkAnswer(operation, request, json(400, envelope("validation_failed")))).toEqual([]);
		expect(checkAnswer(operation, request, json(429, envelope("rate_limited")))).toEqual([]);
	});

	it("names a 5xx, an undocumented status, a body off its schema and an error outside the envelope", () => {
		const kinds = (answer: Parameters<typeof checkAnswer>[2]) =>
			checkAnswer(operation, request, answer).map((finding) => finding.kind);
		expect(kinds(json(500, envelope("internal_error")))).toEqual(["5xx", "undocumented status"]);
		expect(kinds(json(404, envelope("not_found")))).toEqual(["undocumented status"]);
		expect(kinds(json(201, { id: 1 }))).toEqual(["off its schema"]);
		expect(kinds({ status: 204, contentType: "text/plain", text: "done" })).toEqual(["off its schema"]);
		expect(kinds({ status: 400, contentType: "text/plain", text: "Bad Request" })).toEqual([
			"not the error envelope",
			"off its schema",
		]);
		// A code of another status: a 400 must not say `rate_limited`.
		expect(kinds(json(400, envelope("rate_limited")))).toEqual(["not the error envelope"]);
	});

	it("reports the operation, the status and the request that got it", () => {
		const [finding] = checkAnswer(operation, request, json(404, envelope("not_found")));
		expect(finding).toMatchObject({ operation: "POST /api/v1/things", status: 404 });
		expect(finding.example).toBe("POST /api/v1/things as anonymous {}");

		const tally = new FindingTally();
		tally.add([finding, finding]);
		expect(tally.count("undocumented status")).toBe(2);
		expect([...tally.groups.keys()]).toEqual(["undocumented status: POST /api/v1/things → 404"]);
	});
});

describe("requestArbitrary", () => {
	it("never puts a dot segment in a path, which a URL parser would resolve into another route", () => {
		const withParam: FuzzOperation = {
			...operation,
			name: "GET /api/v1/things/{thingId}/parts",
			method: "GET",
			path: "/api/v1/things/{thingId}/parts",
			params: z.object({ thingId: z.string().min(1).max(3) }),
		};
		const requests = fc.sample(requestArbitrary(withParam, { anonymous: {} }, { thingId: [".", "..", "t1"] }), {
			numRuns: 500,
			seed: 11,
		});
		const segments = requests.map((sent) => new URL(sent.url, "https://goodfood.test").pathname.split("/")[4]);
		// "." would leave "parts" in the thing's place, ".." nothing at all.
		expect(segments).not.toContain("parts");
		expect(segments).not.toContain(undefined);
		expect(new Set(segments)).toContain("t1");
	});
});
