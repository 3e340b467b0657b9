/**
 * The app's words for the API's values. The allergens and dietary tags the
 * API accepts: its answers (profiles, menu items) declare them as plain
 * strings, so values read from an answer are narrowed to the known ones before
 * they go back into a request or a filter. And a payment's state, in words.
 */
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import { formatMoney } from "../format";
import type { Allergen, DietaryTag, Payment, PaymentStatus } from "./types";

const ALLERGENS: ReadonlySet<string> = new Set(EU_ALLERGENS);
const TAGS: ReadonlySet<string> = new Set(DIETARY_TAGS);

export function knownAllergens(values: readonly string[]): Allergen[] {
	return values.filter((value): value is Allergen => ALLERGENS.has(value));
}

export function knownDietaryTags(values: readonly string[]): DietaryTag[] {
	return values.filter((value): value is DietaryTag => TAGS.has(value));
}

/** A payment's state in a few words, for staff lists: every status the API may answer has its words. */
export const PAYMENT_STATUS_LABELS: Record<PaymentStatus, string> = {
	awaiting_authorisation: "Awaiting authorisation",
	requires_action: "Awaiting 3-D Secure",
	failed: "Payment failed",
	authorised: "Card authorised",
	captured: "Card captured",
	partially_refunded: "Partly refunded",
	refunded: "Refunded",
	voided: "Released",
	due_at_pickup: "Pay at counter",
	collected: "Paid at counter",
	not_recorded: "No payment recorded",
};

/** What a customer reads of their order's payment: one sentence, and a line per refund. */
export function paymentWords(payment: Payment): { sentence: string; refunds: { refundId: string; words: string }[] } {
	const refunds = payment.refunds.map((refund) => ({
		refundId: refund.refundId,
		words: `Refunded ${formatMoney(refund.amount)}: ${refund.reason}`,
	}));
	return { sentence: paymentSentence(payment), refunds };
}

function paymentSentence(payment: Payment): string {
	const amount = formatMoney(payment.amount);
	switch (payment.status) {
		case "awaiting_authorisation":
			return `Card payment of ${amount} — waiting for your bank.`;
		case "requires_action":
			return `Card payment of ${amount} — your bank asks you to confirm it.`;
		case "failed":
			return `Payment failed: ${payment.failure?.message ?? "your bank declined the card."}`;
		case "authorised":
			return `Paid by card — authorised. ${amount} is held on your card and taken when you get your order.`;
		case "captured":
			return `Paid by card — captured: ${formatMoney(payment.captured)}.`;
		case "partially_refunded":
			return `Paid by card — ${formatMoney(payment.captured)} captured, ${formatMoney(payment.refunded)} refunded.`;
		case "refunded":
			return `Refunded ${formatMoney(payment.refunded)} to your card.`;
		case "voided":
			return "Released — the hold on your card is lifted; you were not charged.";
		case "due_at_pickup":
			return `Pay at the counter: ${amount} when you collect your order.`;
		case "collected":
			return `Paid at the counter: ${amount}.`;
		case "not_recorded":
			return "No payment is recorded for this order.";
	}
}
