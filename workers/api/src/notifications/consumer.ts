/**
 * The notifications queue consumer and its dead-letter consumer. Each job is
 * one e-mail or one webhook delivery; its row in the notification log is
 * claimed before anything is sent, so a job delivered twice sends once. A
 * failed send is retried with backoff and, after the queue's last retry, the
 * dead-letter consumer marks the row `dead` with the reason it kept failing.
 */

import { errorText, type Logger, spanLogger } from "@goodfood/platform/log";
import { regionNamed } from "@goodfood/platform/regions";
import { continueTrace } from "@goodfood/platform/trace";
import { regionOfId } from "../cart/identity";
import { type Database, database } from "../db/client";
import { trackingTokenFor } from "../ordering/domain/access";
import { ERASED_CONTACT } from "../ordering/domain/erasure";
import type { OrderEventEnvelope } from "../ordering/events";
import {
	CUSTOMER_EMAIL_KIND,
	type CustomerEmailKind,
	type EmailLocation,
	NotificationJob,
	notificationRetryDelaySeconds,
} from "./domain/jobs";
import { type OrderEmailInput, renderOrderEmail } from "./domain/templates";
import { type EmailSender, emailSenderFor } from "./email";
import {
	accountWishes,
	CUSTOMER_REF_PREFIX,
	claimSend,
	claimSendIfStillWanted,
	findWebhook,
	markDead,
	markFailed,
	markSent,
	markSkipped,
	type OrderForEmail,
	orderForEmail,
} from "./repository";
import { deliverWebhook } from "./webhook-delivery";

/** A `sending` row untouched for this long belongs to a delivery that died mid-send (sends time out after 10 s). */
const LEASE_SECONDS = 60;
/** Writes of a sent job's log row tried before giving up on the bookkeeping (never on the send). */
const MARK_SENT_ATTEMPTS = 3;
const MARK_SENT_BACKOFF_MS = 200;
/** Jobs of one batch in flight at once: enough to overlap slow receivers, few enough for a provider's rate limit. */
const CONCURRENCY = 5;

interface Context {
	/** Where an e-mail links to the order's page: the storefront's origin and the secret its tracking tokens derive from. */
	links: { origin: string; trackingTokenSecret: string };
	/** Webhooks, accounts, locations and the development sink. */
	global: Database;
	/** The database of the order's region, where its notification log rows are. */
	ordersOf: (job: NotificationJob) => Database;
	email: () => EmailSender;
}

/**
 * Each order's notification log is in the order's region, which its id names;
 * one drizzle client per region a batch touches. A region configuration lost
 * throws, so the job is retried and, failing on, dead-lettered with the reason.
 */
function regionalDatabases(env: Env): (job: NotificationJob) => Database {
	const byRegion = new Map<string, Database>();
	return (job) => {
		const name = regionOfId(job.event.orderId);
		let db = byRegion.get(name);
		if (!db) {
			db = database(regionNamed(env, name).orders);
			byRegion.set(name, db);
		}
		return db;
	};
}

/**
 * Either a reason not to send, or how to send and get the provider's message id.
 * `erased`: the customer was erased, so the log row must not keep their address.
 */
type Plan = { skip: string; erased?: boolean } | { send: Send };

/** Sends a claimed job, resolving with the provider's message id (null for a webhook); the send is recorded after. */
type Send = () => Promise<{ providerMessageId: string | null }>;

/**
 * Each delivery's logger: its span, a child of the span that recorded its
 * event, and the request that recorded it, then the job. Kept per job so all
 * its lines share the span. A line may name a webhook id, but never a
 * customer's address.
 */
const jobLogs = new WeakMap<NotificationJob, Logger>();

function jobLog(job: NotificationJob): Logger {
	let log = jobLogs.get(job);
	if (!log) {
		log = spanLogger(continueTrace(job.event.traceparent), job.event.requestId).with({
			eventId: job.event.id,
			type: job.event.type,
			orderId: job.event.orderId,
			channel: job.channel,
			...(job.channel === "webhook" ? { webhookId: job.recipient } : {}),
		});
		jobLogs.set(job, log);
	}
	return log;
}

/** For a message that is not a job: the trace and request its event still names, if any. */
function malformedLog(body: unknown): Logger {
	const event = (body as { event?: unknown } | null)?.event;
	const { traceparent, requestId } = (event ?? {}) as { traceparent?: unknown; requestId?: unknown };
	return spanLogger(
		continueTrace(typeof traceparent === "string" ? traceparent : undefined),
		typeof requestId === "string" ? requestId : undefined,
	);
}

