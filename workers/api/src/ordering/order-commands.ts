/**
 * What a caller can do with an order, as both front doors (REST in routes.ts
 * and staff-order-routes.ts, GraphQL in graph.ts) do it. An order is read by
 * staff of its location, by the customer who placed it, or with its tracking
 * token; without access it does not exist (not_found). Changes are projected
 * in the request, so the caller reads its own write.
 */

import type { AppEnv } from "@goodfood/platform/app";
import { customerIdOf, forbiddenRole, isStaffRole, STAFF_ROLES, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { callContext } from "@goodfood/platform/request-log";
import type { Outcome } from "@goodfood/platform/rule-violation";
import type { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "../cart/carts";
import { cartIdForOneShot, orderIdForCart } from "../cart/identity";
import { currentRegionOf } from "../cart/location-region";
import type { OneShotOrderInput, PlacedOrderView } from "../cart/schemas";
import type { OrderAccess } from "./domain/access";
import { answerPlacement, projectRecordedEvent } from "./in-request-projection";
import type { OrderChanged, OrderEventsView, OrderView, StatusChangeInput } from "./order-views";

type Ctx = Context<AppEnv>;

/** Who is asking, as the order's Durable Object judges access; null when nobody can be told apart. */
export function accessOf(c: Ctx, token: string | undefined): OrderAccess | null {
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

/** The caller's access, or not_found: someone who cannot be told apart reaches no order. */
function requireAccess(c: Ctx, token: string | undefined): OrderAccess {
	return accessOf(c, token) ?? orderNotFound();
}

/** A status change or cancellation: projects its event in the request, then answers the order. */
async function answerChange(c: Ctx, changed: Outcome<OrderChanged> | null): Promise<OrderView> {
	if (!changed) orderNotFound();
	const { order, event } = unwrap(changed);
	await projectRecordedEvent(c, event, order);
	return order;
}

/**
 * Places an order in one call. Retries with the same key and input reach the
 * same object and replay the first answer.
 */
export async function placeOneShotOrder(
	c: Ctx,
	idempotencyKey: string | undefined,
	input: OneShotOrderInput,
): Promise<PlacedOrderView> {
	const key = requireIdempotencyKey(idempotencyKey);
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
	return answerPlacement(c, placement);
}

/** The order as the caller may see it (contact details only for its staff and its owner). */
export async function readOrderAs(c: Ctx, orderId: string, access: OrderAccess): Promise<OrderView> {
	return (await cartObject(c.env, orderId).readOrder(access, callContext(c))) ?? orderNotFound();
}

export function readOrder(c: Ctx, orderId: string, token: string | undefined): Promise<OrderView> {
	return readOrderAs(c, orderId, requireAccess(c, token));
}

export async function readOrderEventsAs(c: Ctx, orderId: string, access: OrderAccess): Promise<OrderEventsView> {
	return (await cartObject(c.env, orderId).readEvents(access, callContext(c))) ?? orderNotFound();
}

export function readOrderEvents(c: Ctx, orderId: string, token: string | undefined): Promise<OrderEventsView> {
	return readOrderEventsAs(c, orderId, requireAccess(c, token));
}

/** Moves the order through the kitchen: staff only (401 anonymous, 403 other roles); another location's order is not found. */
export async function changeOrderStatus(
	c: Ctx,
	orderId: string,
	change: z.infer<typeof StatusChangeInput>,
): Promise<OrderView> {
	const { role } = signedIn(c);
	if (!STAFF_ROLES.includes(role)) throw forbiddenRole(role, STAFF_ROLES);
	const changed = await cartObject(c.env, orderId).changeStatus(requireAccess(c, undefined), change, callContext(c));
	return answerChange(c, changed);
}

/** Cancels the order: customers (or a tracking token) before it is confirmed, staff until it is ready. */
export async function cancelOrder(
	c: Ctx,
	orderId: string,
	token: string | undefined,
	reason: string,
): Promise<OrderView> {
	const changed = await cartObject(c.env, orderId).changeStatus(
		requireAccess(c, token),
		{ status: "cancelled", reason },
		callContext(c),
	);
	return answerChange(c, changed);
}
