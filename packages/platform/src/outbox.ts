/**
 * A transactional outbox: messages stored in the same transaction as the
 * change that caused them, sent by the writer right after the commit
 * (`sendEntries`), and otherwise by whoever drains it (a Durable Object's
 * alarm): a retry, or a send the writer never made. A failed send waits with exponential backoff; after
 * `OUTBOX_MAX_ATTEMPTS` the message goes to the dead-letter queue, where a
 * person can see it, instead of retrying forever.
 *
 * A queue that accepted a message can still lose it (a local queue keeps it in
 * memory; a consumer bug, a dead letter or a purge loses it anywhere), so a
 * sent message is kept, awaiting confirmation, and reconciled: after a grace
 * period the owner asks whether its effects happened, forgets the confirmed
 * ones and sends the others again, with growing waits between checks, until
 * `RECONCILE_MAX_RESENDS`; then it hands the message to the dead-letter queue
 * and reports it. Storage, transport, confirmation and clock are injected, so
 * the rules are tested without a runtime.
 */

/** A stored message not sent yet (or sent again), as the store hands it out. */
export interface OutboxEntry {
	sequence: number;
	/** The message, serialised as it was stored. */
	message: string;
	/** Failed sends so far. */
	attempts: number;
	/** How often reconciliation sent it again; it starts at 0. */
	resends: number;
}

/** A message the queue accepted, kept until its effects are confirmed. */
export interface SentEntry {
	sequence: number;
	message: string;
	resends: number;
	/** When it is due for its next check. */
	checkAt: number;
}

