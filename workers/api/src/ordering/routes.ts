/**
 * Order HTTP routes. An order is read by staff of its location, by the customer
 * who placed it, or with its tracking token (`?token=` or `X-Tracking-Token`);
 * without access it does not exist (404).
 */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, requireRole, STAFF_ROLES } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { orderStatusChange } from "../audit/domain/answers";
import { auditChange } from "../audit/record";
import { ORDER_ID_PATTERN } from "../cart/identity";
import { IdempotencyHeader, OneShotOrderInput, orderInputHook, PlacedOrderView } from "../cart/schemas";
import { cancelOrder, changeOrderStatus, placeOneShotOrder, readOrder, readOrderEvents } from "./order-commands";
import { CancelInput, OrderEventsView, OrderView, StatusChangeInput } from "./order-views";

export { accessOf } from "./order-commands";

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
			const key = c.req.valid("header")["idempotency-key"];
			return c.json(await placeOneShotOrder(c, key, c.req.valid("json")), 201);
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
			return c.json(await readOrder(c, c.req.valid("param").orderId, c.req.valid("query").token), 200);
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
			return c.json(await readOrderEvents(c, c.req.valid("param").orderId, c.req.valid("query").token), 200);
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
			const order = await changeOrderStatus(c, c.req.valid("param").orderId, c.req.valid("json"));
			auditChange(c, orderStatusChange(order));
			return c.json(order, 200);
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
			const { orderId } = c.req.valid("param");
			const order = await cancelOrder(c, orderId, c.req.valid("query").token, c.req.valid("json").reason);
			auditChange(c, orderStatusChange(order));
			return c.json(order, 200);
		},
	);