function cancellationOf(event: OrderEventEnvelope): OrderEmailInput["cancellation"] {
	if (event.type === "OrderCancelled") {
		return { reason: event.payload.reason, by: event.payload.cancelledBy === "customer" ? "customer" : "restaurant" };
	}
	if (event.type === "OrderRejected") return { reason: event.payload.reason, by: "restaurant" };
	return null;
}

/** What an e-mail shows of an order: from the read models, or for an OrderPlaced from its payload. */
type EmailOrder = Pick<OrderForEmail, "location" | "lines"> & {
	order: Omit<OrderForEmail["order"], "customerRef" | "contactEmail">;
};

/** An OrderPlaced e-mail's order from the event itself; its job carries the location. */
function placedEmailOrder(
	event: Extract<OrderEventEnvelope, { type: "OrderPlaced" }>,
	location: EmailLocation,
): EmailOrder {
	const { payload } = event;
	return {
		order: {
			id: event.orderId,
			contactName: payload.contact.name,
			fulfilment: payload.fulfilment,
			deliveryAddress: payload.deliveryAddress,
			currency: payload.totals.currency,
			subtotalMinor: payload.totals.subtotal,
			taxMinor: payload.totals.tax,
			taxIncluded: payload.totals.taxIncluded,
			deliveryFeeMinor: payload.totals.deliveryFee,
			tipMinor: payload.totals.tip,
			totalMinor: payload.totals.total,
			placedAt: event.occurredAt,
			requestedFor: payload.requestedFor,
			estimatedReadyAt: null,
		},
		location,
		lines: payload.lines.map((line) => ({
			name: line.name,
			quantity: line.quantity,
			lineTotalMinor: line.lineTotal,
			options: line.options,
			note: line.note,
		})),
	};
}

/** The storefront's order page, opened with the order's tracking link, so a guest reaches it too. */
async function orderPageUrl(context: Context, orderId: string): Promise<string> {
	const token = await trackingTokenFor(orderId, context.links.trackingTokenSecret);
	return `${context.links.origin}/orders/${encodeURIComponent(orderId)}?token=${encodeURIComponent(token)}`;
}

/** The storefront is the first of the browser origins the API serves (CORS_ORIGINS). */
function storefrontOrigin(env: Env): string {
	const [first] = String(env.CORS_ORIGINS).split(",");
	return first.trim().replace(/\/+$/, "");
}

function emailInputOf(
	{ order, location, lines }: EmailOrder,
	event: OrderEventEnvelope,
	kind: CustomerEmailKind,
	orderUrl?: string,
): OrderEmailInput {
	const refund =
		event.type === "PaymentRefunded"
			? { amount: event.payload.amount, currency: event.payload.currency, reason: event.payload.reason }
			: undefined;
	return {
		kind,
		orderId: order.id,
		customerName: order.contactName,
		location,
		fulfilment: order.fulfilment,
		deliveryAddress: order.deliveryAddress,
		currency: order.currency,
		lines: lines.map((line) => ({
			name: line.name,
			quantity: line.quantity,
			lineTotal: line.lineTotalMinor,
			options: line.options.map((option) => option.name),
			note: line.note,
		})),
		totals: {
			subtotal: order.subtotalMinor,
			tax: order.taxMinor,
			taxIncluded: order.taxIncluded,
			deliveryFee: order.deliveryFeeMinor,
			tip: order.tipMinor,
			total: order.totalMinor,
		},
		placedAt: order.placedAt,
		requestedFor: order.requestedFor,
		// The ETA this confirmation announced, not a later one the read model may already hold.
		estimatedReadyAt: event.type === "OrderConfirmed" ? event.payload.estimatedReadyAt : order.estimatedReadyAt,
		cancellation: cancellationOf(event),
		...(refund ? { refund } : {}),
		...(orderUrl ? { orderUrl } : {}),
	};
}

