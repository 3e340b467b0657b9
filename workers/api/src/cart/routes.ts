/** Cart HTTP routes: each call goes to the cart's own Durable Object. */

import { createRouter } from "@goodfood/platform/app";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { addCartLine, checkoutCart, openCart, removeCartLine, updateCartLine, viewCart } from "./cart-commands";
import {
	AddLineInput,
	CartIdParam,
	CartPreviewQuery,
	CartView,
	CheckoutInput,
	CreateCartInput,
	IdempotencyHeader,
	LineIdParam,
	orderInputHook,
	PlacedOrderView,
	UpdateLineInput,
} from "./schemas";

const json = <T extends z.ZodType>(schema: T) => ({ content: { "application/json": { schema } }, required: true });
const refusals = errorResponses(400, 404, 409, 422);

export const cartRoutes = createRouter()
	.openapi(
		createRoute({
			method: "post",
			path: "/carts",
			tags: ["Carts"],
			summary: "Start a cart at a location",
			request: { body: json(CreateCartInput) },
			responses: { 201: jsonContent(CartView, "The new, empty cart; its id is its secret"), ...refusals },
		}),
		async (c) => {
			return c.json(await openCart(c, c.req.valid("json").locationSlug), 201);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/carts/{cartId}",
			tags: ["Carts"],
			summary: "The cart with totals for pickup or delivery and a tip",
			request: { params: CartIdParam, query: CartPreviewQuery },
			responses: { 200: jsonContent(CartView, "The cart"), ...refusals },
		}),
		async (c) => {
			const { cartId } = c.req.valid("param");
			const { fulfilment, tip } = c.req.valid("query");
			return c.json(await viewCart(c, cartId, fulfilment, tip), 200);
		},
		orderInputHook,
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/carts/{cartId}/items",
			tags: ["Carts"],
			summary: "Add an item with its options; identical lines merge",
			request: { params: CartIdParam, body: json(AddLineInput) },
			responses: {
				201: jsonContent(z.object({ lineId: z.string(), cart: CartView }), "The line and the cart"),
				...refusals,
			},
		}),
		async (c) => {
			const { cartId } = c.req.valid("param");
			return c.json(await addCartLine(c, cartId, c.req.valid("json")), 201);
		},
		orderInputHook,
	)
	.openapi(
		createRoute({
			method: "patch",
			path: "/carts/{cartId}/items/{lineId}",
			tags: ["Carts"],
			summary: "Change a line's quantity, options or note",
			request: { params: LineIdParam, body: json(UpdateLineInput) },
			responses: { 200: jsonContent(CartView, "The cart"), ...refusals },
		}),
		async (c) => {
			const { cartId, lineId } = c.req.valid("param");
			return c.json(await updateCartLine(c, cartId, lineId, c.req.valid("json")), 200);
		},
		orderInputHook,
	)
	.openapi(
		createRoute({
			method: "delete",
			path: "/carts/{cartId}/items/{lineId}",
			tags: ["Carts"],
			summary: "Remove a line",
			request: { params: LineIdParam },
			responses: { 200: jsonContent(CartView, "The cart"), ...refusals },
		}),
		async (c) => {
			const { cartId, lineId } = c.req.valid("param");
			return c.json(await removeCartLine(c, cartId, lineId), 200);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/carts/{cartId}/checkout",
			tags: ["Carts"],
			summary: "Place the order; retries with the same Idempotency-Key replay the first answer",
			request: { params: CartIdParam, headers: IdempotencyHeader, body: json(CheckoutInput) },
			responses: { 201: jsonContent(PlacedOrderView, "The order was placed"), ...refusals },
		}),
		async (c) => {
			const { cartId } = c.req.valid("param");
			const key = c.req.valid("header")["idempotency-key"];
			return c.json(await checkoutCart(c, cartId, key, c.req.valid("json")), 201);
		},
		orderInputHook,
	);
