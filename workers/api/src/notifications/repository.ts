/**
 * D1 storage of the notifications context: registered webhooks, the
 * notification log (whose rows are also the claims that keep a job from being
 * sent twice), the development e-mail sink, and what a job reads of an order.
 *
 * Two databases: the notification log sits beside the order it is about, in
 * the order's region (`orders`); webhooks, accounts, locations and the sink are
 * global (`global`). No statement spans both, so a read that needs an order and
 * its location or account is two reads.
 */
import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { OrderEventType } from "../ordering/events";
import { type NotificationJob, SETTLED_STATUSES, type WebhookSubscription } from "./domain/jobs";

const { notificationLog, webhooks, devOutbox } = schema;

/** An account holder's orders name them as `customer:<account id>`. */
export const CUSTOMER_REF_PREFIX = "customer:";

function keyOf(job: NotificationJob) {
	return and(
		eq(notificationLog.eventId, job.event.id),
		eq(notificationLog.channel, job.channel),
		eq(notificationLog.recipient, job.recipient),
	);
}

const LOG_KEY = [notificationLog.eventId, notificationLog.channel, notificationLog.recipient];

function newRow(job: NotificationJob, at: string) {
	return {
		eventId: job.event.id,
		channel: job.channel,
		recipient: job.recipient,
		orderId: job.event.orderId,
		eventType: job.event.type,
		createdAt: at,
		updatedAt: at,
	};
}

export type LogRow = typeof notificationLog.$inferSelect;

export function findLogRow(db: Database, job: NotificationJob): Promise<LogRow | undefined> {
	return db.select().from(notificationLog).where(keyOf(job)).get();
}

/**
 * `claimed`: this delivery owns the send. `settled`: it was sent, skipped or
 * given up already. `busy`: another delivery of the same job is sending now.
 */
export type Claim = "claimed" | "settled" | "busy";

/**
 * Claims the job's log row for one send. A row left `sending` longer than
 * `leaseSeconds` belongs to a delivery that died mid-send and may be taken over.
 */
export async function claimSend(db: Database, job: NotificationJob, now: Date, leaseSeconds: number): Promise<Claim> {
	const at = now.toISOString();
	const staleBefore = new Date(now.getTime() - leaseSeconds * 1000).toISOString();
	const claimed = await db
		.insert(notificationLog)
		.values({ ...newRow(job, at), status: "sending", attempts: 1 })
		.onConflictDoUpdate({
			target: LOG_KEY,
			set: { status: "sending", attempts: sql`attempts + 1`, updatedAt: at },
			setWhere: sql`${notificationLog.status} = 'failed' or (${notificationLog.status} = 'sending' and ${notificationLog.updatedAt} < ${staleBefore})`,
		})
		.returning({ attempts: notificationLog.attempts });
	if (claimed.length > 0) return "claimed";
	const row = await findLogRow(db, job);
	return row && SETTLED_STATUSES.includes(row.status) ? "settled" : "busy";
}

/** What the global accounts table says of an account the notifications need to respect. */
export interface AccountWishes {
	/** False once the account was deleted (the customer erased). */
	exists: boolean;
	orderUpdates: boolean;
}

/** Whether an account still exists and wants order updates: one read of the global database. */
export async function accountWishes(global: Database, accountId: string): Promise<AccountWishes> {
	const row = await global
		.select({ preferences: schema.accounts.notificationPreferences })
		.from(schema.accounts)
		.where(eq(schema.accounts.id, accountId))
		.get();
	return { exists: row !== undefined, orderUpdates: row?.preferences.orderUpdates ?? false };
}

/**
 * Claims an OrderPlaced e-mail in one statement on the order's region that
 * also asks whether it may still be sent: the order's contact is this address
 * (not erased) and, for an account holder, it is still the account the caller
 * read wishes for (`wanted`: the account exists and wants order updates). So a
 * job carrying its order (the event's payload and its location) reads nothing
 * else of the order. `undecided`: not claimed, and the row does not say why (no
 * row, a failed attempt, a lapsed claim, not wanted): the caller reads the order and decides.
 */
export async function claimSendIfStillWanted(
	orders: Database,
	job: NotificationJob,
	now: Date,
	leaseSeconds: number,
	account: { customerRef: string; wanted: boolean } | null,
): Promise<Claim | "undecided"> {
	const at = now.toISOString();
	const staleBefore = new Date(now.getTime() - leaseSeconds * 1000).toISOString();
	const { event, channel, recipient } = job;
	// Hand-written and prepared: it runs once per order, and drizzle's builders cost more CPU than D1 does here.
	const claimed = await orders.$client
		.prepare(CLAIM_IF_STILL_WANTED)
		.bind(
			event.id,
			channel,
			recipient,
			event.orderId,
			event.type,
			at,
			account?.customerRef ?? null,
			account?.wanted ? 1 : 0,
			staleBefore,
		)
		.first<{ attempts: number }>();
	if (claimed) return "claimed";
	const existing = await findLogRow(orders, job);
	if (existing && SETTLED_STATUSES.includes(existing.status)) return "settled";
	if (existing?.status === "sending" && existing.updatedAt >= staleBefore) return "busy";
	return "undecided";
}

