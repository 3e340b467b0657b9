/**
 * Order HTTP routes. An order is read by staff of its location, by the customer
 * who placed it, or with its tracking token (`?token=` or `X-Tracking-Token`);
 * without access it does not exist (404).
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, customerIdOf, isStaffRole, requireRole, STAFF_ROLES } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { callContext } from "@goodfood/platform/request-log";
import type { Outcome } from "@goodfood/platform/rule-violation";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "../cart/carts";
import { cartIdForOneShot, ORDER_ID_PATTERN, orderIdForCart } from "../cart/identity";
import { currentRegionOf } from "../cart/location-region";
import { IdempotencyHeader, OneShotOrderInput, orderInputHook, PlacedOrderView } from "../cart/schemas";
import type { OrderAccess } from "./domain/access";
import { answerPlacement, projectRecordedEvent } from "./in-request-projection";
import { CancelInput, type OrderChanged, OrderEventsView, OrderView, StatusChangeInput } from "./order-views";

export const OrderIdParam = z.object({
	orderId: z
		.string()
		.regex(ORDER_ID_PATTERN, "must be an order id")
		.openapi({ param: { name: "orderId", in: "path" }, example: "ord_eu_9b1c2d3e4f5a60718293a4b5c6d7e8f9" }),
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

/** A status change or cancellation: projects its event in the request, then answers the order. */
async function answerChange(c: Context<AppEnv>, changed: Outcome<OrderChanged> | null) {
	if (!changed) orderNotFound();
	const { order, event } = unwrap(changed);
	await projectRecordedEvent(c, event, order);
	return order;
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
			// In the region the location is in now; a retry after a move opens a new order there, as a new cart would.
			const region = await currentRegionOf(c.env, c.var.d1, input.locationSlug);
			const cartId = await cartIdForOneShot(region.name, key, customerId);
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
