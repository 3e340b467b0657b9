/** GET /payments/config tells the storefront how to take a card: the simulator's form, or Stripe Elements with the publishable key. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { call, json } from "./helpers";

function configWith(bindings: Partial<Record<keyof Env, string>>) {
	return app.request("https://goodfood.test/api/v1/payments/config", {}, { ...env, ...bindings });
}

describe("GET /api/v1/payments/config", () => {
	it("says simulator, with no key, where the simulator takes payments (tests, development); no sign-in needed", async () => {
		const response = await call("/api/v1/payments/config");
		expect(response.status).toBe(200);
		expect(await json(response)).toEqual({ provider: "simulator", publishableKey: null });
	});

	it("hands the storefront Stripe's publishable key when Stripe takes payments", async () => {
		const response = await configWith({ PAYMENT_PROVIDER: "stripe", STRIPE_PUBLISHABLE_KEY: "pk_test_51Example" });
		expect(response.status).toBe(200);
		expect(await json(response)).toEqual({ provider: "stripe", publishableKey: "pk_test_51Example" });
	});

	it("never hands out a key the simulator does not use, and says null rather than an empty key", async () => {
		const simulator = await configWith({ PAYMENT_PROVIDER: "simulator", STRIPE_PUBLISHABLE_KEY: "pk_test_51Example" });
		expect(await json(simulator)).toEqual({ provider: "simulator", publishableKey: null });
		const unset = await configWith({ PAYMENT_PROVIDER: "stripe", STRIPE_PUBLISHABLE_KEY: "" });
		expect(await json(unset)).toEqual({ provider: "stripe", publishableKey: null });
	});
});
