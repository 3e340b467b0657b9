/**
 * Which notifications an order event causes: one job per channel and
 * recipient, carried on the notifications queue. A job is also the key of its
 * row in the notification log, which is what makes sending it idempotent.
 */
import { z } from "zod";
import { OrderEventEnvelope, type OrderEventType } from "../../ordering/events";

export const NOTIFICATION_CHANNELS = ["email", "webhook"] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** `sending` is a claim: the row's owner is talking to the provider right now. */
export const NOTIFICATION_STATUSES = ["sending", "sent", "failed", "dead", "skipped"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Statuses no later delivery of the same job may change. */
export const SETTLED_STATUSES: NotificationStatus[] = ["sent", "skipped", "dead"];

export type CustomerEmailKind = "placed" | "confirmed" | "ready" | "cancelled" | "refunded";

/**
 * The events a customer is e-mailed about; a rejection reads as a cancellation
 * by the restaurant. Of the payment events only a refund is news to them: an
 * authorisation comes with the order, a capture with the handover, and a
 * release with the cancellation's e-mail.
 */
export const CUSTOMER_EMAIL_KIND: Partial<Record<OrderEventType, CustomerEmailKind>> = {
	OrderPlaced: "placed",
	OrderConfirmed: "confirmed",
	OrderReady: "ready",
	OrderCancelled: "cancelled",
	OrderRejected: "cancelled",
	PaymentRefunded: "refunded",
};

/** Where the order was placed, as an e-mail names it: nothing personal, so it may ride on a job. */
export const EmailLocation = z.object({
	name: z.string(),
	addressLine: z.string(),
	city: z.string(),
	postcode: z.string(),
	country: z.string(),
	timeZone: z.string(),
});
export type EmailLocation = z.infer<typeof EmailLocation>;

export const NotificationJob = z.object({
	channel: z.enum(NOTIFICATION_CHANNELS),
	/** An e-mail address, or a webhook id. */
	recipient: z.string().min(1),
	/** The event whole: its `traceparent` and `requestId` put the delivery's log lines in the request's trace. */
	event: OrderEventEnvelope,
	/**
	 * On an OrderPlaced e-mail, the order's location: with the event's payload it
	 * is the whole e-mail, so the send reads no order from D1.
	 */
	location: EmailLocation.optional(),
});
export type NotificationJob = z.infer<typeof NotificationJob>;

/** A registered webhook as fan-out sees it; `events` null means every event type. */
export interface WebhookSubscription {
	id: string;
	events: OrderEventType[] | null;
}

/**
 * The jobs one event causes: the customer's e-mail for the events they hear
 * about, and a delivery to every webhook of the order's location that
 * subscribed to this type.
 */
export function notificationJobsFor(
	event: OrderEventEnvelope,
	contactEmail: string | null,
	webhooks: WebhookSubscription[],
	location?: EmailLocation,
): NotificationJob[] {
	const jobs: NotificationJob[] = [];
	if (contactEmail && CUSTOMER_EMAIL_KIND[event.type]) {
		const placedLocation = event.type === "OrderPlaced" && location ? { location } : {};
		jobs.push({ channel: "email", recipient: contactEmail, event, ...placedLocation });
	}
	for (const webhook of webhooks) {
		if (webhook.events === null || webhook.events.includes(event.type)) {
			jobs.push({ channel: "webhook", recipient: webhook.id, event });
		}
	}
	return jobs;
}

/** Backoff between delivery attempts: 30 s, 1, 2, 4, 8 minutes …, capped at 30 minutes. */
export function notificationRetryDelaySeconds(attempts: number): number {
	return Math.min(30 * 2 ** Math.max(0, attempts - 1), 1800);
}
