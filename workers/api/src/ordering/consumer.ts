/**
 * The order-events queue consumer: projects each event into the D1 read models
 * of its order's region (the region its id names) and acknowledges or retries every message on its own, so one bad message
 * never replays the rest of its batch. Each message is a span in the trace its
 * envelope names, its log lines carry the request id that recorded the event,
 * and each event projected writes an Analytics Engine point.
 */

import { errorText, type Logger, spanLogger } from "@goodfood/platform/log";
import { SpanBatch } from "@goodfood/platform/otlp";
import { type Region, regionsOf } from "@goodfood/platform/regions";
import { continueTrace, type TraceContext } from "@goodfood/platform/trace";
import { regionOfId } from "../cart/identity";
import { database } from "../db/client";
import * as schema from "../db/schema";
import type { EmailLocation, WebhookSubscription } from "../notifications/domain/jobs";
import { enqueueNotifications, type Recipients } from "../notifications/fan-out";
import { OrderEventEnvelope } from "./events";
import { isAlreadyProjected, type PlacedOrder, projectOrderEvent, recordOrderEventMetric } from "./projections";

/** The most ids one lookup binds; D1 allows 100 parameters per statement. */
const LOOKUP_CHUNK = 100;

interface Parsed {
	message: Message<unknown>;
	event: OrderEventEnvelope;
	/** This message's span, a child of the span that recorded the event. */
	trace: TraceContext;
	/** Lines in this message's span, naming the request that recorded the event. */
	log: Logger;
}

/** What the read models hold of an order: when and where it was placed, and where its notifications go (unknown for one projected during this batch). */
interface KnownOrder extends PlacedOrder {
	recipients?: Recipients;
}

/** What the read models already hold, learned once per batch and kept current while it is processed. */
interface Known {
	processedEvents: Set<string>;
	orders: Map<string, KnownOrder>;
}

/** Backoff for a failed projection: 2, 4, 8 … seconds, capped at five minutes. */
export function retryDelaySeconds(attempts: number): number {
	return Math.min(2 ** Math.max(1, attempts), 300);
}

/** Waiting for an OrderPlaced still in flight: starts at 2 s and grows slowly, so it outlasts a short outage. */
function waitForPlacementSeconds(attempts: number): number {
	return Math.min(2 * Math.max(1, attempts), 60);
}

/** `?, ?, …` for `count` bound values. */
function placeholders(count: number): string {
	return Array.from({ length: count }, () => "?").join(", ");
}

/**
 * One statement on the orders' region's database for a chunk of orders: each
 * order's projected events, its placement, and its contact as fan-out reads
 * it (null once erased). Hand-written: it runs for every batch, and drizzle
 * cannot build the JSON aggregate without raw SQL anyway.
 */
function knownOrdersQuery(count: number): string {
	return `SELECT o.id, o.placed_at AS placedAt, o.location_slug AS locationSlug,
	CASE WHEN o.customer_ref IS NULL THEN NULL ELSE o.contact_email END AS contactEmail,
	(SELECT json_group_array(h.event_id) FROM order_status_history h WHERE h.order_id = o.id AND h.event_id IS NOT NULL) AS processed
FROM orders o
WHERE o.id IN (${placeholders(count)})`;
}

/**
 * One statement on the global database for a chunk of locations: each
 * location as an e-mail names it and its live webhooks, oldest first, as
 * fan-out reads them. The other half of an order's recipients, which used to
 * be a join before order data moved to its region.
 */
function locationRecipientsQuery(count: number): string {
	return `SELECT l.slug,
	(SELECT json_group_array(json_object('id', w.id, 'events', json(w.events)) ORDER BY w.created_at, w.id)
		FROM webhooks w WHERE w.location_slug = l.slug AND w.disabled = 0) AS webhooks,
	json_object('name', l.name, 'addressLine', l.address_line, 'city', l.city, 'postcode', l.postcode,
		'country', l.country, 'timeZone', l.time_zone) AS location
FROM locations l
WHERE l.slug IN (${placeholders(count)})`;
}

