/**
 * Who may read or change an order, and what of it they see. Staff of the
 * order's location (or admins), the customer who placed it, or whoever holds
 * its tracking token (a guest's link). Contact details are for staff and the
 * customer; the tracking link shows a name only.
 *
 * The tracking token is derived: an HMAC-SHA-256 of the order id under the
 * TRACKING_TOKEN_SECRET, so it is never stored and a replayed checkout answers
 * it again. Orders placed before that kept a SHA-256 of a random token instead.
 */
import { hmacToken, matchesHash, matchesHmacToken } from "@goodfood/platform/crypto";
import type { Actor } from "./order";

export type OrderAccess =
	| { kind: "staff"; locations: "all" | string[] }
	| { kind: "customer"; customerId: string }
	| { kind: "tracking"; token: string };

/** What access is checked against: the order's id, location and owner, and an older order's stored token hash. */
export interface OrderOwnership {
	orderId: string;
	locationSlug: string;
	customerId: string | null;
	/** Only on orders placed before tokens were derived: the SHA-256 of their random token. */
	trackingTokenHash: string | null;
}

/** The tracking token of an order: the same for every call, so nothing needs to keep it. */
export function trackingTokenFor(orderId: string, trackingTokenSecret: string): Promise<string> {
	return hmacToken(trackingTokenSecret, orderId);
}

export async function mayAccess(
	access: OrderAccess,
	order: OrderOwnership,
	trackingTokenSecret: string,
): Promise<boolean> {
	switch (access.kind) {
		case "staff":
			return access.locations === "all" || access.locations.includes(order.locationSlug);
		case "customer":
			return order.customerId === access.customerId;
		case "tracking":
			// An older order's random token still opens it; the derived one opens every order.
			if (order.trackingTokenHash !== null && (await matchesHash(access.token, order.trackingTokenHash))) return true;
			return matchesHmacToken(trackingTokenSecret, order.orderId, access.token);
	}
}

/** Staff and the owning customer see contact details; a tracking token does not. */
export function seesContact(access: OrderAccess): boolean {
	return access.kind !== "tracking";
}

/** Whose rules a status change follows. */
export function actorOf(access: OrderAccess): Actor {
	return access.kind === "staff" ? "staff" : "customer";
}

/** Staff and the customer who placed the order may reach the contact; anyone else with the tracking link sees a name. */
export function visibleContact<C extends { name: string }>(contact: C, full: boolean): C | { name: string } {
	return full ? contact : { name: contact.name };
}

/** An event's payload as the order view would show it: no email, phone or account id without full access. */
export function visiblePayload(payload: Record<string, unknown>, full: boolean): Record<string, unknown> {
	if (full) return payload;
	const { customerId: _customerId, ...shown } = payload;
	const contact = payload.contact as { name: string } | undefined;
	return contact ? { ...shown, contact: visibleContact(contact, false) } : shown;
}
