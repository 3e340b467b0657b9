import { describe, expect, it } from "vitest";
import {
	backoffMs,
	type Confirmation,
	drainOutbox,
	firstCheckAt,
	OUTBOX_BATCH,
	OUTBOX_MAX_ATTEMPTS,
	type OutboxReport,
	type OutboxStore,
	type OutboxTransport,
	RECONCILE_MAX_DELAY_MS,
	RECONCILE_MAX_RESENDS,
	type ReconcileReport,
	reconcileDelayMs,
	reconcileOutbox,
	sendEntries,
} from "./outbox";

interface Row {
	sequence: number;
	message: string;
	attempts: number;
	resends: number;
	nextAttemptAt: number;
	sentAt: number | null;
	lastError: string;
}

type Seed = Pick<Row, "sequence" | "message"> & Partial<Row>;

/** An in-memory store with the semantics of the Cart object's outbox table. */
function memoryStore(entries: Seed[]) {
	const rows = new Map<number, Row>(
		entries.map((entry) => [
			entry.sequence,
			{ attempts: 0, resends: 0, nextAttemptAt: 0, sentAt: null, lastError: "", ...entry },
		]),
	);
	const bySequence = (a: Row, b: Row) => a.sequence - b.sequence;
	const update = (sequence: number, change: Partial<Row>) => {
		const row = rows.get(sequence);
		if (row) rows.set(sequence, { ...row, ...change });
	};
	const store: OutboxStore = {
		due: (now, limit) =>
			[...rows.values()]
				.filter((row) => row.sentAt === null && row.nextAttemptAt <= now)
				.sort(bySequence)
				.slice(0, limit),
		remove: (sequences) => {
			for (const sequence of sequences) rows.delete(sequence);
		},
		retryAt: (sequence, attempts, nextAttemptAt, reason) =>
			update(sequence, { sentAt: null, attempts, nextAttemptAt, lastError: reason }),
		markSent: (sent) => {
			for (const { sequence, checkAt } of sent) update(sequence, { sentAt: 1, nextAttemptAt: checkAt, attempts: 0 });
		},
		awaiting: (limit) =>
			[...rows.values()]
				.filter((row) => row.sentAt !== null)
				.sort(bySequence)
				.slice(0, limit)
				.map(({ sequence, message, resends, nextAttemptAt }) => ({
					sequence,
					message,
					resends,
					checkAt: nextAttemptAt,
				})),
		resend: (sequence, resends, now) => update(sequence, { sentAt: null, resends, attempts: 0, nextAttemptAt: now }),
		recheckAt: (sequence, checkAt) => update(sequence, { nextAttemptAt: checkAt }),
	};
	return { store, rows };
}

function recordingTransport(failures: { send?: Error; deadLetter?: Error } = {}) {
	const sent: string[][] = [];
	const deadLetters: string[] = [];
	const transport: OutboxTransport = {
		send: async (messages) => {
			if (failures.send) throw failures.send;
			sent.push(messages);
		},
		deadLetter: async (message) => {
			if (failures.deadLetter) throw failures.deadLetter;
			deadLetters.push(message);
		},
	};
	return { transport, sent, deadLetters };
}

function recordingReport() {
	const failed: { sequence: number; attempts: number; nextAttemptAt: number; reason: string }[] = [];
	const deadLettered: { sequence: number; attempts: number; reason: string }[] = [];
	const report: OutboxReport = {
		failed: ({ sequence, attempts, nextAttemptAt, reason }) =>
			failed.push({ sequence, attempts, nextAttemptAt, reason }),
		deadLettered: ({ sequence, attempts, reason }) => deadLettered.push({ sequence, attempts, reason }),
	};
	return { report, failed, deadLettered };
}

const NOW = 1_000_000;
const GRACE = 300_000;

