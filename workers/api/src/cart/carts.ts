/** Reaching the Cart Durable Object of a cart or an order, and reading its answers. */

import { sha256Hex } from "@goodfood/platform/crypto";
import { ApiError } from "@goodfood/platform/errors";
import { objectIn, type Region, regionsOf } from "@goodfood/platform/regions";
import type { Outcome } from "@goodfood/platform/rule-violation";
import { regionOfId } from "./identity";

/**
 * The region an order or cart id names. An id naming a region this deployment
 * does not have cannot be one it gave out: not found, like any unknown id.
 */
export function regionOfOrder(env: Env, id: string): Region {
	const region = regionsOf(env).get(regionOfId(id));
	if (!region) throw ApiError.notFound(id.startsWith("crt_") ? "Cart" : "Order");
	return region;
}

/** The order's object: in its region's jurisdiction where it has one, created near its restaurant. */
export function cartObject(env: Env, orderId: string) {
	return objectIn(env.CARTS, regionOfOrder(env, orderId), orderId);
}

/** The value of an outcome, or the refusal as an error in the envelope. */
export function unwrap<T>(outcome: Outcome<T>): T {
	if (!outcome.ok) throw ApiError.fromViolation(outcome.violation);
	return outcome.value;
}

/** The Idempotency-Key, required on anything that places an order. */
export function requireIdempotencyKey(key: string | undefined): string {
	if (!key) {
		throw new ApiError("idempotency_key_required", "Send an Idempotency-Key header (a fresh UUID per order)", [
			{ field: "Idempotency-Key", message: "is required" },
		]);
	}
	return key;
}

/** Fingerprints the validated request, so the same order in another key order or spacing is the same request. */
export function fingerprint(body: unknown): Promise<string> {
	return sha256Hex(JSON.stringify(body));
}
