/**
 * An order's payment as a state machine: its state is a fold over the order's
 * payment events, and every capture, void, refund and webhook is decided
 * against that state. Pure: no provider, no storage.
 *
 * Card: awaiting authorisation → authorised → captured at handover →
 * (partially) refunded; or voided when the order is rejected or cancelled
 * before capture; or failed (declined, second step failed, expired), which
 * reopens the cart. Pay at pickup: due until staff hand the order over, then
 * collected.
 */
import { violation } from "@goodfood/platform/rule-violation";
import type { OrderStatus } from "../../ordering/domain/order";
import type { OrderEventData, PaymentMethodKind } from "../../ordering/events";
import type { ProviderEvent } from "../provider";

export const PAYMENT_STATUSES = [
	"awaiting_authorisation",
	"requires_action",
	"failed",
	"authorised",
	"captured",
	"partially_refunded",
	"refunded",
	"voided",
	"due_at_pickup",
	"collected",
	/** An order placed before payments existed. */
	"not_recorded",
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export interface RefundRecord {
	refundId: string;
	amount: number;
	reason: string;
	occurredAt: string;
}

export interface PaymentState {
	method: PaymentMethodKind | null;
	status: PaymentStatus;
	/** The checkout attempt the current authorisation belongs to (1 for the first). */
	attempt: number;
	/** What the order costs: the total, tip included, in minor units of `currency`. */
	amount: number;
	currency: string;
	provider: string | null;
	intentId: string | null;
	authorised: number;
	captured: number;
	refunded: number;
	refunds: RefundRecord[];
	failure: { code: string; message: string } | null;
	/** Provider event ids already applied: a duplicate webhook changes nothing. */
	providerEvents: Set<string>;
}

/** The payment of a new checkout attempt. */
export function newPayment(
	method: PaymentMethodKind | null,
	amount: number,
	currency: string,
	attempt: number,
): PaymentState {
	return {
		method,
		status:
			method === "card" ? "awaiting_authorisation" : method === "pay_at_pickup" ? "due_at_pickup" : "not_recorded",
		attempt,
		amount,
		currency,
		provider: null,
		intentId: null,
		authorised: 0,
		captured: 0,
		refunded: 0,
		refunds: [],
		failure: null,
		providerEvents: new Set(),
	};
}

type PaymentEventData = Extract<OrderEventData, { type: `Payment${string}` }>;

/** Applies one recorded payment event to the state (mutating it, as the order's fold does). */
export function applyPaymentEvent(state: PaymentState, event: PaymentEventData, occurredAt: string): void {
	const { payload } = event;
	if (payload.providerEventId) state.providerEvents.add(payload.providerEventId);
	switch (event.type) {
		case "PaymentAuthorised":
			state.status = "authorised";
			state.provider = event.payload.provider;
			state.intentId = event.payload.intentId;
			state.authorised = event.payload.amount;
			state.failure = null;
			return;
		case "PaymentFailed":
			state.status = "failed";
			state.intentId = event.payload.intentId ?? state.intentId;
			state.failure = { code: event.payload.code, message: event.payload.message };
			return;
		case "PaymentCaptured":
			state.captured += event.payload.amount;
			state.status = event.payload.method === "pay_at_pickup" ? "collected" : "captured";
			return;
		case "PaymentVoided":
			state.status = "voided";
			return;
		case "PaymentRefunded":
			state.refunded += event.payload.amount;
			state.refunds.push({
				refundId: event.payload.refundId,
				amount: event.payload.amount,
				reason: event.payload.reason,
				occurredAt,
			});
			state.status = state.refunded >= state.captured ? "refunded" : "partially_refunded";
			return;
	}
}

/** A payment still open to a second step records the provider's payment it waits on. */
export function awaitingAction(state: PaymentState, intentId: string): void {
	state.status = "requires_action";
	state.intentId = intentId;
}

/** What is left to refund: captured, less refunded, less refunds already under way. */
export function refundable(state: PaymentState, pendingRefunds = 0): number {
	return Math.max(0, state.captured - state.refunded - pendingRefunds);
}

/**
 * The authorisation must be for exactly the order's total in its currency: a
 * provider (or a client) that says otherwise is refused and changes nothing.
 */
export function checkAuthorisedAmount(state: PaymentState, amount: number, currency: string): void {
	if (currency !== state.currency) {
		throw violation("payment_currency_mismatch", `The payment must be in ${state.currency}`, [
			{ field: "payment.currency", message: `must be ${state.currency}` },
		]);
	}
	if (amount !== state.amount) {
		throw violation("payment_amount_mismatch", "The payment amount differs from the order's total", [
			{ field: "payment.amount", message: `must be ${state.amount}` },
		]);
	}
}

/** The capture at handover: the whole authorisation. */
export function decideCapture(state: PaymentState): number {
	if (state.status === "captured" || state.status === "partially_refunded" || state.status === "refunded") {
		throw violation("payment_already_captured", "This payment was captured already");
	}
	if (state.status !== "authorised") {
		throw violation("payment_not_authorised", `A payment that is ${state.status} cannot be captured`);
	}
	return state.authorised;
}

/** Releasing an authorisation that was never captured. */
export function decideVoid(state: PaymentState): void {
	if (state.status === "voided") throw violation("payment_already_voided", "This payment was released already");
	if (state.status !== "authorised" && state.status !== "requires_action") {
		throw violation("payment_not_voidable", `A payment that is ${state.status} cannot be released; refund it instead`);
	}
}

/** A refund of `amount` (full when undefined), never more than is left. Answers the amount. */
export function decideRefund(state: PaymentState, amount: number | undefined, pendingRefunds = 0): number {
	// Money taken at the counter has no provider payment behind it: a refund job would have nothing to call.
	if (state.method === "pay_at_pickup" && state.captured > 0) {
		throw violation("payment_not_captured", "This order was paid at the counter; refund it at the counter");
	}
	if (state.captured === 0) {
		throw violation("payment_not_captured", "Only a captured payment can be refunded; an uncaptured one is released");
	}
	const left = refundable(state, pendingRefunds);
	const asked = amount ?? left;
	if (asked <= 0 || asked > left) {
		throw violation("refund_exceeds_remaining", `At most ${left} can be refunded`, [
			{ field: "amount", message: `must be between 1 and ${left}` },
		]);
	}
	return asked;
}

/** What an order's status change asks of its payment. */
export type Settlement =
	| { kind: "capture"; amount: number }
	| { kind: "collect"; amount: number }
	| { kind: "void" }
	| { kind: "refund"; amount: number }
	| { kind: "none" };

/**
 * What an order in `status` owes its payment: handover captures (or, paid at
 * the counter, records the money taken); rejecting or cancelling releases an
 * uncaptured authorisation and refunds a captured one. Asked when a status
 * change is recorded, and again by reconciliation of an order already there.
 */
export function settlementFor(status: OrderStatus, state: PaymentState): Settlement {
	if (status === "picked_up" || status === "delivered") {
		if (state.method === "pay_at_pickup" && state.status === "due_at_pickup")
			return { kind: "collect", amount: state.amount };
		if (state.status === "authorised") return { kind: "capture", amount: state.authorised };
		return { kind: "none" };
	}
	if (status === "rejected" || status === "cancelled") {
		if (state.status === "authorised" || state.status === "requires_action") return { kind: "void" };
		const left = refundable(state);
		if (state.method === "card" && left > 0) return { kind: "refund", amount: left };
	}
	return { kind: "none" };
}

/** What to do with a webhook. */
export type WebhookDecision =
	| { kind: "apply"; event: PaymentEventData }
	/** Its predecessor has not been applied yet: keep it and try again after the next payment event. */
	| { kind: "park" }
	/** Nothing to change: a duplicate, or the state already says so. */
	| { kind: "ignore"; reason: string }
	/** An authorisation for an attempt that is over (failed or expired): release it at the provider. */
	| { kind: "release"; intentId: string };

/**
 * Decides a verified webhook against the state. Events may come twice and in
 * any order: a duplicate is ignored, and one that needs a predecessor
 * (a capture before its authorisation) is parked until it has one.
 */
export function decideWebhook(state: PaymentState, event: ProviderEvent): WebhookDecision {
	if (state.providerEvents.has(event.id)) return { kind: "ignore", reason: "duplicate" };
	if (state.method !== "card") return { kind: "ignore", reason: "not a card payment" };
	const current = event.attempt === null || event.attempt === state.attempt;
	const facts = {
		provider: state.provider ?? "unknown",
		intentId: event.intentId,
		amount: event.amount,
		currency: event.currency,
		providerEventId: event.id,
	};
	switch (event.kind) {
		case "authorised":
			if (!current || state.status === "failed") return { kind: "release", intentId: event.intentId };
			if (state.status !== "awaiting_authorisation" && state.status !== "requires_action") {
				return { kind: "ignore", reason: `already ${state.status}` };
			}
			return { kind: "apply", event: { type: "PaymentAuthorised", payload: { ...facts, attempt: state.attempt } } };
		case "failed":
			if (!current) return { kind: "ignore", reason: "an earlier attempt" };
			if (state.status !== "awaiting_authorisation" && state.status !== "requires_action") {
				return { kind: "ignore", reason: `already ${state.status}` };
			}
			return {
				kind: "apply",
				event: {
					type: "PaymentFailed",
					payload: {
						provider: facts.provider,
						intentId: event.intentId,
						attempt: state.attempt,
						code: event.failure?.code ?? "payment_failed",
						message: event.failure?.message ?? "The payment failed",
						providerEventId: event.id,
					},
				},
			};
		case "captured":
			if (!current) return { kind: "ignore", reason: "an earlier attempt" };
			if (state.status === "awaiting_authorisation" || state.status === "requires_action") return { kind: "park" };
			if (state.status !== "authorised") return { kind: "ignore", reason: `already ${state.status}` };
			return { kind: "apply", event: { type: "PaymentCaptured", payload: { ...facts, method: "card" } } };
		case "voided":
			if (!current) return { kind: "ignore", reason: "an earlier attempt" };
			if (state.status === "awaiting_authorisation") return { kind: "park" };
			if (state.status !== "authorised" && state.status !== "requires_action") {
				return { kind: "ignore", reason: `already ${state.status}` };
			}
			return {
				kind: "apply",
				event: { type: "PaymentVoided", payload: { ...facts, reason: "released at the provider" } },
			};
		case "refunded": {
			if (!current) return { kind: "ignore", reason: "an earlier attempt" };
			if (state.captured === 0) return { kind: "park" };
			const refundId = event.refundId ?? event.id;
			if (state.refunds.some((refund) => refund.refundId === refundId))
				return { kind: "ignore", reason: "refund already recorded" };
			if (event.amount > refundable(state)) return { kind: "ignore", reason: "exceeds what is left to refund" };
			return {
				kind: "apply",
				event: { type: "PaymentRefunded", payload: { ...facts, refundId, reason: "refunded at the provider" } },
			};
		}
	}
}