describe("outbox drain", () => {
	it("sends every due message in one batch, in order, and keeps them awaiting confirmation after the grace period", async () => {
		const { store, rows } = memoryStore([
			{ sequence: 2, message: "b" },
			{ sequence: 1, message: "a", resends: 2 },
		]);
		const { transport, sent } = recordingTransport();

		const result = await drainOutbox(store, transport, recordingReport().report, GRACE, () => NOW);

		expect(sent).toEqual([["a", "b"]]);
		expect(store.due(NOW + 10 * GRACE, OUTBOX_BATCH)).toEqual([]);
		// A message sent again waits longer before its next check.
		expect(store.awaiting(10)).toEqual([
			{ sequence: 1, message: "a", resends: 2, checkAt: NOW + 4 * GRACE },
			{ sequence: 2, message: "b", resends: 0, checkAt: NOW + GRACE },
		]);
		expect(rows.size).toBe(2);
		expect(result).toEqual({ sent: 2, retried: 0, deadLettered: 0 });
	});

	it("leaves messages that are not due yet, and sends at most one batch", async () => {
		const entries = Array.from({ length: OUTBOX_BATCH + 5 }, (_, index) => ({
			sequence: index + 1,
			message: `m${index + 1}`,
		}));
		const { store } = memoryStore([
			...entries,
			{ sequence: 999, message: "later", attempts: 1, nextAttemptAt: NOW + 1 },
		]);
		const { transport, sent } = recordingTransport();

		await drainOutbox(store, transport, recordingReport().report, GRACE, () => NOW);

		expect(sent[0]).toHaveLength(OUTBOX_BATCH);
		expect(store.due(NOW + 1, 1000).map((entry) => entry.sequence)).toEqual([101, 102, 103, 104, 105, 999]);
	});

	it("keeps a message whose send failed and retries it with exponential backoff", async () => {
		const { store, rows } = memoryStore([{ sequence: 1, message: "a", attempts: 2 }]);
		const { transport } = recordingTransport({ send: new Error("queue unavailable") });
		const { report, failed } = recordingReport();

		const result = await drainOutbox(store, transport, report, GRACE, () => NOW);

		expect(rows.get(1)).toMatchObject({ attempts: 3, nextAttemptAt: NOW + 4000, lastError: "queue unavailable" });
		expect(failed).toEqual([{ sequence: 1, attempts: 3, nextAttemptAt: NOW + 4000, reason: "queue unavailable" }]);
		expect(result).toEqual({ sent: 0, retried: 1, deadLettered: 0 });
	});

	it("backs off 1 s, 2 s, 4 s … and never more than five minutes", () => {
		expect([1, 2, 3, 4].map(backoffMs)).toEqual([1000, 2000, 4000, 8000]);
		expect(backoffMs(30)).toBe(5 * 60_000);
	});

	it("hands a message that ran out of attempts to the dead-letter queue and reports it", async () => {
		const { store, rows } = memoryStore([
			{ sequence: 1, message: "old", attempts: OUTBOX_MAX_ATTEMPTS - 1 },
			{ sequence: 2, message: "young" },
		]);
		const { transport, deadLetters } = recordingTransport({ send: new Error("queue unavailable") });
		const { report, failed, deadLettered } = recordingReport();

		const result = await drainOutbox(store, transport, report, GRACE, () => NOW);

		expect(deadLetters).toEqual(["old"]);
		expect(deadLettered).toEqual([{ sequence: 1, attempts: OUTBOX_MAX_ATTEMPTS, reason: "queue unavailable" }]);
		expect([...rows.keys()]).toEqual([2]);
		expect(failed.map((entry) => entry.sequence)).toEqual([2]);
		expect(result).toEqual({ sent: 0, retried: 1, deadLettered: 1 });
	});

	it("never drops a message when the dead-letter queue refuses it too", async () => {
		const { store, rows } = memoryStore([{ sequence: 1, message: "old", attempts: OUTBOX_MAX_ATTEMPTS + 3 }]);
		const { transport } = recordingTransport({ send: new Error("down"), deadLetter: new Error("also down") });
		const { report, deadLettered } = recordingReport();

		await drainOutbox(store, transport, report, GRACE, () => NOW);

		expect(rows.get(1)).toMatchObject({ message: "old", attempts: OUTBOX_MAX_ATTEMPTS + 4 });
		expect(deadLettered).toEqual([]);
	});

	it("does nothing when nothing is due", async () => {
		const { store } = memoryStore([{ sequence: 1, message: "a", attempts: 1, nextAttemptAt: NOW + 10 }]);
		const { transport, sent } = recordingTransport();

		expect(await drainOutbox(store, transport, recordingReport().report, GRACE, () => NOW)).toEqual({
			sent: 0,
			retried: 0,
			deadLettered: 0,
		});
		expect(sent).toEqual([]);
	});
});

