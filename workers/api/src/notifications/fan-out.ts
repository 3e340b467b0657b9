/** From a projected order event to notification jobs on the notifications queue. */

import { errorText, type Logger, spanLogger } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import { continueTrace } from "@goodfood/platform/trace";
import { regionOfId } from "../cart/identity";
import { database } from "../db/client";
import type { OrderEventEnvelope } from "../ordering/events";
import { type EmailLocation, type NotificationJob, notificationJobsFor, type WebhookSubscription } from "./domain/jobs";
import { recipientsOf } from "./repository";

/** Queues takes at most 100 messages and 256 KB per `sendBatch`; an OrderPlaced of a full cart is tens of KB. */
const MAX_MESSAGES_PER_SEND = 100;
const MAX_BYTES_PER_SEND = 200_000;

const encoder = new TextEncoder();

function sendChunks(jobs: NotificationJob[]): MessageSendRequest<NotificationJob>[][] {
	const chunks: MessageSendRequest<NotificationJob>[][] = [];
	let chunk: MessageSendRequest<NotificationJob>[] = [];
	let bytes = 0;
	for (const job of jobs) {
		const size = encoder.encode(JSON.stringify(job)).length;
		if (chunk.length > 0 && (chunk.length === MAX_MESSAGES_PER_SEND || bytes + size > MAX_BYTES_PER_SEND)) {
			chunks.push(chunk);
			chunk = [];
			bytes = 0;
		}
		chunk.push({ body: job, contentType: "json" });
		bytes += size;
	}
	if (chunk.length > 0) chunks.push(chunk);
	return chunks;
}

/** Where an order's notifications go: its contact (null once erased) and its location's live webhooks. */
export interface Recipients {
	contactEmail: string | null;
	webhooks: WebhookSubscription[];
	/** The order's location, when read with the rest: an OrderPlaced e-mail then needs no order read to send. */
	location?: EmailLocation;
}

/**
 * Queues the notifications an event causes: the customer's e-mail and one
 * delivery per subscribed webhook of the order's location, read from the
 * read models the event was just projected into (the order in its region, the
 * webhooks in the global database), unless the caller read them
 * already (the order-events consumer does, for a whole batch). Resolves false, having
 * logged why, when they could not all be queued; the caller then retries the
 * event, and the notification log absorbs the jobs queued twice.
 */
export async function enqueueNotifications(
	env: Env,
	event: OrderEventEnvelope,
	log: Logger = spanLogger(continueTrace(event.traceparent), event.requestId),
	known?: Recipients,
): Promise<boolean> {
	try {
		const locationSlug = event.type === "OrderPlaced" ? event.payload.locationSlug : null;
		const recipients: Recipients =
			known ??
			(await recipientsOf(
				// The location and its webhooks from a replica: the global primary is shared by every region.
				database(env.DB.withSession("first-unconstrained")),
				database(regionNamed(env, regionOfId(event.orderId)).orders),
				event.orderId,
				locationSlug,
			));
		const jobs = notificationJobsFor(event, recipients.contactEmail, recipients.webhooks, recipients.location);
		for (const chunk of sendChunks(jobs)) await env.NOTIFICATIONS.sendBatch(chunk);
		return true;
	} catch (error) {
		log.error("notification fan-out failed", {
			eventId: event.id,
			type: event.type,
			orderId: event.orderId,
			error: errorText(error),
		});
		return false;
	}
}
