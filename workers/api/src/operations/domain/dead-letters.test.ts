/** Replayed dead letters are sent in groups the Queues limits allow. */
import { describe, expect, it } from "vitest";
import { MAX_BYTES_PER_SEND, MAX_MESSAGES_PER_SEND, sendChunks } from "./dead-letters";

const letter = (id: number, bytes = 10) => ({ id, body: "x".repeat(bytes) });

describe("send chunks", () => {
	it("sends at most 100 letters at once", () => {
		const chunks = sendChunks(Array.from({ length: 250 }, (_, id) => letter(id)));
		expect(chunks.map((chunk) => chunk.length)).toEqual([MAX_MESSAGES_PER_SEND, MAX_MESSAGES_PER_SEND, 50]);
		expect(chunks.flat().map((entry) => entry.id)).toEqual(Array.from({ length: 250 }, (_, id) => id));
	});

	it("starts a new send before the bytes would run over, and sends an oversized letter alone", () => {
		const big = MAX_BYTES_PER_SEND / 2;
		const chunks = sendChunks([letter(1, big), letter(2, big), letter(3, 1), letter(4, MAX_BYTES_PER_SEND * 2)]);
		expect(chunks.map((chunk) => chunk.map((entry) => entry.id))).toEqual([[1, 2], [3], [4]]);
	});

	it("sends nothing for no letters", () => {
		expect(sendChunks([])).toEqual([]);
	});
});