function reconcileReport() {
	const resent: { sequence: number; resends: number; missing: string[] }[] = [];
	const gaveUp: { sequence: number; missing: string[]; handedOver: boolean }[] = [];
	const checkFailed: { reason: string; checkAt: number }[] = [];
	const report: ReconcileReport = {
		resent: ({ sequence, resends, missing }) => resent.push({ sequence, resends, missing }),
		gaveUp: ({ sequence, missing, handedOver }) => gaveUp.push({ sequence, missing, handedOver }),
		checkFailed: (reason, checkAt) => checkFailed.push({ reason, checkAt }),
	};
	return { report, resent, gaveUp, checkFailed };
}

/** A confirmation that knows which messages had their effects, and counts its calls. */
function confirmer(confirmed: Set<string>) {
	const asked: string[][] = [];
	const confirm = async (messages: string[]): Promise<Confirmation[]> => {
		asked.push(messages);
		return messages.map((message) =>
			confirmed.has(message) ? { confirmed: true } : { confirmed: false, missing: ["email"] },
		);
	};
	return { confirm, asked };
}

const sentRow = (sequence: number, message: string, checkAt: number, resends = 0): Seed => ({
	sequence,
	message,
	resends,
	sentAt: 1,
	nextAttemptAt: checkAt,
});

describe("a message its writer sends itself, stored as sent", () => {
	const stored = () =>
		memoryStore([{ sequence: 1, message: "a", sentAt: NOW, nextAttemptAt: firstCheckAt(NOW, GRACE) }]);
	const entry = { sequence: 1, message: "a", attempts: 0, resends: 0 };

	it("is never due for a drain meanwhile, and a send that succeeds leaves it awaiting its check", async () => {
		const { store } = stored();
		expect(store.due(NOW + GRACE - 1, OUTBOX_BATCH)).toEqual([]);
		const { transport, sent } = recordingTransport();

		const result = await sendEntries(store, transport, recordingReport().report, GRACE, [entry], () => NOW, true);

		expect(sent).toEqual([["a"]]);
		expect(result).toEqual({ sent: 1, retried: 0, deadLettered: 0 });
		expect(store.awaiting(10)).toEqual([{ sequence: 1, message: "a", resends: 0, checkAt: NOW + GRACE }]);
	});

	it("goes back to the drain when the send fails, after the backoff", async () => {
		const { store } = stored();
		const { transport } = recordingTransport({ send: new Error("queue unavailable") });
		const { report, failed } = recordingReport();

		await sendEntries(store, transport, report, GRACE, [entry], () => NOW, true);

		expect(failed).toEqual([
			{ sequence: 1, attempts: 1, nextAttemptAt: NOW + backoffMs(1), reason: "queue unavailable" },
		]);
		expect(store.awaiting(10)).toEqual([]);
		expect(store.due(NOW + backoffMs(1), OUTBOX_BATCH)).toEqual([
			expect.objectContaining({ sequence: 1, attempts: 1 }),
		]);
	});

	it("is sent again by reconciliation when the writer never sent it", async () => {
		const { store } = stored();
		const { transport } = recordingTransport();
		const report = { resent: () => {}, gaveUp: () => {}, checkFailed: () => {} };
		const unconfirmed = async (messages: string[]) =>
			messages.map((): Confirmation => ({ confirmed: false, missing: ["email"] }));

		const result = await reconcileOutbox(store, unconfirmed, transport, report, GRACE, () => NOW + GRACE);

		expect(result).toEqual({ confirmed: 0, resent: 1, gaveUp: 0 });
		expect(store.due(NOW + GRACE, OUTBOX_BATCH)).toEqual([expect.objectContaining({ sequence: 1, resends: 1 })]);
	});
});

