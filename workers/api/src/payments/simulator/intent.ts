/**
 * The simulator's payment intent, a state machine modelled on Stripe's
 * PaymentIntents with manual capture:
 *
 *   requires_action ──approve──▶ requires_capture ──capture──▶ succeeded ──refund…
 *        │ fail                        │ cancel
 *        ▼                             ▼
 *   requires_payment_method        canceled
 *
 * A declined card leaves the intent in `requires_payment_method` with its
 * `last_payment_error`. Each step answers a result and the Stripe-shaped
 * events it causes; a step that is refused or fails changes nothing. Pure:
 * the PaymentSimulator Durable Object stores the intent and sends the events.
 */
import { sha256Hex } from "@goodfood/platform/crypto";
import type { AuthorisationRequest, AuthorisationResult, IntentSnapshot, SettlementResult } from "../provider";
import { type CardBehaviour, type CardFailure, SIMULATOR_FAILURES } from "./cards";

export const INTENT_ID_PATTERN = /^pi_sim_[0-9a-f]{24}$/;

/**
 * An intent's id, derived from its authorisation's idempotency key: a retried
 * authorisation reaches the same intent (one Durable Object each) and gets the
 * same answer.
 */
export async function intentIdFor(idempotencyKey: string): Promise<string> {
	return `pi_sim_${(await sha256Hex(idempotencyKey)).slice(0, 24)}`;
}

export type IntentStatus =
	| "requires_payment_method"
	| "requires_action"
	| "requires_capture"
	| "succeeded"
	| "canceled";

/** The event types the simulator sends; GoodFood acts on all but `requires_action`, as it would on Stripe's. */
export const SIMULATOR_EVENT_TYPES = [
	"payment_intent.requires_action",
	"payment_intent.amount_capturable_updated",
	"payment_intent.payment_failed",
	"payment_intent.succeeded",
	"payment_intent.canceled",
	"charge.refunded",
] as const;
export type SimulatorEventType = (typeof SIMULATOR_EVENT_TYPES)[number];

export interface SimulatedRefund {
	id: string;
	amount: number;
	reason: string;
	created: number;
}

export interface SimulatedIntent {
	id: string;
	status: IntentStatus;
	amount: number;
	/** Lower case, as Stripe writes currencies. */
	currency: string;
	amountCapturable: number;
	amountReceived: number;
	amountRefunded: number;
	/** As Stripe keeps metadata: strings only. */
	metadata: { orderId: string; attempt: string };
	paymentMethod: string;
	last4: string | null;
	captureFails: boolean;
	returnUrl: string;
	lastPaymentError: CardFailure | null;
	/** Newest first, as Stripe lists them. */
	refunds: SimulatedRefund[];
	/** Unix seconds. */
	created: number;
}

/** An authorisation as the intent's object takes it: the provider's request, keyed by the intent its key names. */
export type IntentRequest = Omit<AuthorisationRequest, "idempotencyKey"> & { intentId: string };

/** The authorisation as the simulator answers it; the provider adds the second step's page. */
export type SimulatorAuthorisation =
	| Extract<AuthorisationResult, { status: "authorised" }>
	| { status: "requires_action"; intentId: string; returnUrl: string }
	| { status: "declined"; intentId: string; code: string; message: string };

/** An event before the simulator gives it an id and a time: its type and the object as it is now. */
export interface EventDraft {
	type: SimulatorEventType;
	object: Record<string, unknown>;
}

/** A step's outcome: the intent after it (unchanged unless `changed`), its result and the events to send. */
export interface Step<R> {
	intent: SimulatedIntent;
	changed: boolean;
	result: R;
	events: EventDraft[];
}

/** The simulator's second-step page, in the web app, for an intent. */
export function actionUrlFor(intentId: string, returnUrl: string): string {
	return `/pay/simulator/${intentId}?return=${encodeURIComponent(returnUrl)}`;
}

export function chargeIdFor(intentId: string): string {
	return intentId.replace(/^pi_/, "ch_");
}

/** The intent as Stripe would serialise a PaymentIntent. */
export function intentObject(intent: SimulatedIntent): Record<string, unknown> {
	return {
		id: intent.id,
		object: "payment_intent",
		amount: intent.amount,
		amount_capturable: intent.amountCapturable,
		amount_received: intent.amountReceived,
		currency: intent.currency,
		status: intent.status,
		capture_method: "manual",
		confirmation_method: "automatic",
		created: intent.created,
		livemode: false,
		metadata: intent.metadata,
		payment_method: intent.paymentMethod,
		latest_charge: intent.amountReceived > 0 ? chargeIdFor(intent.id) : null,
		last_payment_error: intent.lastPaymentError ? { type: "card_error", ...intent.lastPaymentError } : null,
		next_action:
			intent.status === "requires_action"
				? { type: "redirect_to_url", redirect_to_url: { url: actionUrlFor(intent.id, intent.returnUrl) } }
				: null,
	};
}

