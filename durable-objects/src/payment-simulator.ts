/**
 * The payment simulator: one Durable Object per payment intent (named by the
 * intent id, itself derived from the authorisation's idempotency key). It
 * keeps the intent (the state machine in payments/simulator/intent.ts), the
 * results of its capture, void and refund calls by idempotency key, and the
 * Stripe-shaped events its changes cause, which its alarm posts, signed, to
 * GoodFood's own webhook route through the worker's fetch handler: after the
 * call that caused them has answered, retried with backoff, and when asked
 * duplicated or reordered. Development and tests only (PAYMENT_PROVIDER).
 */
import { DurableObject } from "cloudflare:workers";
import { randomHex } from "@goodfood/platform/crypto";
import { errorText, writeLog } from "@goodfood/platform/log";
import type { IntentSnapshot, SettlementResult } from "../../workers/api/src/payments/provider";
import { cardBehaviour } from "../../workers/api/src/payments/simulator/cards";
import {
	authenticate,
	cancel,
	capture,
	type EventDraft,
	type IntentRequest,
	type IntentStatus,
	openIntent,
	refund,
	type SimulatedIntent,
	type SimulatorAuthorisation,
	type SimulatorEventType,
	type Step,
	snapshotOf,
} from "../../workers/api/src/payments/simulator/intent";
import {
	type DeliveryMode,
	SIGNATURE_HEADER,
	SIMULATOR_WEBHOOK_PATH,
	signatureHeader,
} from "../../workers/api/src/payments/simulator/webhooks";

/** A real provider answers first and tells later: events wait this long before their first delivery. */
export const DELIVERY_DELAY_MS = 1_000;
/** In reversed mode events are held longer, so that several wait together and can be sent newest first. */
export const REVERSED_HOLD_MS = 10_000;
/** Waits before the 2nd, 3rd, 4th and 5th attempts at a delivery that did not get a 2xx; then it is given up. */
export const DELIVERY_BACKOFF_MS = [5_000, 30_000, 120_000, 600_000];
export const MAX_DELIVERY_ATTEMPTS = DELIVERY_BACKOFF_MS.length + 1;
/** Where the loopback request says it goes; only its path matters, as it never leaves the worker. */
const WEBHOOK_URL = `https://payment-simulator.internal${SIMULATOR_WEBHOOK_PATH}`;

