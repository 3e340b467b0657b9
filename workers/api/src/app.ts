/**
 * The api worker's HTTP surface: request ids, D1 sessions, the error envelope,
 * and each bounded context mounted under /api/v1.
 */
import { requestId } from "hono/request-id";
import { cartRoutes } from "./cart/routes";
import { menuRoutes } from "./menu/routes";
import { staffMenuRoutes } from "./menu/staff-routes";
import { orderRoutes } from "./ordering/routes";
import { staffOrderRoutes } from "./ordering/staff-order-routes";
import { createRouter } from "./platform/app";
import { d1Session } from "./platform/d1-session";
import { ApiError, errorResponse, handleError } from "./platform/errors";

export const API_PREFIX = "/api/v1";

const api = createRouter()
	.route("/", menuRoutes)
	.route("/", staffMenuRoutes)
	.route("/", cartRoutes)
	.route("/", orderRoutes)
	.route("/", staffOrderRoutes);

api.openAPIRegistry.registerComponent("securitySchemes", "staffToken", {
	type: "http",
	scheme: "bearer",
	description: "Staff token (temporary, from the worker's STAFF_TOKEN secret)",
});
api.openAPIRegistry.registerComponent("securitySchemes", "trackingToken", {
	type: "apiKey",
	in: "header",
	name: "X-Tracking-Token",
	description: "An order's tracking token, also accepted as ?token=",
});

api.doc31("/openapi.json", {
	openapi: "3.1.0",
	info: { title: "GoodFood API", version: "1.0.0" },
});

export const app = createRouter()
	.use(requestId({ headerName: "x-request-id" }))
	.get("/health", (c) => c.json({ status: "ok", worker: "api" }))
	.use(`${API_PREFIX}/*`, d1Session)
	.route(API_PREFIX, api);

app.notFound((c) => errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
app.onError(handleError);
