/**
 * The payment state machine as plain rules: arrange the payment's events,
 * decide a capture, void, refund, settlement or webhook, assert the outcome.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { refusal } from "../../cart/domain/fixtures";
import type { OrderEventData } from "../../ordering/events";
import type { ProviderEvent } from "../provider";
import {
	applyPaymentEvent,
	awaitingAction,
	checkAuthorisedAmount,
	decideCapture,
	decideRefund,
	decideVoid,
	decideWebhook,
	newPayment,
	type PaymentState,
	settlementFor,
} from "./payment";

/** £30.99: the order's total, tip included. */
const TOTAL = 3099;
const AT = "2026-07-01T12:00:00.000Z";

type PaymentEventData = Extract<OrderEventData, { type: `Payment${string}` }>;

const authorisedEvent = (amount = TOTAL): PaymentEventData => ({
	type: "PaymentAuthorised",
	payload: { provider: "simulator", intentId: "pi_sim_1", amount, currency: "GBP", attempt: 1 },
});
const cardCaptured = (amount: number): PaymentEventData => ({
	type: "PaymentCaptured",
	payload: { provider: "simulator", intentId: "pi_sim_1", amount, currency: "GBP", method: "card" },
});
const capturedEvent = cardCaptured(TOTAL);
const refundedEvent = (amount: number, refundId = `re_${amount}`): PaymentEventData => ({
	type: "PaymentRefunded",
	payload: { provider: "simulator", intentId: "pi_sim_1", amount, currency: "GBP", refundId, reason: "cold food" },
});

/** A card payment of TOTAL after these events. */
function card(...events: PaymentEventData[]): PaymentState {
	const state = newPayment("card", TOTAL, "GBP", 1);
	for (const event of events) applyPaymentEvent(state, event, AT);
	return state;
}
const authorised = () => card(authorisedEvent());
const captured = () => card(authorisedEvent(), capturedEvent);
const payAtPickup = () => newPayment("pay_at_pickup", TOTAL, "GBP", 1);
const legacy = () => newPayment(null, TOTAL, "GBP", 1);

function webhook(kind: ProviderEvent["kind"], overrides: Partial<ProviderEvent> = {}): ProviderEvent {
	return {
		id: `evt_${kind}`,
		kind,
		intentId: "pi_sim_1",
		orderId: "ord_1",
		attempt: 1,
		amount: TOTAL,
		currency: "GBP",
		occurredAt: AT,
		...overrides,
	};
}

describe("newPayment", () => {
	it("starts a card payment awaiting its authorisation, with nothing authorised or taken", () => {
		expect(newPayment("card", TOTAL, "GBP", 2)).toMatchObject({
			method: "card",
			status: "awaiting_authorisation",
			attempt: 2,
			amount: TOTAL,
			currency: "GBP",
			intentId: null,
			authorised: 0,
			captured: 0,
			refunded: 0,
			refunds: [],
		});
	});

	it("makes a pay-at-pickup payment due at the counter, and an order from before payments not recorded", () => {
		expect(payAtPickup().status).toBe("due_at_pickup");
		expect(legacy().status).toBe("not_recorded");
	});
});

describe("applyPaymentEvent", () => {
	it("records the authorisation: provider, intent and amount, and clears an earlier failure", () => {
		const state = card(
			{
				type: "PaymentFailed",
				payload: { provider: "simulator", intentId: "pi_sim_0", attempt: 1, code: "card_declined", message: "No" },
			},
			authorisedEvent(),
		);

		expect(state).toMatchObject({
			status: "authorised",
			provider: "simulator",
			intentId: "pi_sim_1",
			authorised: TOTAL,
			failure: null,
		});
	});

	it("records a failure with the code the customer is shown", () => {
		const state = card({
			type: "PaymentFailed",
			payload: {
				provider: "simulator",
				intentId: "pi_sim_1",
				attempt: 1,
				code: "insufficient_funds",
				message: "Your card has insufficient funds",
				providerEventId: "evt_1",
			},
		});

		expect(state).toMatchObject({
			status: "failed",
			intentId: "pi_sim_1",
			failure: { code: "insufficient_funds", message: "Your card has insufficient funds" },
		});
		expect(state.providerEvents.has("evt_1")).toBe(true);
	});

	it("marks a card capture captured, and money taken at the counter collected", () => {
		expect(captured()).toMatchObject({ status: "captured", captured: TOTAL });

		const counter = payAtPickup();
		applyPaymentEvent(
			counter,
			{
				type: "PaymentCaptured",
				payload: { provider: "counter", intentId: null, amount: TOTAL, currency: "GBP", method: "pay_at_pickup" },
			},
			AT,
		);
		expect(counter).toMatchObject({ status: "collected", captured: TOTAL });
	});

	it("marks a released authorisation voided", () => {
		const state = card(authorisedEvent(), {
			type: "PaymentVoided",
			payload: { provider: "simulator", intentId: "pi_sim_1", amount: TOTAL, currency: "GBP", reason: "rejected" },
		});

		expect(state.status).toBe("voided");
	});

	it("is partially refunded until the refunds add up to the capture, then refunded, keeping each refund", () => {
		const partly = card(authorisedEvent(), capturedEvent, refundedEvent(1000, "re_1"));
		expect(partly).toMatchObject({ status: "partially_refunded", refunded: 1000 });

		applyPaymentEvent(partly, refundedEvent(TOTAL - 1000, "re_2"), "2026-07-01T13:00:00.000Z");
		expect(partly).toMatchObject({ status: "refunded", refunded: TOTAL });
		expect(partly.refunds).toEqual([
			{ refundId: "re_1", amount: 1000, reason: "cold food", occurredAt: AT },
			{ refundId: "re_2", amount: TOTAL - 1000, reason: "cold food", occurredAt: "2026-07-01T13:00:00.000Z" },
		]);
	});
});

