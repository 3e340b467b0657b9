/**
 * Reconciliation's question to the read models, asked by the Cart object's
 * alarm about the order events its outbox sent: was each one projected
 * (`processed_events`), and has every notification fan-out would queue for it
 * reached a settled row in the notification log (sent, skipped or dead)? An
 * event that was not is sent to the order-events queue again; the consumer's
 * ledger and the log's claims make that repeat harmless.
 *
 * `confirmationOf` is the rule, pure; `readDeliveryRecords` reads what it
 * needs in one D1 batch (four statements per order, whatever the number of events).
 */
import type { Confirmation } from "@goodfood/platform/outbox";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { type NotificationJob, notificationJobsFor, SETTLED_STATUSES } from "../notifications/domain/jobs";
import type { OrderEventEnvelope, OrderEventType } from "./events";

/** A live webhook of the order's location, as reconciliation sees it. */
export interface RecordedWebhook {
	id: string;
	events: OrderEventType[] | null;
	/** ISO timestamp, as stored. */
	createdAt: string;
}

/** What the read models hold about one order's events and their notifications. */
export interface DeliveryRecord {
	/** Ids of the order's events already projected. */
	projected: Set<string>;
	/** The address fan-out e-mails: null when the order is not projected yet or its customer was erased. */
	contactEmail: string | null;
	webhooks: RecordedWebhook[];
	/** Keys (`settledKey`) of the order's notification jobs in a settled status. */
	settled: Set<string>;
}

/**
 * A job's key in `DeliveryRecord.settled`. An e-mail is keyed without its
 * address: an order has one contact, and a job skipped for an erased customer
 * is logged under a placeholder address.
 */
export function settledKey(eventId: string, channel: NotificationJob["channel"], recipient: string): string {
	return channel === "email" ? `${eventId} email` : `${eventId} webhook ${recipient}`;
}

/**
 * Whether the event has had all its effects; if not, what is missing
 * (`projection`, `email`, `webhook:<id>`). A webhook registered after the
 * event occurred is not owed it, so it cannot hold the event back.
 */
export function confirmationOf(event: OrderEventEnvelope, record: DeliveryRecord): Confirmation {
	const missing: string[] = [];
	if (!record.projected.has(event.id)) missing.push("projection");
	const owed = record.webhooks.filter((webhook) => webhook.createdAt <= event.occurredAt);
	for (const job of notificationJobsFor(event, record.contactEmail, owed)) {
		if (record.settled.has(settledKey(event.id, job.channel, job.recipient))) continue;
		missing.push(job.channel === "email" ? "email" : `webhook:${job.recipient}`);
	}
	return missing.length === 0 ? { confirmed: true } : { confirmed: false, missing };
}

/** One order's record: four indexed reads, for all its events at once. */
function recordStatements(db: Database, orderId: string) {
	const { processedEvents, notificationLog, orders, webhooks } = schema;
	const locationSlug = sql`(select ${orders.locationSlug} from ${orders} where ${orders.id} = ${orderId})`;
	return [
		db.select({ id: processedEvents.eventId }).from(processedEvents).where(eq(processedEvents.orderId, orderId)),
		db
			.select({
				eventId: notificationLog.eventId,
				channel: notificationLog.channel,
				recipient: notificationLog.recipient,
			})
			.from(notificationLog)
			.where(and(eq(notificationLog.orderId, orderId), inArray(notificationLog.status, SETTLED_STATUSES))),
		db
			.select({ contactEmail: orders.contactEmail, customerRef: orders.customerRef })
			.from(orders)
			.where(eq(orders.id, orderId)),
		db
			.select({ id: webhooks.id, events: webhooks.events, createdAt: webhooks.createdAt })
			.from(webhooks)
			.where(and(eq(webhooks.locationSlug, locationSlug), eq(webhooks.disabled, false))),
	] as const;
}

/** The delivery record of each order, read in one batch. */
export async function readDeliveryRecords(db: Database, orderIds: string[]): Promise<Map<string, DeliveryRecord>> {
	const ids = [...new Set(orderIds)];
	const records = new Map<string, DeliveryRecord>();
	if (ids.length === 0) return records;
	const statements = ids.flatMap((orderId) => recordStatements(db, orderId));
	const results = await db.batch(statements as unknown as [(typeof statements)[number]]);
	ids.forEach((orderId, index) => {
		const [projected, settled, order, webhooks] = results.slice(index * 4, index * 4 + 4) as [
			{ id: string }[],
			{ eventId: string; channel: NotificationJob["channel"]; recipient: string }[],
			{ contactEmail: string; customerRef: string | null }[],
			RecordedWebhook[],
		];
		records.set(orderId, {
			projected: new Set(projected.map((row) => row.id)),
			// As fan-out reads it: erasing an account clears the order's reference.
			contactEmail: order[0]?.customerRef ? order[0].contactEmail : null,
			webhooks,
			settled: new Set(settled.map((row) => settledKey(row.eventId, row.channel, row.recipient))),
		});
	});
	return records;
}

/** Confirms each sent event (the outbox's messages, in order) against the read models. */
export async function confirmOrderEvents(db: Database, messages: string[]): Promise<Confirmation[]> {
	const events = messages.map((message) => JSON.parse(message) as OrderEventEnvelope);
	const records = await readDeliveryRecords(
		db,
		events.map((event) => event.orderId),
	);
	return events.map((event) => {
		const record = records.get(event.orderId);
		return record ? confirmationOf(event, record) : { confirmed: false, missing: ["projection"] };
	});
}