/**
 * ?1 event id, ?2 channel, ?3 recipient, ?4 order id, ?5 event type, ?6 now, ?7 the customer reference whose
 * account was read, ?8 whether that account wants the e-mail (1 or 0), ?9 the oldest `updated_at` of a claim still
 * held. INSERT … SELECT lists every column in the table's order.
 */
const CLAIM_IF_STILL_WANTED = `INSERT INTO notification_log
	(event_id, channel, recipient, order_id, event_type, status, attempts, last_error, provider_message_id, created_at, updated_at)
SELECT ?1, ?2, ?3, ?4, ?5, 'sending', 1, NULL, NULL, ?6, ?6
WHERE EXISTS (SELECT 1 FROM orders o WHERE o.id = ?4
	AND o.customer_ref IS NOT NULL AND o.contact_email = ?3
	AND (o.customer_ref NOT LIKE 'customer:%' OR (o.customer_ref = ?7 AND ?8 = 1)))
ON CONFLICT (event_id, channel, recipient) DO UPDATE SET status = 'sending', attempts = attempts + 1, updated_at = ?6
	WHERE notification_log.status = 'failed' OR (notification_log.status = 'sending' AND notification_log.updated_at < ?9)
RETURNING attempts`;

export async function markSent(orders: Database, job: NotificationJob, providerMessageId: string | null, now: Date) {
	// Hand-written: it runs once per e-mail.
	await orders.$client
		.prepare(
			`UPDATE notification_log SET status = 'sent', provider_message_id = ?, last_error = NULL, updated_at = ?
WHERE event_id = ? AND channel = ? AND recipient = ?`,
		)
		.bind(providerMessageId, now.toISOString(), job.event.id, job.channel, job.recipient)
		.run();
}

/**
 * Records why an attempt failed. After a claim it releases the row for the
 * next attempt; before one it only notes the reason, never touching a row
 * another delivery holds.
 */
export async function markFailed(db: Database, job: NotificationJob, reason: string, claimed: boolean, now: Date) {
	const at = now.toISOString();
	if (claimed) {
		await db
			.update(notificationLog)
			.set({ status: "failed", lastError: reason, updatedAt: at })
			.where(and(keyOf(job), eq(notificationLog.status, "sending")));
		return;
	}
	await db
		.insert(notificationLog)
		.values({ ...newRow(job, at), status: "failed", attempts: 0, lastError: reason })
		.onConflictDoUpdate({
			target: LOG_KEY,
			set: { lastError: reason, updatedAt: at },
			setWhere: eq(notificationLog.status, "failed"),
		});
}

/** Logs a job that must not be sent (opted out, webhook removed), unless it was settled already. */
export async function markSkipped(db: Database, job: NotificationJob, reason: string, now: Date) {
	const at = now.toISOString();
	await db
		.insert(notificationLog)
		.values({ ...newRow(job, at), status: "skipped", attempts: 0, lastError: reason })
		.onConflictDoUpdate({
			target: LOG_KEY,
			set: { status: "skipped", lastError: reason, updatedAt: at },
			setWhere: eq(notificationLog.status, "failed"),
		});
}

/**
 * Gives a job up after its last retry, keeping the last failure's reason. A
 * row that another delivery settled meanwhile keeps its status.
 */
export async function markDead(db: Database, job: NotificationJob, now: Date): Promise<LogRow | undefined> {
	const at = now.toISOString();
	await db
		.insert(notificationLog)
		.values({ ...newRow(job, at), status: "dead", attempts: 0, lastError: "retries exhausted before any attempt" })
		.onConflictDoUpdate({
			target: LOG_KEY,
			set: {
				status: "dead",
				lastError: sql`coalesce(${notificationLog.lastError}, excluded.last_error)`,
				updatedAt: at,
			},
			setWhere: sql`${notificationLog.status} not in ('sent', 'skipped', 'dead')`,
		});
	return findLogRow(db, job);
}

/**
 * What fan-out needs of an order: its contact (null once erased) from the
 * order's region, and its location's live webhooks from the global database.
 * With the location known (an OrderPlaced names it) both reads run at once.
 */
