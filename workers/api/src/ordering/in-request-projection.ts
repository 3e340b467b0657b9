/**
 * Read-your-writes for the staff order list: an event the order's Durable
 * Object just recorded is applied to the read models through this request's
 * session on its region's order database, so the `x-d1-bookmark` the response
 * carries covers it and a client that sends it back reads its own write.
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
import { parseTraceparent } from "@goodfood/platform/trace";
import type { Context } from "hono";
import { regionOfOrder } from "../cart/carts";
import type { PlacedOrderView } from "../cart/schemas";
import type { OrderEventEnvelope } from "./events";
import type { OrderPlacement } from "./order-views";
import { isAlreadyProjected, type PlacedOrder, projectOrderEvent, recordOrderEventMetric } from "./projections";

/** Projects `event` in the request; never throws. */
export async function projectRecordedEvent(
	c: Context<AppEnv>,
	event: OrderEventEnvelope,
	placed: PlacedOrder,
): Promise<void> {
	// The logger and fields are built only for a warning: this runs on every placement.
	const warn = (message: string, extra?: Record<string, unknown>) =>
		requestLogger(c).warn(message, {
			eventId: event.id,
			type: event.type,
			orderId: event.orderId,
			sequence: event.sequence,
			...extra,
		});
	try {
		const orderData = c.var.orderData.in(regionOfOrder(c.env, event.orderId));
		if (event.type !== "OrderPlaced") {
			// As in the consumer: a status change projected before its OrderPlaced would be lost.
			const known = await orderData.prepare("SELECT 1 FROM orders WHERE id = ? LIMIT 1").bind(event.orderId).first();
			if (!known) {
				warn("order event left to the queue: its order is not in the read models yet");
				return;
			}
		}
		await orderData.batch(projectOrderEvent(orderData, event, new Date().toISOString()));
	} catch (error) {
		if (isAlreadyProjected(error)) return;
		warn("order event projection failed in the request; the queue will project it", { error: errorText(error) });
		return;
	}
	// Notifications are left to the queue consumer, which fans out for an event projected here too. No info
	// line here: the consumer's "order event already projected" says the same, and every line costs CPU.
	// The event's trace is this request's (its object recorded it in this call); read, not continued with a new span.
	const traceId = parseTraceparent(event.traceparent)?.traceId ?? c.var.trace.traceId;
	recordOrderEventMetric(c.env.ORDER_METRICS, event, placed, traceId);
}

/**
 * A placement (checkout or one-shot order): projects its OrderPlaced in the
 * request, so the staff order list read with this response's bookmark shows
 * the new order, then answers what the client is told, and only that. A
 * replayed answer carries no event (the first call recorded it). The order is
 * placed whatever happens here: a projection that fails is left to the queue.
 */
export async function answerPlacement(c: Context<AppEnv>, placement: OrderPlacement): Promise<PlacedOrderView> {
	const { placed, events } = placement;
	const [first] = events;
	if (first?.type === "OrderPlaced") {
		// Only the OrderPlaced, which says a card is authorised already: the staff list read with this
		// response's bookmark shows the order. Its PaymentAuthorised (the intent id) is left to the queue.
		await projectRecordedEvent(c, first, { placedAt: first.occurredAt, locationSlug: first.payload.locationSlug });
	}
	return {
		orderId: placed.orderId,
		status: placed.status,
		trackingToken: placed.trackingToken,
		payment: placed.payment,
		predictedReadyAt: placed.predictedReadyAt,
	};
}
