/** What a client sees of a cart: its lines with money in the location's currency, and totals for a fulfilment and tip. */
import type { LocationSummary } from "../../menu/domain/document";
import { money } from "../../menu/domain/money";
import type { Fulfilment } from "../../ordering/events";
import type { CartView } from "../schemas";
import type { DraftLine } from "./lines";
import { totalsAt, totalsView } from "./totals";

/** The cart itself, apart from its lines. */
export interface CartHeader {
	cartId: string;
	orderId: string;
	locationSlug: string;
	status: "open" | "checked_out";
	/** When an open cart expires, in ms since the epoch. */
	expiresAt: number;
}

export function cartView(
	cart: CartHeader,
	lines: DraftLine[],
	location: LocationSummary,
	fulfilment: Fulfilment = "pickup",
	tip = 0,
): CartView {
	const { currency } = location;
	const shown = lines.map((line) => ({
		lineId: line.lineId,
		itemId: line.itemId,
		name: line.name,
		quantity: line.quantity,
		unitPrice: money(line.unitPrice, currency),
		options: line.options.map((option) => ({ ...option, priceDelta: money(option.priceDelta, currency) })),
		note: line.note,
		lineTotal: money(line.unitPrice * line.quantity, currency),
	}));
	const totals = totalsAt(
		location,
		shown.map((line) => line.lineTotal.amount),
		fulfilment,
		tip,
	);
	return {
		id: cart.cartId,
		locationSlug: cart.locationSlug,
		currency,
		status: cart.status,
		orderId: cart.status === "checked_out" ? cart.orderId : null,
		lines: shown,
		itemCount: shown.reduce((sum, line) => sum + line.quantity, 0),
		fulfilment,
		totals: totalsView(totals),
		expiresAt: cart.status === "open" ? new Date(cart.expiresAt).toISOString() : null,
	};
}
