/**
 * The Stripe provider: PaymentIntents with manual capture, through the
 * official `stripe` package on its fetch HTTP client, and webhook signatures
 * verified with SubtleCrypto (Workers have no Node crypto). How Stripe's
 * states map to GoodFood's is in docs/payments-stripe.md.
 *
 * Errors split three ways: a card decline is an answer (`declined`); Stripe
 * unreachable, a 5xx, a rate limit or a credentials problem is worth retrying
 * (`failed`; `authorise`, which has no such answer, throws); an invalid request,
 * such as capturing twice, is final (`refused`).
 */
import Stripe from "stripe";
import {
	type AuthorisationRequest,
	type AuthorisationResult,
	type IntentSnapshot,
	type PaymentProvider,
	type ProviderEvent,
	type SettlementResult,
	WebhookSignatureError,
} from "./provider";

export interface StripeProviderOptions {
	/** STRIPE_SECRET_KEY: `sk_test_…` in test mode, `sk_live_…` in production. */
	secretKey: string;
	/** STRIPE_WEBHOOK_SECRET: the endpoint's signing secret, `whsec_…`. */
	webhookSecret: string;
	/** STRIPE_API_BASE: another API origin (stripe-mock, a proxy); unset means api.stripe.com. */
	apiBase?: string;
	/** The fetch the SDK sends its requests with; tests serve Stripe's responses from their own. */
	fetch?: typeof fetch;
	/** The storefront's origin: a 3-D Secure step returns to a path on it, and Stripe wants an absolute URL. */
	storefrontOrigin?: string;
}

/** A checkout waits on authorise; Stripe's own default (80 s) is longer than a customer would. */
const REQUEST_TIMEOUT_MS = 20_000;
/** The SDK retries a connection error, 409 or 5xx once, with the same idempotency key; the caller's backoff does the rest. */
const NETWORK_RETRIES = 1;

export class StripeProvider implements PaymentProvider {
	readonly name = "stripe";
	private readonly stripe: Stripe;
	private readonly webhookSecret: string;
	private readonly storefrontOrigin: string | undefined;
	private readonly cryptoProvider = Stripe.createSubtleCryptoProvider();

	constructor(options: StripeProviderOptions) {
		const fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
		this.stripe = new Stripe(options.secretKey, {
			httpClient: Stripe.createFetchHttpClient(fetchFn),
			maxNetworkRetries: NETWORK_RETRIES,
			timeout: REQUEST_TIMEOUT_MS,
			...apiAddress(options.apiBase),
		});
		this.webhookSecret = options.webhookSecret;
		this.storefrontOrigin = options.storefrontOrigin;
	}

	async authorise(request: AuthorisationRequest): Promise<AuthorisationResult> {
		let intent: Stripe.PaymentIntent;
		try {
			intent = await this.stripe.paymentIntents.create(
				{
					amount: request.amount,
					currency: request.currency.toLowerCase(),
					payment_method: request.paymentMethod,
					confirm: true,
					capture_method: "manual",
					return_url: this.storefrontOrigin
						? new URL(request.returnUrl, this.storefrontOrigin).toString()
						: request.returnUrl,
					metadata: { orderId: request.orderId, attempt: String(request.attempt) },
				},
				{ idempotencyKey: request.idempotencyKey },
			);
		} catch (error) {
			// A decline, or a request the customer's input makes invalid (an unknown payment method, an amount below Stripe's minimum).
			if (error instanceof Stripe.errors.StripeCardError || error instanceof Stripe.errors.StripeInvalidRequestError) {
				return {
					status: "declined",
					intentId: error.payment_intent?.id ?? null,
					code: error.decline_code ?? error.code ?? "card_declined",
					message: customerMessage(error),
				};
			}
			throw new Error(`Stripe could not authorise: ${describe(error)}`, { cause: error });
		}
		return authorisationOf(intent);
	}

	async capture(intentId: string, amount: number, idempotencyKey: string): Promise<SettlementResult> {
		return settle(async () => {
			const intent = await this.stripe.paymentIntents.capture(
				intentId,
				{ amount_to_capture: amount },
				{ idempotencyKey },
			);
			return { status: "succeeded", amount: intent.amount_received };
		});
	}

	async void(intentId: string, idempotencyKey: string): Promise<SettlementResult> {
		return settle(async () => {
			const intent = await this.stripe.paymentIntents.cancel(intentId, {}, { idempotencyKey });
			return { status: "succeeded", amount: intent.amount };
		});
	}

