/**
 * Cart and order totals, in integer minor units of the location's currency.
 *
 * Rounding rule: tax is computed once on the order's subtotal (not per line)
 * and rounded half up to the currency's minor unit. Where menu prices include
 * tax (VAT in the UK and Japan) the tax shown is the part of the subtotal that
 * is tax; otherwise (US sales tax) it is added on top. The delivery fee and the
 * tip are not taxed.
 */
import type { LocationSummary } from "../../menu/domain/document";
import { money } from "../../menu/domain/money";
import type { Fulfilment } from "../../ordering/events";
export interface TotalsInput {
	currency: string;
	lineTotals: number[];
	taxRateBps: number;
	pricesIncludeTax: boolean;
	deliveryFee: number;
	tip: number;
}

export interface Totals {
	currency: string;
	subtotal: number;
	tax: number;
	taxIncluded: boolean;
	deliveryFee: number;
	tip: number;
	total: number;
}

/** Divides and rounds half up, in integers, for non-negative operands. */
export function divideRoundingHalfUp(numerator: number, denominator: number): number {
	return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

export function computeTotals(input: TotalsInput): Totals {
	const subtotal = input.lineTotals.reduce((sum, amount) => sum + amount, 0);
	const tax = input.pricesIncludeTax
		? subtotal - divideRoundingHalfUp(subtotal * 10_000, 10_000 + input.taxRateBps)
		: divideRoundingHalfUp(subtotal * input.taxRateBps, 10_000);
	const total = subtotal + (input.pricesIncludeTax ? 0 : tax) + input.deliveryFee + input.tip;
	return {
		currency: input.currency,
		subtotal,
		tax,
		taxIncluded: input.pricesIncludeTax,
		deliveryFee: input.deliveryFee,
		tip: input.tip,
		total,
	};
}

/** The totals of these line totals at a location: its currency and tax, its delivery fee when delivered, the tip. */
export function totalsAt(location: LocationSummary, lineTotals: number[], fulfilment: Fulfilment, tip: number): Totals {
	return computeTotals({
		currency: location.currency,
		lineTotals,
		taxRateBps: location.taxRateBps,
		pricesIncludeTax: location.pricesIncludeTax,
		deliveryFee: fulfilment === "delivery" ? (location.fulfilment.delivery?.fee.amount ?? 0) : 0,
		tip,
	});
}

/** Totals as clients see them: each amount with its currency. */
export function totalsView(totals: Totals) {
	const { currency } = totals;
	return {
		subtotal: money(totals.subtotal, currency),
		tax: money(totals.tax, currency),
		taxIncluded: totals.taxIncluded,
		deliveryFee: money(totals.deliveryFee, currency),
		tip: money(totals.tip, currency),
		total: money(totals.total, currency),
	};
}
