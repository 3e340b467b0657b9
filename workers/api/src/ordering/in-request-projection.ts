/**
 * Read-your-writes for the staff order list: an event the order's Durable
 * Object just recorded is applied to the read models through this request's
 * D1 session, so the `x-d1-bookmark` the response carries covers it and a
 * client that sends it back reads its own write.
 *
 * It is the projection the queue consumer runs, ledger row first, so when the
 * queue delivers the same envelope the consumer finds it processed and only
 * fans out its notifications. Best effort: when it cannot project (D1 failing,
 * or the order's OrderPlaced not in the read models yet) it logs a warning and
 * the request still succeeds; the queue projects the event later.
 */

import type { AppEnv } from "@goodfood/platform/app";
import { errorText } from "@goodfood/platform/log";
import { requestLogger } from "@goodfood/platform/request-log";
import { continueTrace } from "@goodfood/platform/trace";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { PlacedOrderView } from "../cart/schemas";
import { database } from "../db/client";
import * as schema from "../db/schema";
import type { OrderEventEnvelope } from "./events";
import type { OrderPlacement } from "./order-views";
import { isAlreadyProjected, type PlacedOrder, projectOrderEvent, recordOrderEventMetric } from "./projections";

/** Projects `event` in the request; never throws. */
export async function projectRecordedEvent(
	c: Context<AppEnv>,
	event: OrderEventEnvelope,
	placed: PlacedOrder,
): Promise<void> {
	const log = requestLogger(c);
	const fields = { eventId: event.id, type: event.type, orderId: event.orderId, sequence: event.sequence };
	const db = database(c.var.d1);
	try {
		if (event.type !== "OrderPlaced") {
			// As in the consumer: a status change projected before its OrderPlaced would be lost.
			const known = await db
				.select({ id: schema.orders.id })
				.from(schema.orders)
				.where(eq(schema.orders.id, event.orderId))
				.limit(1);
			if (known.length === 0) {
				log.warn("order event left to the queue: its order is not in the read models yet", fields);
				return;
			}
		}
		await c.var.d1.batch(projectOrderEvent(c.var.d1, event, new Date().toISOString()));
	} catch (error) {
		if (isAlreadyProjected(error)) return;
		log.warn("order event projection failed in the request; the queue will project it", {
			...fields,
			error: errorText(error),
		});
		return;
	}
	// Notifications are left to the queue consumer, which fans out for an event projected here too. No info
	// line here: the consumer's "order event already projected" says the same, and every line costs CPU.
	recordOrderEventMetric(c.env.ORDER_METRICS, event, placed, continueTrace(event.traceparent).traceId);
}

/**
 * A placement (checkout or one-shot order): projects its OrderPlaced in the
 * request, so the staff order list read with this response's bookmark shows
 * the new order, then answers what the client is told, and only that. A
 * replayed answer carries no event (the first call recorded it). The order is
 * placed whatever happens here: a projection that fails is left to the queue.
 */
export async function answerPlacement(c: Context<AppEnv>, placement: OrderPlacement): Promise<PlacedOrderView> {
	const { placed, event } = placement;
	if (event?.type === "OrderPlaced") {
		await projectRecordedEvent(c, event, { placedAt: event.occurredAt, locationSlug: event.payload.locationSlug });
	}
	return { orderId: placed.orderId, status: placed.status, trackingToken: placed.trackingToken };
}
