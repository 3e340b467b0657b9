import { describe, expect, it } from "vitest";
import { issueAccessToken, revokeSessions, verifyAccessToken } from "./access-token";
import type { Principal } from "./app";

const KITCHEN: Principal = { id: "acc-kitchen", role: "kitchen", locations: ["london-soho"] };

/** The slice of KV the revocation marks use, in memory. */
function memoryKv(): KVNamespace {
	const values = new Map<string, string>();
	return {
		get: async (key: string) => values.get(key) ?? null,
		put: async (key: string, value: string) => void values.set(key, value),
	} as unknown as KVNamespace;
}

describe("access tokens", () => {
	it("name the principal, and are refused once their session has ended", async () => {
		const env = { JWT_SECRET: "secret-one-0123456789abcdef0123456789", REVOCATIONS: memoryKv() };
		const token = await issueAccessToken(env, KITCHEN, { sessionId: "session-1" });
		expect(await verifyAccessToken(env, token)).toEqual(KITCHEN);
		await revokeSessions(env, ["session-1"]);
		expect(await verifyAccessToken(env, token)).toBeUndefined();
	});

	it("are checked against the current secret when it changes", async () => {
		const kv = memoryKv();
		const before = { JWT_SECRET: "secret-one-0123456789abcdef0123456789", REVOCATIONS: kv };
		const after = { JWT_SECRET: "secret-two-0123456789abcdef0123456789", REVOCATIONS: kv };
		const oldToken = await issueAccessToken(before, KITCHEN);
		expect(await verifyAccessToken(before, oldToken)).toEqual(KITCHEN);

		expect(await verifyAccessToken(after, oldToken)).toBeUndefined();
		expect(await verifyAccessToken(after, await issueAccessToken(after, KITCHEN))).toEqual(KITCHEN);
	});
});
