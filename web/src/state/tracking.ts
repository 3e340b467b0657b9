/** Tracking tokens of orders placed in this browser: a guest's only way back to their order. */

const PREFIX = "goodfood.tracking.";

export function rememberTrackingToken(orderId: string, token: string): void {
	try {
		localStorage.setItem(PREFIX + orderId, token);
	} catch {
		// Without storage the order page still works until it is closed.
	}
}

export function trackingTokenFor(orderId: string): string | undefined {
	try {
		return localStorage.getItem(PREFIX + orderId) ?? undefined;
	} catch {
		return undefined;
	}
}

/** A fresh Idempotency-Key; randomUUID needs a secure context, which a LAN address over http is not. */
export function newIdempotencyKey(): string {
	if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
	return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const AWAITING_AUTHENTICATION = "goodfood.awaitingAuthentication";

/**
 * The order whose card payment waits on the bank's second step (3-D Secure),
 * for the tab that went to complete it: where it comes back to when the bank's
 * page names no return path.
 */
export function rememberAwaitingAuthentication(orderId: string): void {
	try {
		sessionStorage.setItem(AWAITING_AUTHENTICATION, orderId);
	} catch {
		// Without storage the bank's page returns to the start.
	}
}

export function orderAwaitingAuthentication(): string | undefined {
	try {
		return sessionStorage.getItem(AWAITING_AUTHENTICATION) ?? undefined;
	} catch {
		return undefined;
	}
}
