/**
 * Order HTTP routes. An order is read by staff of its location, by the customer
 * who placed it, or with its tracking token (`?token=` or `X-Tracking-Token`);
 * without access it does not exist (404).
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { Context } from "hono";
import type { OrderAccess } from "../../../../durable-objects/src/cart";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "../cart/carts";
import { cartIdForOneShot, ORDER_ID_PATTERN, orderIdForCart } from "../cart/identity";
import { IdempotencyHeader, OneShotOrderInput, orderInputHook, PlacedOrderView } from "../cart/schemas";
import * as schema from "../db/schema";
import { type AppEnv, createRouter } from "../platform/app";
import { bearerSecurity, customerIdOf, isStaffRole, requireRole, STAFF_ROLES } from "../platform/auth";
import { ApiError } from "../platform/errors";
import { errorText } from "../platform/log";
import { orderEventDataPoint, writeDataPoint } from "../platform/metrics";
import { errorResponses, jsonContent } from "../platform/openapi";
import { callContext, requestLogger } from "../platform/request-log";
import { continueTrace } from "../platform/trace";
import type { Outcome } from "../shared/rule-violation";
import type { OrderEventEnvelope } from "./events";
import {
	CancelInput,
	type OrderChanged,
	OrderEventsView,
	type OrderPlacement,
	OrderView,
	StatusChangeInput,
} from "./order-views";
import { projectOrderEvent, readModelDb } from "./projections";

export const OrderIdParam = z.object({
	orderId: z
		.string()
		.regex(ORDER_ID_PATTERN, "must be an order id")
		.openapi({ param: { name: "orderId", in: "path" } }),
});
const TrackingQuery = z.object({
	token: z.string().max(200).optional().openapi({ description: "The order's tracking token (or X-Tracking-Token)" }),
});
const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const tracked: { [scheme: string]: string[] }[] = [{ trackingToken: [] }, { bearerAuth: [] }];

/** Who is asking, as the order's Durable Object judges access; null when nobody can be told apart. */
export function accessOf(c: Context<AppEnv>, token: string | undefined): OrderAccess | null {
	const principal = c.get("principal");
	const presented = token ?? c.req.header("x-tracking-token");
	if (principal && isStaffRole(principal.role)) {
		return { kind: "staff", locations: principal.role === "admin" ? "all" : principal.locations };
	}
	if (presented) return { kind: "tracking", token: presented };
	return principal ? { kind: "customer", customerId: principal.id } : null;
}

function orderNotFound(): never {
	throw ApiError.notFound("Order");
}

/** The ledger refused the event: it is in the read models already (the queue got there first). */
const ALREADY_PROJECTED = /UNIQUE constraint failed: processed_events\./;

/**
 * Applies an event the order's Durable Object just recorded to the read models
 * through this request's D1 session, so the `x-d1-bookmark` this response
 * carries covers it: a client that sends it back reads its own write.
 *
 * It is the projection the queue consumer runs, ledger row first, so when the
 * queue delivers the same envelope later the consumer finds it processed and
 * acknowledges it without effect. For that reason this also does the rest of
 * what the consumer does for a projected event: its metric, and its
 * notifications (after the response). Best effort: when it cannot project
 * (D1 failing, or the order's OrderPlaced not in the read models yet) it logs a
 * warning and the request still succeeds; the queue projects the event later.
 */
export async function projectRecordedEvent(
	c: Context<AppEnv>,
	event: OrderEventEnvelope,
	placed: { placedAt: string; locationSlug: string },
): Promise<void> {
	const log = requestLogger(c);
	const fields = { eventId: event.id, type: event.type, orderId: event.orderId, sequence: event.sequence };
	const db = readModelDb(c.var.d1);
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
		await db.batch(projectOrderEvent(db, event, new Date().toISOString()));
	} catch (error) {
		if (ALREADY_PROJECTED.test(errorText(error))) return;
		log.warn("order event projection failed in the request; the queue will project it", {
			...fields,
			error: errorText(error),
		});
		return;
	}
	writeDataPoint(
		c.env.ORDER_METRICS,
		orderEventDataPoint({
			type: event.type,
			locationSlug: placed.locationSlug,
			orderId: event.orderId,
			sequence: event.sequence,
			secondsSincePlaced:
				event.type === "OrderPlaced"
					? 0
					: Math.max(0, (Date.parse(event.occurredAt) - Date.parse(placed.placedAt)) / 1000),
			traceId: continueTrace(event.traceparent).traceId,
		}),
	);
	// Notifications are left to the queue consumer, which fans out for an event projected here too.
	log.info("order event projected in the request", fields);
}

