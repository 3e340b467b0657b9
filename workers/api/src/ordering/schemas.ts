/** Request and response schemas of the ordering context's HTTP routes. */
import { z } from "@hono/zod-openapi";
import { MoneySchema } from "../menu/schemas";
import { PaymentStatusSchema } from "../payments/schemas";
import { ORDER_STATUSES, type OrderStatus } from "./domain/order";

function isOrderStatus(value: string): value is OrderStatus {
	return (ORDER_STATUSES as readonly string[]).includes(value);
}

/** Splits a comma-separated `status` filter; call only on a value StaffOrdersQuery accepted. */
export function statusesOf(filter: string | undefined): OrderStatus[] | undefined {
	return filter?.split(",").filter(isOrderStatus);
}

export const StaffOrdersQuery = z.object({
	status: z
		.string()
		.refine(
			(value) => value.split(",").every(isOrderStatus),
			`must be one or more of ${ORDER_STATUSES.join(", ")}, separated by commas`,
		)
		.optional()
		.openapi({ description: "One status, or several separated by commas", example: "placed,confirmed,preparing" }),
	limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const KitchenOrderLineSchema = z
	.object({
		lineId: z.string(),
		itemId: z.string(),
		name: z.string(),
		quantity: z.number().int(),
		options: z.array(z.string()).openapi({ description: "Names of the chosen options" }),
		note: z.string().nullable(),
	})
	.openapi("KitchenOrderLine");

export const StaffOrderSchema = z
	.object({
		id: z.string(),
		status: z.enum(ORDER_STATUSES),
		fulfilment: z.enum(["pickup", "delivery"]),
		placedAt: z.string(),
		requestedFor: z.string().nullable(),
		predictedReadyAt: z.string().nullable().openapi({
			description: "When the kitchen's load predicted it ready at placement; what the confirm dialog starts from",
		}),
		estimatedReadyAt: z.string().nullable(),
		contact: z.object({ name: z.string() }),
		totals: z.object({
			subtotal: MoneySchema,
			tax: MoneySchema,
			taxIncluded: z.boolean(),
			deliveryFee: MoneySchema,
			tip: MoneySchema,
			total: MoneySchema,
		}),
		lines: z.array(KitchenOrderLineSchema),
		payment: z
			.object({
				method: z
					.enum(["card", "pay_at_pickup"])
					.nullable()
					.openapi({ description: "null for an order placed before payments were taken" }),
				status: PaymentStatusSchema,
			})
			.openapi({
				description:
					"How the order is paid and how far: a pay_at_pickup order is due_at_pickup until it is handed over (collected); a card is authorised before the kitchen sees the order, then captured at handover, voided or refunded",
			}),
	})
	.openapi("StaffOrder");

export const StaffOrderListSchema = z.object({ orders: z.array(StaffOrderSchema) }).openapi("StaffOrderList");

/** SSE's Last-Event-ID, checked like `?after=`: a client resuming from garbage would otherwise silently get nothing. */
export const LiveResumeHeaders = z.object({
	"last-event-id": z.coerce
		.number()
		.int("must be a whole event sequence number")
		.min(0, "must not be negative")
		.optional()
		.openapi({ param: { name: "last-event-id", in: "header" }, description: "Resume an SSE stream after this event" }),
});
