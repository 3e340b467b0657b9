/**
 * The order-events queue consumer: projects each event into the D1 read models
 * and acknowledges or retries every message on its own, so one bad message
 * never replays the rest of its batch.
 */
import { inArray } from "drizzle-orm";
import * as schema from "../db/schema";
import { enqueueNotifications } from "../notifications/fan-out";
import { OrderEventEnvelope } from "./events";
import { projectOrderEvent, type ReadModelDb, readModelDb } from "./projections";

/** The most ids one lookup binds; D1 allows 100 parameters per statement. */
const LOOKUP_CHUNK = 100;

interface Parsed {
	message: Message<unknown>;
	event: OrderEventEnvelope;
}

/** What the read models already hold, learned once per batch and kept current while it is processed. */
interface Known {
	processedEvents: Set<string>;
	placedOrders: Set<string>;
}

function logError(message: string, fields: Record<string, unknown>): void {
	console.error(JSON.stringify({ level: "error", message, ...fields }));
}

/** Backoff for a failed projection: 2, 4, 8 … seconds, capped at five minutes. */
export function retryDelaySeconds(attempts: number): number {
	return Math.min(2 ** Math.max(1, attempts), 300);
}

/** Waiting for an OrderPlaced still in flight: starts at 2 s and grows slowly, so it outlasts a short outage. */
function waitForPlacementSeconds(attempts: number): number {
	return Math.min(2 * Math.max(1, attempts), 60);
}

function errorText(error: unknown): string {
	const parts: string[] = [];
	for (let current = error; current instanceof Error; current = current.cause) parts.push(current.message);
	return parts.length > 0 ? parts.join(": ") : String(error);
}

/** A UNIQUE failure on the ledger: another delivery of this event got there first. */
function isDuplicateDelivery(error: unknown): boolean {
	return /UNIQUE constraint failed: processed_events\./.test(errorText(error));
}

async function lookUp(db: ReadModelDb, events: OrderEventEnvelope[]): Promise<Known> {
	const eventIds = [...new Set(events.map((event) => event.id))];
	const orderIds = [...new Set(events.map((event) => event.orderId))];
	const known: Known = { processedEvents: new Set(), placedOrders: new Set() };
	for (let start = 0; start < Math.max(eventIds.length, orderIds.length); start += LOOKUP_CHUNK) {
		const someEvents = eventIds.slice(start, start + LOOKUP_CHUNK);
		const someOrders = orderIds.slice(start, start + LOOKUP_CHUNK);
		const [processed, placed] = await db.batch([
			db
				.select({ id: schema.processedEvents.eventId })
				.from(schema.processedEvents)
				.where(inArray(schema.processedEvents.eventId, someEvents)),
			db.select({ id: schema.orders.id }).from(schema.orders).where(inArray(schema.orders.id, someOrders)),
		]);
		for (const row of processed) known.processedEvents.add(row.id);
		for (const row of placed) known.placedOrders.add(row.id);
	}
	return known;
}

async function project(env: Env, db: ReadModelDb, { message, event }: Parsed, known: Known): Promise<void> {
	if (known.processedEvents.has(event.id)) {
		// A redelivery may follow a run that stopped between projection and fan-out; the notification log absorbs a second fan-out.
		if (message.attempts > 1 && !(await enqueueNotifications(env, event))) {
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
			return;
		}
		message.ack();
		return;
	}
	if (event.type !== "OrderPlaced" && !known.placedOrders.has(event.orderId)) {
		// Queues do not keep order: the OrderPlaced this event follows is still on its way.
		message.retry({ delaySeconds: waitForPlacementSeconds(message.attempts) });
		return;
	}
	try {
		await db.batch(projectOrderEvent(db, event, new Date().toISOString()));
	} catch (error) {
		if (isDuplicateDelivery(error)) {
			message.ack();
			return;
		}
		const delaySeconds = retryDelaySeconds(message.attempts);
		logError("order event projection failed", {
			messageId: message.id,
			eventId: event.id,
			type: event.type,
			orderId: event.orderId,
			sequence: event.sequence,
			attempts: message.attempts,
			delaySeconds,
			traceparent: event.traceparent,
			error: errorText(error),
		});
		message.retry({ delaySeconds });
		return;
	}
	known.processedEvents.add(event.id);
	if (event.type === "OrderPlaced") known.placedOrders.add(event.orderId);
	if (!(await enqueueNotifications(env, event))) {
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		return;
	}
	message.ack();
}

/**
 * Queue handler for `goodfood-order-events`. Events of one order are applied
 * in stream order (an OrderPlaced before its status changes in the same
 * batch); different orders are projected concurrently.
 */
export async function handleOrderEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	const parsed: Parsed[] = [];
	for (const message of batch.messages) {
		const result = OrderEventEnvelope.safeParse(message.body);
		if (result.success) {
			parsed.push({ message, event: result.data });
			continue;
		}
		// Acked, not retried: the same bytes fail the same schema on every attempt, and
		// a retry would only hold a poisoned message for ten deliveries before the DLQ.
		logError("malformed order event", { messageId: message.id, issues: result.error.issues });
		message.ack();
	}
	if (parsed.length === 0) return;

	const db = readModelDb(env.DB);
	let known: Known;
	try {
		known = await lookUp(
			db,
			parsed.map(({ event }) => event),
		);
	} catch (error) {
		logError("order event lookup failed", { queue: batch.queue, error: errorText(error) });
		for (const { message } of parsed) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		return;
	}

	const byOrder = new Map<string, Parsed[]>();
	for (const entry of parsed) {
		const group = byOrder.get(entry.event.orderId) ?? [];
		group.push(entry);
		byOrder.set(entry.event.orderId, group);
	}
	await Promise.all(
		[...byOrder.values()].map(async (group) => {
			group.sort((a, b) => a.event.sequence - b.event.sequence);
			for (const entry of group) await project(env, db, entry, known);
		}),
	);
}