describe("outbox reconciliation", () => {
	it("forgets confirmed messages and puts an unconfirmed one back to be sent, with a report per repair", async () => {
		const { store, rows } = memoryStore([sentRow(1, "delivered", NOW), sentRow(2, "lost", NOW)]);
		const { confirm, asked } = confirmer(new Set(["delivered"]));
		const { report, resent } = reconcileReport();

		const result = await reconcileOutbox(store, confirm, recordingTransport().transport, report, GRACE, () => NOW);

		expect(asked).toEqual([["delivered", "lost"]]);
		expect(result).toEqual({ confirmed: 1, resent: 1, gaveUp: 0 });
		expect(resent).toEqual([{ sequence: 2, resends: 1, missing: ["email"] }]);
		expect([...rows.keys()]).toEqual([2]);
		expect(store.due(NOW, 10)).toEqual([{ ...rows.get(2), resends: 1 }]);
	});

	it("asks nothing before a check is due, and after a repair changes nothing until the next one is", async () => {
		const { store } = memoryStore([sentRow(1, "lost", NOW + 1)]);
		const { confirm, asked } = confirmer(new Set());
		const { transport, sent } = recordingTransport();
		const { report, resent } = reconcileReport();

		expect(await reconcileOutbox(store, confirm, transport, report, GRACE, () => NOW)).toEqual({
			confirmed: 0,
			resent: 0,
			gaveUp: 0,
		});
		expect(asked).toEqual([]);

		await reconcileOutbox(store, confirm, transport, report, GRACE, () => NOW + 1);
		await drainOutbox(store, transport, recordingReport().report, GRACE, () => NOW + 1);
		await reconcileOutbox(store, confirm, transport, report, GRACE, () => NOW + 2);

		expect(resent).toHaveLength(1);
		expect(sent).toEqual([["lost"]]);
		expect(store.awaiting(10)).toEqual([
			{ sequence: 1, message: "lost", resends: 1, checkAt: NOW + 1 + reconcileDelayMs(GRACE, 1) },
		]);
	});

	it("checks every sent message when one is due, but resends only the due ones", async () => {
		const { store, rows } = memoryStore([
			sentRow(1, "early-confirmed", NOW + GRACE),
			sentRow(2, "not-due", NOW + GRACE),
			sentRow(3, "due", NOW),
		]);
		const { confirm } = confirmer(new Set(["early-confirmed"]));
		const { report, resent } = reconcileReport();

		await reconcileOutbox(store, confirm, recordingTransport().transport, report, GRACE, () => NOW);

		expect([...rows.keys()]).toEqual([2, 3]);
		expect(resent.map((entry) => entry.sequence)).toEqual([3]);
		expect(rows.get(2)).toMatchObject({ sentAt: 1, resends: 0 });
	});

	it("gives a message up after the last resend: the dead-letter queue gets it and the report says so", async () => {
		const { store, rows } = memoryStore([sentRow(1, "lost", NOW, RECONCILE_MAX_RESENDS)]);
		const { transport, deadLetters } = recordingTransport();
		const { report, gaveUp, resent } = reconcileReport();

		const result = await reconcileOutbox(store, confirmer(new Set()).confirm, transport, report, GRACE, () => NOW);

		expect(result).toEqual({ confirmed: 0, resent: 0, gaveUp: 1 });
		expect(deadLetters).toEqual(["lost"]);
		expect(gaveUp).toEqual([{ sequence: 1, missing: ["email"], handedOver: true }]);
		expect(resent).toEqual([]);
		expect(rows.size).toBe(0);
	});

	it("keeps a message it gave up on when the dead-letter queue refuses it, and reports that too", async () => {
		const { store, rows } = memoryStore([sentRow(1, "lost", NOW, RECONCILE_MAX_RESENDS)]);
		const { transport } = recordingTransport({ deadLetter: new Error("down") });
		const { report, gaveUp } = reconcileReport();

		await reconcileOutbox(store, confirmer(new Set()).confirm, transport, report, GRACE, () => NOW);

		expect(gaveUp).toEqual([{ sequence: 1, missing: ["email"], handedOver: false }]);
		expect(rows.get(1)).toMatchObject({
			sentAt: 1,
			nextAttemptAt: NOW + reconcileDelayMs(GRACE, RECONCILE_MAX_RESENDS),
		});
	});

	it("resends nothing when the check cannot be read, and looks again shortly", async () => {
		const { store, rows } = memoryStore([sentRow(1, "a", NOW)]);
		const { report, checkFailed, resent } = reconcileReport();
		const failing = async () => {
			throw new Error("D1 unavailable");
		};

		await reconcileOutbox(store, failing, recordingTransport().transport, report, GRACE, () => NOW);

		expect(resent).toEqual([]);
		expect(checkFailed).toEqual([{ reason: "D1 unavailable", checkAt: NOW + backoffMs(1) }]);
		expect(rows.get(1)).toMatchObject({ sentAt: 1, nextAttemptAt: NOW + backoffMs(1) });
	});

	it("waits the grace period, doubling with each resend, at most an hour (or the grace when longer)", () => {
		expect([0, 1, 2, 3, 4, 5].map((resends) => reconcileDelayMs(GRACE, resends) / 60_000)).toEqual([
			5, 10, 20, 40, 60, 60,
		]);
		expect(reconcileDelayMs(1000, 2)).toBe(4000);
		expect(reconcileDelayMs(2 * RECONCILE_MAX_DELAY_MS, 3)).toBe(2 * RECONCILE_MAX_DELAY_MS);
	});
});
