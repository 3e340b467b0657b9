/**
 * The Cart object's SQLite storage (tables in `schema.ts`): the cart and its
 * lines, the order's event stream, its outbox and its idempotency records.
 * Plain reads and writes, no rules; the object wraps the writes that must land
 * together in one `transactionSync`.
 */
import type { IdempotencyStore } from "@goodfood/platform/idempotency";
import type { OutboxEntry, OutboxStore } from "@goodfood/platform/outbox";
import { formatTraceparent, type TraceContext } from "@goodfood/platform/trace";
import type { DraftLine } from "../../workers/api/src/cart/domain/lines";
import type { CartOwnership } from "../../workers/api/src/cart/domain/ownership";
import type { ChosenOption } from "../../workers/api/src/cart/domain/pricing";
import type { CartHeader } from "../../workers/api/src/cart/domain/view";
import type { RecordedEvent } from "../../workers/api/src/ordering/domain/order";
import type { StoredEvent } from "../../workers/api/src/ordering/domain/view";
import type { OrderEventData, OrderEventEnvelope } from "../../workers/api/src/ordering/events";

/** An open cart nobody touched for this long is deleted. */
export const CART_IDLE_TTL_MS = 7 * 24 * 3600_000;

export type CartRow = {
	cart_id: string;
	order_id: string;
	location_slug: string;
	status: "open" | "checked_out";
	revision: number;
	tracking_token_hash: string | null;
	expires_at: number;
	owner_id: string | null;
	/** While a card payment waits: when the unpaid order expires (ms). */
	payment_due_at: number | null;
	/** The provider's payment the current attempt waits on, and where its second step is completed. */
	payment_intent_id: string | null;
	payment_action_url: string | null;
};

type LineRow = {
	line_id: string;
	item_id: string;
	category_id: string;
	name: string;
	quantity: number;
	unit_price: number;
	options: string;
	option_key: string;
	note: string | null;
};

/** An event as stored, before it is published with a trace. */
export type StoredEnvelope = {
	id: string;
	type: OrderEventData["type"];
	occurredAt: string;
	orderId: string;
	sequence: number;
	payload: OrderEventData["payload"];
};

type EventRow = {
	sequence: number;
	event_id: string;
	type: string;
	occurred_at: string;
	payload: string;
};

function toLine(row: LineRow): DraftLine {
	return {
		lineId: row.line_id,
		itemId: row.item_id,
		categoryId: row.category_id,
		name: row.name,
		quantity: row.quantity,
		unitPrice: row.unit_price,
		options: JSON.parse(row.options) as ChosenOption[],
		optionKey: row.option_key,
		note: row.note,
	};
}

/** A cart not stored yet: a one-shot order checks out before it writes anything. */
export function newCartRow(cartId: string, orderId: string, locationSlug: string, ownerId: string | null): CartRow {
	return {
		cart_id: cartId,
		order_id: orderId,
		location_slug: locationSlug,
		status: "open",
		revision: 0,
		tracking_token_hash: null,
		expires_at: 0,
		owner_id: ownerId,
		payment_due_at: null,
		payment_intent_id: null,
		payment_action_url: null,
	};
}

/** The cart as the domain sees it: for its view, and for who may use it. */
export function cartHeader(row: CartRow): CartHeader & CartOwnership {
	return {
		ownerId: row.owner_id,
		cartId: row.cart_id,
		orderId: row.order_id,
		locationSlug: row.location_slug,
		status: row.status,
		expiresAt: row.expires_at,
	};
}

export class CartStore {
	constructor(private readonly sql: SqlStorage) {}

	cart(): CartRow | undefined {
		return this.sql.exec<CartRow>("SELECT * FROM cart WHERE id = 1").toArray()[0];
	}

	createCart(cartId: string, orderId: string, locationSlug: string, ownerId: string | null, now: number): void {
		const at = new Date(now).toISOString();
		this.sql.exec(
			`INSERT INTO cart (id, cart_id, order_id, location_slug, status, created_at, updated_at, expires_at, owner_id)
			 VALUES (1, ?, ?, ?, 'open', ?, ?, ?, ?)`,
			cartId,
			orderId,
			locationSlug,
			at,
			at,
			now + CART_IDLE_TTL_MS,
			ownerId,
		);
	}

	/** A change to an open cart: a new revision, and the idle clock starts again. Answers the row as it now is. */
	touch(cart: CartRow, now: number): CartRow {
		const touched = { ...cart, revision: cart.revision + 1, expires_at: now + CART_IDLE_TTL_MS };
		this.sql.exec(
			"UPDATE cart SET revision = ?, updated_at = ?, expires_at = ? WHERE id = 1",
			touched.revision,
			new Date(now).toISOString(),
			touched.expires_at,
		);
		return touched;
	}

