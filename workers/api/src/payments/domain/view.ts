/** What clients see of a payment. */
import { money } from "../../menu/domain/money";
import type { PaymentView } from "../schemas";
import type { PaymentState } from "./payment";

export function paymentView(state: PaymentState, actionUrl: string | null = null): PaymentView {
	const { currency } = state;
	return {
		method: state.method,
		status: state.status,
		amount: money(state.amount, currency),
		captured: money(state.captured, currency),
		refunded: money(state.refunded, currency),
		refunds: state.refunds.map((refund) => ({
			refundId: refund.refundId,
			amount: money(refund.amount, currency),
			reason: refund.reason,
			occurredAt: refund.occurredAt,
		})),
		failure: state.failure,
		nextAction: state.status === "requires_action" && actionUrl ? { type: "redirect", url: actionUrl } : null,
	};
}