async function planEmail(context: Context, job: NotificationJob): Promise<Plan> {
	const kind = CUSTOMER_EMAIL_KIND[job.event.type];
	if (!kind) return { skip: `customers are not e-mailed about ${job.event.type}` };
	const found = await orderForEmail(context.global, context.ordersOf(job), job.event.orderId);
	if (!found) throw new Error(`order ${job.event.orderId} is not in the read model`);
	if (!found.order.customerRef || found.order.contactEmail !== job.recipient) {
		return { skip: "the order's contact was erased", erased: true };
	}
	if (found.order.customerRef.startsWith(CUSTOMER_REF_PREFIX)) {
		if (!found.account) return { skip: "the customer's account no longer exists", erased: true };
		if (!found.account.preferences.orderUpdates) return { skip: "the customer opted out of order updates" };
	}
	const orderUrl = kind === "refunded" ? await orderPageUrl(context, job.event.orderId) : undefined;
	return { send: emailSend(context, job, emailInputOf(found, job.event, kind, orderUrl)) };
}

function emailSend(context: Context, job: NotificationJob, input: OrderEmailInput): Send {
	const rendered = renderOrderEmail(input);
	const sender = context.email();
	return async () => {
		const message = { to: job.recipient, ...rendered, idempotencyKey: `goodfood/${job.event.id}/email` };
		return { providerMessageId: (await sender.send(message)).id };
	};
}

/**
 * An OrderPlaced e-mail whose job carries the location is claimed and sent
 * from the event alone: the claim itself checks the contact was not erased and
 * the customer still wants order updates. When the claim cannot tell
 * (not wanted, a failed or lapsed attempt): false, and the job goes the usual way.
 */
async function sendPlacedEmail(context: Context, message: Message<unknown>, job: NotificationJob): Promise<boolean> {
	const { event, location } = job;
	if (job.channel !== "email" || event.type !== "OrderPlaced" || !location) return false;
	// Rendered before the claim, so a job that cannot be rendered holds no claim while it waits for its retry.
	const send = emailSend(context, job, emailInputOf(placedEmailOrder(event, location), event, "placed"));
	// The account is global and the order regional: its wishes are read first and handed to the claim.
	const customerId = event.payload.customerId;
	const account = customerId
		? {
				customerRef: `${CUSTOMER_REF_PREFIX}${customerId}`,
				wanted: await accountWishes(context.global, customerId).then((wishes) => wishes.exists && wishes.orderUpdates),
			}
		: null;
	const claim = await claimSendIfStillWanted(context.ordersOf(job), job, new Date(), LEASE_SECONDS, account);
	if (claim === "undecided") return false;
	if (claim === "settled") message.ack();
	else if (claim === "busy") message.retry({ delaySeconds: LEASE_SECONDS });
	else await sendClaimed(context, message, job, send);
	return true;
}

async function planWebhook(context: Context, job: NotificationJob): Promise<Plan> {
	const webhook = await findWebhook(context.global, job.recipient);
	if (!webhook || webhook.disabled) return { skip: "the webhook was removed" };
	return {
		send: async () => {
			await deliverWebhook(webhook, job.event, new Date());
			return { providerMessageId: null };
		},
	};
}

async function handleJob(context: Context, message: Message<unknown>, job: NotificationJob): Promise<void> {
	try {
		if (await sendPlacedEmail(context, message, job)) return;
		const plan = job.channel === "email" ? await planEmail(context, job) : await planWebhook(context, job);
		if ("skip" in plan) {
			const logged = plan.erased ? { ...job, recipient: ERASED_CONTACT.email } : job;
			await markSkipped(context.ordersOf(job), logged, plan.skip, new Date());
			jobLog(job).info("notification skipped", { reason: plan.skip });
			message.ack();
			return;
		}
		const claim = await claimSend(context.ordersOf(job), job, new Date(), LEASE_SECONDS);
		if (claim === "settled") {
			message.ack();
			return;
		}
		if (claim === "busy") {
			// Another delivery of this job is sending; look again once its claim would have lapsed.
			message.retry({ delaySeconds: LEASE_SECONDS });
			return;
		}
		await sendClaimed(context, message, job, plan.send);
	} catch (error) {
		await failed(context, message, job, error, false);
	}
}

/** Sends a job this delivery claimed; from here on only the bookkeeping may be retried, never the send. */
async function sendClaimed(
	context: Context,
	message: Message<unknown>,
	job: NotificationJob,
	send: Send,
): Promise<void> {
	let sent: Awaited<ReturnType<Send>>;
	try {
		sent = await send();
	} catch (error) {
		await failed(context, message, job, error, true);
		return;
	}
	await recordSent(context, job, sent.providerMessageId);
	message.ack();
}

