/**
 * The payment simulator behind the PaymentProvider interface: each intent is
 * a PaymentSimulator Durable Object, named by its id, and its webhooks are
 * verified with PAYMENT_SIMULATOR_SECRET. Development and tests only.
 */
import type { PaymentSimulator } from "../../../../../durable-objects/src/payment-simulator";
import type {
	AuthorisationRequest,
	AuthorisationResult,
	IntentSnapshot,
	PaymentProvider,
	ProviderEvent,
	SettlementResult,
} from "../provider";
import { cardBehaviour } from "./cards";
import { actionUrlFor, INTENT_ID_PATTERN, intentIdFor } from "./intent";
import { providerEventOf, SIGNATURE_HEADER, verifySignature } from "./webhooks";

const UNKNOWN_INTENT: SettlementResult = {
	status: "refused",
	code: "resource_missing",
	message: "No such payment intent",
};

/** The simulator's object for an intent id (PAYMENT_SIMULATOR is typed loosely until `npm run types` sees the class). */
export function simulatorIntent(env: Env, intentId: string): DurableObjectStub<PaymentSimulator> {
	const namespace = env.PAYMENT_SIMULATOR as unknown as DurableObjectNamespace<PaymentSimulator>;
	return namespace.get(namespace.idFromName(intentId));
}

export class SimulatorProvider implements PaymentProvider {
	readonly name = "simulator";
	private readonly secret: string;

	constructor(private readonly env: Env) {
		if (!env.PAYMENT_SIMULATOR_SECRET) {
			throw new Error(
				"PAYMENT_PROVIDER is simulator but PAYMENT_SIMULATOR_SECRET is not set (copy it from .dev.vars.example to .dev.vars)",
			);
		}
		this.secret = env.PAYMENT_SIMULATOR_SECRET;
	}

	async authorise(request: AuthorisationRequest): Promise<AuthorisationResult> {
		const card = cardBehaviour(request.paymentMethod);
		if (card.outcome === "invalid")
			return { status: "declined", intentId: null, code: card.code, message: card.message };
		const intentId = await intentIdFor(request.idempotencyKey);
		const result = await simulatorIntent(this.env, intentId).authorise({
			intentId,
			orderId: request.orderId,
			attempt: request.attempt,
			amount: request.amount,
			currency: request.currency,
			paymentMethod: request.paymentMethod,
			returnUrl: request.returnUrl,
		});
		if (result.status === "requires_action") {
			return { status: "requires_action", intentId, actionUrl: actionUrlFor(intentId, result.returnUrl) };
		}
		return result;
	}

	async capture(intentId: string, amount: number, idempotencyKey: string): Promise<SettlementResult> {
		if (!INTENT_ID_PATTERN.test(intentId)) return UNKNOWN_INTENT;
		return simulatorIntent(this.env, intentId).capture(amount, idempotencyKey);
	}

	async void(intentId: string, idempotencyKey: string): Promise<SettlementResult> {
		if (!INTENT_ID_PATTERN.test(intentId)) return UNKNOWN_INTENT;
		return simulatorIntent(this.env, intentId).void(idempotencyKey);
	}

	async refund(intentId: string, amount: number, reason: string, idempotencyKey: string): Promise<SettlementResult> {
		if (!INTENT_ID_PATTERN.test(intentId)) return UNKNOWN_INTENT;
		return simulatorIntent(this.env, intentId).refund(amount, reason, idempotencyKey);
	}

	async retrieve(intentId: string): Promise<IntentSnapshot | null> {
		if (!INTENT_ID_PATTERN.test(intentId)) return null;
		return simulatorIntent(this.env, intentId).retrieve();
	}

	async parseWebhook(rawBody: string, headers: Headers): Promise<ProviderEvent | null> {
		await verifySignature(this.secret, headers.get(SIGNATURE_HEADER), rawBody, Math.floor(Date.now() / 1000));
		return providerEventOf(rawBody);
	}
}
