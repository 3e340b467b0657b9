/**
 * The app's words for the API's values. The allergens and dietary tags the
 * API accepts: its answers (profiles, menu items) declare them as plain
 * strings, so values read from an answer are narrowed to the known ones before
 * they go back into a request or a filter. And a payment's state, in words.
 */
import { DIETARY_TAGS, EU_ALLERGENS } from "../../../workers/api/src/menu/domain/dietary";
import { formatMoney } from "../format";
import { i18n, type MessageId } from "../i18n";
import type { Allergen, DietaryTag, Payment, PaymentStatus } from "./types";

const ALLERGENS: ReadonlySet<string> = new Set(EU_ALLERGENS);
const TAGS: ReadonlySet<string> = new Set(DIETARY_TAGS);

export function knownAllergens(values: readonly string[]): Allergen[] {
	return values.filter((value): value is Allergen => ALLERGENS.has(value));
}

export function knownDietaryTags(values: readonly string[]): DietaryTag[] {
	return values.filter((value): value is DietaryTag => TAGS.has(value));
}

/** A payment's state in a few words, for staff lists, in the current language: every status the API may answer has its words. */
export function paymentStatusLabel(status: PaymentStatus): string {
	return i18n().t(`paymentStatus.${status}` as MessageId);
}

/** What a customer reads of their order's payment: one sentence, and a line per refund. */
export function paymentWords(payment: Payment): { sentence: string; refunds: { refundId: string; words: string }[] } {
	const { t } = i18n();
	const refunds = payment.refunds.map((refund) => ({
		refundId: refund.refundId,
		// The reason is the manager's own words, as written.
		words: t("payment.refund", { amount: formatMoney(refund.amount), reason: refund.reason }),
	}));
	return { sentence: paymentSentence(payment), refunds };
}

function paymentSentence(payment: Payment): string {
	const { t } = i18n();
	const amount = formatMoney(payment.amount);
	switch (payment.status) {
		case "awaiting_authorisation":
			return t("payment.sentence.awaitingAuthorisation", { amount });
		case "requires_action":
			return t("payment.sentence.requiresAction", { amount });
		case "failed":
			// The provider's reason is in English; other languages say it in general terms.
			return payment.failure?.message && i18n().language === "en"
				? t("payment.sentence.failedBecause", { reason: payment.failure.message })
				: t("payment.sentence.failed");
		case "authorised":
			return t("payment.sentence.authorised", { amount });
		case "captured":
			return t("payment.sentence.captured", { captured: formatMoney(payment.captured) });
		case "partially_refunded":
			return t("payment.sentence.partiallyRefunded", {
				captured: formatMoney(payment.captured),
				refunded: formatMoney(payment.refunded),
			});
		case "refunded":
			return t("payment.sentence.refunded", { refunded: formatMoney(payment.refunded) });
		case "voided":
			return t("payment.sentence.voided");
		case "due_at_pickup":
			return t("payment.sentence.dueAtPickup", { amount });
		case "collected":
			return t("payment.sentence.collected", { amount });
		case "not_recorded":
			return t("payment.sentence.notRecorded");
	}
}
