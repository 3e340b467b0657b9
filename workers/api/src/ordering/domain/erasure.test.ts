/** An erased customer's order: the restaurant keeps what was sold, the person is gone. */
import { describe, expect, it } from "vitest";
import { OrderPlacedPayload } from "../events";
import { ERASED_CONTACT, erasePlacedPayload } from "./erasure";
import { placedPayload } from "./fixtures";

describe("erasePlacedPayload", () => {
	it("removes the contact details, the delivery address and the account", () => {
		const erased = erasePlacedPayload(placedPayload);

		expect(erased.contact).toEqual(ERASED_CONTACT);
		expect(erased.deliveryAddress).toBeNull();
		expect(erased.customerId).toBeNull();
		expect(JSON.stringify(erased)).not.toMatch(/Ada|ada@example\.com|7946|Soho Square|W1D 3QD|cus_ada/);
	});

	it("drops every line's note, free text that may name the customer", () => {
		const noted = {
			...placedPayload,
			lines: placedPayload.lines.map((line) => ({ ...line, note: "Ask for Ada, flat 3" })),
		};

		const erased = erasePlacedPayload(noted);

		expect(erased.lines.map((line) => line.note)).toEqual(placedPayload.lines.map(() => null));
		expect(JSON.stringify(erased)).not.toContain("flat 3");
	});

	it("keeps what the restaurant's books need: lines (without notes), totals, location, date and fulfilment", () => {
		const erased = erasePlacedPayload(placedPayload);

		expect(erased).toMatchObject({
			lines: placedPayload.lines.map((line) => ({ ...line, note: null })),
			totals: placedPayload.totals,
			locationSlug: "london-soho",
			timeZone: "Europe/London",
			businessDate: "2026-07-01",
			fulfilment: "delivery",
			requestedFor: null,
		});
	});

	it("still makes an OrderPlaced payload that consumers accept", () => {
		expect(OrderPlacedPayload.safeParse(erasePlacedPayload(placedPayload)).success).toBe(true);
	});

	it("gives the same answer when an erased payload is erased again", () => {
		const once = erasePlacedPayload(placedPayload);

		expect(erasePlacedPayload(once)).toEqual(once);
	});
});
