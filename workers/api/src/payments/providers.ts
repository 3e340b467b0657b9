/**
 * Which payment provider runs is configuration (`PAYMENT_PROVIDER`), never a
 * code path: the simulator locally and in tests, Stripe in staging and
 * production. A deployed environment refuses the simulator.
 */
import type { PaymentProvider } from "./provider";
import { SimulatorProvider } from "./simulator/provider";
import { StripeProvider } from "./stripe";

export const PAYMENT_PROVIDERS = ["simulator", "stripe"] as const;

export function paymentProvider(env: Env): PaymentProvider {
	const name = String(env.PAYMENT_PROVIDER);
	if (name === "stripe") {
		if (!env.STRIPE_SECRET_KEY || !env.STRIPE_WEBHOOK_SECRET) {
			throw new Error("PAYMENT_PROVIDER is stripe but STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET is not set");
		}
		return new StripeProvider({
			secretKey: env.STRIPE_SECRET_KEY,
			webhookSecret: env.STRIPE_WEBHOOK_SECRET,
			apiBase: env.STRIPE_API_BASE || undefined,
			// The storefront is the first allowed browser origin; a 3-D Secure step returns to it.
			storefrontOrigin: String(env.CORS_ORIGINS).split(",")[0]?.trim() || undefined,
		});
	}
	if (name === "simulator") {
		if (env.ENVIRONMENT === "production") throw new Error("The payment simulator never runs in production");
		return new SimulatorProvider(env);
	}
	throw new Error(`Unknown PAYMENT_PROVIDER ${name}; expected one of ${PAYMENT_PROVIDERS.join(", ")}`);
}
