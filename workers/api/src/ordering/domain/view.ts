/** What a caller sees of an order and of its event stream, according to their access. */
import { totalsView } from "../../cart/domain/totals";
import { localClock } from "../../menu/domain/availability";
import { money } from "../../menu/domain/money";
import { paymentView } from "../../payments/domain/view";
import type { OrderEventsView, OrderView } from "../order-views";
import { actorOf, type OrderAccess, seesContact, visibleContact, visiblePayload } from "./access";
import { nextStatuses, type OrderState } from "./order";

/** An instant on a location's wall clock, HH:MM. */
export function localTime(instant: string, timeZone: string): string {
	return localClock(new Date(instant), timeZone).time;
}

/** `actionUrl`: where the customer completes the card's second step, while the payment waits on it. */
export function orderView(order: OrderState, access: OrderAccess, actionUrl: string | null = null): OrderView {
	const currency = order.totals.currency;
	return {
		id: order.orderId,
		status: order.status,
		locationSlug: order.locationSlug,
		timeZone: order.timeZone,
		fulfilment: order.fulfilment,
		deliveryAddress: order.deliveryAddress,
		requestedFor: order.requestedFor,
		contact: visibleContact(order.contact, seesContact(access)),
		lines: order.lines.map((line) => ({
			lineId: line.lineId,
			itemId: line.itemId,
			name: line.name,
			quantity: line.quantity,
			unitPrice: money(line.unitPrice, currency),
			options: line.options.map((option) => ({ name: option.name, priceDelta: money(option.priceDelta, currency) })),
			note: line.note,
			lineTotal: money(line.lineTotal, currency),
		})),
		totals: totalsView(order.totals),
		placedAt: order.placedAt,
		predictedReadyAt: order.predictedReadyAt,
		estimatedReadyAt: order.estimatedReadyAt,
		estimatedReadyAtLocal: order.estimatedReadyAt ? localTime(order.estimatedReadyAt, order.timeZone) : null,
		timeline: order.timeline,
		allowedNext: nextStatuses(order.status, order.fulfilment, actorOf(access)),
		payment: paymentView(order.payment, actionUrl),
	};
}

/** A stored event as its stream is shown: the payload without contact details unless the caller may see them. */
export interface StoredEvent {
	sequence: number;
	id: string;
	type: string;
	occurredAt: string;
	payload: Record<string, unknown>;
}

export function orderEventsView(orderId: string, events: StoredEvent[], access: OrderAccess): OrderEventsView {
	const full = seesContact(access);
	return { orderId, events: events.map((event) => ({ ...event, payload: visiblePayload(event.payload, full) })) };
}
