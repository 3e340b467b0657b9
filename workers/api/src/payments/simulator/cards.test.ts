import { describe, expect, it } from "vitest";
import { cardBehaviour, passesLuhn, simulatorPaymentMethod, TEST_CARDS } from "./cards";

describe("the simulator's test cards", () => {
	it("are real-looking numbers: every one passes the Luhn check", () => {
		for (const number of Object.values(TEST_CARDS)) expect(passesLuhn(number), number).toBe(true);
		expect(passesLuhn("4242424242424241")).toBe(false);
	});

	it("each pick their outcome", () => {
		const behaviour = (number: string) => cardBehaviour(simulatorPaymentMethod(number));
		expect(behaviour(TEST_CARDS.succeeds)).toEqual({ outcome: "authorise", last4: "4242", captureFails: false });
		expect(behaviour(TEST_CARDS.captureFails)).toEqual({ outcome: "authorise", last4: "0341", captureFails: true });
		expect(behaviour(TEST_CARDS.requiresAction)).toEqual({ outcome: "requires_action", last4: "3220" });
		expect(behaviour(TEST_CARDS.insufficientFunds)).toEqual({
			outcome: "decline",
			last4: "9995",
			code: "insufficient_funds",
			message: "Your card has insufficient funds.",
		});
		expect(behaviour(TEST_CARDS.declined)).toMatchObject({ outcome: "decline", code: "card_declined" });
	});

	it("decline a valid number that is not a test card, as Stripe's test mode declines real cards", () => {
		expect(cardBehaviour("pm_sim_5555555555554444")).toMatchObject({
			outcome: "decline",
			last4: "4444",
			code: "card_declined",
		});
	});

	it("cannot read anything but pm_sim_ and 16 digits that pass the Luhn check", () => {
		for (const token of [
			"pm_sim_4242",
			"pm_sim_42424242424242424",
			"pm_sim_4242 4242 4242 4242",
			"pm_card_visa",
			"4242424242424242",
			"pm_sim_4242424242424241",
		]) {
			expect(cardBehaviour(token), token).toMatchObject({ outcome: "invalid", code: "invalid_number" });
		}
	});
});
