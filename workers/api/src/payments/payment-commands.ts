/**
 * What the payment routes do, apart from HTTP: a verified webhook goes to its
 * order's Cart object, and a staff refund is asked of it. The rules live in
 * the payment state machine (domain/payment.ts), the orchestration in the
 * Cart object, which owns the order.
 */
import type { AppEnv } from "@goodfood/platform/app";
import { forbiddenRole, signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { regionsOf } from "@goodfood/platform/regions";
import { callContext, requestLogger } from "@goodfood/platform/request-log";
import type { Context } from "hono";
import { cartObject, fingerprint, requireIdempotencyKey, unwrap } from "../cart/carts";
import { ORDER_ID_PATTERN, regionOfId } from "../cart/identity";
import { accessOf } from "../ordering/routes";
import { type WebhookOutcome, WebhookSignatureError } from "./provider";
import { paymentProvider } from "./providers";
import type { RefundInput, RefundOutcome } from "./schemas";

type Ctx = Context<AppEnv>;

/** Managers and admins refund; the kitchen does not handle money after the fact. */
export const REFUND_ROLES = ["manager", "admin"] as const;

/**
 * A provider's webhook: verified over the raw body, then applied by the
 * order's object. A bad signature is refused (400) and logged, never applied;
 * an event for a payment GoodFood does not know is acknowledged (200) and
 * logged, so the provider stops sending it.
 */
export async function receiveWebhook(c: Ctx, providerName: string, rawBody: string): Promise<WebhookOutcome> {
	const log = requestLogger(c);
	const provider = paymentProvider(c.env);
	if (provider.name !== providerName) throw ApiError.notFound("Payment provider");
	let event: Awaited<ReturnType<typeof provider.parseWebhook>>;
	try {
		event = await provider.parseWebhook(rawBody, c.req.raw.headers);
	} catch (error) {
		if (!(error instanceof WebhookSignatureError)) throw error;
		log.warn("payment webhook refused: bad signature", { provider: providerName, error: error.message });
		throw new ApiError("invalid_signature", "The webhook's signature does not verify", [
			{ field: "signature", message: error.message },
		]);
	}
	if (!event) return { applied: false, reason: "not an event GoodFood acts on" };
	const orderId = event.orderId;
	if (!orderId || !ORDER_ID_PATTERN.test(orderId) || !knownRegion(c.env, orderId)) {
		log.warn("payment webhook for an unknown payment", { eventId: event.id, intentId: event.intentId, orderId });
		return { applied: false, reason: "unknown_order" };
	}
	const outcome = await cartObject(c.env, orderId).applyPaymentEvent(event, callContext(c));
	const fields = { eventId: event.id, kind: event.kind, intentId: event.intentId, orderId };
	if (outcome.applied) log.info("payment webhook applied", { ...fields, type: outcome.type });
	else if (outcome.reason === "unknown_order") log.warn("payment webhook for an unknown payment", fields);
	else log.info("payment webhook not applied", { ...fields, reason: outcome.reason });
	return outcome;
}

/** Whether the region an order id names is one of this deployment's (else it is not an order of ours). */
function knownRegion(env: Env, orderId: string): boolean {
	return regionsOf(env).get(regionOfId(orderId)) !== undefined;
}

/** A refund by a manager or an admin of the order's location; another location's order is not found. */
export async function refundOrder(
	c: Ctx,
	orderId: string,
	idempotencyKey: string | undefined,
	input: RefundInput,
): Promise<RefundOutcome> {
	const { role } = signedIn(c);
	if (!(REFUND_ROLES as readonly string[]).includes(role)) throw forbiddenRole(role, [...REFUND_ROLES]);
	const key = requireIdempotencyKey(idempotencyKey);
	const access = accessOf(c, undefined);
	if (!access) throw ApiError.notFound("Order");
	const refunded = await cartObject(c.env, orderId).refund(
		access,
		input,
		{ key, fingerprint: await fingerprint(input) },
		callContext(c),
	);
	if (!refunded) throw ApiError.notFound("Order");
	return unwrap(refunded);
}
