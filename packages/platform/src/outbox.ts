/**
 * A transactional outbox: messages stored in the same transaction as the
 * change that caused them, sent later by whoever drains it (a Durable Object's
 * alarm). A failed send waits with exponential backoff; after
 * `OUTBOX_MAX_ATTEMPTS` the message goes to the dead-letter queue, where a
 * person can see it, instead of retrying forever. Storage, transport and
 * clock are injected, so the rules are tested without a runtime.
 */

/** A stored message, as the store hands it out. */
export interface OutboxEntry {
	sequence: number;
	/** The message, serialised as it was stored. */
	message: string;
	/** Failed sends so far. */
	attempts: number;
}

export interface OutboxStore {
	/** Entries due at `now`, oldest first, at most `limit`. */
	due(now: number, limit: number): OutboxEntry[];
	/** Forgets entries that left: sent, or handed to the dead-letter queue. */
	remove(sequences: number[]): void;
	/** Records a failed send and when to try again. */
	retryAt(sequence: number, attempts: number, nextAttemptAt: number, reason: string): void;
}

export interface OutboxTransport {
	/** Sends the messages as one batch; throws when none were accepted. */
	send(messages: string[]): Promise<unknown>;
	/** Hands one message that ran out of attempts to the dead-letter queue. */
	deadLetter(message: string): Promise<unknown>;
}

/** What the drain reports, so the owner can log and count in its own trace. */
export interface OutboxReport {
	/** A send failed; the entry will be retried at `nextAttemptAt`. */
	failed(entry: OutboxEntry & { attempts: number; nextAttemptAt: number; reason: string }): void;
	/** The entry ran out of attempts and is now in the dead-letter queue. */
	deadLettered(entry: OutboxEntry & { reason: string }): void;
}

export const OUTBOX_BATCH = 100;
export const OUTBOX_MAX_ATTEMPTS = 10;
export const OUTBOX_MAX_BACKOFF_MS = 5 * 60_000;

/** 1 s after the first failure, doubling up to five minutes. */
export function backoffMs(attempts: number): number {
	return Math.min(OUTBOX_MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, attempts - 1));
}

export interface DrainResult {
	sent: number;
	retried: number;
	deadLettered: number;
}

/** Sends what is due in one batch; on failure each entry backs off, or goes to the dead-letter queue when out of attempts. */
export async function drainOutbox(
	store: OutboxStore,
	transport: OutboxTransport,
	report: OutboxReport,
	now: () => number = Date.now,
): Promise<DrainResult> {
	const due = store.due(now(), OUTBOX_BATCH);
	if (due.length === 0) return { sent: 0, retried: 0, deadLettered: 0 };
	try {
		await transport.send(due.map((entry) => entry.message));
		store.remove(due.map((entry) => entry.sequence));
		return { sent: due.length, retried: 0, deadLettered: 0 };
	} catch (error) {
		const reason = error instanceof Error ? error.message : String(error);
		const result: DrainResult = { sent: 0, retried: 0, deadLettered: 0 };
		for (const entry of due) {
			const attempts = entry.attempts + 1;
			if (attempts >= OUTBOX_MAX_ATTEMPTS && (await handedToDeadLetters(transport, entry.message))) {
				store.remove([entry.sequence]);
				report.deadLettered({ ...entry, attempts, reason });
				result.deadLettered++;
				continue;
			}
			// Out of attempts but the dead-letter queue refused too: keep it, never drop it.
			const nextAttemptAt = now() + backoffMs(attempts);
			store.retryAt(entry.sequence, attempts, nextAttemptAt, reason);
			report.failed({ ...entry, attempts, nextAttemptAt, reason });
			result.retried++;
		}
		return result;
	}
}

async function handedToDeadLetters(transport: OutboxTransport, message: string): Promise<boolean> {
	try {
		await transport.deadLetter(message);
		return true;
	} catch {
		return false;
	}
}