	/**
	 * Closes the cart as its order is placed; the tracking token is derived from the order id, so nothing of it is stored.
	 * `paymentDueAt`: a card payment not authorised by then expires.
	 */
	checkOut(now: Date, paymentDueAt: number | null = null): void {
		this.sql.exec(
			"UPDATE cart SET status = 'checked_out', updated_at = ?, payment_due_at = ?, payment_intent_id = NULL, payment_action_url = NULL WHERE id = 1",
			now.toISOString(),
			paymentDueAt,
		);
	}

	/** The card's payment waits on a second step the customer completes at `actionUrl`. */
	awaitAction(intentId: string, actionUrl: string): void {
		this.sql.exec("UPDATE cart SET payment_intent_id = ?, payment_action_url = ? WHERE id = 1", intentId, actionUrl);
	}

	/** The payment is settled one way or the other: nothing waits any more. */
	paymentSettled(): void {
		this.sql.exec("UPDATE cart SET payment_due_at = NULL, payment_action_url = NULL WHERE id = 1");
	}

	/** A failed payment gives the customer the cart back, as it was, to change or pay again; the idle clock starts again. */
	reopen(now: number): void {
		this.sql.exec(
			`UPDATE cart SET status = 'open', revision = revision + 1, updated_at = ?, expires_at = ?,
			 payment_due_at = NULL, payment_action_url = NULL WHERE id = 1`,
			new Date(now).toISOString(),
			now + CART_IDLE_TTL_MS,
		);
	}

	forgetOwner(): void {
		this.sql.exec("UPDATE cart SET owner_id = NULL WHERE id = 1");
	}

	/** A line's note is free text the customer typed; erasure drops it with the contact details. */
	forgetLineNotes(): void {
		this.sql.exec("UPDATE cart_lines SET note = NULL");
	}

	lines(): DraftLine[] {
		return this.sql.exec<LineRow>("SELECT * FROM cart_lines ORDER BY position, rowid").toArray().map(toLine);
	}

	line(lineId: string): DraftLine | undefined {
		const row = this.sql.exec<LineRow>("SELECT * FROM cart_lines WHERE line_id = ?", lineId).toArray()[0];
		return row && toLine(row);
	}

	lineCount(): number {
		return this.sql.exec<{ count: number }>("SELECT count(*) AS count FROM cart_lines").one().count;
	}

	/** Adds the line after every other one, however earlier removals left the positions. */
	insertLine(line: DraftLine): void {
		this.sql.exec(
			`INSERT INTO cart_lines (line_id, item_id, category_id, name, quantity, unit_price, options, option_key, note, position)
			 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT coalesce(max(position), -1) + 1 FROM cart_lines))`,
			line.lineId,
			line.itemId,
			line.categoryId,
			line.name,
			line.quantity,
			line.unitPrice,
			JSON.stringify(line.options),
			line.optionKey,
			line.note,
		);
	}

	/** Rewrites a line's changeable parts: quantity, options (and so their key and price), note. */
	updateLine(line: DraftLine): void {
		this.sql.exec(
			"UPDATE cart_lines SET quantity = ?, options = ?, option_key = ?, unit_price = ?, note = ? WHERE line_id = ?",
			line.quantity,
			JSON.stringify(line.options),
			line.optionKey,
			line.unitPrice,
			line.note,
			line.lineId,
		);
	}

	/** A one-shot order paid again after a failed card: its lines are the retry's body. */
	replaceLines(lines: DraftLine[]): void {
		this.sql.exec("DELETE FROM cart_lines");
		for (const line of lines) this.insertLine(line);
	}

	deleteLine(lineId: string): void {
		this.sql.exec("DELETE FROM cart_lines WHERE line_id = ?", lineId);
	}

	setUnitPrice(lineId: string, unitPrice: number): void {
		this.sql.exec("UPDATE cart_lines SET unit_price = ? WHERE line_id = ?", unitPrice, lineId);
	}

	private eventRows(): EventRow[] {
		return this.sql
			.exec<EventRow>("SELECT sequence, event_id, type, occurred_at, payload FROM order_events ORDER BY sequence")
			.toArray();
	}

	events(): RecordedEvent[] {
		return this.eventRows().map((row) => ({
			sequence: row.sequence,
			occurredAt: row.occurred_at,
			event: { type: row.type, payload: JSON.parse(row.payload) } as OrderEventData,
		}));
	}

	storedEvents(): StoredEvent[] {
		return this.eventRows().map((row) => ({
			sequence: row.sequence,
			id: row.event_id,
			type: row.type,
			occurredAt: row.occurred_at,
			payload: JSON.parse(row.payload) as Record<string, unknown>,
		}));
	}

