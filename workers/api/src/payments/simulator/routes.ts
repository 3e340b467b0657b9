/**
 * The payment simulator's own routes: what the storefront's second-step page
 * (3-D Secure style) reads and answers, and, in development, how a test or a
 * developer makes the simulator's webhooks arrive twice or out of order.
 * Served only where the simulator is the provider, never in production; there
 * they answer exactly as if they did not exist.
 */
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { MoneySchema } from "../../menu/schemas";
import { INTENT_ID_PATTERN, type IntentStatus } from "./intent";
import { simulatorIntent } from "./provider";
import { DELIVERY_MODES } from "./webhooks";

const INTENT_STATUSES = [
	"requires_payment_method",
	"requires_action",
	"requires_capture",
	"succeeded",
	"canceled",
] as const satisfies readonly IntentStatus[];

const DEVELOPMENT_ENVIRONMENTS = ["development", "test"];

function notFound(c: { req: { method: string; path: string } }): ApiError {
	return new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`);
}

/** Where the simulator is not the provider, or in production, the routes do not exist (before validating anything). */
const simulatorOnly = createMiddleware<AppEnv>(async (c, next) => {
	if (String(c.env.PAYMENT_PROVIDER) !== "simulator" || c.env.ENVIRONMENT === "production") throw notFound(c);
	await next();
});

const developmentOnly = createMiddleware<AppEnv>(async (c, next) => {
	if (!DEVELOPMENT_ENVIRONMENTS.includes(String(c.env.ENVIRONMENT))) throw notFound(c);
	await next();
});

// Any id is accepted here and one that is not the simulator's is simply not found, so a body is still checked for what it is.
const IntentParams = z.object({
	intentId: z
		.string()
		.max(64)
		.openapi({ param: { name: "intentId", in: "path" }, example: "pi_sim_0f3a9c2d4b6e8f1a2c3d4e5f" }),
});

/** The intent's object, or 404 for an id the simulator never gives out (without waking an object for it). */
function intentNamed(env: Env, intentId: string) {
	if (!INTENT_ID_PATTERN.test(intentId)) throw ApiError.notFound("Payment intent");
	return simulatorIntent(env, intentId);
}

const SimulatorIntentView = z
	.object({
		intentId: z.string(),
		status: z.enum(INTENT_STATUSES),
		amount: MoneySchema,
		requiresAction: z.boolean().openapi({ description: "Whether the intent waits for its second step" }),
	})
	.openapi("SimulatorIntent");

const AuthenticationInput = z
	.object({
		outcome: z.enum(["approve", "fail"]).openapi({ description: "Approve the payment, or fail its authentication" }),
	})
	.openapi("SimulatorAuthenticationInput");

const AuthenticationView = z
	.object({ status: z.enum(INTENT_STATUSES).openapi({ description: "requires_capture when approved" }) })
	.openapi("SimulatorAuthentication");

const DeliveryInput = z
	.object({
		mode: z.enum(DELIVERY_MODES).openapi({
			description:
				"normal: each event once, oldest first; duplicate: each event twice; reversed: events waiting together are sent newest first",
		}),
	})
	.openapi("SimulatorDeliveryInput");

const simulatorRoute = { tags: ["Payment simulator"], middleware: [simulatorOnly] };

export const simulatorRoutes = createRouter()
	.openapi(
		createRoute({
			...simulatorRoute,
			method: "get",
			path: "/payments/simulator/intents/{intentId}",
			summary: "A simulated payment, for the simulator's second-step page (development and tests)",
			request: { params: IntentParams },
			responses: { 200: jsonContent(SimulatorIntentView, "The payment"), ...errorResponses(400, 404) },
		}),
		async (c) => {
			const { intentId } = c.req.valid("param");
			const snapshot = await intentNamed(c.env, intentId).retrieve();
			if (!snapshot) throw ApiError.notFound("Payment intent");
			return c.json(
				{
					intentId,
					status: snapshot.status as IntentStatus,
					amount: { amount: snapshot.amount, currency: snapshot.currency },
					requiresAction: snapshot.status === "requires_action",
				},
				200,
			);
		},
	)
	.openapi(
		createRoute({
			...simulatorRoute,
			method: "post",
			path: "/payments/simulator/intents/{intentId}/authenticate",
			summary: "Complete a simulated payment's second step (3-D Secure style): approve it or fail it",
			request: {
				params: IntentParams,
				body: { content: { "application/json": { schema: AuthenticationInput } }, required: true },
			},
			responses: {
				200: jsonContent(AuthenticationView, "The payment's status after the second step; a webhook follows"),
				...errorResponses(400, 404, 409),
			},
		}),
		async (c) => {
			const { intentId } = c.req.valid("param");
			const answer = await intentNamed(c.env, intentId).authenticate(c.req.valid("json").outcome);
			if (answer.outcome === "unknown_intent") throw ApiError.notFound("Payment intent");
			if (answer.outcome === "not_waiting") {
				throw new ApiError("conflict", `The payment is ${answer.status}; it is not waiting for a second step`, {
					status: answer.status,
				});
			}
			return c.json({ status: answer.status }, 200);
		},
	)
	.openapi(
		createRoute({
			...simulatorRoute,
			middleware: [simulatorOnly, developmentOnly],
			method: "post",
			path: "/payments/simulator/intents/{intentId}/delivery",
			summary:
				"Choose how a simulated payment's webhooks are delivered: normally, twice, or newest first (development)",
			request: {
				params: IntentParams,
				body: { content: { "application/json": { schema: DeliveryInput } }, required: true },
			},
			responses: {
				200: jsonContent(DeliveryInput, "The delivery mode now in force"),
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const { intentId } = c.req.valid("param");
			const intent = intentNamed(c.env, intentId);
			if (!(await intent.retrieve())) throw ApiError.notFound("Payment intent");
			return c.json({ mode: await intent.setDeliveryMode(c.req.valid("json").mode) }, 200);
		},
	);
