/**
 * Payment events in the order read model: the payment's method, status,
 * intent and amounts on the order's row (for the kitchen board and the nightly
 * reconciliation), and one `order_refunds` row per refund (the manager's list).
 *
 * Hand-written SQL, like the OrderPlaced projection: a PaymentAuthorised
 * follows every card placement (projected by the queue; the request projects
 * only the OrderPlaced, which says authorised already).
 *
 * Events may be projected out of order (a queue retry), and payment events
 * move nothing else, so they keep their own guard instead of the status's
 * `last_sequence`: a status only moves to one of a later stage (an
 * authorisation arriving after its capture leaves `captured`), and once
 * anything is refunded the status is worked out from the amounts, which sum
 * the same in any order.
 */
import type { PaymentStatus } from "../payments/domain/payment";
import type { OrderEventEnvelope, PaymentEventType, PaymentMethodKind } from "./events";

type D1 = D1Database | D1DatabaseSession;
type PaymentEventEnvelope = Extract<OrderEventEnvelope, { type: PaymentEventType }>;

/**
 * The payment status an OrderPlaced leaves. A card order's OrderPlaced is
 * published only once its card is authorised (with the PaymentAuthorised that
 * follows it), so it is authorised already; the PaymentAuthorised adds the intent.
 */
export function placedPaymentStatus(method: PaymentMethodKind | null): PaymentStatus {
	if (method === "card") return "authorised";
	if (method === "pay_at_pickup") return "due_at_pickup";
	return "not_recorded";
}

/** How far along a payment is: a status is only replaced by one of a later stage. */
const STAGE: Partial<Record<PaymentStatus, number>> = {
	authorised: 1,
	captured: 2,
	collected: 2,
	voided: 2,
	partially_refunded: 3,
	refunded: 3,
};

const STAGE_OF_CURRENT = `(CASE payment_status ${Object.entries(STAGE)
	.map(([status, stage]) => `WHEN '${status}' THEN ${stage}`)
	.join(" ")} ELSE 0 END)`;

/** `?1` order id, `?2` intent id, `?3` the status, `?4` its stage. */
const ADVANCE_STATUS = `UPDATE orders SET
	payment_intent_id = coalesce(payment_intent_id, ?2),
	payment_status = CASE WHEN ${STAGE_OF_CURRENT} < ?4 THEN ?3 ELSE payment_status END
WHERE id = ?1`;

/** `?1` order id, `?2` amount, `?3` captured or collected, `?4` intent id. Refunds that arrived first keep deciding the status. */
const CAPTURE = `UPDATE orders SET
	payment_intent_id = coalesce(payment_intent_id, ?4),
	captured_minor = captured_minor + ?2,
	payment_status = CASE
		WHEN refunded_minor > 0 THEN CASE WHEN refunded_minor >= captured_minor + ?2 THEN 'refunded' ELSE 'partially_refunded' END
		WHEN ${STAGE_OF_CURRENT} < 2 THEN ?3
		ELSE payment_status END
WHERE id = ?1`;

/** `?1` refund id, `?2` order id, `?3` amount, `?4` currency, `?5` reason, `?6` when; the location is the order's. */
const INSERT_REFUND = `INSERT INTO order_refunds (refund_id, order_id, location_slug, amount_minor, currency, reason, refunded_at)
SELECT ?1, ?2, location_slug, ?3, ?4, ?5, ?6 FROM orders WHERE id = ?2
ON CONFLICT (refund_id) DO NOTHING`;

/** After INSERT_REFUND: the refunded total is the sum of the order's refund rows, so a refund counts once. `?1` order id. */
const TOTAL_REFUNDED = `UPDATE orders SET
	refunded_minor = (SELECT coalesce(sum(amount_minor), 0) FROM order_refunds WHERE order_id = ?1),
	payment_status = CASE
		WHEN (SELECT coalesce(sum(amount_minor), 0) FROM order_refunds WHERE order_id = ?1) >= captured_minor THEN 'refunded'
		ELSE 'partially_refunded' END
WHERE id = ?1`;

/** The statements after the ledger row that apply one payment event to the order's row and its refunds. */
export function projectPaymentEvent(d1: D1, event: PaymentEventEnvelope): D1PreparedStatement[] {
	const { orderId } = event;
	switch (event.type) {
		case "PaymentAuthorised":
			return [d1.prepare(ADVANCE_STATUS).bind(orderId, event.payload.intentId, "authorised", STAGE.authorised)];
		case "PaymentVoided":
			return [d1.prepare(ADVANCE_STATUS).bind(orderId, event.payload.intentId, "voided", STAGE.voided)];
		case "PaymentCaptured": {
			const status: PaymentStatus = event.payload.method === "pay_at_pickup" ? "collected" : "captured";
			return [d1.prepare(CAPTURE).bind(orderId, event.payload.amount, status, event.payload.intentId)];
		}
		case "PaymentRefunded": {
			const { refundId, amount, currency, reason } = event.payload;
			return [
				d1.prepare(INSERT_REFUND).bind(refundId, orderId, amount, currency, reason, event.occurredAt),
				d1.prepare(TOTAL_REFUNDED).bind(orderId),
			];
		}
		case "PaymentFailed":
			// Never published: a failed payment's order never reaches the read models. Its ledger row is all.
			return [];
	}
}