/** A status change or cancellation: projects its event in the request, then answers the order. */
async function answerChange(c: Context<AppEnv>, changed: Outcome<OrderChanged> | null) {
	if (!changed) orderNotFound();
	const { order, event } = unwrap(changed);
	await projectRecordedEvent(c, event, order);
	return order;
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
		try {
			await projectRecordedEvent(c, event, { placedAt: event.occurredAt, locationSlug: event.payload.locationSlug });
		} catch (error) {
			requestLogger(c).warn("order event projection failed in the request; the queue will project it", {
				eventId: event.id,
				type: event.type,
				orderId: event.orderId,
				error: errorText(error),
			});
		}
	}
	return { orderId: placed.orderId, status: placed.status, trackingToken: placed.trackingToken };
}

export const orderRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/orders",
			tags: ["Orders"],
			summary: "Place an order in one call, with its items in the body",
			request: { headers: IdempotencyHeader, body: json(OneShotOrderInput) },
			responses: { 201: jsonContent(PlacedOrderView, "The order was placed"), ...errorResponses(400, 404, 409, 422) },
		}),
		async (c) => {
			const key = requireIdempotencyKey(c.req.valid("header")["idempotency-key"]);
			const input = c.req.valid("json");
			const customerId = customerIdOf(c);
			const cartId = await cartIdForOneShot(key, customerId);
			const orderId = await orderIdForCart(cartId);
			const placement = unwrap(
				await cartObject(c.env, orderId).placeOneShot(
					cartId,
					orderId,
					customerId,
					input,
					{ key, fingerprint: await fingerprint(input) },
					callContext(c),
				),
			);
			return c.json(await answerPlacement(c, placement), 201);
		},
		orderInputHook,
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/orders/{orderId}",
			tags: ["Orders"],
			summary: "The order: status, lines, totals and timeline",
			security: tracked,
			request: { params: OrderIdParam, query: TrackingQuery },
			responses: { 200: jsonContent(OrderView, "The order"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const access = accessOf(c, c.req.valid("query").token);
			if (!access) orderNotFound();
			const order = await cartObject(c.env, c.req.valid("param").orderId).readOrder(access, callContext(c));
			return order ? c.json(order, 200) : orderNotFound();
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/orders/{orderId}/events",
			tags: ["Orders"],
			summary: "The order's event stream, with sequence numbers",
			security: tracked,
			request: { params: OrderIdParam, query: TrackingQuery },
			responses: { 200: jsonContent(OrderEventsView, "The events in order"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const access = accessOf(c, c.req.valid("query").token);
			if (!access) orderNotFound();
			const events = await cartObject(c.env, c.req.valid("param").orderId).readEvents(access, callContext(c));
			return events ? c.json(events, 200) : orderNotFound();
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/orders/{orderId}/status",
			tags: ["Orders"],
			summary: "Move the order through the kitchen (staff)",
			security: bearerSecurity,
			middleware: [requireRole(...STAFF_ROLES)],
			request: { params: OrderIdParam, body: json(StatusChangeInput) },
			responses: {
				200: jsonContent(OrderView, "The order after the change"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const access = accessOf(c, undefined);
			if (!access) orderNotFound();
			const changed = await cartObject(c.env, c.req.valid("param").orderId).changeStatus(
				access,
				c.req.valid("json"),
				callContext(c),
			);
			return c.json(await answerChange(c, changed), 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/orders/{orderId}/cancel",
			tags: ["Orders"],
			summary: "Cancel the order: customers before it is confirmed, staff until it is ready",
			security: tracked,
			request: { params: OrderIdParam, query: TrackingQuery, body: json(CancelInput) },
			responses: { 200: jsonContent(OrderView, "The cancelled order"), ...errorResponses(400, 404, 409) },
		}),
		async (c) => {
			const access = accessOf(c, c.req.valid("query").token);
			if (!access) orderNotFound();
			const changed = await cartObject(c.env, c.req.valid("param").orderId).changeStatus(
				access,
				{ status: "cancelled", reason: c.req.valid("json").reason },
				callContext(c),
			);
			return c.json(await answerChange(c, changed), 200);
		},
	);