	/**
	 * The refund carries the order's metadata as well as the reason: a refund's
	 * webhook holds the refund only, and is routed to its order by that metadata.
	 */
	async refund(intentId: string, amount: number, reason: string, idempotencyKey: string): Promise<SettlementResult> {
		return settle(async () => {
			const intent = await this.stripe.paymentIntents.retrieve(intentId);
			const refund = await this.stripe.refunds.create(
				{
					payment_intent: intentId,
					amount,
					metadata: { reason, orderId: intent.metadata.orderId ?? "", attempt: intent.metadata.attempt ?? "" },
				},
				{ idempotencyKey },
			);
			// A card refund is usually `succeeded` at once and sometimes `pending`: either way Stripe owes the customer the money.
			if (refund.status === "failed" || refund.status === "canceled") {
				return {
					status: "refused",
					code: refund.failure_reason ?? `refund_${refund.status}`,
					message: `Stripe refund ${refund.id} ${refund.status}`,
				};
			}
			return { status: "succeeded", amount: refund.amount, refundId: refund.id };
		});
	}

	async retrieve(intentId: string): Promise<IntentSnapshot | null> {
		let intent: Stripe.PaymentIntent;
		try {
			// The refunded amount is the charge's, not the intent's.
			intent = await this.stripe.paymentIntents.retrieve(intentId, { expand: ["latest_charge"] });
		} catch (error) {
			if (error instanceof Stripe.errors.StripeInvalidRequestError && error.code === "resource_missing") return null;
			throw new Error(`Stripe could not retrieve ${intentId}: ${describe(error)}`, { cause: error });
		}
		const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null;
		return {
			intentId: intent.id,
			status: snapshotStatus(intent.status),
			amount: intent.amount,
			currency: intent.currency.toUpperCase(),
			amountCapturable: intent.amount_capturable,
			amountReceived: intent.amount_received,
			amountRefunded: charge?.amount_refunded ?? 0,
			...orderOf(intent.metadata),
		};
	}

	async parseWebhook(rawBody: string, headers: Headers): Promise<ProviderEvent | null> {
		let event: Stripe.Event;
		try {
			event = await this.stripe.webhooks.constructEventAsync(
				rawBody,
				headers.get("stripe-signature") ?? "",
				this.webhookSecret,
				undefined,
				this.cryptoProvider,
			);
		} catch (error) {
			if (error instanceof Stripe.errors.StripeSignatureVerificationError) {
				throw new WebhookSignatureError(error.message);
			}
			throw error;
		}
		return providerEventOf(event);
	}
}

/** `STRIPE_API_BASE` as the SDK's host, port and protocol. */
function apiAddress(apiBase: string | undefined): Pick<Stripe.StripeConfig, "host" | "port" | "protocol"> {
	if (!apiBase) return {};
	const url = new URL(apiBase);
	const protocol = url.protocol === "http:" ? "http" : "https";
	return { host: url.hostname, port: url.port || (protocol === "http" ? 80 : 443), protocol };
}

function authorisationOf(intent: Stripe.PaymentIntent): AuthorisationResult {
	switch (intent.status) {
		case "requires_capture":
			return {
				status: "authorised",
				intentId: intent.id,
				amount: intent.amount_capturable,
				currency: intent.currency.toUpperCase(),
			};
		case "requires_action": {
			// Confirmed on the server with a return_url, a card's 3-D Secure step is a redirect.
			// Anything else (use_stripe_sdk, a wallet's QR code) needs Stripe.js, which the storefront does not run.
			const actionUrl = intent.next_action?.redirect_to_url?.url;
			if (actionUrl) return { status: "requires_action", intentId: intent.id, actionUrl };
			return {
				status: "declined",
				intentId: intent.id,
				code: "authentication_not_supported",
				message: `The card's second step (${intent.next_action?.type ?? "unknown"}) cannot be completed here; try another card`,
			};
		}
		case "requires_payment_method": {
			const failure = intent.last_payment_error;
			return {
				status: "declined",
				intentId: intent.id,
				code: failure?.decline_code ?? failure?.code ?? "card_declined",
				message: failure?.message ?? "The card was declined",
			};
		}
		default:
			// A card with manual capture and confirm=true ends in one of the three above; anything else is a bug to hear about.
			throw new Error(`Stripe PaymentIntent ${intent.id} is ${intent.status} after confirmation`);
	}
}

/**
 * A capture, void or refund, with Stripe's errors sorted: worth retrying
 * (`failed`) or final (`refused`). Anything that is not a Stripe error is a bug and is thrown.
 */
