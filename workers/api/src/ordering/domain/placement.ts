/**
 * Placing an order from a cart's lines: what must hold at checkout (the
 * fulfilment is offered, the time is possible, the tip is in the location's
 * currency, every item can be ordered then, no price moved), and the
 * OrderPlaced event that records it. Pure: the Cart object loads the location
 * and items fresh from D1's primary and stores the event.
 */
import { type RuleViolationError, violation } from "@goodfood/platform/rule-violation";
import { checkFulfilment, checkOrderable, resolveFulfilmentTime } from "../../cart/domain/checkout";
import type { DraftLine, PriceChange } from "../../cart/domain/lines";
import type { CatalogueItem } from "../../cart/domain/pricing";
import { totalsAt } from "../../cart/domain/totals";
import type { CheckoutInput } from "../../cart/schemas";
import { localClock } from "../../menu/domain/availability";
import type { LocationSummary } from "../../menu/domain/document";
import { money } from "../../menu/domain/money";
import type { OrderEventData, OrderLineSnapshot, OrderTotals } from "../events";

/** When the order is for: `requestedFor` null means as soon as possible, `at` the instant to check opening hours against. */
export interface FulfilmentTime {
	requestedFor: string | null;
	at: Date;
}

/**
 * An order stays in the region its cart was opened in (its id names it). A cart
 * opened before its location moved to another region would put its order
 * where the location's kitchen no longer looks, so it is refused; a new cart
 * opens in the new region.
 */
export function checkRegion(location: LocationSummary, orderRegion: string): void {
	if (location.region !== orderRegion) {
		throw violation("location_moved", "This location now takes orders in another region; start a new cart", {
			region: location.region,
		});
	}
}

/**
 * Checks everything but prices, in the order a customer would fix them:
 * fulfilment, time, tip, then each line's item. Answers the fulfilment time.
 */
export function checkPlacement(
	location: LocationSummary,
	input: CheckoutInput,
	lines: DraftLine[],
	items: Map<string, CatalogueItem>,
	now: Date,
): FulfilmentTime {
	checkFulfilment(location, input.fulfilment, input.deliveryAddress);
	const when = resolveFulfilmentTime(location, input.requestedTime, now);
	if (input.tip && input.tip.currency !== location.currency) {
		throw violation("currency_mismatch", `The tip must be in ${location.currency}`, [
			{ field: "tip.currency", message: `must be ${location.currency}` },
		]);
	}
	checkOrderable(
		location,
		lines.map((line) => ({ lineId: line.lineId, item: items.get(line.itemId) })),
		when.at,
	);
	return when;
}

/** The refusal for lines whose prices moved: the customer reviews the cart, which now shows the new prices. */
export function pricesChanged(changes: PriceChange[], currency: string): RuleViolationError {
	return violation("prices_changed", "Prices changed since these lines were added; review the cart", {
		lines: changes.map((change) => ({
			lineId: change.lineId,
			previousUnitPrice: money(change.oldUnitPrice, currency),
			unitPrice: money(change.newUnitPrice, currency),
		})),
	});
}

export interface Placement {
	location: LocationSummary;
	input: CheckoutInput;
	when: FulfilmentTime;
	customerId: string | null;
	lines: DraftLine[];
	now: Date;
}

/** The OrderPlaced that records the order: lines frozen as snapshots, totals decided here, on the server. */
export function orderPlaced({
	location,
	input,
	when,
	customerId,
	lines,
	now,
}: Placement): Extract<OrderEventData, { type: "OrderPlaced" }> {
	const snapshots: OrderLineSnapshot[] = lines.map((line) => ({
		lineId: line.lineId,
		itemId: line.itemId,
		categoryId: line.categoryId,
		name: line.name,
		quantity: line.quantity,
		unitPrice: line.unitPrice,
		lineTotal: line.unitPrice * line.quantity,
		options: line.options,
		note: line.note,
	}));
	const totals = totalsAt(
		location,
		snapshots.map((line) => line.lineTotal),
		input.fulfilment,
		input.tip?.amount ?? 0,
	);
	return {
		type: "OrderPlaced",
		payload: {
			locationSlug: location.slug,
			timeZone: location.timeZone,
			businessDate: localClock(now, location.timeZone).date,
			fulfilment: input.fulfilment,
			deliveryAddress:
				input.fulfilment === "delivery" && input.deliveryAddress
					? { ...input.deliveryAddress, line2: input.deliveryAddress.line2 ?? null }
					: null,
			requestedFor: when.requestedFor,
			contact: input.contact,
			customerId,
			lines: snapshots,
			totals,
			payment: { method: input.payment.method },
		},
	};
}

/**
 * The payment chosen must be possible here and now: paying at the counter only
 * where the location offers it, and a card for exactly the total the customer
 * was shown, in the location's currency. Checked on the totals just decided.
 */
export function checkPaymentChoice(location: LocationSummary, input: CheckoutInput, totals: OrderTotals): void {
	const { payment } = input;
	if (payment.method === "pay_at_pickup") {
		if (!location.payAtPickup) {
			throw violation("pay_at_pickup_not_offered", `${location.name} does not take payment at pickup; pay by card`, [
				{ field: "payment.method", message: "must be card at this location" },
			]);
		}
		return;
	}
	if (!payment.amount) return;
	if (payment.amount.currency !== totals.currency) {
		throw violation("payment_currency_mismatch", `The payment must be in ${totals.currency}`, [
			{ field: "payment.amount.currency", message: `must be ${totals.currency}` },
		]);
	}
	if (payment.amount.amount !== totals.total) {
		throw violation("payment_amount_mismatch", "The order's total is not the amount shown; review the cart", [
			{ field: "payment.amount.amount", message: `must be ${totals.total}` },
		]);
	}
}
