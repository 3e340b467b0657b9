import { describe, expect, it } from "vitest";
import { headersAreMutable } from "./gateway";

describe("headersAreMutable", () => {
	it("tells a response the app built from one whose headers are locked", () => {
		expect(headersAreMutable(new Response("{}", { headers: { "content-type": "application/json" } }))).toBe(true);
		expect(headersAreMutable(Response.error())).toBe(false);
	});
});
