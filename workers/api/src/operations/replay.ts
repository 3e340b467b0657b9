/**
 * Dead letters sent back onto the queue they died on, each at most once.
 *
 * The letter is marked replayed by a conditional UPDATE (`replayed_at IS
 * NULL … RETURNING`) before anything is sent: whichever replay wins that
 * statement sends, and a second replay, concurrent or later, finds nothing to
 * claim and sends nothing. A send that fails gives the claim back, so the
 * letter stays pending rather than marked replayed but never sent.
 *
 * Sending one twice would be harmless anyway: the order-events consumer skips
 * an event whose id is already in `order_status_history` (a unique index),
 * and the notification log, keyed by event id, channel and recipient, lets
 * each notification go out once. The claim keeps the queue free of duplicates
 * and the operator's count honest.
 */
import { ApiError } from "@goodfood/platform/errors";
import { errorText, type Logger } from "@goodfood/platform/log";
import type { Database } from "../db/client";
import { QUEUE_NAMES, queueBaseName } from "../queues";
import { sendChunks } from "./domain/dead-letters";
import { type ClaimedLetter, claimReplay, claimReplays, findDeadLetter, releaseReplays } from "./repository";

/**
 * The queue a letter goes back onto, by the dead-letter queue that recorded
 * it: wrangler.toml names `goodfood-order-events-dlq` the order-events
 * consumer's `dead_letter_queue` (and the Cart objects' outbox sends there
 * when it gives up), whatever the environment's suffix. Undefined for a queue
 * nothing replays onto.
 */
export function replayQueueOf(env: Env, deadLetterQueue: string): Queue | undefined {
	switch (queueBaseName(deadLetterQueue)) {
		case QUEUE_NAMES.orderEventsDeadLetter:
			return env.ORDER_EVENTS;
		default:
			return undefined;
	}
}

function unavailable(error: unknown): ApiError {
	return new ApiError(
		"unavailable",
		`The queue did not take the letters; they are still pending (${errorText(error)})`,
	);
}

/** Sends claimed letters as they were stored; on a failed send, gives back every claim not yet sent and throws 503. */
async function sendBack(orders: Database, queue: Queue, letters: ClaimedLetter[], at: string, log: Logger) {
	const chunks = sendChunks(letters);
	for (const [index, chunk] of chunks.entries()) {
		try {
			await queue.sendBatch(chunk.map(({ body }) => ({ body: JSON.parse(body) as unknown, contentType: "json" })));
		} catch (error) {
			const unsent = chunks.slice(index).flat();
			log.error("dead letter replay failed", {
				letters: unsent.map(({ queue: from, messageId }) => ({ queue: from, messageId })),
				error: errorText(error),
			});
			await releaseReplays(orders, unsent, at);
			throw unavailable(error);
		}
	}
}

/** Replays one letter: `replayed: false` with the earlier time when it had been replayed already. */
export async function replayOne(
	env: Env,
	orders: Database,
	key: { queue: string; messageId: string },
	now: Date,
	log: Logger,
): Promise<{ replayed: boolean; replayedAt: string }> {
	const letter = await findDeadLetter(orders, key.queue, key.messageId);
	if (!letter) throw ApiError.notFound("Dead letter");
	if (letter.replayedAt) return { replayed: false, replayedAt: letter.replayedAt };
	const queue = replayQueueOf(env, letter.queue);
	if (!queue) throw new ApiError("unprocessable", `Nothing replays letters of the queue ${letter.queue}`);
	const at = now.toISOString();
	const claimed = await claimReplay(orders, key.queue, key.messageId, at);
	if (!claimed) {
		// Another replay claimed it between the read and the claim: it sends, this one does not.
		const current = await findDeadLetter(orders, key.queue, key.messageId);
		return { replayed: false, replayedAt: current?.replayedAt ?? at };
	}
	await sendBack(orders, queue, [claimed], at, log);
	return { replayed: true, replayedAt: at };
}

/** At most this many pending letters per region and call; dead letters are rare, so one call clears them. */
export const REPLAY_ALL_LIMIT = 500;

/**
 * Replays pending letters of one region: claims them in one
 * round trip, then sends those this call won. `alreadyReplayed` counts those
 * another replay claimed between the read and the claim.
 */
export async function replayPending(
	env: Env,
	orders: Database,
	pending: readonly { queue: string; messageId: string }[],
	now: Date,
	log: Logger,
): Promise<{ replayed: number; alreadyReplayed: number }> {
	const replayable = pending.filter((letter) => replayQueueOf(env, letter.queue));
	const at = now.toISOString();
	const claimed = await claimReplays(orders, replayable, at);
	const byQueue = new Map<Queue, ClaimedLetter[]>();
	for (const letter of claimed) {
		const queue = replayQueueOf(env, letter.queue) as Queue;
		byQueue.set(queue, [...(byQueue.get(queue) ?? []), letter]);
	}
	for (const [queue, letters] of byQueue) await sendBack(orders, queue, letters, at, log);
	return { replayed: claimed.length, alreadyReplayed: replayable.length - claimed.length };
}
