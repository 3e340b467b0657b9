/**
 * Idempotent commands (`Idempotency-Key`, as Stripe does it): the first
 * answer to a key is stored and replayed to a retry with the same request; the
 * same key with a different request is refused; a retry that arrives while the
 * first call still runs joins it. A stored answer expires after
 * `IDEMPOTENCY_TTL_MS`, after which the key counts as new. Storage and clock
 * are injected.
 */

export interface IdempotencyKey {
	key: string;
	/** A digest of the request, so a reused key with another body is told apart. */
	fingerprint: string;
}

export interface StoredAnswer {
	fingerprint: string;
	response: string;
	/** When it was stored, in ms since the epoch. */
	storedAt: number;
}

export interface IdempotencyStore {
	find(key: string): StoredAnswer | undefined;
	/** Stores the answer; called inside the transaction that made the change. */
	save(key: string, answer: StoredAnswer): void;
	forget(key: string): void;
}

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;

/** How a call with a key should go: replay the stored answer, refuse a reused key, or run. */
export type Recall = { kind: "replay"; response: string } | { kind: "reused" } | { kind: "new" };

/** What a key's stored answer says about a call with this fingerprint; an expired answer is forgotten. */
export function recall(store: IdempotencyStore, key: IdempotencyKey, now: number): Recall {
	const stored = store.find(key.key);
	if (!stored) return { kind: "new" };
	if (now - stored.storedAt >= IDEMPOTENCY_TTL_MS) {
		store.forget(key.key);
		return { kind: "new" };
	}
	return stored.fingerprint === key.fingerprint ? { kind: "replay", response: stored.response } : { kind: "reused" };
}

/**
 * Calls in flight, per key, in one isolate: a retry of a call still running
 * joins it instead of running twice; the same key with another fingerprint is reused.
 */
export class InFlightCalls<T> {
	private readonly running = new Map<string, { fingerprint: string; result: Promise<T> }>();

	/** Runs `run` unless a call with this key is running; `onReused` answers a clash of fingerprints. */
	async join(key: IdempotencyKey, run: () => Promise<T>, onReused: () => T): Promise<T> {
		const current = this.running.get(key.key);
		if (current) return current.fingerprint === key.fingerprint ? current.result : onReused();
		const result = run();
		this.running.set(key.key, { fingerprint: key.fingerprint, result });
		try {
			return await result;
		} finally {
			this.running.delete(key.key);
		}
	}
}