	/** Every OrderPlaced: one per checkout attempt (a failed payment reopens the cart). */
	placedEvents(): { sequence: number; payload: Record<string, unknown> }[] {
		return this.sql
			.exec<{ sequence: number; payload: string }>(
				"SELECT sequence, payload FROM order_events WHERE type = 'OrderPlaced' ORDER BY sequence",
			)
			.toArray()
			.map((row) => ({ sequence: row.sequence, payload: JSON.parse(row.payload) as Record<string, unknown> }));
	}

	rewritePayload(sequence: number, payload: Record<string, unknown>): void {
		this.sql.exec("UPDATE order_events SET payload = ? WHERE sequence = ?", JSON.stringify(payload), sequence);
	}

	/**
	 * Stores the event and its outbox row; the envelope carries the call's span
	 * and request id, so consumers join its trace and name its request; the
	 * outbox keeps them, so an alarm that sends it again sends these too.
	 * The caller sends it itself once the transaction commits, so the row is
	 * stored as sent, due for its first check at `checkAt` (`firstCheckAt`),
	 * and without its payload, which every reader takes from the event stream.
	 */
	append(
		orderId: string,
		event: OrderEventData,
		now: Date,
		trace: TraceContext,
		requestId: string | undefined,
		checkAt: number,
	): { recorded: RecordedEvent; envelope: OrderEventEnvelope; outbox: OutboxEntry } {
		const recorded = this.record(orderId, event, now);
		return { recorded: recorded.recorded, ...this.publish(recorded.envelope, now, trace, requestId, checkAt) };
	}

	/**
	 * Stores the event in the stream only: an order that waits for its card's
	 * authorisation is the customer's business alone, so its OrderPlaced (and a
	 * failed payment) is not sent to the queue; `publish` sends it once paid.
	 */
	record(orderId: string, event: OrderEventData, now: Date): { recorded: RecordedEvent; envelope: StoredEnvelope } {
		const last =
			this.sql.exec<{ last: number | null }>("SELECT max(sequence) AS last FROM order_events").one().last ?? 0;
		const envelope: StoredEnvelope = {
			id: crypto.randomUUID(),
			type: event.type,
			occurredAt: now.toISOString(),
			orderId,
			sequence: last + 1,
			payload: event.payload,
		};
		this.sql.exec(
			"INSERT INTO order_events (sequence, event_id, type, occurred_at, payload) VALUES (?, ?, ?, ?, ?)",
			envelope.sequence,
			envelope.id,
			envelope.type,
			envelope.occurredAt,
			JSON.stringify(envelope.payload),
		);
		return { recorded: { sequence: envelope.sequence, occurredAt: envelope.occurredAt, event }, envelope };
	}

	/** The stored event as an envelope, to publish later. */
	storedEnvelope(orderId: string, sequence: number): StoredEnvelope | undefined {
		const row = this.sql
			.exec<EventRow>(
				"SELECT sequence, event_id, type, occurred_at, payload FROM order_events WHERE sequence = ?",
				sequence,
			)
			.toArray()[0];
		return (
			row && {
				id: row.event_id,
				type: row.type as OrderEventData["type"],
				occurredAt: row.occurred_at,
				orderId,
				sequence: row.sequence,
				payload: JSON.parse(row.payload) as OrderEventData["payload"],
			}
		);
	}

	/** Adds a recorded event's outbox row, stored as sent (see `append`). */
	publish(
		stored: StoredEnvelope,
		now: Date,
		trace: TraceContext,
		requestId: string | undefined,
		checkAt: number,
	): { envelope: OrderEventEnvelope; outbox: OutboxEntry } {
		const { payload, ...rest } = stored;
		const withoutPayload = {
			...rest,
			traceparent: formatTraceparent(trace),
			...(requestId ? { requestId } : {}),
		};
		const message = JSON.stringify({ ...withoutPayload, payload });
		this.sql.exec(
			"INSERT INTO outbox (sequence, message, next_attempt_at, sent_at) VALUES (?, ?, ?, ?)",
			stored.sequence,
			JSON.stringify(withoutPayload),
			checkAt,
			now.getTime(),
		);
		// The envelope exactly as queued, so the caller's projection and the queue's are one event.
		return {
			envelope: JSON.parse(message) as OrderEventEnvelope,
			outbox: { sequence: stored.sequence, message, attempts: 0, resends: 0 },
		};
	}

	/** When the outbox next has something to do (a send, a retry, a check); null when it is empty. */
	nextOutboxAttempt(): number | null {
		return this.sql.exec<{ next: number | null }>("SELECT min(next_attempt_at) AS next FROM outbox").one().next;
	}

