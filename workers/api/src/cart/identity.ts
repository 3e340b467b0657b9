/**
 * Identifiers of carts and orders. A cart id is a random secret; the order it
 * becomes is named by a one-way hash of it, and the Durable Object by the
 * order id. So the cart id reaches the object, but knowing an order id (which
 * staff screens and emails show) never yields the cart id.
 *
 * Both name the region the cart was opened in (`crt_eu_…`, `ord_eu_…`): an
 * order's data and object stay there for good, even if its location later
 * moves to another region, and any id says where to look without a lookup.
 */
import { randomHex, sha256Hex } from "@goodfood/platform/crypto";

export const CART_ID_PATTERN = /^crt_[a-z]{2,12}_[0-9a-f]{32}$/;
export const ORDER_ID_PATTERN = /^ord_[a-z]{2,12}_[0-9a-f]{32}$/;

export function newCartId(region: string): string {
	return `crt_${region}_${randomHex(16)}`;
}

/** The region a cart or order id names (the ids are validated against the patterns above before they get here). */
export function regionOfId(id: string): string {
	return id.split("_")[1];
}

export async function orderIdForCart(cartId: string): Promise<string> {
	return `ord_${regionOfId(cartId)}_${(await sha256Hex(`order:${cartId}`)).slice(0, 32)}`;
}

/**
 * A one-shot order has no cart the client knows; retries with the same key must
 * reach the same object. The key is scoped by the signed-in customer, so nobody
 * else replaying it reaches their order (and its tracking token); a guest's
 * retry must also repeat the body, contact details included, to be replayed.
 */
export async function cartIdForOneShot(
	region: string,
	idempotencyKey: string,
	customerId: string | null,
): Promise<string> {
	const caller = customerId === null ? "guest" : `customer:${customerId}`;
	return `crt_${region}_${(await sha256Hex(`one-shot:${caller}:${idempotencyKey}`)).slice(0, 32)}`;
}
