/**
 * The card form of checkout's payment step: number, expiry and security code.
 *
 * With the payment simulator no real tokenisation is needed: the typed number
 * becomes `pm_sim_<digits>` here in the browser, standing where Stripe
 * Elements would hand back a PaymentMethod id, so the number itself is the only
 * thing that names the card to the API. Expiry and security code are asked for
 * and checked as a real card form would, and never sent anywhere.
 */
// The simulator's own rules, so the browser makes exactly the token it reads (a pure module, no Workers APIs).
import { passesLuhn, simulatorPaymentMethod } from "../../../workers/api/src/payments/simulator/cards";
import { i18n, useI18n } from "../i18n";
import { TextField } from "./field";

export interface CardForm {
	number: string;
	expiry: string;
	cvc: string;
}

export const EMPTY_CARD: CardForm = { number: "", expiry: "", cvc: "" };

/** Where each card field's message goes; the API names the card itself `payment.paymentMethod`. */
export const CARD_FIELDS = {
	number: "payment.paymentMethod",
	expiry: "payment.expiry",
	cvc: "payment.cvc",
} as const;

function digitsOf(value: string): string {
	return value.replace(/[\s-]/g, "");
}

/** Messages by field path for what is wrong with the card as typed; empty when it may be sent. */
export function cardProblems(card: CardForm, now = new Date()): Record<string, string> {
	const { t } = i18n();
	const problems: Record<string, string> = {};
	const digits = digitsOf(card.number);
	if (!/^\d{12,19}$/.test(digits) || !passesLuhn(digits)) {
		problems[CARD_FIELDS.number] = t("card.problem.number");
	}
	const expiry = /^(\d{1,2})\s*\/\s*(\d{2}|\d{4})$/.exec(card.expiry.trim());
	const month = expiry ? Number(expiry[1]) : 0;
	const year = expiry ? Number(expiry[2].length === 2 ? `20${expiry[2]}` : expiry[2]) : 0;
	if (!expiry || month < 1 || month > 12) {
		problems[CARD_FIELDS.expiry] = t("card.problem.expiry");
	} else if (year * 12 + month < now.getFullYear() * 12 + now.getMonth() + 1) {
		problems[CARD_FIELDS.expiry] = t("card.problem.expired");
	}
	if (!/^\d{3,4}$/.test(card.cvc.trim())) {
		problems[CARD_FIELDS.cvc] = t("card.problem.cvc");
	}
	return problems;
}

/** The card as the API takes it: with the simulator, `pm_sim_` and the number's digits (see above). */
export function paymentMethodOf(card: CardForm): string {
	return simulatorPaymentMethod(digitsOf(card.number));
}

export function CardFields({
	card,
	onChange,
	errors,
}: {
	card: CardForm;
	onChange: (card: CardForm) => void;
	errors: Record<string, string>;
}) {
	const { t } = useI18n();
	const set = (field: keyof CardForm) => (value: string) => onChange({ ...card, [field]: value });
	return (
		<div class="card-fields">
			<TextField
				id="card-number"
				label={t("card.number")}
				autoComplete="cc-number"
				inputMode="numeric"
				required
				maxLength={23}
				value={card.number}
				onValue={set("number")}
				error={errors[CARD_FIELDS.number]}
			/>
			<div class="field-row">
				<TextField
					id="card-expiry"
					label={t("card.expiry")}
					autoComplete="cc-exp"
					inputMode="numeric"
					required
					maxLength={7}
					value={card.expiry}
					onValue={set("expiry")}
					error={errors[CARD_FIELDS.expiry]}
				/>
				<TextField
					id="card-cvc"
					label={t("card.cvc")}
					autoComplete="cc-csc"
					inputMode="numeric"
					required
					maxLength={4}
					value={card.cvc}
					onValue={set("cvc")}
					error={errors[CARD_FIELDS.cvc]}
				/>
			</div>
		</div>
	);
}