interface KnownOrderRow {
	id: string;
	placedAt: string;
	locationSlug: string;
	contactEmail: string | null;
	processed: string;
}

interface LocationRecipientsRow {
	slug: string;
	webhooks: string;
	location: string;
}

function chunked<T>(values: T[]): T[][] {
	const chunks: T[][] = [];
	for (let start = 0; start < values.length; start += LOOKUP_CHUNK) {
		chunks.push(values.slice(start, start + LOOKUP_CHUNK));
	}
	return chunks;
}

/**
 * What one region's read models hold of the batch's orders of that region,
 * then, from the global database, the webhooks and e-mail details of their
 * locations: two round trips, whatever the number of orders.
 */
async function lookUp(env: Env, orderData: D1Database, events: OrderEventEnvelope[]): Promise<Known> {
	const orderIds = [...new Set(events.map((event) => event.orderId))];
	const known: Known = { processedEvents: new Set(), orders: new Map() };
	const orderResults = await orderData.batch<KnownOrderRow>(
		chunked(orderIds).map((ids) => orderData.prepare(knownOrdersQuery(ids.length)).bind(...ids)),
	);
	const rows = orderResults.flatMap(({ results }) => results);
	const slugs = [...new Set(rows.map((row) => row.locationSlug))];
	const byLocation = new Map<string, LocationRecipientsRow>();
	if (slugs.length > 0) {
		// A replica may answer: a location's e-mail details and webhooks change rarely, and a second's
		// lag is harmless here, while the global primary is shared by every region's carts.
		const catalogue = env.DB.withSession("first-unconstrained");
		const locationResults = await catalogue.batch<LocationRecipientsRow>(
			chunked(slugs).map((chunk) => catalogue.prepare(locationRecipientsQuery(chunk.length)).bind(...chunk)),
		);
		for (const { results } of locationResults) for (const row of results) byLocation.set(row.slug, row);
	}
	for (const row of rows) {
		for (const eventId of JSON.parse(row.processed) as string[]) known.processedEvents.add(eventId);
		const location = byLocation.get(row.locationSlug);
		known.orders.set(row.id, {
			placedAt: row.placedAt,
			locationSlug: row.locationSlug,
			// A location gone from the catalogue leaves fan-out to read what it can itself.
			recipients: location && {
				contactEmail: row.contactEmail,
				webhooks: JSON.parse(location.webhooks) as WebhookSubscription[],
				location: JSON.parse(location.location) as EmailLocation,
			},
		});
	}
	return known;
}

async function project(env: Env, orderData: D1Database, entry: Parsed, known: Known): Promise<void> {
	const { message, event, log } = entry;
	if (known.processedEvents.has(event.id)) {
		// Projected already, by a run that stopped before its fan-out or by the staff request that
		// recorded it (read-your-writes): notifications go out from here either way, and the
		// notification log absorbs a second fan-out.
		if (!(await enqueueNotifications(env, event, log, known.orders.get(event.orderId)?.recipients))) {
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
			return;
		}
		log.info("order event already projected", { eventId: event.id, type: event.type, orderId: event.orderId });
		message.ack();
		return;
	}
	if (event.type !== "OrderPlaced" && !known.orders.has(event.orderId)) {
		// Queues do not keep order: the OrderPlaced this event follows is still on its way.
		message.retry({ delaySeconds: waitForPlacementSeconds(message.attempts) });
		return;
	}
	try {
		await orderData.batch(projectOrderEvent(orderData, event, new Date().toISOString()));
	} catch (error) {
		if (isAlreadyProjected(error)) {
			message.ack();
			return;
		}
		const delaySeconds = retryDelaySeconds(message.attempts);
		log.error("order event projection failed", {
			messageId: message.id,
			eventId: event.id,
			type: event.type,
			orderId: event.orderId,
			sequence: event.sequence,
			attempts: message.attempts,
			delaySeconds,
			error: errorText(error),
		});
		message.retry({ delaySeconds });
		return;
	}
	known.processedEvents.add(event.id);
	if (event.type === "OrderPlaced" && !known.orders.has(event.orderId)) {
		// Its recipients are not known yet: fan-out reads them from what was just projected.
		known.orders.set(event.orderId, { placedAt: event.occurredAt, locationSlug: event.payload.locationSlug });
	}
	const placed = known.orders.get(event.orderId);
	if (placed) recordOrderEventMetric(env.ORDER_METRICS, event, placed, entry.trace.traceId);
	log.info("order event projected", {
		eventId: event.id,
		type: event.type,
		orderId: event.orderId,
		sequence: event.sequence,
		attempts: message.attempts,
	});
	if (!(await enqueueNotifications(env, event, log, known.orders.get(event.orderId)?.recipients))) {
		message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		return;
	}
	message.ack();
}

