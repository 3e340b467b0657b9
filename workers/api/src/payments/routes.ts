/**
 * Payment routes: the storefront's payment config, the providers' webhooks, and refunds by managers. Checkout
 * takes the payment itself (the cart's `payment`), and the order's views show it.
 */
import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { auditChange } from "../audit/record";
import { IdempotencyHeader } from "../cart/schemas";
import { OrderIdParam } from "../ordering/routes";
import { receiveWebhook, refundOrder } from "./payment-commands";
import { PAYMENT_PROVIDERS } from "./providers";
import {
	type PaymentsConfig,
	PaymentsConfig as PaymentsConfigSchema,
	type RefundOutcome as RefundAnswer,
	RefundInput,
	RefundOutcome,
} from "./schemas";

/** The audit log's before and after of a refund: what had been refunded, and the refund with the new total. */
function refundChange({ status, refund, payment }: RefundAnswer) {
	const refundedBefore = payment.refunded.amount - (status === "succeeded" && refund ? refund.amount.amount : 0);
	return {
		before: { refunded: { amount: refundedBefore, currency: payment.refunded.currency } },
		after: { status, refund, refunded: payment.refunded },
	};
}

/** Where providers send their webhooks, under /api/v1: verified by signature, not rate-limited. */
export const PAYMENT_WEBHOOKS_PATH = "/payments/webhooks/";

const ProviderParam = z.object({
	provider: z
		.enum(["simulator", "stripe"])
		.openapi({ param: { name: "provider", in: "path" }, description: "The configured provider only" }),
});

const WebhookAnswer = z
	.object({ received: z.literal(true), applied: z.boolean(), reason: z.string().optional() })
	.openapi("WebhookAnswer");

/** What the storefront needs to take a card: which provider tokenises it, and Stripe's publishable key. */
export function paymentsConfig(env: Env): PaymentsConfig {
	const provider = PAYMENT_PROVIDERS.find((name) => name === String(env.PAYMENT_PROVIDER));
	// The same misconfiguration paymentProvider() refuses: better a loud 500 than a form no provider reads.
	if (!provider) throw new Error(`Unknown PAYMENT_PROVIDER ${String(env.PAYMENT_PROVIDER)}`);
	const publishableKey = provider === "stripe" ? String(env.STRIPE_PUBLISHABLE_KEY ?? "").trim() : "";
	return { provider, publishableKey: publishableKey || null };
}

export const paymentRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/payments/config",
			tags: ["Payments"],
			summary: "How the storefront takes a card: the provider, and Stripe's publishable key (public)",
			description:
				"With `stripe` the browser tokenises the card with Stripe Elements under `publishableKey` and sends the PaymentMethod id as `payment.paymentMethod`; with `simulator` it sends `pm_sim_<test card number>`.",
			responses: { 200: jsonContent(PaymentsConfigSchema, "The payment configuration") },
		}),
		(c) => c.json(paymentsConfig(c.env), 200),
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/payments/webhooks/{provider}",
			tags: ["Payments"],
			summary: "A payment provider's webhook (signed; the provider's own format)",
			description:
				"Verified over the raw body with the provider's signature header. Duplicates and events out of order are applied once and in sequence; an event for an unknown payment is acknowledged so the provider stops retrying.",
			request: { params: ProviderParam },
			responses: {
				200: jsonContent(WebhookAnswer, "Received (applied, or a duplicate, parked or unknown)"),
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const outcome = await receiveWebhook(c, c.req.valid("param").provider, await c.req.text());
			return c.json(
				outcome.applied
					? { received: true as const, applied: true }
					: { received: true as const, applied: false, reason: outcome.reason },
				200,
			);
		},
	)
	.openapi(
		createRoute({
			method: "post",
			path: "/orders/{orderId}/refunds",
			tags: ["Payments"],
			summary: "Refund all or part of a captured payment, with a reason (managers and admins)",
			security: bearerSecurity,
			request: {
				params: OrderIdParam,
				headers: IdempotencyHeader,
				body: { content: { "application/json": { schema: RefundInput } }, required: true },
			},
			responses: {
				201: jsonContent(RefundOutcome, "Refunded"),
				202: jsonContent(RefundOutcome, "Queued: the provider did not answer, and the refund is retried"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const outcome = await refundOrder(
				c,
				c.req.valid("param").orderId,
				c.req.valid("header")["idempotency-key"],
				c.req.valid("json"),
			);
			auditChange(c, refundChange(outcome));
			return outcome.status === "succeeded" ? c.json(outcome, 201) : c.json(outcome, 202);
		},
	);
