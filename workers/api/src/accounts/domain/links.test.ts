import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { assertLinkUsable, LINK_LIFETIME_MS, linkUrl } from "./links";

function refusal(run: () => void): { code: string; details?: unknown } | undefined {
	try {
		run();
		return undefined;
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation;
		throw error;
	}
}

const NOW = Date.UTC(2026, 11, 7, 12);

describe("a presented link", () => {
	it("works while unused and unexpired", () => {
		expect(refusal(() => assertLinkUsable({ expiresAt: NOW + 1, usedAt: null }, NOW))).toBeUndefined();
	});

	it("is invalid when no link has its token, naming the field", () => {
		expect(refusal(() => assertLinkUsable(undefined, NOW))).toMatchObject({
			code: "link_invalid",
			details: [{ field: "token" }],
		});
	});

	it("is expired from its expiry on", () => {
		expect(refusal(() => assertLinkUsable({ expiresAt: NOW, usedAt: null }, NOW))?.code).toBe("link_expired");
	});

	it("is used once used, even after its expiry", () => {
		expect(refusal(() => assertLinkUsable({ expiresAt: NOW + 1, usedAt: NOW - 1 }, NOW))?.code).toBe("link_used");
		expect(refusal(() => assertLinkUsable({ expiresAt: NOW - 1, usedAt: NOW - 2 }, NOW))?.code).toBe("link_used");
	});
});

describe("link lifetimes and addresses", () => {
	it("gives a reset 30 minutes, a verification and an invitation 7 days", () => {
		expect(LINK_LIFETIME_MS.password_reset).toBe(30 * 60_000);
		expect(LINK_LIFETIME_MS.email_verification).toBe(7 * 24 * 3600_000);
		expect(LINK_LIFETIME_MS.staff_invitation).toBe(7 * 24 * 3600_000);
	});

	it("points at the web app's page for each kind, with the token encoded", () => {
		expect(linkUrl("https://goodfood.example/", "password_reset", "a+b/c")).toBe(
			"https://goodfood.example/reset-password?token=a%2Bb%2Fc",
		);
		expect(linkUrl("http://localhost:8787", "email_verification", "t")).toBe(
			"http://localhost:8787/verify-email?token=t",
		);
		expect(linkUrl("http://localhost:8787", "staff_invitation", "t")).toBe("http://localhost:8787/invitation?token=t");
	});
});
