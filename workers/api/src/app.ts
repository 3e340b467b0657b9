/**
 * The api worker's HTTP surface: the gateway (request ids, logs, CORS, security
 * headers, body limit, auth, rate limits, 405), D1 sessions, the error
 * envelope, and each bounded context mounted under /api/v1.
 */

import { REFERENCE_PATH, serveApiDocument } from "@goodfood/platform/api-document";
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { authenticate } from "@goodfood/platform/auth";
import { d1Session } from "@goodfood/platform/d1-session";
import { ApiError, errorResponse, handleError } from "@goodfood/platform/errors";
import {
	answerMethodNotAllowed,
	corsAllowlist,
	limitBody,
	requestIdentity,
	securityHeaders,
} from "@goodfood/platform/gateway";
import { rateLimitExcept } from "@goodfood/platform/rate-limit";
import { apiProbes, checkReadiness } from "@goodfood/platform/readiness";
import { refusedConfiguration } from "@goodfood/platform/regions";
import { requestLog, requestLogger } from "@goodfood/platform/request-log";
import { except } from "hono/combine";
import { createMiddleware } from "hono/factory";
import { accountRoutes } from "./accounts/routes";
import { staffAccountRoutes } from "./accounts/staff-routes";
import { recordStaffWrites } from "./audit/record";
import { auditRoutes } from "./audit/routes";
import { cartRoutes } from "./cart/routes";
import { GRAPHQL_PATH, serveGraph } from "./graph/server";
import { prepListRoutes } from "./intelligence/prep-list";
import { intelligenceRoutes } from "./intelligence/routes";
import { slotRoutes } from "./kitchen/slots-routes";
import { stockRoutes } from "./kitchen/stock-routes";
import { menuEditorRoutes } from "./menu/editor-routes";
import { isPhotoUpload, menuImageRoutes } from "./menu/images/routes";
import { locationAdminRoutes } from "./menu/location-admin-routes";
import { menuRoutes } from "./menu/routes";
import { menuSearchRoutes } from "./menu/search-routes";
import { staffMenuRoutes } from "./menu/staff-routes";
import { notificationRoutes } from "./notifications/routes";
import { operationsRoutes } from "./operations/routes";
import { liveRoutes } from "./ordering/live-routes";
import { orderRoutes } from "./ordering/routes";
import { staffOrderRoutes } from "./ordering/staff-order-routes";
import { refundsRoutes } from "./payments/refunds-routes";
import { PAYMENT_WEBHOOKS_PATH, paymentRoutes } from "./payments/routes";
import { simulatorRoutes } from "./payments/simulator/routes";

export const API_PREFIX = "/api/v1";

const api = createRouter()
	.route("/", accountRoutes)
	.route("/", staffAccountRoutes)
	.route("/", menuRoutes)
	.route("/", menuEditorRoutes)
	.route("/", menuSearchRoutes)
	.route("/", slotRoutes)
	.route("/", stockRoutes)
	.route("/", staffMenuRoutes)
	.route("/", menuImageRoutes)
	.route("/", locationAdminRoutes)
	.route("/", cartRoutes)
	.route("/", orderRoutes)
	.route("/", liveRoutes)
	.route("/", staffOrderRoutes)
	.route("/", refundsRoutes)
	.route("/", notificationRoutes)
	.route("/", paymentRoutes)
	.route("/", simulatorRoutes)
	.route("/", intelligenceRoutes)
	.route("/", prepListRoutes)
	.route("/", operationsRoutes)
	.route("/", auditRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
	type: "http",
	scheme: "bearer",
	bearerFormat: "JWT",
	description: "An access token from POST /api/v1/auth/login (customers and staff)",
});
api.openAPIRegistry.registerComponent("securitySchemes", "trackingToken", {
	type: "apiKey",
	in: "header",
	name: "X-Tracking-Token",
	description: "An order's tracking token, also accepted as ?token=",
});

serveApiDocument(api, API_PREFIX);

/**
 * Configuration that cannot work (REGIONS naming a region without its
 * database, say) is refused on every request with the message that says what
 * to fix, rather than served until some route happens to need a region. It is
 * logged as an error once per isolate. /health and /ready come before it: the
 * process is alive, and readiness reports the same error.
 */
const refuseBrokenConfiguration = createMiddleware<AppEnv>(async (c, next) => {
	const configError = refusedConfiguration(c.env, (error) =>
		requestLogger(c).error("configuration invalid; refusing every request", { error: error.message }),
	);
	if (!configError) return next();
	return errorResponse(c, new ApiError("configuration_invalid", configError.message));
});

export const app = createRouter()
	.use(requestIdentity)
	.use(requestLog<AppEnv>("api", { extraFields: (c) => ({ principalId: c.get("principal")?.id }) }))
	.use(corsAllowlist)
	.use(securityHeaders([`${API_PREFIX}${REFERENCE_PATH}`], GRAPHQL_PATH))
	// A photo upload reads up to 5 MB itself (menu/images/routes.ts); every other body is held to 64 KiB.
	.use(except(isPhotoUpload, limitBody))
	.get("/health", (c) => c.json({ status: "ok", worker: "api" }))
	.get("/ready", async (c) => {
		const readiness = await checkReadiness(apiProbes(c.env));
		return c.json({ worker: "api", ...readiness }, readiness.status === "ready" ? 200 : 503);
	})
	.use(refuseBrokenConfiguration)
	.use(`${API_PREFIX}/*`, d1Session)
	.use(`${API_PREFIX}/*`, authenticate)
	// After authenticate, so signed-in callers are limited per account rather than per IP.
	.use(rateLimitExcept(`${API_PREFIX}${PAYMENT_WEBHOOKS_PATH}`))
	// Every staff and admin write that succeeds, REST and GraphQL alike, is recorded once it has answered.
	.use(`${API_PREFIX}/*`, recordStaffWrites)
	.route(API_PREFIX, api)
	// GraphQL: a second front door onto the same domain functions, behind the same gateway.
	.on(["GET", "POST"], GRAPHQL_PATH, serveGraph);

app.use(answerMethodNotAllowed(app));
app.notFound((c) => errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
app.onError(handleError);
