/** Hands message batches to a queue consumer as the runtime would, and reports what the consumer did with each message. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { vi } from "vitest";

export type QueueHandler = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

let messageCounter = 0;

/**
 * Runs one batch through a consumer and returns which messages it acked and
 * retried, and the delay of each retry (getQueueResult does not report delays).
 * Message ids are `<idPrefix>-<n>`, unique within a test file.
 */
export async function deliverBatch(
	queue: string,
	handler: QueueHandler,
	bodies: unknown[],
	{ attempts = 1, on = env, idPrefix = "msg" }: { attempts?: number; on?: Env; idPrefix?: string } = {},
) {
	const messages = bodies.map((body) => {
		messageCounter += 1;
		return { id: `${idPrefix}-${messageCounter}`, timestamp: Date.now(), attempts, body };
	});
	const batch = createMessageBatch(queue, messages);
	const retryDelays = new Map<string, number | undefined>();
	for (const message of batch.messages) {
		const retry = message.retry.bind(message);
		vi.spyOn(message, "retry").mockImplementation((options) => {
			retryDelays.set(message.id, options?.delaySeconds);
			retry(options);
		});
	}
	await handler(batch, on);
	const result = await getQueueResult(batch, createExecutionContext());
	return { ids: messages.map((message) => message.id), result, retryDelays };
}