/** Logs a failed attempt (releasing the claim when this delivery held it) and retries the job with backoff. */
async function failed(
	context: Context,
	message: Message<unknown>,
	job: NotificationJob,
	error: unknown,
	claimed: boolean,
) {
	const reason = errorText(error);
	const delaySeconds = notificationRetryDelaySeconds(message.attempts);
	jobLog(job).warn("notification failed", { attempts: message.attempts, delaySeconds, error: reason });
	try {
		await markFailed(context.ordersOf(job), job, reason, claimed, new Date());
	} catch (logFailure) {
		jobLog(job).error("notification log write failed", { error: errorText(logFailure) });
	}
	message.retry({ delaySeconds });
}

/**
 * Marks a job sent, retrying the write a few times within this delivery. A
 * message retried after a send would send again, so when the log cannot be
 * written the job is still acked: the e-mail went out, and the row, left
 * `sending`, is logged for an operator (the provider's idempotency key covers a
 * stray redelivery that takes the lapsed claim over).
 */
async function recordSent(context: Context, job: NotificationJob, providerMessageId: string | null): Promise<void> {
	for (let attempt = 1; ; attempt++) {
		try {
			await markSent(context.ordersOf(job), job, providerMessageId, new Date());
			return;
		} catch (error) {
			if (attempt >= MARK_SENT_ATTEMPTS) {
				jobLog(job).error("notification sent but not recorded", {
					providerMessageId,
					attempts: attempt,
					error: errorText(error),
				});
				return;
			}
			await new Promise((resolve) => setTimeout(resolve, MARK_SENT_BACKOFF_MS * attempt));
		}
	}
}

async function eachConcurrently<T>(items: T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < items.length) await run(items[next++]);
	};
	await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Queue handler for `goodfood-notifications`. Every message is acked or
 * retried on its own; copies of one job in the same batch are acked at once,
 * as the first copy carries the job.
 */
export async function handleNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const global = database(env.DB);
	let sender: EmailSender | undefined;
	const context: Context = {
		links: { origin: storefrontOrigin(env), trackingTokenSecret: env.TRACKING_TOKEN_SECRET },
		global,
		ordersOf: regionalDatabases(env),
		email: () => (sender ??= emailSenderFor(env, global)),
	};

	const jobs: { message: Message<unknown>; job: NotificationJob }[] = [];
	const seen = new Set<string>();
	for (const message of batch.messages) {
		const parsed = NotificationJob.safeParse(message.body);
		if (!parsed.success) {
			// The same bytes fail the same way on every attempt: retrying would only delay the DLQ.
			malformedLog(message.body).error("malformed notification job", {
				messageId: message.id,
				issues: parsed.error.issues,
			});
			message.ack();
			continue;
		}
		const key = JSON.stringify([parsed.data.event.id, parsed.data.channel, parsed.data.recipient]);
		if (seen.has(key)) {
			message.ack();
			continue;
		}
		seen.add(key);
		jobs.push({ message, job: parsed.data });
	}
	await eachConcurrently(jobs, CONCURRENCY, ({ message, job }) => handleJob(context, message, job));
}

/**
 * Queue handler for `goodfood-notifications-dlq`: jobs whose retries ran out.
 * Their log rows end `dead`, keeping the last failure as the reason, unless
 * another delivery settled them meanwhile.
 */
export async function handleDeadNotifications(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const ordersOf = regionalDatabases(env);
	for (const message of batch.messages) {
		const parsed = NotificationJob.safeParse(message.body);
		if (!parsed.success) {
			malformedLog(message.body).error("malformed dead-lettered notification job", {
				messageId: message.id,
				issues: parsed.error.issues,
			});
			message.ack();
			continue;
		}
		const job = parsed.data;
		try {
			const row = await markDead(ordersOf(job), job, new Date());
			const fields = { status: row?.status, attempts: row?.attempts, lastError: row?.lastError };
			if (row?.status === "dead") jobLog(job).error("notification dead-lettered", fields);
			else jobLog(job).info("dead-lettered notification was settled by another delivery", fields);
			message.ack();
		} catch (error) {
			jobLog(job).error("dead-lettered notification not recorded", { error: errorText(error) });
			message.retry({ delaySeconds: notificationRetryDelaySeconds(message.attempts) });
		}
	}
}
