import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { assertMaySaveAddresses, assertNotVerified } from "./verification";

function codeOf(run: () => void): string | undefined {
	try {
		run();
		return undefined;
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation.code;
		throw error;
	}
}

const ADDRESS = { label: "Home", line1: "1 Road", city: "London", postcode: "W1", latitude: 51.5, longitude: -0.1 };

describe("saved addresses and verification", () => {
	it("an unverified account may not save an address, but may clear them or change other things", () => {
		expect(codeOf(() => assertMaySaveAddresses(null, [ADDRESS]))).toBe("email_unverified");
		expect(codeOf(() => assertMaySaveAddresses(null, []))).toBeUndefined();
		expect(codeOf(() => assertMaySaveAddresses(null, undefined))).toBeUndefined();
	});

	it("a verified account saves addresses", () => {
		expect(codeOf(() => assertMaySaveAddresses("2026-12-07T10:00:00.000Z", [ADDRESS]))).toBeUndefined();
	});

	it("a verified account needs no new link", () => {
		expect(codeOf(() => assertNotVerified("2026-12-07T10:00:00.000Z"))).toBe("already_verified");
		expect(codeOf(() => assertNotVerified(null))).toBeUndefined();
	});
});
