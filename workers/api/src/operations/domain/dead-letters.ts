/**
 * Replaying dead letters, the parts that need no queue or storage: which
 * letters a state names, and how claimed letters are cut into sends that fit
 * the Queues limits.
 */

/** Queues takes at most 100 messages and 256 KB per `sendBatch`; some room is kept for the envelope. */
export const MAX_MESSAGES_PER_SEND = 100;
export const MAX_BYTES_PER_SEND = 200_000;

const encoder = new TextEncoder();

/**
 * Consecutive groups of `letters` for one `sendBatch` each: at most
 * `MAX_MESSAGES_PER_SEND` letters and `MAX_BYTES_PER_SEND` bytes of stored
 * body, except a single letter larger than that, which goes alone.
 */
export function sendChunks<T extends { body: string }>(letters: readonly T[]): T[][] {
	const chunks: T[][] = [];
	let chunk: T[] = [];
	let bytes = 0;
	for (const letter of letters) {
		const size = encoder.encode(letter.body).length;
		if (chunk.length > 0 && (chunk.length === MAX_MESSAGES_PER_SEND || bytes + size > MAX_BYTES_PER_SEND)) {
			chunks.push(chunk);
			chunk = [];
			bytes = 0;
		}
		chunk.push(letter);
		bytes += size;
	}
	if (chunk.length > 0) chunks.push(chunk);
	return chunks;
}