/**
 * Queue handler for `goodfood-order-events`. Events of one order are applied
 * in stream order (an OrderPlaced before its status changes in the same
 * batch) to its region's database, which its id names; different orders, and
 * different regions, are projected concurrently.
 */
export async function handleOrderEvents(batch: MessageBatch<unknown>, env: Env, ctx?: ExecutionContext): Promise<void> {
	const parsed: Parsed[] = [];
	for (const message of batch.messages) {
		const result = OrderEventEnvelope.safeParse(message.body);
		if (result.success) {
			const trace = continueTrace(result.data.traceparent);
			parsed.push({ message, event: result.data, trace, log: spanLogger(trace, result.data.requestId) });
			continue;
		}
		// Acked, not retried: the same bytes fail the same schema on every attempt, and
		// a retry would only hold a poisoned message for ten deliveries before the DLQ.
		// Its trace and request, if the envelope still names them, show where the bad message came from.
		const { traceparent, requestId } = (message.body ?? {}) as { traceparent?: unknown; requestId?: unknown };
		spanLogger(
			continueTrace(typeof traceparent === "string" ? traceparent : undefined),
			typeof requestId === "string" ? requestId : undefined,
		).error("malformed order event", { messageId: message.id, issues: result.error.issues });
		message.ack();
	}
	if (parsed.length === 0) return;
	const spans = new SpanBatch("goodfood-api", env);
	const started = Date.now();
	try {
		await projectBatch(batch, env, parsed);
	} finally {
		if (spans.enabled) {
			const ended = Date.now();
			for (const { message, event, trace } of parsed) {
				spans.add({
					name: `${batch.queue} process`,
					kind: "consumer",
					trace,
					startMs: started,
					endMs: ended,
					attributes: {
						"messaging.system": "cloudflare_queues",
						"messaging.operation.type": "process",
						"messaging.destination.name": batch.queue,
						"messaging.message.id": message.id,
						"goodfood.event_type": event.type,
						"goodfood.order_id": event.orderId,
					},
				});
			}
			spans.flush(ctx);
		}
	}
}

/** The batch's events by the region their order is in; an order id naming no configured region is retried (configuration lost it), and after its retries recorded as a dead letter. */
function byRegion(env: Env, parsed: Parsed[]): Map<Region, Parsed[]> {
	const regions = regionsOf(env);
	const groups = new Map<Region, Parsed[]>();
	for (const entry of parsed) {
		const region = regions.get(regionOfId(entry.event.orderId));
		if (!region) {
			entry.log.error("order event names a region not configured", {
				eventId: entry.event.id,
				orderId: entry.event.orderId,
			});
			entry.message.retry({ delaySeconds: retryDelaySeconds(entry.message.attempts) });
			continue;
		}
		const group = groups.get(region) ?? [];
		group.push(entry);
		groups.set(region, group);
	}
	return groups;
}

