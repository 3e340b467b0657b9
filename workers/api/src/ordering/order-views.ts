/** What clients see of an order and its event stream. */
import { z } from "@hono/zod-openapi";
import { type PlacedOrderView, TotalsView } from "../cart/schemas";
import { MoneySchema } from "../menu/schemas";
import { PaymentView } from "../payments/schemas";
import { ORDER_STATUSES } from "./domain/order";
import { DeliveryAddress, Fulfilment, ORDER_EVENT_TYPES, type OrderEventEnvelope } from "./events";

const Status = z.enum(ORDER_STATUSES);

export const OrderView = z
	.object({
		id: z.string(),
		status: Status,
		locationSlug: z.string(),
		timeZone: z.string(),
		fulfilment: Fulfilment,
		deliveryAddress: DeliveryAddress.nullable(),
		requestedFor: z.string().nullable(),
		contact: z.object({
			name: z.string(),
			email: z.string().optional(),
			phone: z.string().optional(),
		}),
		lines: z.array(
			z.object({
				lineId: z.string(),
				itemId: z.string(),
				name: z.string(),
				quantity: z.number().int(),
				unitPrice: MoneySchema,
				options: z.array(z.object({ name: z.string(), priceDelta: MoneySchema })),
				note: z.string().nullable(),
				lineTotal: MoneySchema,
			}),
		),
		totals: TotalsView,
		placedAt: z.string(),
		predictedReadyAt: z.string().nullable().openapi({
			description:
				"When the kitchen's load predicted the order ready at placement (ISO); the kitchen's own estimatedReadyAt replaces it once confirmed",
		}),
		estimatedReadyAt: z.string().nullable(),
		estimatedReadyAtLocal: z
			.string()
			.nullable()
			.openapi({ description: "The expected ready time on the location's clock (HH:MM, in timeZone)" }),
		timeline: z.array(
			z.object({
				sequence: z.number().int(),
				status: Status,
				occurredAt: z.string(),
				estimatedReadyAt: z.string().optional(),
				reason: z.string().optional(),
			}),
		),
		allowedNext: z.array(Status).openapi({ description: "Statuses the caller may move the order to next" }),
		payment: PaymentView,
	})
	.openapi("Order");
export type OrderView = z.infer<typeof OrderView>;

/** A status change as the Durable Object answers it: the order now, and the event it recorded (never sent to clients). */
export interface OrderChanged {
	order: OrderView;
	event: OrderEventEnvelope;
}

/**
 * An order placement as the Durable Object answers it: what the client is
 * told, and the OrderPlaced it recorded (as it is queued; never sent to
 * clients). A replayed answer (a retry with the same Idempotency-Key) carries
 * no event: the first call recorded and projected it.
 */
export interface OrderPlacement {
	placed: PlacedOrderView;
	/** The events to project, in stream order: an OrderPlaced and, paid by card, its PaymentAuthorised. */
	events: OrderEventEnvelope[];
}

export const OrderEventsView = z
	.object({
		orderId: z.string(),
		events: z.array(
			z.object({
				sequence: z.number().int(),
				id: z.string(),
				type: z.enum(ORDER_EVENT_TYPES as [string, ...string[]]),
				occurredAt: z.string(),
				payload: z.record(z.string(), z.unknown()),
			}),
		),
	})
	.openapi("OrderEvents");
export type OrderEventsView = z.infer<typeof OrderEventsView>;

export const StatusChangeInput = z
	.discriminatedUnion("status", [
		z.object({ status: z.literal("confirmed"), etaMinutes: z.number().int().min(1).max(240) }),
		z.object({ status: z.literal("preparing"), etaMinutes: z.number().int().min(1).max(240).optional() }),
		z.object({ status: z.enum(["ready", "picked_up", "out_for_delivery", "delivered"]) }),
		z.object({ status: z.enum(["rejected", "cancelled"]), reason: z.string().trim().min(1).max(300) }),
	])
	.openapi("StatusChange");

export const CancelInput = z
	.object({ reason: z.string().trim().min(1).max(300).default("Cancelled by the customer") })
	.openapi("CancelInput");
