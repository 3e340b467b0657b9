/**
 * The served API document is valid OpenAPI 3.1. The validator reads its JSON
 * schemas from disk, which workerd cannot, so this one runs the app in Node;
 * test/openapi.test.ts checks the document inside workerd.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterEach, expect, it, vi } from "vitest";
import { app } from "./app";

// Serving the document reads no data; these stand in for what the middleware on its way touches
// (a configuration the worker accepts: one region with its order database).
const stubDatabase = { prepare: () => undefined, withSession: () => ({ getBookmark: () => null }) };
const bindings = {
	DB: stubDatabase,
	REGIONS: { eu: { locationHint: "weur" } },
	ORDERS_EU: stubDatabase,
	RATE_LIMIT_ANONYMOUS: { limit: async () => ({ success: true }) },
};

afterEach(() => {
	vi.restoreAllMocks();
});

it("validates against the OpenAPI 3.1 schema", async () => {
	vi.spyOn(console, "log").mockImplementation(() => {});
	const response = await app.request("/api/v1/openapi.json", {}, bindings);
	expect(response.status).toBe(200);

	const validator = new Validator();
	const result = await validator.validate(await response.json());
	expect(result.errors).toBeUndefined();
	expect(result.valid).toBe(true);
	expect(validator.version).toBe("3.1");
});
