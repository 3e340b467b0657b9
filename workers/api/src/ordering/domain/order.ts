/**
 * The order aggregate's rules: its state is a fold over its events, and a
 * status change is decided against that state. Pure: no storage, no HTTP.
 */
import { applyPaymentEvent, newPayment, type PaymentState } from "../../payments/domain/payment";
import {
	type DeliveryAddress,
	type Fulfilment,
	isPaymentEvent,
	type OrderEventData,
	type OrderEventType,
	type OrderLineSnapshot,
	type OrderTotals,
} from "../events";

export const ORDER_STATUSES = [
	/** Placed with a card that is not authorised yet: no kitchen, staff list or notification sees it. */
	"awaiting_payment",
	/** The card was declined, its second step failed or it expired: the cart is open again. */
	"payment_failed",
	"placed",
	"confirmed",
	"preparing",
	"ready",
	"picked_up",
	"out_for_delivery",
	"delivered",
	"rejected",
	"cancelled",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

type StatusEventType = Exclude<OrderEventType, `Payment${string}` | "OrderPlaced">;

/** The status each status event moves the order into. */
export const STATUS_AFTER: Record<StatusEventType, OrderStatus> = {
	OrderConfirmed: "confirmed",
	OrderPreparationStarted: "preparing",
	OrderReady: "ready",
	OrderPickedUp: "picked_up",
	OrderOutForDelivery: "out_for_delivery",
	OrderDelivered: "delivered",
	OrderRejected: "rejected",
	OrderCancelled: "cancelled",
};

/**
 * The status an event leaves the order in: an OrderPlaced paid by card waits
 * for its authorisation; a payment event other than the authorisation and a
 * failure leaves the status as it was.
 */
export function statusAfter(event: OrderEventData, before: OrderStatus | undefined): OrderStatus {
	switch (event.type) {
		case "OrderPlaced":
			return event.payload.payment?.method === "card" ? "awaiting_payment" : "placed";
		case "PaymentAuthorised":
			return before === "awaiting_payment" ? "placed" : (before ?? "placed");
		case "PaymentFailed":
			return before === "awaiting_payment" ? "payment_failed" : (before ?? "payment_failed");
		case "PaymentCaptured":
		case "PaymentVoided":
		case "PaymentRefunded":
			return before ?? "placed";
		default:
			return STATUS_AFTER[event.type];
	}
}

/** Whether the kitchen, the staff list and notifications see the order: once it is paid for or to be paid at pickup. */
export function isVisibleToKitchen(status: OrderStatus): boolean {
	return status !== "awaiting_payment" && status !== "payment_failed";
}

export type Actor = "customer" | "staff";

export interface TimelineEntry {
	sequence: number;
	status: OrderStatus;
	occurredAt: string;
	estimatedReadyAt?: string;
	reason?: string;
}

export interface OrderState {
	orderId: string;
	status: OrderStatus;
	locationSlug: string;
	timeZone: string;
	fulfilment: Fulfilment;
	deliveryAddress: DeliveryAddress | null;
	requestedFor: string | null;
	contact: { name: string; email: string; phone: string };
	customerId: string | null;
	lines: OrderLineSnapshot[];
	totals: OrderTotals;
	placedAt: string;
	/** The kitchen's load-based prediction at placement; the kitchen's own estimate, once it confirms, is estimatedReadyAt. */
	predictedReadyAt: string | null;
	estimatedReadyAt: string | null;
	timeline: TimelineEntry[];
	version: number;
	payment: PaymentState;
	/** Sequence of the OrderPlaced of the current attempt: a failed payment's cart is checked out again as a new attempt. */
	placedSequence: number;
}

export interface RecordedEvent {
	sequence: number;
	occurredAt: string;
	event: OrderEventData;
}

/**
 * Rebuilds the order from its stream; undefined when nothing was placed yet.
 * A stream may hold several OrderPlaced: each is a checkout attempt after a
 * failed payment, and the last one is the order.
 */
export function foldOrder(orderId: string, events: RecordedEvent[]): OrderState | undefined {
	let state: OrderState | undefined;
	let attempts = 0;
	for (const { sequence, occurredAt, event } of events) {
		if (event.type === "OrderPlaced") {
			const placed = event.payload;
			attempts += 1;
			state = {
				orderId,
				status: "placed",
				locationSlug: placed.locationSlug,
				timeZone: placed.timeZone,
				fulfilment: placed.fulfilment,
				deliveryAddress: placed.deliveryAddress,
				requestedFor: placed.requestedFor,
				contact: placed.contact,
				customerId: placed.customerId,
				lines: placed.lines,
				totals: placed.totals,
				placedAt: occurredAt,
				predictedReadyAt: placed.predictedReadyAt ?? null,
				estimatedReadyAt: null,
				timeline: state?.timeline ?? [],
				version: 0,
				payment: newPayment(placed.payment?.method ?? null, placed.totals.total, placed.totals.currency, attempts),
				placedSequence: sequence,
			};
		}
		if (!state) continue;
		if (isPaymentEvent(event)) applyPaymentEvent(state.payment, event, occurredAt);
		const entry: TimelineEntry = { sequence, status: statusAfter(event, state.status), occurredAt };
		if (event.type === "OrderConfirmed" || event.type === "OrderPreparationStarted") {
			state.estimatedReadyAt = event.payload.estimatedReadyAt;
			entry.estimatedReadyAt = event.payload.estimatedReadyAt;
		}
		if (event.type === "OrderRejected" || event.type === "OrderCancelled") entry.reason = event.payload.reason;
		if (event.type === "PaymentFailed") entry.reason = event.payload.message;
		// The timeline shows status changes; payment events that leave the status alone are the payment's own history.
		const changesStatus = !isPaymentEvent(event) || entry.status !== state.status;
		state.status = entry.status;
		if (changesStatus) state.timeline.push(entry);
		state.version = sequence;
	}
	return state;
}

/** What staff may move an order to next, given how it is fulfilled. */
export function nextStatuses(status: OrderStatus, fulfilment: Fulfilment, actor: Actor): OrderStatus[] {
	if (actor === "customer") return status === "placed" ? ["cancelled"] : [];
	switch (status) {
		case "awaiting_payment":
		case "payment_failed":
			return [];
		case "placed":
			return ["confirmed", "rejected", "cancelled"];
		case "confirmed":
			return ["preparing", "cancelled"];
		case "preparing":
			return ["ready", "cancelled"];
		case "ready":
			return fulfilment === "pickup" ? ["picked_up"] : ["out_for_delivery"];
		case "out_for_delivery":
			return ["delivered"];
		default:
			return [];
	}
}

export type StatusChange =
	| { status: "confirmed"; etaMinutes: number }
	| { status: "preparing"; etaMinutes?: number }
	| { status: "ready" | "picked_up" | "out_for_delivery" | "delivered" }
	| { status: "rejected" | "cancelled"; reason: string };

export class IllegalTransition extends Error {
	constructor(
		readonly current: OrderStatus,
		readonly requested: OrderStatus,
		readonly allowed: OrderStatus[],
	) {
		super(
			`An order that is ${current} cannot become ${requested}; allowed next: ${allowed.length ? allowed.join(", ") : "none"}`,
		);
	}
}

function etaFrom(now: Date, minutes: number): string {
	return new Date(now.getTime() + minutes * 60_000).toISOString();
}

/** Decides the event a requested change produces, or throws IllegalTransition. */
export function decideStatusChange(state: OrderState, change: StatusChange, actor: Actor, now: Date): OrderEventData {
	const allowed = nextStatuses(state.status, state.fulfilment, actor);
	if (!allowed.includes(change.status)) throw new IllegalTransition(state.status, change.status, allowed);
	switch (change.status) {
		case "confirmed":
			return { type: "OrderConfirmed", payload: { estimatedReadyAt: etaFrom(now, change.etaMinutes) } };
		case "preparing":
			return {
				type: "OrderPreparationStarted",
				payload: {
					estimatedReadyAt:
						change.etaMinutes === undefined
							? (state.estimatedReadyAt ?? etaFrom(now, 15))
							: etaFrom(now, change.etaMinutes),
				},
			};
		case "ready":
			return { type: "OrderReady", payload: {} };
		case "picked_up":
			return { type: "OrderPickedUp", payload: {} };
		case "out_for_delivery":
			return { type: "OrderOutForDelivery", payload: {} };
		case "delivered":
			return { type: "OrderDelivered", payload: {} };
		case "rejected":
			return { type: "OrderRejected", payload: { reason: change.reason } };
		case "cancelled":
			return { type: "OrderCancelled", payload: { reason: change.reason, cancelledBy: actor } };
	}
}
