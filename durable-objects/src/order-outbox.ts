/**
 * The Cart object's outbox transport: order events go to the order-events
 * queue; one that ran out of attempts goes to its dead-letter queue, with an
 * error log in the event's own trace and a metric, so a person sees it.
 *
 * A sent event is reconciled after `RECONCILE_GRACE_SECONDS`: the read models
 * are asked whether it was projected and notified (`ordering/reconciliation.ts`),
 * and one that was not is sent again, with a log line and a metric per repair.
 */
import { spanLogger, writeLog } from "@goodfood/platform/log";
import {
	outboxDeadLetterDataPoint,
	outboxStaleDataPoint,
	type ReconciliationOutcome,
	reconciliationDataPoint,
	writeDataPoint,
} from "@goodfood/platform/metrics";
import {
	type DrainResult,
	drainOutbox,
	type OutboxEntry,
	type OutboxReport,
	type OutboxStore,
	type ReconcileResult,
	reconcileOutbox,
	type SentEntry,
	sendEntries,
} from "@goodfood/platform/outbox";
import { regionNamed } from "@goodfood/platform/regions";
import { continueTrace } from "@goodfood/platform/trace";
import { regionOfId } from "../../workers/api/src/cart/identity";
import { database } from "../../workers/api/src/db/client";
import type { OrderEventEnvelope } from "../../workers/api/src/ordering/events";
import { confirmOrderEvents } from "../../workers/api/src/ordering/reconciliation";

type OutboxEnv = Pick<
	Env,
	"DB" | "ORDER_EVENTS" | "ORDER_EVENTS_DEAD_LETTER" | "ORDER_METRICS" | "RECONCILE_GRACE_SECONDS"
>;

/** Used when the var is missing or not a positive number of seconds. */
export const DEFAULT_RECONCILE_GRACE_SECONDS = 300;

/** The grace period before a sent event's first check, in ms. */
export function reconcileGraceMs(env: Pick<Env, "RECONCILE_GRACE_SECONDS">): number {
	const seconds = Number(env.RECONCILE_GRACE_SECONDS);
	return (Number.isFinite(seconds) && seconds > 0 ? seconds : DEFAULT_RECONCILE_GRACE_SECONDS) * 1000;
}

function envelopeOf(message: string): OrderEventEnvelope {
	return JSON.parse(message) as OrderEventEnvelope;
}

function eventLog(event: OrderEventEnvelope) {
	return spanLogger(continueTrace(event.traceparent), event.requestId);
}

/** One error line per event, in the event's own trace, so the order's journey shows where it stalled. */
function logFailure(event: OrderEventEnvelope, message: string, attempts: number, reason: string): void {
	eventLog(event).error(message, { orderId: event.orderId, sequence: event.sequence, attempts, reason });
}

function transport(env: OutboxEnv) {
	return {
		send: (messages: string[]) =>
			env.ORDER_EVENTS.sendBatch(messages.map((message) => ({ body: envelopeOf(message), contentType: "json" }))),
		deadLetter: (message: string) => env.ORDER_EVENTS_DEAD_LETTER.send(envelopeOf(message), { contentType: "json" }),
	};
}

/** An event unsent for this long is an alert (docs/operations.md#alert-outbox-stale): customers are waiting on it. */
export const OUTBOX_STALE_AFTER_MS = 5 * 60_000;

/** Failed sends and dead letters, each with an error line in the event's own trace; dead letters and stale events counted. */
function sendReport(env: OutboxEnv, now: () => number = Date.now): OutboxReport {
	return {
		failed: ({ message, attempts, reason }) => {
			const event = envelopeOf(message);
			logFailure(event, "outbox send failed", attempts, reason);
			const ageMs = now() - Date.parse(event.occurredAt);
			if (ageMs < OUTBOX_STALE_AFTER_MS) return;
			writeDataPoint(
				env.ORDER_METRICS,
				outboxStaleDataPoint({
					eventType: event.type,
					orderId: event.orderId,
					sequence: event.sequence,
					ageSeconds: Math.round(ageMs / 1000),
					traceId: continueTrace(event.traceparent).traceId,
				}),
			);
		},
		deadLettered: ({ message, attempts, reason }) => {
			const event = envelopeOf(message);
			logFailure(event, "outbox gave up: event sent to the dead-letter queue", attempts, reason);
			const { traceId } = continueTrace(event.traceparent);
			writeDataPoint(
				env.ORDER_METRICS,
				outboxDeadLetterDataPoint({
					eventType: event.type,
					orderId: event.orderId,
					sequence: event.sequence,
					attempts,
					traceId,
				}),
			);
		},
	};
}

