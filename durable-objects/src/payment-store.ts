/**
 * The Cart object's payment bookkeeping (tables in `schema.ts`): provider
 * calls still to make, and webhooks that arrived before their predecessor.
 * Plain reads and writes; the object decides, with the payment state machine.
 *
 * A job is a capture, void or refund to ask of the provider, keyed by the
 * idempotency key it sends (`paymentKeys`): a retry, however often, is one
 * effect at the provider. A refund's job is stored before the provider is
 * called, so a second refund decided meanwhile counts it as taken.
 */
import type { ProviderEvent } from "../../workers/api/src/payments/provider";

export type PaymentJobKind = "capture" | "void" | "refund";

export interface PaymentJob {
	key: string;
	kind: PaymentJobKind;
	amount: number;
	reason: string | null;
	attempts: number;
	nextAttemptAt: number;
	lastError: string | null;
}

type JobRow = {
	key: string;
	kind: PaymentJobKind;
	amount: number;
	reason: string | null;
	attempts: number;
	next_attempt_at: number;
	last_error: string | null;
};

const toJob = (row: JobRow): PaymentJob => ({
	key: row.key,
	kind: row.kind,
	amount: row.amount,
	reason: row.reason,
	attempts: row.attempts,
	nextAttemptAt: row.next_attempt_at,
	lastError: row.last_error,
});

/** An unpaid order (a card not authorised, a second step not completed) expires after this long. */
export const PAYMENT_DUE_MS = 15 * 60_000;

/** After this many failed attempts a job alerts (an error line and a metric); it goes on being retried hourly. */
export const ALERT_AFTER_ATTEMPTS = 5;

/** 30 s, 2 min, 8 min, 32 min, then hourly. */
export function paymentRetryDelayMs(attempts: number): number {
	return Math.min(30_000 * 4 ** Math.max(0, attempts - 1), 3_600_000);
}

export class PaymentStore {
	constructor(private readonly sql: SqlStorage) {}

	addJob(key: string, kind: PaymentJobKind, amount: number, reason: string | null, now: number): PaymentJob {
		this.sql.exec(
			"INSERT OR IGNORE INTO payment_jobs (key, kind, amount, reason, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			key,
			kind,
			amount,
			reason,
			now,
			now,
		);
		return this.job(key) as PaymentJob;
	}

	job(key: string): PaymentJob | undefined {
		const row = this.sql.exec<JobRow>("SELECT * FROM payment_jobs WHERE key = ?", key).toArray()[0];
		return row && toJob(row);
	}

	jobs(): PaymentJob[] {
		return this.sql.exec<JobRow>("SELECT * FROM payment_jobs ORDER BY created_at, key").toArray().map(toJob);
	}

	dueJobs(now: number): PaymentJob[] {
		return this.sql
			.exec<JobRow>("SELECT * FROM payment_jobs WHERE next_attempt_at <= ? ORDER BY created_at, key", now)
			.toArray()
			.map(toJob);
	}

	nextJobAt(): number | null {
		return this.sql.exec<{ next: number | null }>("SELECT min(next_attempt_at) AS next FROM payment_jobs").one().next;
	}

	removeJob(key: string): void {
		this.sql.exec("DELETE FROM payment_jobs WHERE key = ?", key);
	}

	/** Holds the job back until `nextAttemptAt`: a concurrent run of the same job sees it is not due. */
	postpone(key: string, attempts: number, nextAttemptAt: number, error: string | null): void {
		this.sql.exec(
			"UPDATE payment_jobs SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE key = ?",
			attempts,
			nextAttemptAt,
			error,
			key,
		);
	}

	/** Refunds asked of the provider but not recorded yet. */
	pendingRefunds(): number {
		return (
			this.sql
				.exec<{ total: number | null }>("SELECT sum(amount) AS total FROM payment_jobs WHERE kind = 'refund'")
				.one().total ?? 0
		);
	}

	pendingRefundCount(): number {
		return this.sql.exec<{ count: number }>("SELECT count(*) AS count FROM payment_jobs WHERE kind = 'refund'").one()
			.count;
	}

	park(event: ProviderEvent, now: number): void {
		this.sql.exec(
			"INSERT OR IGNORE INTO parked_payment_events (event_id, event, received_at) VALUES (?, ?, ?)",
			event.id,
			JSON.stringify(event),
			now,
		);
	}

	parked(): ProviderEvent[] {
		return this.sql
			.exec<{ event: string }>("SELECT event FROM parked_payment_events ORDER BY received_at, event_id")
			.toArray()
			.map((row) => JSON.parse(row.event) as ProviderEvent);
	}

	unpark(eventId: string): void {
		this.sql.exec("DELETE FROM parked_payment_events WHERE event_id = ?", eventId);
	}
}