export async function recipientsOf(global: Database, orders: Database, orderId: string, locationSlug: string | null) {
	const readOrder = orders
		.select({
			contactEmail: schema.orders.contactEmail,
			customerRef: schema.orders.customerRef,
			locationSlug: schema.orders.locationSlug,
		})
		.from(schema.orders)
		.where(eq(schema.orders.id, orderId))
		.get();
	const readHooks = (slug: string) =>
		global
			.select({ id: webhooks.id, events: webhooks.events })
			.from(webhooks)
			.where(and(eq(webhooks.locationSlug, slug), eq(webhooks.disabled, false)))
			.orderBy(asc(webhooks.createdAt), asc(webhooks.id));
	let order: Awaited<typeof readOrder>;
	let hooks: WebhookSubscription[];
	if (locationSlug) {
		[order, hooks] = await Promise.all([readOrder, readHooks(locationSlug)]);
	} else {
		order = await readOrder;
		hooks = order ? await readHooks(order.locationSlug) : [];
	}
	// Erasing an account clears the reference and replaces the contact on its orders.
	const contactEmail = order?.customerRef ? order.contactEmail : null;
	return { contactEmail, webhooks: hooks };
}

/** A line as an e-mail shows it. */
export interface EmailLine {
	name: string;
	quantity: number;
	lineTotalMinor: number;
	options: { name: string }[];
	note: string | null;
}

/**
 * The order and its lines (as JSON, in position order) from its region in one
 * statement, then its location and the customer's preferences (null for guests
 * or a deleted account) from the global database in one batch: a job reads it
 * once per e-mail.
 */
export async function orderForEmail(global: Database, orders: Database, orderId: string) {
	const { orderLines, locations, accounts } = schema;
	const order = schema.orders;
	const lines = sql<string>`(select json_group_array(json_object('name', ${orderLines.name}, 'quantity', ${orderLines.quantity},
		'lineTotalMinor', ${orderLines.lineTotalMinor}, 'options', json(${orderLines.options}), 'note', ${orderLines.note})
		order by ${orderLines.position}) from ${orderLines} where ${orderLines.orderId} = ${order.id})`;
	const found = await orders
		.select({
			order: {
				id: order.id,
				customerRef: order.customerRef,
				contactName: order.contactName,
				contactEmail: order.contactEmail,
				fulfilment: order.fulfilment,
				deliveryAddress: order.deliveryAddress,
				currency: order.currency,
				subtotalMinor: order.subtotalMinor,
				taxMinor: order.taxMinor,
				taxIncluded: order.taxIncluded,
				deliveryFeeMinor: order.deliveryFeeMinor,
				tipMinor: order.tipMinor,
				totalMinor: order.totalMinor,
				placedAt: order.placedAt,
				requestedFor: order.requestedFor,
				estimatedReadyAt: order.estimatedReadyAt,
			},
			locationSlug: order.locationSlug,
			lines,
		})
		.from(order)
		.where(eq(order.id, orderId))
		.get();
	if (!found) return undefined;
	const accountId = found.order.customerRef?.startsWith(CUSTOMER_REF_PREFIX)
		? found.order.customerRef.slice(CUSTOMER_REF_PREFIX.length)
		: "";
	const [location, account] = await global.batch([
		global
			.select({
				name: locations.name,
				addressLine: locations.addressLine,
				city: locations.city,
				postcode: locations.postcode,
				country: locations.country,
				timeZone: locations.timeZone,
			})
			.from(locations)
			.where(eq(locations.slug, found.locationSlug)),
		global
			.select({ id: accounts.id, preferences: accounts.notificationPreferences })
			.from(accounts)
			.where(eq(accounts.id, accountId)),
	]);
	if (!location[0]) return undefined;
	return {
		order: found.order,
		location: location[0],
		lines: JSON.parse(found.lines) as EmailLine[],
		account: account[0] ?? null,
	};
}
export type OrderForEmail = NonNullable<Awaited<ReturnType<typeof orderForEmail>>>;

export type WebhookRow = typeof webhooks.$inferSelect;

export function findWebhook(db: Database, id: string): Promise<WebhookRow | undefined> {
	return db.select().from(webhooks).where(eq(webhooks.id, id)).get();
}

/** A live webhook of a location; undefined when the location has no such webhook (or it was removed). */
export function liveWebhookAt(db: Database, locationSlug: string, id: string): Promise<WebhookRow | undefined> {
	return db
		.select()
		.from(webhooks)
		.where(and(eq(webhooks.id, id), eq(webhooks.locationSlug, locationSlug), eq(webhooks.disabled, false)))
		.get();
}