/** The intent's charge as Stripe would serialise it, its refunds newest first. */
export function chargeObject(intent: SimulatedIntent): Record<string, unknown> {
	const chargeId = chargeIdFor(intent.id);
	return {
		id: chargeId,
		object: "charge",
		payment_intent: intent.id,
		amount: intent.amount,
		amount_captured: intent.amountReceived,
		amount_refunded: intent.amountRefunded,
		captured: intent.amountReceived > 0,
		refunded: intent.amountReceived > 0 && intent.amountRefunded >= intent.amountReceived,
		currency: intent.currency,
		created: intent.created,
		livemode: false,
		metadata: intent.metadata,
		refunds: {
			object: "list",
			data: intent.refunds.map((refund) => ({
				id: refund.id,
				object: "refund",
				amount: refund.amount,
				currency: intent.currency,
				charge: chargeId,
				payment_intent: intent.id,
				reason: "requested_by_customer",
				metadata: { reason: refund.reason },
				status: "succeeded",
				created: refund.created,
			})),
		},
	};
}

function intentEvent(type: SimulatorEventType, intent: SimulatedIntent): EventDraft {
	return { type, object: intentObject(intent) };
}

function unchanged<R>(intent: SimulatedIntent, result: R): Step<R> {
	return { intent, changed: false, result, events: [] };
}

function refused(code: string, message: string): SettlementResult {
	return { status: "refused", code, message };
}

function isWholePositive(amount: number): boolean {
	return Number.isSafeInteger(amount) && amount > 0;
}

/**
 * Creates and confirms an intent with the card's behaviour (Stripe: create
 * with `confirm: true`). An unreadable card never gets this far (the provider
 * declines it without an intent).
 */
export function openIntent(
	request: IntentRequest,
	card: Exclude<CardBehaviour, { outcome: "invalid" }>,
	created: number,
): Step<SimulatorAuthorisation> {
	const base: SimulatedIntent = {
		id: request.intentId,
		status: "requires_payment_method",
		amount: request.amount,
		currency: request.currency.toLowerCase(),
		amountCapturable: 0,
		amountReceived: 0,
		amountRefunded: 0,
		metadata: { orderId: request.orderId, attempt: String(request.attempt) },
		paymentMethod: request.paymentMethod,
		last4: card.last4,
		captureFails: card.outcome === "authorise" && card.captureFails,
		returnUrl: request.returnUrl,
		lastPaymentError: null,
		refunds: [],
		created,
	};
	switch (card.outcome) {
		case "authorise": {
			const intent: SimulatedIntent = { ...base, status: "requires_capture", amountCapturable: request.amount };
			return {
				intent,
				changed: true,
				result: { status: "authorised", intentId: intent.id, amount: intent.amount, currency: request.currency },
				events: [intentEvent("payment_intent.amount_capturable_updated", intent)],
			};
		}
		case "requires_action": {
			const intent: SimulatedIntent = { ...base, status: "requires_action" };
			return {
				intent,
				changed: true,
				result: { status: "requires_action", intentId: intent.id, returnUrl: request.returnUrl },
				events: [intentEvent("payment_intent.requires_action", intent)],
			};
		}
		case "decline": {
			const failure = { code: card.code, message: card.message };
			const intent: SimulatedIntent = { ...base, lastPaymentError: failure };
			return {
				intent,
				changed: true,
				result: { status: "declined", intentId: intent.id, ...failure },
				events: [intentEvent("payment_intent.payment_failed", intent)],
			};
		}
	}
}

/** Whether the intent is waiting for its second step. */
export function awaitsSecondStep(intent: SimulatedIntent): boolean {
	return intent.status === "requires_action";
}