async function settle(call: () => Promise<SettlementResult>): Promise<SettlementResult> {
	try {
		return await call();
	} catch (error) {
		if (!(error instanceof Stripe.errors.StripeError)) throw error;
		const code = errorCode(error);
		if (
			error instanceof Stripe.errors.StripeInvalidRequestError ||
			error instanceof Stripe.errors.StripeCardError ||
			error instanceof Stripe.errors.StripeIdempotencyError
		) {
			return { status: "refused", code, message: error.message };
		}
		// Connection, 409 lock timeout, 5xx, rate limit, bad credentials: a retry with the same key can succeed.
		return { status: "failed", code, message: error.message };
	}
}

const SNAPSHOT_STATUSES: readonly string[] = [
	"requires_action",
	"requires_capture",
	"succeeded",
	"canceled",
	"processing",
] satisfies IntentSnapshot["status"][];

function snapshotStatus(status: Stripe.PaymentIntent.Status): IntentSnapshot["status"] {
	if (SNAPSHOT_STATUSES.includes(status)) return status as IntentSnapshot["status"];
	// requires_payment_method, and requires_confirmation, which an intent confirmed at creation never is: nothing is held.
	return "requires_payment_method";
}

function orderOf(metadata: Stripe.Metadata | null): { orderId: string | null; attempt: number | null } {
	const orderId = metadata?.orderId || null;
	const attempt = Number(metadata?.attempt);
	return { orderId, attempt: Number.isInteger(attempt) && attempt > 0 ? attempt : null };
}

function providerEventOf(event: Stripe.Event): ProviderEvent | null {
	const occurredAt = new Date(event.created * 1000).toISOString();
	const ofIntent = (intent: Stripe.PaymentIntent, kind: ProviderEvent["kind"], amount: number): ProviderEvent => ({
		id: event.id,
		kind,
		intentId: intent.id,
		...orderOf(intent.metadata),
		amount,
		currency: intent.currency.toUpperCase(),
		occurredAt,
	});
	switch (event.type) {
		case "payment_intent.amount_capturable_updated": {
			const intent = event.data.object;
			// Also sent when the capturable amount drops; only a hold is an authorisation.
			if (intent.status !== "requires_capture" || intent.amount_capturable <= 0) return null;
			return ofIntent(intent, "authorised", intent.amount_capturable);
		}
		case "payment_intent.payment_failed": {
			const intent = event.data.object;
			const failure = intent.last_payment_error;
			return {
				...ofIntent(intent, "failed", intent.amount),
				failure: {
					code: failure?.decline_code ?? failure?.code ?? "payment_failed",
					message: failure?.message ?? "The payment failed",
				},
			};
		}
		case "payment_intent.succeeded":
			return ofIntent(event.data.object, "captured", event.data.object.amount_received);
		case "payment_intent.canceled":
			return ofIntent(event.data.object, "voided", event.data.object.amount);
		// Refunds are known by refund.created/refund.updated, not charge.refunded: the charge no longer
		// carries its refunds (API 2022-11-15), and each refund event names exactly one refund.
		case "refund.created":
		case "refund.updated": {
			const refund = event.data.object;
			const intentId = typeof refund.payment_intent === "string" ? refund.payment_intent : refund.payment_intent?.id;
			if (refund.status !== "succeeded" || !intentId) return null;
			return {
				id: event.id,
				kind: "refunded",
				intentId,
				...orderOf(refund.metadata),
				amount: refund.amount,
				currency: refund.currency.toUpperCase(),
				refundId: refund.id,
				occurredAt,
			};
		}
		default:
			return null;
	}
}

/** Stripe's code for the error (`card_declined`, `api_error`, `api_connection_error`, …), not the SDK's class name. */
function errorCode(error: Stripe.errors.StripeError): string {
	if (error.code) return error.code;
	if (error.rawType) return error.rawType;
	return error instanceof Stripe.errors.StripeConnectionError ? "api_connection_error" : error.type;
}

/** Stripe's message as written for the customer; the SDK's `message` starts with the request id, for the logs. */
function customerMessage(error: Stripe.errors.StripeError): string {
	const raw = error.raw as { message?: unknown } | undefined;
	return typeof raw?.message === "string" ? raw.message : error.message;
}

function describe(error: unknown): string {
	if (error instanceof Stripe.errors.StripeError) return `${errorCode(error)}: ${error.message}`;
	return error instanceof Error ? error.message : String(error);
}