/** The alarm's drain: every due event, oldest first. */
export function sendOrderEvents(store: OutboxStore, env: OutboxEnv): Promise<DrainResult> {
	return drainOutbox(store, transport(env), sendReport(env), reconcileGraceMs(env));
}

/** Sends the events a call just committed, stored as sent already (`firstCheckAt`), right away. */
export function sendRecordedEvents(store: OutboxStore, env: OutboxEnv, entries: OutboxEntry[]): Promise<DrainResult> {
	return sendEntries(store, transport(env), sendReport(env), reconcileGraceMs(env), entries, Date.now, true);
}

/** The repair's metric, in the event's trace. */
function recordRepair(env: OutboxEnv, outcome: ReconciliationOutcome, entry: SentEntry, missing: string[]): void {
	const event = envelopeOf(entry.message);
	writeDataPoint(
		env.ORDER_METRICS,
		reconciliationDataPoint({
			outcome,
			eventType: event.type,
			orderId: event.orderId,
			sequence: event.sequence,
			resends: entry.resends,
			missing: missing.join(","),
			traceId: continueTrace(event.traceparent).traceId,
		}),
	);
}

/** What a repair's log line names: the event, how often it was sent again, and what D1 lacked. */
function repairFields(event: OrderEventEnvelope, entry: { resends: number; missing: string[] }) {
	return {
		eventId: event.id,
		type: event.type,
		orderId: event.orderId,
		sequence: event.sequence,
		resends: entry.resends,
		missing: entry.missing,
	};
}

/**
 * Confirms an outbox's messages, all of one order, against the primary of the
 * order's region's database, which its id names (a replica's lag would look
 * like a loss). The webhooks they should have reached are read from the global
 * database through a replica: they change rarely, and the global primary is
 * shared by every region's carts.
 */
function confirmAgainstTheRecord(env: Env, messages: string[]) {
	const orderId = envelopeOf(messages[0]).orderId;
	const orderData = regionNamed(env, regionOfId(orderId)).orders;
	return confirmOrderEvents(
		database(orderData.withSession("first-primary")),
		database(env.DB.withSession("first-unconstrained")),
		messages,
	);
}

/**
 * The sweep: confirms the sent events that are due against D1's primaries,
 * forgets the confirmed, and puts the others back for `sendOrderEvents` to
 * send again.
 */
export function reconcileOrderEvents(store: OutboxStore, env: Env): Promise<ReconcileResult> {
	return reconcileOutbox(
		store,
		// The D1 clients are made only when something is due for a check: most alarm runs (an order's first drain) have none.
		(messages) => confirmAgainstTheRecord(env, messages),
		transport(env),
		{
			resent: (entry) => {
				const event = envelopeOf(entry.message);
				eventLog(event).warn("reconciliation resent an order event", repairFields(event, entry));
				recordRepair(env, "resent", entry, entry.missing);
			},
			gaveUp: (entry) => {
				const event = envelopeOf(entry.message);
				eventLog(event).error(
					entry.handedOver
						? "reconciliation gave up: event sent to the dead-letter queue"
						: "reconciliation gave up, but the dead-letter queue refused the event; it is kept",
					repairFields(event, entry),
				);
				if (entry.handedOver) recordRepair(env, "gave_up", entry, entry.missing);
			},
			checkFailed: (reason, checkAt) =>
				writeLog("warn", "reconciliation check failed", {
					reason,
					nextCheckAt: new Date(checkAt).toISOString(),
				}),
		},
		reconcileGraceMs(env),
	);
}