describe("checkAuthorisedAmount", () => {
	it("accepts exactly the order's total in its currency", () => {
		expect(() => checkAuthorisedAmount(card(), TOTAL, "GBP")).not.toThrow();
	});

	it("refuses another currency, naming the currency field", () => {
		const refused = refusal(() => checkAuthorisedAmount(card(), TOTAL, "EUR"));

		expect(refused.code).toBe("payment_currency_mismatch");
		expect(refused.details).toEqual([{ field: "payment.currency", message: "must be GBP" }]);
	});

	it("refuses another amount, naming the amount field and the total", () => {
		const refused = refusal(() => checkAuthorisedAmount(card(), TOTAL - 1, "GBP"));

		expect(refused.code).toBe("payment_amount_mismatch");
		expect(refused.details).toEqual([{ field: "payment.amount", message: `must be ${TOTAL}` }]);
	});
});

describe("decideCapture", () => {
	it("captures the whole authorisation", () => {
		expect(decideCapture(authorised())).toBe(TOTAL);
	});

	it("refuses a second capture, also after a refund", () => {
		expect(refusal(() => decideCapture(captured())).code).toBe("payment_already_captured");
		expect(refusal(() => decideCapture(card(authorisedEvent(), capturedEvent, refundedEvent(10)))).code).toBe(
			"payment_already_captured",
		);
	});

	it("refuses a payment not authorised yet, or failed", () => {
		expect(refusal(() => decideCapture(card())).code).toBe("payment_not_authorised");
		const failed = card({
			type: "PaymentFailed",
			payload: { provider: "simulator", intentId: null, attempt: 1, code: "expired", message: "Expired" },
		});
		expect(refusal(() => decideCapture(failed)).code).toBe("payment_not_authorised");
	});
});

describe("decideVoid", () => {
	it("releases an authorisation, or a payment waiting on its second step", () => {
		expect(() => decideVoid(authorised())).not.toThrow();
		const waiting = card();
		awaitingAction(waiting, "pi_sim_1");
		expect(() => decideVoid(waiting)).not.toThrow();
	});

	it("refuses a second void", () => {
		const voided = card(authorisedEvent(), {
			type: "PaymentVoided",
			payload: { provider: "simulator", intentId: "pi_sim_1", amount: TOTAL, currency: "GBP", reason: "rejected" },
		});

		expect(refusal(() => decideVoid(voided)).code).toBe("payment_already_voided");
	});

	it("refuses a captured payment: that one is refunded", () => {
		expect(refusal(() => decideVoid(captured())).code).toBe("payment_not_voidable");
	});
});

