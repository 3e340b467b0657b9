/** Reaching the Cart Durable Object of a cart or an order, and reading its answers. */

import { sha256Hex } from "@goodfood/platform/crypto";
import { ApiError } from "@goodfood/platform/errors";
import type { Outcome } from "@goodfood/platform/rule-violation";

export function cartObject(env: Env, orderId: string) {
	return env.CARTS.get(env.CARTS.idFromName(orderId));
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
