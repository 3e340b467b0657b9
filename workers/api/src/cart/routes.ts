/** Cart HTTP routes: each call goes to the cart's own Durable Object. */

import { createRouter } from "@goodfood/platform/app";
import { customerIdOf } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { callContext } from "@goodfood/platform/request-log";
import { createRoute, z } from "@hono/zod-openapi";
import { answerPlacement } from "../ordering/in-request-projection";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "./carts";
import { newCartId, orderIdForCart } from "./identity";
import { currentRegionOf } from "./location-region";
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

async function cartFor(env: Env, cartId: string) {
	return cartObject(env, await orderIdForCart(cartId));
}

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
			const { locationSlug } = c.req.valid("json");
			// The cart, and the order it becomes, live in the region its location is in now, for good.
			const region = await currentRegionOf(c.env, c.var.d1, locationSlug);
			const cartId = newCartId(region.name);
			const orderId = await orderIdForCart(cartId);
			const cart = unwrap(
				await cartObject(c.env, orderId).open(cartId, orderId, locationSlug, customerIdOf(c), callContext(c)),
			);
			return c.json(cart, 201);
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
			const cart = await cartFor(c.env, cartId);
			return c.json(unwrap(await cart.view(cartId, customerIdOf(c), fulfilment, tip, callContext(c))), 200);
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
			return c.json(
				unwrap(
					await (await cartFor(c.env, cartId)).addLine(cartId, customerIdOf(c), c.req.valid("json"), callContext(c)),
				),
				201,
			);
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
			return c.json(
				unwrap(
					await (await cartFor(c.env, cartId)).updateLine(
						cartId,
						customerIdOf(c),
						lineId,
						c.req.valid("json"),
						callContext(c),
					),
				),
				200,
			);
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
			const cart = await cartFor(c.env, cartId);
			return c.json(unwrap(await cart.removeLine(cartId, customerIdOf(c), lineId, callContext(c))), 200);
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
			const key = requireIdempotencyKey(c.req.valid("header")["idempotency-key"]);
			const input = c.req.valid("json");
			const placement = unwrap(
				await (await cartFor(c.env, cartId)).checkout(
					cartId,
					customerIdOf(c),
					input,
					{ key, fingerprint: await fingerprint(input) },
					callContext(c),
				),
			);
			// Projected in the request, so this response's x-d1-bookmark covers the new order.
			return c.json(await answerPlacement(c, placement), 201);
		},
		orderInputHook,
	);