describe("decideRefund", () => {
	it("refunds all that is left when no amount is given", () => {
		expect(decideRefund(captured(), undefined)).toBe(TOTAL);
		expect(decideRefund(card(authorisedEvent(), capturedEvent, refundedEvent(1000)), undefined)).toBe(TOTAL - 1000);
	});

	it("refunds part of a capture", () => {
		expect(decideRefund(captured(), 500)).toBe(500);
	});

	it("refuses more than is left, counting refunds under way, and says how much is left", () => {
		const state = card(authorisedEvent(), capturedEvent, refundedEvent(1000));
		const left = TOTAL - 1000 - 500;

		const refused = refusal(() => decideRefund(state, left + 1, 500));

		expect(refused.code).toBe("refund_exceeds_remaining");
		expect(refused.message).toContain(String(left));
		expect(refused.details).toEqual([{ field: "amount", message: `must be between 1 and ${left}` }]);
		expect(decideRefund(state, left, 500)).toBe(left);
	});

	it("refuses a refund of a payment already refunded in full", () => {
		const refunded = card(authorisedEvent(), capturedEvent, refundedEvent(TOTAL));

		expect(refusal(() => decideRefund(refunded, undefined)).code).toBe("refund_exceeds_remaining");
		expect(refusal(() => decideRefund(refunded, 1)).code).toBe("refund_exceeds_remaining");
	});

	it("refuses a payment not captured yet: that one is released", () => {
		expect(refusal(() => decideRefund(authorised(), 100)).code).toBe("payment_not_captured");
		expect(refusal(() => decideRefund(legacy(), undefined)).code).toBe("payment_not_captured");
	});

	it("refuses money taken at the counter: there is no card payment to refund", () => {
		const counter = payAtPickup();
		applyPaymentEvent(
			counter,
			{
				type: "PaymentCaptured",
				payload: { provider: "counter", intentId: null, amount: TOTAL, currency: "GBP", method: "pay_at_pickup" },
			},
			AT,
		);

		expect(refusal(() => decideRefund(counter, 100)).code).toBe("payment_not_captured");
	});

	it("never lets the refunds decided add up to more than the capture", () => {
		// Each step either asks for a refund (all that is left when no amount) that goes under way,
		// or the provider confirms the oldest refund under way.
		const step = fc.oneof(
			fc.record({ ask: fc.option(fc.integer({ min: -10, max: 12_000 }), { nil: undefined }) }),
			fc.constant({ confirm: true as const }),
		);
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 10_000 }), fc.array(step, { maxLength: 30 }), (total, steps) => {
				const state = newPayment("card", total, "GBP", 1);
				applyPaymentEvent(state, authorisedEvent(total), AT);
				applyPaymentEvent(state, cardCaptured(total), AT);
				const underWay: number[] = [];
				const confirmOldest = () => {
					const amount = underWay.shift();
					if (amount !== undefined) applyPaymentEvent(state, refundedEvent(amount, `re_${state.refunds.length}`), AT);
				};
				for (const next of steps) {
					if ("confirm" in next) confirmOldest();
					else {
						const pending = underWay.reduce((sum, amount) => sum + amount, 0);
						try {
							underWay.push(decideRefund(state, next.ask, pending));
						} catch {
							// Refused: nothing goes under way.
						}
					}
					expect(state.refunded).toBeLessThanOrEqual(state.captured);
				}
				while (underWay.length > 0) confirmOldest();
				expect(state.refunded).toBeLessThanOrEqual(state.captured);
				expect(state.refunds.every((refund) => refund.amount > 0)).toBe(true);
			}),
		);
	});
});

describe("settlementFor", () => {
	it("captures the authorisation when the order is picked up or delivered", () => {
		expect(settlementFor("picked_up", authorised())).toEqual({ kind: "capture", amount: TOTAL });
		expect(settlementFor("delivered", authorised())).toEqual({ kind: "capture", amount: TOTAL });
	});

	it("records the money taken at the counter when a pay-at-pickup order is handed over", () => {
		expect(settlementFor("picked_up", payAtPickup())).toEqual({ kind: "collect", amount: TOTAL });
	});

	it("captures nothing twice", () => {
		expect(settlementFor("picked_up", captured())).toEqual({ kind: "none" });
	});

	it("releases an authorisation, or one waiting on its second step, when the order is rejected or cancelled", () => {
		expect(settlementFor("rejected", authorised())).toEqual({ kind: "void" });
		expect(settlementFor("cancelled", authorised())).toEqual({ kind: "void" });
		const waiting = card();
		awaitingAction(waiting, "pi_sim_1");
		expect(settlementFor("rejected", waiting)).toEqual({ kind: "void" });
	});

	it("refunds what is left when an order is cancelled after its capture", () => {
		expect(settlementFor("cancelled", captured())).toEqual({ kind: "refund", amount: TOTAL });
		const partly = card(authorisedEvent(), capturedEvent, refundedEvent(1000));
		expect(settlementFor("cancelled", partly)).toEqual({ kind: "refund", amount: TOTAL - 1000 });
		const refunded = card(authorisedEvent(), capturedEvent, refundedEvent(TOTAL));
		expect(settlementFor("cancelled", refunded)).toEqual({ kind: "none" });
	});

	it("asks nothing of a pay-at-pickup order that is rejected, nor of the kitchen's other steps", () => {
		expect(settlementFor("rejected", payAtPickup())).toEqual({ kind: "none" });
		expect(settlementFor("confirmed", authorised())).toEqual({ kind: "none" });
		expect(settlementFor("ready", payAtPickup())).toEqual({ kind: "none" });
	});

	it("asks nothing of an order placed before payments", () => {
		for (const status of ["picked_up", "delivered", "rejected", "cancelled"] as const) {
			expect(settlementFor(status, legacy())).toEqual({ kind: "none" });
		}
	});
});

