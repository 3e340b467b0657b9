/**
 * The payment simulator's test cards, in the style of Stripe's: a card number
 * picks the outcome, so every path through checkout can be exercised by
 * typing a number. The storefront "tokenises" a card as
 * `pm_sim_<16-digit number>`; nothing else is accepted. Documented in
 * docs/payments-simulator.md.
 */

export const PAYMENT_METHOD_PREFIX = "pm_sim_";

export const TEST_CARDS = {
	/** Authorises; captures, voids and refunds succeed. */
	succeeds: "4242424242424242",
	/** Declined: insufficient funds. */
	insufficientFunds: "4000000000009995",
	/** Declined with the generic decline code. */
	declined: "4000000000000002",
	/** Needs a second step (3-D Secure style) on the simulator's page before it authorises. */
	requiresAction: "4000000000003220",
	/** Authorises, but every capture fails with a retryable processing error. */
	captureFails: "4000000000000341",
} as const;

export interface CardFailure {
	code: string;
	message: string;
}

/** What authorising with a card does. */
export type CardBehaviour =
	| { outcome: "authorise"; last4: string; captureFails: boolean }
	| { outcome: "requires_action"; last4: string }
	| ({ outcome: "decline"; last4: string } & CardFailure)
	/** Not a card number at all: no intent is made, as Stripe makes none for a payment method it cannot read. */
	| ({ outcome: "invalid" } & CardFailure);

/** Failures the simulator reports, with Stripe's codes and wording where Stripe has them. */
export const SIMULATOR_FAILURES = {
	insufficientFunds: { code: "insufficient_funds", message: "Your card has insufficient funds." },
	declined: { code: "card_declined", message: "Your card was declined." },
	notATestCard: {
		code: "card_declined",
		message: "Your card was declined. The payment simulator accepts only its test cards.",
	},
	invalidNumber: { code: "invalid_number", message: "The card number is not a valid credit card number." },
	authenticationFailed: {
		code: "authentication_failed",
		message: "We are unable to authenticate your payment method. Please choose a different payment method.",
	},
	processingError: {
		code: "processing_error",
		message: "An error occurred while processing your card. Try again in a little bit.",
	},
} as const satisfies Record<string, CardFailure>;

/** The token the storefront sends for a card number. */
export function simulatorPaymentMethod(cardNumber: string): string {
	return `${PAYMENT_METHOD_PREFIX}${cardNumber}`;
}

/** The Luhn checksum every real card number passes (and all the test cards do). */
export function passesLuhn(digits: string): boolean {
	let sum = 0;
	for (let index = 0; index < digits.length; index++) {
		let digit = Number(digits[digits.length - 1 - index]);
		if (index % 2 === 1) {
			digit *= 2;
			if (digit > 9) digit -= 9;
		}
		sum += digit;
	}
	return sum % 10 === 0;
}

/**
 * What a payment method token does. A token that is not `pm_sim_` and 16
 * digits, or whose number fails the Luhn check, is invalid (`invalid_number`); a valid
 * number that is not a test card is declined `card_declined`, as Stripe's test
 * mode declines real cards.
 */
export function cardBehaviour(paymentMethod: string): CardBehaviour {
	const match = /^pm_sim_(\d{16})$/.exec(paymentMethod);
	if (!match || !passesLuhn(match[1])) {
		return { outcome: "invalid", ...SIMULATOR_FAILURES.invalidNumber };
	}
	const number = match[1];
	const last4 = number.slice(-4);
	switch (number) {
		case TEST_CARDS.succeeds:
			return { outcome: "authorise", last4, captureFails: false };
		case TEST_CARDS.captureFails:
			return { outcome: "authorise", last4, captureFails: true };
		case TEST_CARDS.requiresAction:
			return { outcome: "requires_action", last4 };
		case TEST_CARDS.insufficientFunds:
			return { outcome: "decline", last4, ...SIMULATOR_FAILURES.insufficientFunds };
		case TEST_CARDS.declined:
			return { outcome: "decline", last4, ...SIMULATOR_FAILURES.declined };
		default:
			return { outcome: "decline", last4, ...SIMULATOR_FAILURES.notATestCard };
	}
}
