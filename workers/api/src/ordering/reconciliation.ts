/**
 * Reconciliation's question to the read models, asked by the Cart object's
 * alarm about the order events its outbox sent: was each one projected (its
 * row in `order_status_history`, the projections' ledger), and has every
 * notification fan-out would queue for it reached a settled row in the
 * notification log (sent, skipped or dead)? An
 * event that was not is sent to the order-events queue again; the consumer's
 * ledger and the log's claims make that repeat harmless.
 *
 * `confirmationOf` is the rule, pure; `readDeliveryRecords` reads what it
 * needs in one statement per order on the order's region's database, whatever
 * the number of events, and one for the location's webhooks on the global one.
 */
import type { Confirmation } from "@goodfood/platform/outbox";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
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

/**
 * One order's part of its record, from its region's database, in one
 * statement of four indexed subqueries: its projected events, its settled
 * notification jobs, its contact as fan-out reads it (null once erased) and
 * its location, whose webhooks the global database holds. Hand-written, since
 * each part is a JSON aggregate drizzle would only wrap as raw SQL.
 */
function orderRecordOf(orderId: string) {
	const settledStatuses = sql.join(
		SETTLED_STATUSES.map((status) => sql`${status}`),
		sql`, `,
	);
	return sql`SELECT
	(SELECT CASE WHEN o.customer_ref IS NULL THEN NULL ELSE o.contact_email END FROM orders o WHERE o.id = ${orderId}) AS contactEmail,
	(SELECT o.location_slug FROM orders o WHERE o.id = ${orderId}) AS locationSlug,
	(SELECT json_group_array(h.event_id) FROM order_status_history h WHERE h.order_id = ${orderId} AND h.event_id IS NOT NULL) AS projected,
	(SELECT json_group_array(json_array(n.event_id, n.channel, n.recipient)) FROM notification_log n
		WHERE n.order_id = ${orderId} AND n.status IN (${settledStatuses})) AS settled`;
}

/** The live webhooks of some locations, from the global database. */
function webhooksOf(slugs: string[]) {
	return sql`SELECT w.location_slug AS locationSlug, w.id, json(w.events) AS events, w.created_at AS createdAt
	FROM webhooks w WHERE w.location_slug IN (${sql.join(
		slugs.map((slug) => sql`${slug}`),
		sql`, `,
	)}) AND w.disabled = 0`;
}

interface OrderRecordRow {
	contactEmail: string | null;
	locationSlug: string | null;
	projected: string;
	settled: string;
}

interface WebhookRow {
	locationSlug: string;
	id: string;
	events: string | null;
	createdAt: string;
}

/**
 * The delivery record of each order: one statement per order on its region's
 * database (a Cart object asks about its one order), then one on the global
 * database for the webhooks of the orders' locations, when any is projected.
 */
export async function readDeliveryRecords(
	orderData: Database,
	catalogue: Database,
	orderIds: string[],
): Promise<Map<string, DeliveryRecord>> {
	const ids = [...new Set(orderIds)];
	const records = new Map<string, DeliveryRecord>();
	if (ids.length === 0) return records;
	// Not a batch: drizzle cannot batch a raw query.
	const results = await Promise.all(ids.map((orderId) => orderData.all<OrderRecordRow>(orderRecordOf(orderId))));
	const slugs = [...new Set(results.map(([row]) => row.locationSlug).filter((slug): slug is string => slug !== null))];
	const hooks = slugs.length === 0 ? [] : await catalogue.all<WebhookRow>(webhooksOf(slugs));
	ids.forEach((orderId, index) => {
		const [{ contactEmail, locationSlug, projected, settled: settledJobs }] = results[index];
		const settled = JSON.parse(settledJobs) as [string, NotificationJob["channel"], string][];
		records.set(orderId, {
			projected: new Set(JSON.parse(projected) as string[]),
			contactEmail,
			webhooks: hooks
				.filter((hook) => hook.locationSlug === locationSlug)
				.map((hook) => ({
					id: hook.id,
					events: hook.events === null ? null : (JSON.parse(hook.events) as OrderEventType[]),
					createdAt: hook.createdAt,
				})),
			settled: new Set(settled.map(([eventId, channel, recipient]) => settledKey(eventId, channel, recipient))),
		});
	});
	return records;
}

/**
 * Confirms each sent event (the outbox's messages, in order) against the read
 * models: `orderData` is the database of the events' order's region,
 * `catalogue` the global one.
 */
export async function confirmOrderEvents(
	orderData: Database,
	catalogue: Database,
	messages: string[],
): Promise<Confirmation[]> {
	const events = messages.map((message) => JSON.parse(message) as OrderEventEnvelope);
	const records = await readDeliveryRecords(
		orderData,
		catalogue,
		events.map((event) => event.orderId),
	);
	return events.map((event) => {
		const record = records.get(event.orderId);
		return record ? confirmationOf(event, record) : { confirmed: false, missing: ["projection"] };
	});
}