	/**
	 * The outbox as the platform drains and reconciles it. A sent row keeps its
	 * envelope without the payload, and every message handed out takes its
	 * payload from the event stream: personal data lives in one place, and an
	 * event sent (or sent again) after an erasure goes out erased.
	 */
	readonly outbox: OutboxStore = {
		due: (now, limit) =>
			this.sql
				.exec<{ sequence: number; message: string; attempts: number; resends: number }>(
					`SELECT o.sequence, json_set(o.message, '$.payload', json(e.payload)) AS message, o.attempts, o.resends
					 FROM outbox o JOIN order_events e ON e.sequence = o.sequence
					 WHERE o.sent_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.sequence LIMIT ?`,
					now,
					limit,
				)
				.toArray(),
		remove: (sequences) => {
			for (const sequence of sequences) this.sql.exec("DELETE FROM outbox WHERE sequence = ?", sequence);
		},
		retryAt: (sequence, attempts, nextAttemptAt, reason) => {
			this.sql.exec(
				"UPDATE outbox SET sent_at = NULL, attempts = ?, next_attempt_at = ?, last_error = ? WHERE sequence = ?",
				attempts,
				nextAttemptAt,
				reason,
				sequence,
			);
		},
		markSent: (entries) => {
			const now = Date.now();
			for (const { sequence, checkAt } of entries) {
				this.sql.exec(
					`UPDATE outbox SET sent_at = ?, next_attempt_at = ?, attempts = 0, last_error = NULL,
					 message = json_remove(message, '$.payload') WHERE sequence = ?`,
					now,
					checkAt,
					sequence,
				);
			}
		},
		awaiting: (limit) =>
			this.sql
				.exec<{ sequence: number; message: string; resends: number; checkAt: number }>(
					`SELECT o.sequence, json_set(o.message, '$.payload', json(e.payload)) AS message, o.resends,
					 o.next_attempt_at AS checkAt
					 FROM outbox o JOIN order_events e ON e.sequence = o.sequence
					 WHERE o.sent_at IS NOT NULL ORDER BY o.sequence LIMIT ?`,
					limit,
				)
				.toArray(),
		resend: (sequence, resends, now) => {
			this.sql.exec(
				"UPDATE outbox SET sent_at = NULL, resends = ?, attempts = 0, next_attempt_at = ? WHERE sequence = ?",
				resends,
				now,
				sequence,
			);
		},
		recheckAt: (sequence, checkAt) => {
			this.sql.exec("UPDATE outbox SET next_attempt_at = ? WHERE sequence = ?", checkAt, sequence);
		},
	};

	/** When the oldest idempotency record was stored, in ms; null when there is none. */
	oldestAnswerAt(): number | null {
		const oldest = this.sql.exec<{ at: string | null }>("SELECT min(created_at) AS at FROM idempotency").one().at;
		return oldest === null ? null : Date.parse(oldest);
	}

	/** Deletes idempotency records stored before `time` (ms): expired, they would only be forgotten on their next use. */
	forgetAnswersStoredBefore(time: number): void {
		this.sql.exec("DELETE FROM idempotency WHERE created_at < ?", new Date(time).toISOString());
	}

	readonly idempotency: IdempotencyStore = {
		find: (key) => {
			const row = this.sql
				.exec<{ fingerprint: string; response: string; created_at: string }>(
					"SELECT fingerprint, response, created_at FROM idempotency WHERE key = ?",
					key,
				)
				.toArray()[0];
			return row && { fingerprint: row.fingerprint, response: row.response, storedAt: Date.parse(row.created_at) };
		},
		save: (key, answer) => {
			this.sql.exec(
				"INSERT INTO idempotency (key, fingerprint, response, created_at) VALUES (?, ?, ?, ?)",
				key,
				answer.fingerprint,
				answer.response,
				new Date(answer.storedAt).toISOString(),
			);
		},
		forget: (key) => {
			this.sql.exec("DELETE FROM idempotency WHERE key = ?", key);
		},
	};

	/**
	 * Gives an outbox row still holding its event's payload (not sent yet) the
	 * payload given, so an erased customer's details leave with the event
	 * rewritten, never as first recorded. A row without a payload is left alone.
	 */
	rewriteOutboxPayload(sequence: number, payload: Record<string, unknown>): void {
		this.sql.exec(
			`UPDATE outbox SET message = json_set(message, '$.payload', json(?))
			 WHERE sequence = ? AND json_type(message, '$.payload') IS NOT NULL`,
			JSON.stringify(payload),
			sequence,
		);
	}
}
