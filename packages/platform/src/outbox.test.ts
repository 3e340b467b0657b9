import { describe, expect, it } from "vitest";
import {
	backoffMs,
	drainOutbox,
	OUTBOX_BATCH,
	OUTBOX_MAX_ATTEMPTS,
	type OutboxEntry,
	type OutboxReport,
	type OutboxStore,
	type OutboxTransport,
} from "./outbox";

/** An in-memory store with the semantics of the Cart object's outbox table. */
function memoryStore(entries: (OutboxEntry & { nextAttemptAt?: number })[]) {
	const rows = new Map(entries.map((entry) => [entry.sequence, { nextAttemptAt: 0, ...entry, lastError: "" }]));
	const store: OutboxStore = {
		due: (now, limit) =>
			[...rows.values()]
				.filter((row) => row.nextAttemptAt <= now)
				.sort((a, b) => a.sequence - b.sequence)
				.slice(0, limit),
		remove: (sequences) => {
			for (const sequence of sequences) rows.delete(sequence);
		},
		retryAt: (sequence, attempts, nextAttemptAt, reason) => {
			const row = rows.get(sequence);
			if (row) rows.set(sequence, { ...row, attempts, nextAttemptAt, lastError: reason });
		},
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

describe("outbox drain", () => {
	it("sends every due message in one batch, in order, and forgets them", async () => {
		const { store, rows } = memoryStore([
			{ sequence: 2, message: "b", attempts: 0 },
			{ sequence: 1, message: "a", attempts: 0 },
		]);
		const { transport, sent } = recordingTransport();

		const result = await drainOutbox(store, transport, recordingReport().report, () => NOW);

		expect(sent).toEqual([["a", "b"]]);
		expect(rows.size).toBe(0);
		expect(result).toEqual({ sent: 2, retried: 0, deadLettered: 0 });
	});

	it("leaves messages that are not due yet, and sends at most one batch", async () => {
		const entries = Array.from({ length: OUTBOX_BATCH + 5 }, (_, index) => ({
			sequence: index + 1,
			message: `m${index + 1}`,
			attempts: 0,
		}));
		const { store, rows } = memoryStore([
			...entries,
			{ sequence: 999, message: "later", attempts: 1, nextAttemptAt: NOW + 1 },
		]);
		const { transport, sent } = recordingTransport();

		await drainOutbox(store, transport, recordingReport().report, () => NOW);

		expect(sent[0]).toHaveLength(OUTBOX_BATCH);
		expect([...rows.keys()].sort((a, b) => a - b)).toEqual([101, 102, 103, 104, 105, 999]);
	});

	it("keeps a message whose send failed and retries it with exponential backoff", async () => {
		const { store, rows } = memoryStore([{ sequence: 1, message: "a", attempts: 2 }]);
		const { transport } = recordingTransport({ send: new Error("queue unavailable") });
		const { report, failed } = recordingReport();

		const result = await drainOutbox(store, transport, report, () => NOW);

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
			{ sequence: 2, message: "young", attempts: 0 },
		]);
		const { transport, deadLetters } = recordingTransport({ send: new Error("queue unavailable") });
		const { report, failed, deadLettered } = recordingReport();

		const result = await drainOutbox(store, transport, report, () => NOW);

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

		await drainOutbox(store, transport, report, () => NOW);

		expect(rows.get(1)).toMatchObject({ message: "old", attempts: OUTBOX_MAX_ATTEMPTS + 4 });
		expect(deadLettered).toEqual([]);
	});

	it("does nothing when nothing is due", async () => {
		const { store } = memoryStore([{ sequence: 1, message: "a", attempts: 1, nextAttemptAt: NOW + 10 }]);
		const { transport, sent } = recordingTransport();

		expect(await drainOutbox(store, transport, recordingReport().report, () => NOW)).toEqual({
			sent: 0,
			retried: 0,
			deadLettered: 0,
		});
		expect(sent).toEqual([]);
	});
});