const SCHEMA = [
	`CREATE TABLE IF NOT EXISTS intent (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		body TEXT NOT NULL,
		request TEXT NOT NULL,
		authorisation TEXT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS steps (
		idempotency_key TEXT PRIMARY KEY,
		operation TEXT NOT NULL,
		result TEXT NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS events (
		sequence INTEGER PRIMARY KEY AUTOINCREMENT,
		id TEXT NOT NULL UNIQUE,
		type TEXT NOT NULL,
		body TEXT NOT NULL,
		created INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS pending_deliveries (
		sequence INTEGER PRIMARY KEY AUTOINCREMENT,
		event_id TEXT NOT NULL,
		attempts INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS deliveries (
		sequence INTEGER PRIMARY KEY AUTOINCREMENT,
		event_id TEXT NOT NULL,
		event_type TEXT NOT NULL,
		attempt INTEGER NOT NULL,
		status INTEGER,
		request_id TEXT,
		error TEXT,
		delivered_at INTEGER NOT NULL
	)`,
	`CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
];

type Operation = "capture" | "void" | "refund";

/** One attempt at posting an event, as the object remembers it (for tests and debugging). */
export interface DeliveryRecord {
	eventId: string;
	eventType: SimulatorEventType;
	attempt: number;
	/** The HTTP status GoodFood answered; null when the request itself failed. */
	status: number | null;
	/** The answering request's `x-request-id`: proof it went through GoodFood's gateway. */
	requestId: string | null;
	error: string | null;
	deliveredAt: number;
}

export interface QueuedEvent {
	id: string;
	type: SimulatorEventType;
	created: number;
}

export type AuthenticationOutcome =
	| { outcome: "completed"; status: IntentStatus }
	| { outcome: "not_waiting"; status: IntentStatus }
	| { outcome: "unknown_intent" };

const UNKNOWN_INTENT: SettlementResult = {
	status: "refused",
	code: "resource_missing",
	message: "No such payment intent",
};

/** What makes two authorisations with one key the same request. */
function fingerprintOf(request: IntentRequest): string {
	const { orderId, attempt, amount, currency, paymentMethod } = request;
	return JSON.stringify({ orderId, attempt, amount, currency: currency.toLowerCase(), paymentMethod });
}

function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}

export class PaymentSimulator extends DurableObject<Env> {
	private readonly sql: SqlStorage;

	/**
	 * Sends a signed delivery to GoodFood: the worker's own fetch handler, reached
	 * through its loopback export, never the internet. A test may replace it with
	 * `runInDurableObject` to play a webhook route that fails.
	 */
	webhookTransport: (request: Request) => Promise<Response> = (request) => this.ctx.exports.default.fetch(request);

	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		this.sql = ctx.storage.sql;
		for (const statement of SCHEMA) this.sql.exec(statement);
	}

	/** Creates and confirms the intent; a repeat with the same request answers the first result and changes nothing. */
	async authorise(request: IntentRequest): Promise<SimulatorAuthorisation> {
		const existing = this.sql
			.exec<{ request: string; authorisation: string }>("SELECT request, authorisation FROM intent WHERE id = 1")
			.toArray()[0];
		if (existing) {
			if (existing.request !== fingerprintOf(request)) {
				// As Stripe's idempotency_error: one key, one request.
				throw new Error(`Idempotency key of ${request.intentId} reused with different parameters`);
			}
			return JSON.parse(existing.authorisation) as SimulatorAuthorisation;
		}
		const card = cardBehaviour(request.paymentMethod);
		if (card.outcome === "invalid") throw new Error("An unreadable card gets no intent; the provider declines it");
		const step = openIntent(request, card, nowSeconds());
		this.ctx.storage.transactionSync(() => {
			this.sql.exec(
				"INSERT INTO intent (id, body, request, authorisation) VALUES (1, ?, ?, ?)",
				JSON.stringify(step.intent),
				fingerprintOf(request),
				JSON.stringify(step.result),
			);
			this.queueEvents(step.events);
		});
		await this.scheduleDelivery();
		return step.result;
	}

	/** Completes the second step (the simulator's 3-D Secure page). */
	async authenticate(outcome: "approve" | "fail"): Promise<AuthenticationOutcome> {
		const intent = this.intent();
		if (!intent) return { outcome: "unknown_intent" };
		const step = authenticate(intent, outcome);
		if (!step) return { outcome: "not_waiting", status: intent.status };
		this.ctx.storage.transactionSync(() => this.apply(step));
		await this.scheduleDelivery();
		return { outcome: "completed", status: step.result.status };
	}

	capture(amount: number, idempotencyKey: string): Promise<SettlementResult> {
		return this.settle("capture", idempotencyKey, (intent) => capture(intent, amount));
	}

	void(idempotencyKey: string): Promise<SettlementResult> {
		return this.settle("void", idempotencyKey, cancel);
	}

	refund(amount: number, reason: string, idempotencyKey: string): Promise<SettlementResult> {
		return this.settle("refund", idempotencyKey, (intent) =>
			refund(intent, amount, reason, `re_sim_${randomHex(12)}`, nowSeconds()),
		);
	}

	retrieve(): IntentSnapshot | null {
		const intent = this.intent();
		return intent ? snapshotOf(intent) : null;
	}

	/** How this intent's events are delivered from now on (tests and the development route). */
	setDeliveryMode(mode: DeliveryMode): DeliveryMode {
		this.sql.exec(
			"INSERT INTO settings (name, value) VALUES ('delivery_mode', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
			mode,
		);
		return mode;
	}

	deliveryMode(): DeliveryMode {
		const row = this.sql
			.exec<{ value: string }>("SELECT value FROM settings WHERE name = 'delivery_mode'")
			.toArray()[0];
		return (row?.value as DeliveryMode | undefined) ?? "normal";
	}

	/** The events queued so far, oldest first, and every delivery attempt, in the order they were made. */
	webhookLog(): { events: QueuedEvent[]; deliveries: DeliveryRecord[] } {
		const events = this.sql
			.exec<{ id: string; type: string; created: number }>("SELECT id, type, created FROM events ORDER BY sequence")
			.toArray()
			.map((row) => ({ id: row.id, type: row.type as SimulatorEventType, created: row.created }));
		const deliveries = this.sql
			.exec<{
				event_id: string;
				event_type: string;
				attempt: number;
				status: number | null;
				request_id: string | null;
				error: string | null;
				delivered_at: number;
			}>("SELECT * FROM deliveries ORDER BY sequence")
			.toArray()
			.map((row) => ({
				eventId: row.event_id,
				eventType: row.event_type as SimulatorEventType,
				attempt: row.attempt,
				status: row.status,
				requestId: row.request_id,
				error: row.error,
				deliveredAt: row.delivered_at,
			}));
		return { events, deliveries };
	}

	/** The raw body of a queued event, exactly as it is posted. */
	eventBody(eventId: string): string | null {
		return this.sql.exec<{ body: string }>("SELECT body FROM events WHERE id = ?", eventId).toArray()[0]?.body ?? null;
	}

	/**
	 * Posts the events that are waiting: every one not yet tried, and retries
	 * whose backoff has passed; oldest first, or newest first in reversed mode.
	 * One at a time, so the order they are sent in is the order GoodFood sees.
	 */
	override async alarm(): Promise<void> {
		const newestFirst = this.deliveryMode() === "reversed";
		const due = this.sql
			.exec<{ sequence: number; event_id: string; attempts: number; type: string; body: string }>(
				`SELECT p.sequence, p.event_id, p.attempts, e.type, e.body
				 FROM pending_deliveries p JOIN events e ON e.id = p.event_id
				 WHERE p.attempts = 0 OR p.next_attempt_at <= ?
				 ORDER BY p.sequence ${newestFirst ? "DESC" : "ASC"}`,
				Date.now(),
			)
			.toArray();
		for (const row of due) {
			const attempt = row.attempts + 1;
			const outcome = await this.post(row.body);
			const accepted = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
			this.ctx.storage.transactionSync(() => {
				this.sql.exec(
					`INSERT INTO deliveries (event_id, event_type, attempt, status, request_id, error, delivered_at)
					 VALUES (?, ?, ?, ?, ?, ?, ?)`,
					row.event_id,
					row.type,
					attempt,
					outcome.status,
					outcome.requestId,
					outcome.error,
					Date.now(),
				);
				if (accepted || attempt >= MAX_DELIVERY_ATTEMPTS) {
					this.sql.exec("DELETE FROM pending_deliveries WHERE sequence = ?", row.sequence);
				} else {
					this.sql.exec(
						"UPDATE pending_deliveries SET attempts = ?, next_attempt_at = ? WHERE sequence = ?",
						attempt,
						Date.now() + DELIVERY_BACKOFF_MS[attempt - 1],
						row.sequence,
					);
				}
			});
			if (!accepted) {
				const givenUp = attempt >= MAX_DELIVERY_ATTEMPTS;
				writeLog(givenUp ? "error" : "warn", `payment simulator webhook not accepted${givenUp ? "; given up" : ""}`, {
					intentId: this.intent()?.id,
					eventId: row.event_id,
					eventType: row.type,
					attempt,
					status: outcome.status,
					error: outcome.error,
				});
			}
		}
		await this.scheduleNextAttempt();
	}

	private intent(): SimulatedIntent | null {
		const row = this.sql.exec<{ body: string }>("SELECT body FROM intent WHERE id = 1").toArray()[0];
		return row ? (JSON.parse(row.body) as SimulatedIntent) : null;
	}

	/**
	 * Runs a capture, void or refund under its idempotency key. Only a step that
	 * succeeded is kept against its key, and the same key answers it again; a
	 * failed or refused step changed nothing, so trying again really tries again.
	 */
	private async settle(
		operation: Operation,
		idempotencyKey: string,
		decide: (intent: SimulatedIntent) => Step<SettlementResult>,
	): Promise<SettlementResult> {
		const recorded = this.sql
			.exec<{ operation: string; result: string }>(
				"SELECT operation, result FROM steps WHERE idempotency_key = ?",
				idempotencyKey,
			)
			.toArray()[0];
		if (recorded) {
			if (recorded.operation !== operation) {
				throw new Error(`Idempotency key ${idempotencyKey} was used for a ${recorded.operation}, not a ${operation}`);
			}
			return JSON.parse(recorded.result) as SettlementResult;
		}
		const intent = this.intent();
		if (!intent) return UNKNOWN_INTENT;
		const step = decide(intent);
		if (step.result.status !== "succeeded") return step.result;
		this.ctx.storage.transactionSync(() => {
			this.apply(step);
			this.sql.exec(
				"INSERT INTO steps (idempotency_key, operation, result) VALUES (?, ?, ?)",
				idempotencyKey,
				operation,
				JSON.stringify(step.result),
			);
		});
		await this.scheduleDelivery();
		return step.result;
	}

	private apply(step: Step<unknown>): void {
		if (!step.changed) return;
		this.sql.exec("UPDATE intent SET body = ? WHERE id = 1", JSON.stringify(step.intent));
		this.queueEvents(step.events);
	}

	/** Records each event, as it is now, and queues its delivery (twice in duplicate mode). */
	private queueEvents(drafts: EventDraft[]): void {
		const copies = this.deliveryMode() === "duplicate" ? 2 : 1;
		const created = nowSeconds();
		const firstAttemptAt = Date.now() + this.firstDelay();
		for (const draft of drafts) {
			const id = `evt_sim_${randomHex(12)}`;
			const body = JSON.stringify({
				id,
				object: "event",
				type: draft.type,
				created,
				livemode: false,
				data: { object: draft.object },
			});
			this.sql.exec("INSERT INTO events (id, type, body, created) VALUES (?, ?, ?, ?)", id, draft.type, body, created);
			for (let copy = 0; copy < copies; copy++) {
				this.sql.exec("INSERT INTO pending_deliveries (event_id, next_attempt_at) VALUES (?, ?)", id, firstAttemptAt);
			}
		}
	}

	private firstDelay(): number {
		return this.deliveryMode() === "reversed" ? REVERSED_HOLD_MS : DELIVERY_DELAY_MS;
	}

	/** Sets the alarm for newly queued events, unless it will already ring sooner. */
	private async scheduleDelivery(): Promise<void> {
		const target = Date.now() + this.firstDelay();
		const current = await this.ctx.storage.getAlarm();
		if (current === null || current > target) await this.ctx.storage.setAlarm(target);
	}

	private async scheduleNextAttempt(): Promise<void> {
		const next = this.sql
			.exec<{ at: number | null }>("SELECT MIN(next_attempt_at) AS at FROM pending_deliveries")
			.toArray()[0]?.at;
		if (next === null || next === undefined) await this.ctx.storage.deleteAlarm();
		else await this.ctx.storage.setAlarm(next);
	}

	/** One signed POST, signed for this moment, so each retry carries a fresh timestamp. */
	private async post(body: string): Promise<{ status: number | null; requestId: string | null; error: string | null }> {
		const secret = this.env.PAYMENT_SIMULATOR_SECRET;
		if (!secret) return { status: null, requestId: null, error: "PAYMENT_SIMULATOR_SECRET is not set" };
		try {
			const request = new Request(WEBHOOK_URL, {
				method: "POST",
				headers: {
					"content-type": "application/json",
					"user-agent": "GoodFood-PaymentSimulator/1",
					[SIGNATURE_HEADER]: await signatureHeader(secret, nowSeconds(), body),
				},
				body,
			});
			const response = await this.webhookTransport(request);
			await response.body?.cancel();
			return { status: response.status, requestId: response.headers.get("x-request-id"), error: null };
		} catch (error) {
			return { status: null, requestId: null, error: errorText(error) };
		}
	}
}
