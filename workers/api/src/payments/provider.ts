/**
 * The payment provider, as GoodFood needs it: authorise a card payment for an
 * order (manual capture), then capture, void or refund it, read its current
 * state, and verify and parse the provider's webhooks. Two implementations:
 * the simulator (local and test default, `simulator/`) and Stripe
 * (`stripe.ts`); `providers.ts` picks one from configuration.
 *
 * Every call that changes money carries an idempotency key derived from the
 * order and the step (`paymentKeys`), so a retried call, ours or the
 * provider's, has its effect once.
 */

/** What the provider says about an authorisation attempt. */
export type AuthorisationResult =
	| { status: "authorised"; intentId: string; amount: number; currency: string }
	/** A second step (3-D Secure): the customer completes it at `actionUrl`; a webhook tells the outcome. */
	| { status: "requires_action"; intentId: string; actionUrl: string }
	| { status: "declined"; intentId: string | null; code: string; message: string };

export interface AuthorisationRequest {
	orderId: string;
	/** 1 for the first checkout of this order, 2 after a declined card, and so on. */
	attempt: number;
	/** Integer minor units of `currency`: the order's total, tip included. */
	amount: number;
	currency: string;
	/** The tokenised card from the storefront (Stripe: a PaymentMethod id; simulator: `pm_sim_<card number>`). */
	paymentMethod: string;
	/** Where the second step sends the customer back to: a path on the storefront. */
	returnUrl: string;
	idempotencyKey: string;
}

/** The outcome of a capture, void or refund. `failed` is worth retrying; `refused` is final (e.g. already captured). */
export type SettlementResult =
	| { status: "succeeded"; amount: number; refundId?: string }
	| { status: "failed"; code: string; message: string }
	| { status: "refused"; code: string; message: string };

/** The provider's own view of a payment, for reconciliation. */
export interface IntentSnapshot {
	intentId: string;
	status: "requires_payment_method" | "requires_action" | "requires_capture" | "succeeded" | "canceled" | "processing";
	amount: number;
	currency: string;
	amountCapturable: number;
	amountReceived: number;
	amountRefunded: number;
	orderId: string | null;
	attempt: number | null;
}

/** A verified webhook, in GoodFood's terms. */
export interface ProviderEvent {
	/** The provider's event id: duplicates are known by it. */
	id: string;
	kind: "authorised" | "failed" | "captured" | "voided" | "refunded";
	intentId: string;
	/** From the payment's metadata; null when it carries none (then the event is not ours). */
	orderId: string | null;
	attempt: number | null;
	amount: number;
	currency: string;
	refundId?: string;
	failure?: { code: string; message: string };
	occurredAt: string;
}

/** What a webhook did to its order, for the route's log line. */
export type WebhookOutcome =
	| { applied: true; type: string }
	| { applied: false; reason: "unknown_order" | "parked" | "released" | (string & {}) };

/** A webhook whose signature does not verify: answered 400, logged, never applied. */
export class WebhookSignatureError extends Error {}

export interface PaymentProvider {
	readonly name: "simulator" | "stripe";
	authorise(request: AuthorisationRequest): Promise<AuthorisationResult>;
	capture(intentId: string, amount: number, idempotencyKey: string): Promise<SettlementResult>;
	void(intentId: string, idempotencyKey: string): Promise<SettlementResult>;
	refund(intentId: string, amount: number, reason: string, idempotencyKey: string): Promise<SettlementResult>;
	retrieve(intentId: string): Promise<IntentSnapshot | null>;
	/** Verifies the signature over the raw body and parses it; throws WebhookSignatureError. Null: an event type GoodFood does not act on. */
	parseWebhook(rawBody: string, headers: Headers): Promise<ProviderEvent | null>;
}

/** Idempotency keys for an order's provider calls: the same step of the same order always sends the same key. */
export const paymentKeys = {
	authorise: (orderId: string, attempt: number) => `${orderId}:authorise:${attempt}`,
	capture: (orderId: string) => `${orderId}:capture`,
	void: (orderId: string) => `${orderId}:void`,
	refund: (orderId: string, refundNumber: number) => `${orderId}:refund:${refundNumber}`,
	/** Releasing an authorisation that came for an attempt that is over. */
	release: (orderId: string, intentId: string) => `${orderId}:release:${intentId}`,
};
