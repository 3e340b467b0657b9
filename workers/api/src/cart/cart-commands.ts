/**
 * What a caller can do with a cart, as both front doors (REST in routes.ts,
 * GraphQL in graph.ts) do it: each call goes to the cart's own Durable Object,
 * with the caller's customer id and the request's trace. Inputs arrive
 * validated by the same schemas (cart/schemas.ts).
 */

import type { AppEnv } from "@goodfood/platform/app";
import { customerIdOf } from "@goodfood/platform/auth";
import { callContext } from "@goodfood/platform/request-log";
import type { Context } from "hono";
import { answerPlacement } from "../ordering/in-request-projection";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "./carts";
import { newCartId, orderIdForCart } from "./identity";
import { currentRegionOf } from "./location-region";
import type { AddLineInput, CartView, CheckoutInput, PlacedOrderView, UpdateLineInput } from "./schemas";

type Ctx = Context<AppEnv>;

async function cartFor(env: Env, cartId: string) {
	return cartObject(env, await orderIdForCart(cartId));
}

/** A new, empty cart at the location, owned by the signed-in customer (if any). */
export async function openCart(c: Ctx, locationSlug: string): Promise<CartView> {
	// The cart, and the order it becomes, live in the region its location is in now, for good.
	const region = await currentRegionOf(c.env, c.var.d1, locationSlug);
	const cartId = newCartId(region.name);
	const orderId = await orderIdForCart(cartId);
	return unwrap(await cartObject(c.env, orderId).open(cartId, orderId, locationSlug, customerIdOf(c), callContext(c)));
}

/** The cart with totals for the given fulfilment and tip. */
export async function viewCart(
	c: Ctx,
	cartId: string,
	fulfilment: CheckoutInput["fulfilment"],
	tip: number,
): Promise<CartView> {
	const cart = await cartFor(c.env, cartId);
	return unwrap(await cart.view(cartId, customerIdOf(c), fulfilment, tip, callContext(c)));
}

export async function addCartLine(
	c: Ctx,
	cartId: string,
	line: AddLineInput,
): Promise<{ lineId: string; cart: CartView }> {
	const cart = await cartFor(c.env, cartId);
	return unwrap(await cart.addLine(cartId, customerIdOf(c), line, callContext(c)));
}

export async function updateCartLine(
	c: Ctx,
	cartId: string,
	lineId: string,
	patch: UpdateLineInput,
): Promise<CartView> {
	const cart = await cartFor(c.env, cartId);
	return unwrap(await cart.updateLine(cartId, customerIdOf(c), lineId, patch, callContext(c)));
}

export async function removeCartLine(c: Ctx, cartId: string, lineId: string): Promise<CartView> {
	const cart = await cartFor(c.env, cartId);
	return unwrap(await cart.removeLine(cartId, customerIdOf(c), lineId, callContext(c)));
}

/**
 * Places the cart's order. The same key with the same input replays the first
 * answer; the same key with another input is refused (idempotency_key_reused).
 */
export async function checkoutCart(
	c: Ctx,
	cartId: string,
	idempotencyKey: string | undefined,
	input: CheckoutInput,
): Promise<PlacedOrderView> {
	const key = requireIdempotencyKey(idempotencyKey);
	const cart = await cartFor(c.env, cartId);
	const placement = unwrap(
		await cart.checkout(cartId, customerIdOf(c), input, { key, fingerprint: await fingerprint(input) }, callContext(c)),
	);
	// Projected in the request, so this response's x-d1-bookmark covers the new order.
	return answerPlacement(c, placement);
}
