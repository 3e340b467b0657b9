/**
 * Order events: past-tense facts about one order, declared once. The Cart
 * Durable Object appends them to the order's stream and publishes each, in
 * this envelope, to the order-events queue; consumers `safeParse` every message.
 */
import { z } from "zod";

const MoneyAmount = z.number().int();

export const OrderLineSnapshot = z.object({
	lineId: z.string(),
	itemId: z.string(),
	categoryId: z.string(),
	name: z.string(),
	quantity: z.number().int().min(1),
	unitPrice: MoneyAmount,
	lineTotal: MoneyAmount,
	options: z.array(z.object({ groupId: z.string(), optionId: z.string(), name: z.string(), priceDelta: MoneyAmount })),
	note: z.string().nullable(),
});
export type OrderLineSnapshot = z.infer<typeof OrderLineSnapshot>;

const Timestamp = z.iso.datetime({ offset: true });

export const OrderTotals = z.object({
	currency: z.string().regex(/^[A-Z]{3}$/),
	subtotal: MoneyAmount,
	tax: MoneyAmount,
	taxIncluded: z.boolean(),
	deliveryFee: MoneyAmount,
	tip: MoneyAmount,
	total: MoneyAmount,
});
export type OrderTotals = z.infer<typeof OrderTotals>;

export const DeliveryAddress = z.object({
	line1: z.string(),
	line2: z.string().nullish(),
	city: z.string(),
	postcode: z.string(),
	latitude: z.number(),
	longitude: z.number(),
});
export type DeliveryAddress = z.infer<typeof DeliveryAddress>;

export const Fulfilment = z.enum(["pickup", "delivery"]);
export type Fulfilment = z.infer<typeof Fulfilment>;

/**
 * How the order is paid: by card, authorised at checkout and captured at
 * handover, or at the counter when the customer picks it up. Absent from
 * orders placed before payments existed.
 */
export const PaymentMethodKind = z.enum(["card", "pay_at_pickup"]);
export type PaymentMethodKind = z.infer<typeof PaymentMethodKind>;

export const OrderPlacedPayload = z.object({
	locationSlug: z.string(),
	timeZone: z.string(),
	/** The location's local calendar date when the order was placed; sales are counted on it. */
	businessDate: z.iso.date(),
	fulfilment: Fulfilment,
	deliveryAddress: DeliveryAddress.nullable(),
	requestedFor: Timestamp.nullable(),
	contact: z.object({ name: z.string(), email: z.email(), phone: z.string() }),
	customerId: z.string().nullable(),
	lines: z.array(OrderLineSnapshot).min(1),
	totals: OrderTotals,
	payment: z.object({ method: PaymentMethodKind }).optional(),
	/** When the kitchen was predicted to have it ready, from its load at placement; absent before predictions existed. */
	predictedReadyAt: Timestamp.nullable().optional(),
});
export type OrderPlacedPayload = z.infer<typeof OrderPlacedPayload>;

const Eta = z.object({ estimatedReadyAt: Timestamp });
const Empty = z.object({});
const Reason = z.object({ reason: z.string() });

/**
 * Payment facts. Amounts are integer minor units of `currency` (the order's).
 * `intentId` names the provider's payment (null for money taken at the counter);
 * `providerEventId`, when a webhook told us, is what duplicates are known by.
 */
const PaymentFacts = z.object({
	provider: z.string(),
	intentId: z.string().nullable(),
	amount: MoneyAmount,
	currency: z.string().regex(/^[A-Z]{3}$/),
	providerEventId: z.string().nullable().optional(),
});
const PaymentAuthorised = PaymentFacts.extend({ attempt: z.number().int().min(1) });
const PaymentFailed = z.object({
	provider: z.string(),
	intentId: z.string().nullable(),
	attempt: z.number().int().min(1),
	/** The decline code the customer is shown (e.g. insufficient_funds, authentication_failed, expired). */
	code: z.string(),
	message: z.string(),
	providerEventId: z.string().nullable().optional(),
});
const PaymentCaptured = PaymentFacts.extend({ method: PaymentMethodKind });
const PaymentVoided = PaymentFacts.extend({ reason: z.string() });
const PaymentRefunded = PaymentFacts.extend({ refundId: z.string(), reason: z.string() });

export const OrderEventPayloads = {
	OrderPlaced: OrderPlacedPayload,
	OrderConfirmed: Eta,
	OrderPreparationStarted: Eta,
	OrderReady: Empty,
	OrderPickedUp: Empty,
	OrderOutForDelivery: Empty,
	OrderDelivered: Empty,
	OrderRejected: Reason,
	OrderCancelled: Reason.extend({ cancelledBy: z.enum(["customer", "staff"]) }),
	PaymentAuthorised,
	PaymentFailed,
	PaymentCaptured,
	PaymentVoided,
	PaymentRefunded,
} as const;

export type OrderEventType = keyof typeof OrderEventPayloads;
export type PaymentEventType = Extract<OrderEventType, `Payment${string}`>;

export function isPaymentEvent<E extends { type: OrderEventType }>(event: E): event is E & { type: PaymentEventType } {
	return event.type.startsWith("Payment");
}
export const ORDER_EVENT_TYPES = Object.keys(OrderEventPayloads) as OrderEventType[];

export type OrderEventPayload<T extends OrderEventType> = z.infer<(typeof OrderEventPayloads)[T]>;

/** An event as the domain sees it: a type and its payload. */
export type OrderEventData = { [T in OrderEventType]: { type: T; payload: OrderEventPayload<T> } }[OrderEventType];

const envelope = <T extends OrderEventType>(type: T) =>
	z.object({
		id: z.string().uuid(),
		type: z.literal(type),
		occurredAt: Timestamp,
		orderId: z.string(),
		sequence: z.number().int().min(1),
		/** The span of the call that recorded the event, so consumers join its trace. */
		traceparent: z.string().optional(),
		/** The request that caused the event, for the consumers' log lines; absent from events recorded before it was added. */
		requestId: z.string().optional(),
		payload: OrderEventPayloads[type],
	});

/** The integration event envelope on the order-events queue. */
export const OrderEventEnvelope = z.discriminatedUnion("type", [
	envelope("OrderPlaced"),
	envelope("OrderConfirmed"),
	envelope("OrderPreparationStarted"),
	envelope("OrderReady"),
	envelope("OrderPickedUp"),
	envelope("OrderOutForDelivery"),
	envelope("OrderDelivered"),
	envelope("OrderRejected"),
	envelope("OrderCancelled"),
	envelope("PaymentAuthorised"),
	envelope("PaymentFailed"),
	envelope("PaymentCaptured"),
	envelope("PaymentVoided"),
	envelope("PaymentRefunded"),
]);
export type OrderEventEnvelope = z.infer<typeof OrderEventEnvelope>;
