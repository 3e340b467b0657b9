/** The api worker's one queue handler: each queue's batches go to that queue's consumer. */
import { handleDeadNotifications, handleNotifications } from "./notifications/consumer";
import { handleDeadOrderEvents, handleOrderEvents } from "./ordering/consumer";

export const QUEUE_NAMES = {
	orderEvents: "goodfood-order-events",
	orderEventsDeadLetter: "goodfood-order-events-dlq",
	notifications: "goodfood-notifications",
	notificationsDeadLetter: "goodfood-notifications-dlq",
} as const;

/** Staging and production queues carry their environment's name after the development one (wrangler.toml). */
const ENVIRONMENT_SUFFIX = /-(staging|production)$/;

/** The development name of a queue of any environment: `goodfood-order-events-staging` → `goodfood-order-events`. */
export function queueBaseName(queue: string): string {
	return queue.replace(ENVIRONMENT_SUFFIX, "");
}

/** Dispatches by `batch.queue`; a batch from a queue nobody consumes throws, so it is retried rather than lost. */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env, ctx?: ExecutionContext): Promise<void> {
	switch (queueBaseName(batch.queue)) {
		case QUEUE_NAMES.orderEvents:
			return handleOrderEvents(batch, env, ctx);
		case QUEUE_NAMES.orderEventsDeadLetter:
			return handleDeadOrderEvents(batch, env);
		case QUEUE_NAMES.notifications:
			return handleNotifications(batch, env);
		case QUEUE_NAMES.notificationsDeadLetter:
			return handleDeadNotifications(batch, env);
		default:
			throw new Error(`No consumer for queue ${batch.queue}`);
	}
}
