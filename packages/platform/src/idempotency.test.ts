import { describe, expect, it } from "vitest";
import { IDEMPOTENCY_TTL_MS, type IdempotencyStore, InFlightCalls, recall, type StoredAnswer } from "./idempotency";

function memoryStore(initial: Record<string, StoredAnswer> = {}) {
	const answers = new Map(Object.entries(initial));
	const store: IdempotencyStore = {
		find: (key) => answers.get(key),
		save: (key, answer) => answers.set(key, answer),
		forget: (key) => answers.delete(key),
	};
	return { store, answers };
}

const NOW = 10 * IDEMPOTENCY_TTL_MS;
const FIRST = { fingerprint: "f1", response: '{"orderId":"ord_1"}', storedAt: NOW - 1000 };

describe("idempotency record", () => {
	it("runs a call with a key it has not seen", () => {
		expect(recall(memoryStore().store, { key: "k", fingerprint: "f1" }, NOW)).toEqual({ kind: "new" });
	});

	it("replays the stored answer to a retry with the same request", () => {
		const { store } = memoryStore({ k: FIRST });
		expect(recall(store, { key: "k", fingerprint: "f1" }, NOW)).toEqual({ kind: "replay", response: FIRST.response });
	});

	it("refuses the same key with a different request", () => {
		const { store } = memoryStore({ k: FIRST });
		expect(recall(store, { key: "k", fingerprint: "f2" }, NOW)).toEqual({ kind: "reused" });
	});

	it("forgets an answer once it has expired, so the key counts as new", () => {
		const { store, answers } = memoryStore({ k: { ...FIRST, storedAt: NOW - IDEMPOTENCY_TTL_MS } });
		expect(recall(store, { key: "k", fingerprint: "f2" }, NOW)).toEqual({ kind: "new" });
		expect(answers.has("k")).toBe(false);
	});

	it("keeps an answer until the moment it expires", () => {
		const { store } = memoryStore({ k: { ...FIRST, storedAt: NOW - IDEMPOTENCY_TTL_MS + 1 } });
		expect(recall(store, { key: "k", fingerprint: "f1" }, NOW).kind).toBe("replay");
	});
});

describe("calls in flight", () => {
	it("lets a retry join the call still running instead of running twice", async () => {
		const calls = new InFlightCalls<string>();
		let runs = 0;
		let finish: (value: string) => void = () => {};
		const run = () => {
			runs++;
			return new Promise<string>((resolve) => {
				finish = resolve;
			});
		};
		const first = calls.join({ key: "k", fingerprint: "f1" }, run, () => "reused");
		const retry = calls.join({ key: "k", fingerprint: "f1" }, run, () => "reused");
		finish("placed");

		expect(await Promise.all([first, retry])).toEqual(["placed", "placed"]);
		expect(runs).toBe(1);
	});

	it("refuses a different request under a key that is running", async () => {
		const calls = new InFlightCalls<string>();
		let finish: (value: string) => void = () => {};
		const first = calls.join(
			{ key: "k", fingerprint: "f1" },
			() =>
				new Promise<string>((resolve) => {
					finish = resolve;
				}),
			() => "reused",
		);
		const other = await calls.join(
			{ key: "k", fingerprint: "f2" },
			async () => "ran",
			() => "reused",
		);
		finish("placed");

		expect(other).toBe("reused");
		expect(await first).toBe("placed");
	});

	it("runs the key again once the first call has finished, even when it failed", async () => {
		const calls = new InFlightCalls<string>();
		await expect(
			calls.join(
				{ key: "k", fingerprint: "f1" },
				async () => Promise.reject(new Error("boom")),
				() => "reused",
			),
		).rejects.toThrow("boom");
		expect(
			await calls.join(
				{ key: "k", fingerprint: "f1" },
				async () => "second",
				() => "reused",
			),
		).toBe("second");
	});
});
