/** How a checkout says it pays, and what clients see of an order's payment. */
import { z } from "@hono/zod-openapi";
import { MoneySchema } from "../menu/schemas";
import { PAYMENT_STATUSES } from "./domain/payment";

export const PaymentInput = z
	.discriminatedUnion("method", [
		z.object({
			method: z.literal("card"),
			paymentMethod: z
				.string()
				.trim()
				.min(3)
				.max(255)
				.regex(/^[A-Za-z0-9_]+$/, "must be a payment method token")
				.openapi({
					description:
						"The card, tokenised in the browser: a Stripe PaymentMethod id, or with the simulator `pm_sim_<test card number>` (docs/payments.md)",
					example: "pm_sim_4242424242424242",
				}),
			amount: MoneySchema.optional().openapi({
				description: "The total the customer was shown; refused when it is not the order's total",
			}),
			returnPath: z
				.string()
				.regex(/^\/[A-Za-z0-9/_.?=&%-]*$/, "must be a path on this site")
				.max(500)
				.optional()
				.openapi({ description: "Where a second step (3-D Secure) sends the customer back to" }),
		}),
		z.object({ method: z.literal("pay_at_pickup") }),
	])
	.openapi("PaymentInput");
export type PaymentInput = z.infer<typeof PaymentInput>;

export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);

export const RefundView = z
	.object({ refundId: z.string(), amount: MoneySchema, reason: z.string(), occurredAt: z.string() })
	.openapi("Refund");
export type RefundView = z.infer<typeof RefundView>;

export const PaymentView = z
	.object({
		method: z.enum(["card", "pay_at_pickup"]).nullable(),
		status: PaymentStatusSchema,
		amount: MoneySchema,
		captured: MoneySchema,
		refunded: MoneySchema,
		refunds: z.array(RefundView),
		failure: z.object({ code: z.string(), message: z.string() }).nullable(),
		nextAction: z
			.object({ type: z.literal("redirect"), url: z.string() })
			.nullable()
			.openapi({ description: "A second step the customer must complete (3-D Secure), while requires_action" }),
	})
	.openapi("Payment");
export type PaymentView = z.infer<typeof PaymentView>;

export const RefundInput = z
	.object({
		amount: z
			.number()
			.int("must be whole minor units")
			.min(1, "must be at least 1")
			.max(10_000_000)
			.optional()
			.openapi({
				description: "Minor units of the order's currency; the whole remainder when absent",
			}),
		reason: z.string().trim().min(1).max(300),
	})
	.openapi("RefundInput");
export type RefundInput = z.infer<typeof RefundInput>;

export const RefundOutcome = z
	.object({
		status: z.enum(["succeeded", "pending"]).openapi({
			description: "pending: the provider did not answer; the refund is queued and retried (same idempotency key)",
		}),
		refund: RefundView.nullable(),
		payment: PaymentView,
	})
	.openapi("RefundOutcome");
export type RefundOutcome = z.infer<typeof RefundOutcome>;

export const PaymentsConfig = z
	.object({
		provider: z.enum(["simulator", "stripe"]).openapi({
			description: "Which provider takes cards: the storefront tokenises with Stripe Elements, or the simulator's form",
		}),
		publishableKey: z.string().nullable().openapi({
			description: "Stripe's publishable key (public by design) for Stripe.js; null with the simulator",
			example: null,
		}),
	})
	.openapi("PaymentsConfig");
export type PaymentsConfig = z.infer<typeof PaymentsConfig>;
