import { describe, expect, it } from "vitest";
import { hmacToken } from "./crypto";

describe("HMAC tokens", () => {
	it("derive the same token again, and a different one under another secret, however the secrets alternate", async () => {
		const first = await hmacToken("secret-one", "ord_1");
		const second = await hmacToken("secret-two", "ord_1");
		expect(second).not.toBe(first);
		expect(await hmacToken("secret-one", "ord_1")).toBe(first);
		expect(await hmacToken("secret-two", "ord_1")).toBe(second);
	});

	it("still verify under a secret used long ago, after many others", async () => {
		const token = await hmacToken("the-first-secret", "ord_2");
		for (let index = 0; index < 20; index++) await hmacToken(`rotated-${index}`, "ord_2");
		expect(await hmacToken("the-first-secret", "ord_2")).toBe(token);
	});

	it("refuse an empty secret", async () => {
		await expect(hmacToken("", "ord_3")).rejects.toThrow("an HMAC key is required");
	});
});