/** A webhook delivery as the notification log keeps it. */
export interface DeliveryRow {
	eventId: string;
	eventType: OrderEventType;
	orderId: string;
	status: LogRow["status"];
	attempts: number;
	lastError: string | null;
	updatedAt: string;
}

/**
 * One region's deliveries to a webhook (the log's `webhook` rows whose
 * recipient is its id), most recently changed first.
 */
export function webhookDeliveries(orders: Database, webhookId: string, limit: number): Promise<DeliveryRow[]> {
	return orders
		.select({
			eventId: notificationLog.eventId,
			eventType: notificationLog.eventType,
			orderId: notificationLog.orderId,
			status: notificationLog.status,
			attempts: notificationLog.attempts,
			lastError: notificationLog.lastError,
			updatedAt: notificationLog.updatedAt,
		})
		.from(notificationLog)
		.where(and(eq(notificationLog.channel, "webhook"), eq(notificationLog.recipient, webhookId)))
		.orderBy(desc(notificationLog.updatedAt), asc(notificationLog.eventId))
		.limit(limit);
}

/** A location's live webhooks, oldest first; undefined for an unknown location. */
export async function webhooksAt(db: Database, locationSlug: string): Promise<WebhookRow[] | undefined> {
	const [location, rows] = await db.batch([
		db.select({ slug: schema.locations.slug }).from(schema.locations).where(eq(schema.locations.slug, locationSlug)),
		db
			.select()
			.from(webhooks)
			.where(and(eq(webhooks.locationSlug, locationSlug), eq(webhooks.disabled, false)))
			.orderBy(asc(webhooks.createdAt), asc(webhooks.id)),
	]);
	return location.length > 0 ? rows : undefined;
}

export async function insertWebhook(
	db: Database,
	webhook: { id: string; locationSlug: string; url: string; secret: string; events: OrderEventType[] | null },
): Promise<WebhookRow> {
	const [row] = await db.insert(webhooks).values(webhook).returning();
	return row;
}

/** Removes a webhook from delivery; its secret is wiped, as nothing will be signed with it again. */
export async function disableWebhook(db: Database, locationSlug: string, id: string): Promise<boolean> {
	const removed = await db
		.update(webhooks)
		.set({ disabled: true, secret: "" })
		.where(and(eq(webhooks.id, id), eq(webhooks.locationSlug, locationSlug), eq(webhooks.disabled, false)))
		.returning({ id: webhooks.id });
	return removed.length > 0;
}

export type OutboxRow = typeof devOutbox.$inferSelect;

export async function recordInOutbox(db: Database, row: OutboxRow): Promise<void> {
	await db.insert(devOutbox).values(row);
}

/**
 * Keeps a message unless one with its idempotency key is kept already; either
 * way answers the id of the message kept under that key. One statement, so two
 * concurrent sends of one key keep one message.
 */
export async function recordInOutboxOnce(db: Database, row: OutboxRow): Promise<string> {
	const key = row.idempotencyKey;
	if (key === null) {
		await recordInOutbox(db, row);
		return row.id;
	}
	const inserted = await keepInOutboxOnce(db.$client, row, key).first<{ id: string }>();
	if (inserted) return row.id;
	// A repeat: the message kept first under this key answers (a second statement, on repeats only).
	const kept = await db.$client.prepare(KEPT_UNDER_KEY).bind(key).first<{ id: string }>();
	return kept?.id ?? row.id;
}

/** The id of the message the sink kept first under a key; its one parameter is the key. */
const KEPT_UNDER_KEY = `SELECT id FROM "dev_outbox" WHERE idempotency_key = ? ORDER BY rowid LIMIT 1`;

/**
 * `recordInOutboxOnce`'s insert, hand-written (it runs once per e-mail in
 * development and the bench). INSERT … SELECT lists the columns in the
 * table's order: id, to, from, subject, text, html, key, created.
 */
export function keepInOutboxOnce(d1: D1Database, row: OutboxRow, key: string): D1PreparedStatement {
	return d1
		.prepare(
			`INSERT INTO "dev_outbox" (id, to_address, from_address, subject, text, html, idempotency_key, created_at)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 WHERE NOT EXISTS (SELECT 1 FROM "dev_outbox" WHERE idempotency_key = ?7)
RETURNING id`,
		)
		.bind(row.id, row.toAddress, row.fromAddress, row.subject, row.text, row.html, key, row.createdAt);
}

/** The sink's messages, newest first (by insertion order, which timestamps cannot break ties in). */
export function outbox(db: Database, options: { to?: string; limit: number }): Promise<OutboxRow[]> {
	return db
		.select()
		.from(devOutbox)
		.where(options.to ? eq(devOutbox.toAddress, options.to) : undefined)
		.orderBy(sql`rowid desc`)
		.limit(options.limit);
}