describe("decideWebhook", () => {
	it("applies an authorisation of the current attempt, remembering the provider's event id", () => {
		const decision = decideWebhook(card(), webhook("authorised", { id: "evt_auth" }));

		expect(decision).toEqual({
			kind: "apply",
			event: {
				type: "PaymentAuthorised",
				payload: {
					provider: "unknown",
					intentId: "pi_sim_1",
					amount: TOTAL,
					currency: "GBP",
					providerEventId: "evt_auth",
					attempt: 1,
				},
			},
		});
	});

	it("ignores a duplicate: the same provider event id again", () => {
		const state = card();
		const event = webhook("authorised", { id: "evt_auth" });
		const decision = decideWebhook(state, event);
		if (decision.kind !== "apply") throw new Error(`expected apply, got ${decision.kind}`);
		applyPaymentEvent(state, decision.event, AT);

		expect(decideWebhook(state, event)).toEqual({ kind: "ignore", reason: "duplicate" });
	});

	it("releases an authorisation for an earlier attempt, or for an attempt that failed", () => {
		const second = newPayment("card", TOTAL, "GBP", 2);
		expect(decideWebhook(second, webhook("authorised", { attempt: 1, intentId: "pi_old" }))).toEqual({
			kind: "release",
			intentId: "pi_old",
		});

		const failed = card({
			type: "PaymentFailed",
			payload: { provider: "simulator", intentId: "pi_sim_1", attempt: 1, code: "expired", message: "Expired" },
		});
		expect(decideWebhook(failed, webhook("authorised"))).toEqual({ kind: "release", intentId: "pi_sim_1" });
	});

	it("applies a failure of the current attempt with the provider's code, and ignores one of an earlier attempt", () => {
		const failure = { code: "insufficient_funds", message: "Your card has insufficient funds" };
		const decision = decideWebhook(card(), webhook("failed", { failure }));
		expect(decision).toMatchObject({ kind: "apply", event: { type: "PaymentFailed", payload: failure } });

		const second = newPayment("card", TOTAL, "GBP", 2);
		expect(decideWebhook(second, webhook("failed", { attempt: 1 })).kind).toBe("ignore");
	});

	it("parks a capture that comes before its authorisation, and applies it once authorised", () => {
		const state = card();
		const capture = webhook("captured");
		expect(decideWebhook(state, capture)).toEqual({ kind: "park" });

		applyPaymentEvent(state, authorisedEvent(), AT);
		expect(decideWebhook(state, capture)).toMatchObject({
			kind: "apply",
			event: { type: "PaymentCaptured", payload: { amount: TOTAL, method: "card", providerEventId: "evt_captured" } },
		});
	});

	it("parks a refund that comes before the capture", () => {
		expect(decideWebhook(authorised(), webhook("refunded", { refundId: "re_1", amount: 500 }))).toEqual({
			kind: "park",
		});
	});

	it("applies a refund within what is left, by its refund id", () => {
		expect(decideWebhook(captured(), webhook("refunded", { refundId: "re_1", amount: 500 }))).toMatchObject({
			kind: "apply",
			event: { type: "PaymentRefunded", payload: { refundId: "re_1", amount: 500 } },
		});
	});

	it("ignores a refund whose id is already recorded, even under another event id", () => {
		const state = card(authorisedEvent(), capturedEvent, refundedEvent(500, "re_1"));

		expect(decideWebhook(state, webhook("refunded", { id: "evt_other", refundId: "re_1", amount: 500 }))).toEqual({
			kind: "ignore",
			reason: "refund already recorded",
		});
	});

	it("ignores a refund larger than what is left", () => {
		const state = card(authorisedEvent(), capturedEvent, refundedEvent(TOTAL - 100));

		expect(decideWebhook(state, webhook("refunded", { refundId: "re_2", amount: 101 }))).toEqual({
			kind: "ignore",
			reason: "exceeds what is left to refund",
		});
	});

	it("applies a release at the provider of an authorisation, and parks one before its authorisation", () => {
		expect(decideWebhook(authorised(), webhook("voided"))).toMatchObject({
			kind: "apply",
			event: { type: "PaymentVoided" },
		});
		expect(decideWebhook(card(), webhook("voided"))).toEqual({ kind: "park" });
	});

	it("ignores what a payment taken at the counter is told", () => {
		expect(decideWebhook(payAtPickup(), webhook("captured")).kind).toBe("ignore");
	});
});