async function projectBatch(batch: MessageBatch<unknown>, env: Env, parsed: Parsed[]): Promise<void> {
	await Promise.all(
		[...byRegion(env, parsed)].map(([region, entries]) => projectRegion(batch, env, region.orders, entries)),
	);
}

/** Projects one region's share of a batch into its database. */
async function projectRegion(
	batch: MessageBatch<unknown>,
	env: Env,
	orderData: D1Database,
	parsed: Parsed[],
): Promise<void> {
	let known: Known;
	try {
		known = await lookUp(
			env,
			orderData,
			parsed.map(({ event }) => event),
		);
	} catch (error) {
		for (const { message, event, log } of parsed) {
			log.error("order event lookup failed", { queue: batch.queue, eventId: event.id, error: errorText(error) });
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
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
			for (const entry of group) await project(env, orderData, entry, known);
		}),
	);
}

/** Why an event ended in the dead-letter queue, as far as its region's read models can tell. */
async function deadLetterReason(orderData: D1Database, event: OrderEventEnvelope | undefined): Promise<string> {
	if (!event) return "malformed message: not an order event envelope";
	const [processed, placed] = await orderData.batch<{ found: number }>([
		orderData.prepare("SELECT 1 AS found FROM order_status_history WHERE event_id = ?").bind(event.id),
		orderData.prepare("SELECT 1 AS found FROM orders WHERE id = ?").bind(event.orderId),
	]);
	if (processed.results.length > 0) return "retries exhausted: projected, but its notifications could not be queued";
	if (event.type !== "OrderPlaced" && placed.results.length === 0) {
		return "retries exhausted: its OrderPlaced was never projected";
	}
	return "retries exhausted: the projection kept failing (see 'order event projection failed' for this event id)";
}

/**
 * Where a dead letter is recorded: the dead_letters of its order's region. A
 * message naming no order (not an envelope) or no configured region has no
 * region of its own; it goes to the first configured region, so an operator
 * looking for strays looks there.
 */
function deadLetterRegion(env: Env, event: OrderEventEnvelope | undefined): Region {
	const regions = regionsOf(env);
	return (event && regions.get(regionOfId(event.orderId))) || regions.all[0];
}

/**
 * Queue handler for `goodfood-order-events-dlq`: events whose retries ran out.
 * Each is kept in its region's `dead_letters` with its body and why it died,
 * so an operator can replay it onto the order-events queue
 * (`POST /admin/dead-letters/…/replay`, `operations/replay.ts`); a message already
 * recorded is acked again without a second row. A failed write is retried,
 * never dropped. The row keeps this queue's name, from which a replay knows
 * the queue to send the body back onto: order events.
 */
export async function handleDeadOrderEvents(batch: MessageBatch<unknown>, env: Env): Promise<void> {
	for (const message of batch.messages) {
		const parsed = OrderEventEnvelope.safeParse(message.body);
		const event = parsed.success ? parsed.data : undefined;
		const log = spanLogger(continueTrace(event?.traceparent), event?.requestId);
		const fields = {
			queue: batch.queue,
			messageId: message.id,
			eventId: event?.id,
			type: event?.type,
			orderId: event?.orderId,
			sequence: event?.sequence,
		};
		try {
			const orderData = deadLetterRegion(env, event).orders;
			const reason = await deadLetterReason(orderData, event);
			await database(orderData)
				.insert(schema.deadLetters)
				.values({
					queue: batch.queue,
					messageId: message.id,
					eventId: event?.id ?? null,
					orderId: event?.orderId ?? null,
					eventType: event?.type ?? null,
					body: JSON.stringify(message.body) ?? "null",
					reason,
					attempts: message.attempts,
					deadAt: new Date().toISOString(),
				})
				.onConflictDoNothing();
			log.error("order event dead-lettered", { ...fields, reason });
			message.ack();
		} catch (error) {
			log.error("dead-lettered order event not recorded", {
				...fields,
				attempts: message.attempts,
				error: errorText(error),
			});
			message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
		}
	}
}