/** Completes the second step: approved, the amount becomes capturable; failed, the payment fails. Only from requires_action. */
export function authenticate(
	intent: SimulatedIntent,
	outcome: "approve" | "fail",
): Step<{ status: IntentStatus }> | null {
	if (!awaitsSecondStep(intent)) return null;
	if (outcome === "approve") {
		const next: SimulatedIntent = { ...intent, status: "requires_capture", amountCapturable: intent.amount };
		return {
			intent: next,
			changed: true,
			result: { status: next.status },
			events: [intentEvent("payment_intent.amount_capturable_updated", next)],
		};
	}
	const next: SimulatedIntent = {
		...intent,
		status: "requires_payment_method",
		lastPaymentError: { ...SIMULATOR_FAILURES.authenticationFailed },
	};
	return {
		intent: next,
		changed: true,
		result: { status: next.status },
		events: [intentEvent("payment_intent.payment_failed", next)],
	};
}

/** Captures up to the authorised amount (a partial capture releases the rest, as Stripe's does). */
export function capture(intent: SimulatedIntent, amount: number): Step<SettlementResult> {
	switch (intent.status) {
		case "succeeded":
			return unchanged(intent, refused("already_captured", "This payment was already captured."));
		case "canceled":
			return unchanged(intent, refused("already_canceled", "This payment was canceled; it cannot be captured."));
		case "requires_action":
		case "requires_payment_method":
			return unchanged(intent, refused("not_capturable", `This payment is ${intent.status}; it cannot be captured.`));
	}
	if (!isWholePositive(amount)) {
		return unchanged(intent, refused("invalid_amount", "The amount to capture must be a positive whole number."));
	}
	if (amount > intent.amountCapturable) {
		return unchanged(
			intent,
			refused("amount_too_large", `Only ${intent.amountCapturable} can be captured; ${amount} was asked for.`),
		);
	}
	if (intent.captureFails) return unchanged(intent, { status: "failed", ...SIMULATOR_FAILURES.processingError });
	const next: SimulatedIntent = { ...intent, status: "succeeded", amountCapturable: 0, amountReceived: amount };
	return {
		intent: next,
		changed: true,
		result: { status: "succeeded", amount },
		events: [intentEvent("payment_intent.succeeded", next)],
	};
}

/** Cancels (voids) an intent that has not been captured; answers the amount released. */
export function cancel(intent: SimulatedIntent): Step<SettlementResult> {
	if (intent.status === "succeeded") {
		return unchanged(intent, refused("already_captured", "This payment was captured; refund it instead."));
	}
	if (intent.status === "canceled") {
		return unchanged(intent, refused("already_canceled", "This payment was already canceled."));
	}
	const next: SimulatedIntent = { ...intent, status: "canceled", amountCapturable: 0 };
	return {
		intent: next,
		changed: true,
		result: { status: "succeeded", amount: intent.amountCapturable },
		events: [intentEvent("payment_intent.canceled", next)],
	};
}

/** Refunds part or all of what was captured, never more than is left. */
export function refund(
	intent: SimulatedIntent,
	amount: number,
	reason: string,
	refundId: string,
	created: number,
): Step<SettlementResult> {
	if (intent.status !== "succeeded") {
		return unchanged(
			intent,
			refused("not_captured", `This payment is ${intent.status}; only a captured one is refunded.`),
		);
	}
	if (!isWholePositive(amount)) {
		return unchanged(intent, refused("invalid_amount", "The amount to refund must be a positive whole number."));
	}
	const left = intent.amountReceived - intent.amountRefunded;
	if (left === 0) return unchanged(intent, refused("charge_already_refunded", "This payment was already refunded."));
	if (amount > left) {
		return unchanged(intent, refused("amount_too_large", `Only ${left} is left to refund; ${amount} was asked for.`));
	}
	const next: SimulatedIntent = {
		...intent,
		amountRefunded: intent.amountRefunded + amount,
		refunds: [{ id: refundId, amount, reason, created }, ...intent.refunds],
	};
	return {
		intent: next,
		changed: true,
		result: { status: "succeeded", amount, refundId },
		events: [{ type: "charge.refunded", object: chargeObject(next) }],
	};
}

/** The intent as GoodFood's reconciliation reads it. */
export function snapshotOf(intent: SimulatedIntent): IntentSnapshot {
	const attempt = Number.parseInt(intent.metadata.attempt, 10);
	return {
		intentId: intent.id,
		status: intent.status,
		amount: intent.amount,
		currency: intent.currency.toUpperCase(),
		amountCapturable: intent.amountCapturable,
		amountReceived: intent.amountReceived,
		amountRefunded: intent.amountRefunded,
		orderId: intent.metadata.orderId || null,
		attempt: Number.isSafeInteger(attempt) ? attempt : null,
	};
}
