/** Totals in minor units, with the stated rounding rule. */
import { describe, expect, it } from "vitest";
import { computeTotals, divideRoundingHalfUp } from "./totals";

describe("divideRoundingHalfUp", () => {
	it("rounds halves up and the rest to nearest", () => {
		expect(divideRoundingHalfUp(5, 2)).toBe(3);
		expect(divideRoundingHalfUp(4, 3)).toBe(1);
		expect(divideRoundingHalfUp(5, 3)).toBe(2);
	});
});

describe("computeTotals", () => {
	it("adds US sales tax on top, once on the subtotal", () => {
		// 3 × 333 = 999; 8.88% of 999 = 88.7112 → 89
		const totals = computeTotals({
			currency: "USD",
			lineTotals: [333, 333, 333],
			taxRateBps: 888,
			pricesIncludeTax: false,
			deliveryFee: 399,
			tip: 200,
		});
		expect(totals).toEqual({
			currency: "USD",
			subtotal: 999,
			tax: 89,
			taxIncluded: false,
			deliveryFee: 399,
			tip: 200,
			total: 999 + 89 + 399 + 200,
		});
	});

	it("shows UK VAT as the part of a tax-inclusive subtotal", () => {
		// 1150 / 1.2 = 958.33 → 958 net, so VAT is 192; the total does not grow
		const totals = computeTotals({
			currency: "GBP",
			lineTotals: [1150],
			taxRateBps: 2000,
			pricesIncludeTax: true,
			deliveryFee: 0,
			tip: 0,
		});
		expect(totals).toMatchObject({ subtotal: 1150, tax: 192, taxIncluded: true, total: 1150 });
	});

	it("works in a zero-decimal currency", () => {
		// ¥980 including 10% → 890.9 net → 891, tax ¥89
		expect(
			computeTotals({
				currency: "JPY",
				lineTotals: [980],
				taxRateBps: 1000,
				pricesIncludeTax: true,
				deliveryFee: 0,
				tip: 0,
			}).tax,
		).toBe(89);
	});
});