export interface OutboxStore {
	/** Unsent entries due at `now`, oldest first, at most `limit`. */
	due(now: number, limit: number): OutboxEntry[];
	/** Forgets entries that left for good: confirmed, or handed to the dead-letter queue. */
	remove(sequences: number[]): void;
	/** Records a failed send and when to try again (unsent again, if it was stored as sent). */
	retryAt(sequence: number, attempts: number, nextAttemptAt: number, reason: string): void;
	/** Records entries the queue accepted, each checked for confirmation at its `checkAt`. */
	markSent(entries: { sequence: number; checkAt: number }[]): void;
	/** Sent entries awaiting confirmation, oldest first, at most `limit`. */
	awaiting(limit: number): SentEntry[];
	/** Puts a sent entry back to be sent again now, counting the resend. */
	resend(sequence: number, resends: number, now: number): void;
	/** Moves a sent entry's next check. */
	recheckAt(sequence: number, checkAt: number): void;
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

/**
 * Resends before reconciliation gives a message up. With the default grace of
 * five minutes the checks come 5, 10, 20, 40, 60 and 60 minutes apart: about
 * three hours in all, long enough for every queue's own retries to run out,
 * and well inside the 24 hours an e-mail provider keeps an idempotency key.
 */
export const RECONCILE_MAX_RESENDS = 5;
/** The longest wait between two checks, unless the grace period itself is longer. */
export const RECONCILE_MAX_DELAY_MS = 60 * 60_000;

/** The grace period before the first check, doubling with each resend, capped at an hour (or the grace). */
export function reconcileDelayMs(graceMs: number, resends: number): number {
	return Math.min(graceMs * 2 ** resends, Math.max(graceMs, RECONCILE_MAX_DELAY_MS));
}

export interface DrainResult {
	sent: number;
	retried: number;
	deadLettered: number;
}

/**
 * A message its writer sends itself, right after the commit, is stored as
 * sent already (its first check `graceMs` later), so an alarm running
 * meanwhile never sends it too, and a send that succeeds writes nothing more.
 * A send that fails puts it back to be retried (`retryAt`); one that never
 * ran (the object was evicted first) looks, to reconciliation, like a message
 * the queue lost, and is sent again at its check.
 */
export function firstCheckAt(sentAt: number, graceMs: number): number {
	return sentAt + reconcileDelayMs(graceMs, 0);
}

/**
 * Sends what is due in one batch, keeping the sent entries for reconciliation
 * (their first check `graceMs` later); on failure each entry backs off, or
 * goes to the dead-letter queue when out of attempts.
 */
export function drainOutbox(
	store: OutboxStore,
	transport: OutboxTransport,
	report: OutboxReport,
	graceMs: number,
	now: () => number = Date.now,
): Promise<DrainResult> {
	return sendEntries(store, transport, report, graceMs, store.due(now(), OUTBOX_BATCH), now);
}

/**
 * Sends entries as `drainOutbox` sends due ones: marked sent on success
 * (unless `storedAsSent`: the writer stored them so, see `firstCheckAt`),
 * backing off on failure.
 */
export async function sendEntries(
	store: OutboxStore,
	transport: OutboxTransport,
	report: OutboxReport,
	graceMs: number,
	due: OutboxEntry[],
	now: () => number = Date.now,
	storedAsSent = false,
): Promise<DrainResult> {
	if (due.length === 0) return { sent: 0, retried: 0, deadLettered: 0 };
	try {
		await transport.send(due.map((entry) => entry.message));
		if (storedAsSent) return { sent: due.length, retried: 0, deadLettered: 0 };
		const sentAt = now();
		store.markSent(
			due.map((entry) => ({ sequence: entry.sequence, checkAt: sentAt + reconcileDelayMs(graceMs, entry.resends) })),
		);
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

/**
 * Which sent messages had their effects, one answer per message, in order.
 * It should read everything in one round trip; it throws when it cannot tell.
 */
export type ConfirmSent = (messages: string[]) => Promise<Confirmation[]>;

/** `missing` names what has not happened yet, for the repair's log line. */
export type Confirmation = { confirmed: true } | { confirmed: false; missing: string[] };

/** What reconciliation reports: each repair, each give-up, and a check that could not run. */
export interface ReconcileReport {
	/** The message was not confirmed in time and goes out again (`resends` counts this one). */
	resent(entry: SentEntry & { missing: string[] }): void;
	/**
	 * Out of resends: `handedOver`, the message is in the dead-letter queue and
	 * this outbox forgets it; otherwise that queue refused it too, and it is kept.
	 */
	gaveUp(entry: SentEntry & { missing: string[]; handedOver: boolean }): void;
	/** Confirmation could not be read; due entries are checked again at `checkAt`. */
	checkFailed(reason: string, checkAt: number): void;
}

export interface ReconcileResult {
	confirmed: number;
	resent: number;
	gaveUp: number;
}

/**
 * The sweep: when any sent entry is due for a check, asks once about all of
 * them (an early confirmation frees its row sooner), forgets the confirmed,
 * puts the unconfirmed due ones back to be sent, and gives up on those out of
 * resends. Running it again changes nothing until the next check is due.
 */
export async function reconcileOutbox(
	store: OutboxStore,
	confirm: ConfirmSent,
	transport: Pick<OutboxTransport, "deadLetter">,
	report: ReconcileReport,
	graceMs: number,
	now: () => number = Date.now,
): Promise<ReconcileResult> {
	const result: ReconcileResult = { confirmed: 0, resent: 0, gaveUp: 0 };
	const sent = store.awaiting(OUTBOX_BATCH);
	const checkedAt = now();
	const due = sent.filter((entry) => entry.checkAt <= checkedAt);
	if (due.length === 0) return result;
	let answers: Confirmation[];
	try {
		answers = await confirm(sent.map((entry) => entry.message));
	} catch (error) {
		const checkAt = checkedAt + backoffMs(1);
		for (const entry of due) store.recheckAt(entry.sequence, checkAt);
		report.checkFailed(error instanceof Error ? error.message : String(error), checkAt);
		return result;
	}
	const confirmed: number[] = [];
	for (const [index, entry] of sent.entries()) {
		const answer = answers[index];
		if (answer?.confirmed) {
			confirmed.push(entry.sequence);
			continue;
		}
		if (entry.checkAt > checkedAt) continue;
		const missing = answer?.missing ?? ["an answer"];
		if (entry.resends < RECONCILE_MAX_RESENDS) {
			const resends = entry.resends + 1;
			store.resend(entry.sequence, resends, checkedAt);
			report.resent({ ...entry, resends, missing });
			result.resent++;
		} else if (await handedToDeadLetters(transport, entry.message)) {
			store.remove([entry.sequence]);
			report.gaveUp({ ...entry, missing, handedOver: true });
			result.gaveUp++;
		} else {
			// The dead-letter queue refused: keep it and look again, never drop it.
			store.recheckAt(entry.sequence, checkedAt + reconcileDelayMs(graceMs, entry.resends));
			report.gaveUp({ ...entry, missing, handedOver: false });
		}
	}
	store.remove(confirmed);
	result.confirmed = confirmed.length;
	return result;
}

async function handedToDeadLetters(transport: Pick<OutboxTransport, "deadLetter">, message: string): Promise<boolean> {
	try {
		await transport.deadLetter(message);
		return true;
	} catch {
		return false;
	}
}
