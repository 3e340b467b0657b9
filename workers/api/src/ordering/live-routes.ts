/**
 * Live tracking: an order's changes over a WebSocket or Server-Sent Events,
 * served by its Durable Object, and a location's kitchen feed over a WebSocket.
 * Bad input is refused here, before any upgrade.
 */

import { createRouter } from "@goodfood/platform/app";
import {
	authenticateWebSocketProtocol,
	bearerSecurity,
	staffAtLocation,
	WEBSOCKET_PROTOCOL,
	webSocketProtocolHeaders,
} from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses } from "@goodfood/platform/openapi";
import { objectIn } from "@goodfood/platform/regions";
import { createRoute, z } from "@hono/zod-openapi";
import { cartObject } from "../cart/carts";
import { currentRegionOf } from "../cart/location-region";
import { SlugParam } from "../menu/schemas";
import { accessOf, OrderIdParam } from "./routes";
import { LiveResumeHeaders } from "./schemas";

const LiveQuery = z.object({
	after: z.coerce
		.number()
		.int("must be a whole event sequence number")
		.min(0, "must not be negative")
		.optional()
		.openapi({ description: "Resume after this event sequence number" }),
	token: z.string().max(200).optional().openapi({ description: "The order's tracking token (or X-Tracking-Token)" }),
});

const TRACKED: { [scheme: string]: string[] }[] = [{ trackingToken: [] }, { bearerAuth: [] }];

/**
 * A Durable Object's response has immutable headers; the gateway adds its own
 * (request id, security headers), so pass on a copy, WebSocket included.
 */
function relayed(response: Response, extraHeaders: Record<string, string> = {}): Response {
	if (response.webSocket) {
		const headers = new Headers(response.headers);
		for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
		return new Response(null, { status: 101, webSocket: response.webSocket, headers });
	}
	return new Response(response.body, response);
}

function wantsWebSocket(request: Request): boolean {
	return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

export const liveRoutes = createRouter()
	.openapi(
		createRoute({
			method: "get",
			path: "/orders/{orderId}/live",
			tags: ["Orders"],
			summary: "Follow the order live: a WebSocket, or Server-Sent Events with Accept: text/event-stream",
			description:
				"First a `snapshot` message with the current order, then one `event` message per change, each with its sequence number. Reconnect with `?after={sequence}` (or SSE's Last-Event-ID) to get what was missed.",
			security: TRACKED,
			request: { params: OrderIdParam, query: LiveQuery, headers: LiveResumeHeaders },
			responses: {
				101: { description: "Switching to a WebSocket" },
				200: {
					description: "A text/event-stream of the order's changes",
					content: { "text/event-stream": { schema: z.string() } },
				},
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const { after, token } = c.req.valid("query");
			const sse = (c.req.header("accept") ?? "").includes("text/event-stream");
			if (!wantsWebSocket(c.req.raw) && !sse) {
				throw new ApiError("bad_request", "Ask for a WebSocket upgrade or send Accept: text/event-stream");
			}
			const access = accessOf(c, token);
			if (!access) throw ApiError.notFound("Order");
			const headers = new Headers({ "x-order-access": JSON.stringify(access) });
			for (const name of ["upgrade", "accept", "last-event-id"]) {
				const value = c.req.header(name);
				if (value) headers.set(name, value);
			}
			const url = `https://cart.internal/live${after === undefined ? "" : `?after=${after}`}`;
			const response = await cartObject(c.env, c.req.valid("param").orderId).fetch(url, { headers });
			if (response.status === 404) throw ApiError.notFound("Order");
			return relayed(response);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/locations/{slug}/orders/live",
			tags: ["Orders (staff)"],
			summary: "The kitchen feed: new orders and status changes at this location, over a WebSocket",
			description: `A browser, which cannot set the Authorization header on a WebSocket, offers the access token as a subprotocol instead: \`Sec-WebSocket-Protocol: ${WEBSOCKET_PROTOCOL}, bearer.{accessToken}\`. It is checked like a bearer token, and the 101 answers \`Sec-WebSocket-Protocol: ${WEBSOCKET_PROTOCOL}\`. Tokens in the query string are not accepted.`,
			security: bearerSecurity,
			middleware: [authenticateWebSocketProtocol, staffAtLocation()],
			request: { params: SlugParam },
			responses: { 101: { description: "Switching to a WebSocket" }, ...errorResponses(400, 401, 403, 404) },
		}),
		async (c) => {
			if (!wantsWebSocket(c.req.raw)) throw new ApiError("bad_request", "Ask for a WebSocket upgrade");
			const { slug } = c.req.valid("param");
			// The feed of the location's current region: new carts, whose orders publish there, open in it.
			const feed = objectIn(c.env.KITCHEN_FEEDS, await currentRegionOf(c.env, c.var.d1, slug), slug);
			const response = await feed.fetch("https://kitchen.internal/live", {
				headers: { upgrade: "websocket", "x-staff-id": c.get("principal")?.id ?? "", "x-location": slug },
			});
			return relayed(response, webSocketProtocolHeaders(c));
		},
	);
