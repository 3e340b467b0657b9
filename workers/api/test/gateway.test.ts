/**
 * The gateway around every route: legacy paths, CORS, security headers,
 * request ids, the body limit, 405 and 404, rate limits and request logs. Happy
 * paths, refusals in the error envelope, and what an unlisted origin or a
 * flooding client cannot do.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { AppEnv } from "@goodfood/platform/app";
import { clientIp, rateLimit } from "@goodfood/platform/rate-limit";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { call, cartWithFlatWhite, checkout, errorOf, json, PICKUP_TOMORROW } from "./helpers";

// This file's requests come from their own address, apart from the other files' shared one.
const CLIENT_IP = "203.0.113.10";
const ALLOWED_ORIGIN = "http://localhost:5173";

function request(path: string, init: RequestInit = {}): Promise<Response> {
	const headers = new Headers(init.headers);
	if (!headers.has("cf-connecting-ip")) headers.set("cf-connecting-ip", CLIENT_IP);
	return call(path, { ...init, headers });
}

function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return request(path, {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
	});
}

afterEach(() => {
	vi.restoreAllMocks();
});

describe("legacy paths", () => {
	it("serves /api/menu/{slug} as that location's menu", async () => {
		const response = await request("/api/menu/london-soho");
		expect(response.status).toBe(200);
		expect((await json<{ location: { slug: string; currency: string } }>(response)).location).toMatchObject({
			slug: "london-soho",
			currency: "GBP",
		});
	});

	it("serves /api/menu as the list of locations", async () => {
		const response = await request("/api/menu");
		expect(response.status).toBe(200);
		const { locations } = await json<{ locations: { slug: string }[] }>(response);
		expect(locations.map((location) => location.slug)).toContain("tokyo-shibuya");
	});

	it("serves /api/menu/search as /api/v1/menu/search, keeping the query", async () => {
		const response = await request("/api/menu/search?q=flat%20white&location=london-soho");
		expect(response.status).toBe(200);
		const body = await json<{ query: string; results: { item: { id: string }; location: { slug: string } }[] }>(
			response,
		);
		expect(body.query).toBe("flat white");
		expect(body.results[0].item.id).toBe("itm-ldn-flat-white");
		expect(body.results.every((result) => result.location.slug === "london-soho")).toBe(true);

		const empty = await request("/api/menu/search?q=");
		expect(empty.status).toBe(400);
		expect((await errorOf(empty)).details?.[0].field).toBe("q");
	});

	it("serves /api/orders/** as /api/v1/orders/**, keeping method, headers, query and body", async () => {
		const { id } = await cartWithFlatWhite();
		const placed = await json<{ orderId: string; trackingToken: string }>(await checkout(id, PICKUP_TOMORROW()));

		const read = await request(`/api/orders/${placed.orderId}?token=${placed.trackingToken}`);
		expect(read.status).toBe(200);
		expect(await json(read)).toMatchObject({ id: placed.orderId, status: "placed" });

		const cancelled = await postJson(
			`/api/orders/${placed.orderId}/cancel`,
			{ reason: "Ordered twice" },
			{ "x-tracking-token": placed.trackingToken },
		);
		expect(cancelled.status).toBe(200);
		expect(await json(cancelled)).toMatchObject({ status: "cancelled" });
	});

	it("answers a legacy call as its /api/v1 route would: an unknown order is 404 Order not found", async () => {
		const response = await request(`/api/orders/ord_eu_${"0".repeat(32)}?token=${"t".repeat(40)}`);
		expect(response.status).toBe(404);
		expect(await errorOf(response)).toMatchObject({ code: "not_found", message: "Order not found" });
	});

	it("leaves paths that only look legacy alone", async () => {
		for (const path of ["/api/ordersx", "/api/menu/london-soho/items", "/api/menu/search/items", "/api/menus"]) {
			const response = await request(path);
			expect(response.status, path).toBe(404);
			expect((await errorOf(response)).message, path).toMatch(/^No route for GET \/api\//);
		}
	});
});

describe("CORS", () => {
	it("lets an allowed origin read the response and the headers clients need", async () => {
		const response = await request("/api/v1/locations", { headers: { origin: ALLOWED_ORIGIN } });
		expect(response.status).toBe(200);
		expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
		expect(response.headers.get("access-control-expose-headers")?.split(",")).toEqual(
			expect.arrayContaining(["x-request-id", "x-d1-bookmark", "etag", "retry-after", "x-menu-version"]),
		);
		expect(response.headers.get("access-control-allow-credentials")).toBeNull();
		expect(response.headers.get("vary")).toContain("Origin");
	});

	it("answers an allowed origin's preflight with 204 and the methods and headers it may use", async () => {
		const response = await request("/api/v1/carts/crt_0/checkout", {
			method: "OPTIONS",
			headers: {
				origin: ALLOWED_ORIGIN,
				"access-control-request-method": "POST",
				"access-control-request-headers": "content-type, idempotency-key",
			},
		});
		expect(response.status).toBe(204);
		expect(response.headers.get("access-control-allow-origin")).toBe(ALLOWED_ORIGIN);
		expect(response.headers.get("access-control-allow-methods")?.split(",")).toEqual(
			expect.arrayContaining(["GET", "POST", "PATCH", "PUT", "DELETE"]),
		);
		expect(response.headers.get("access-control-allow-headers")?.split(",")).toEqual(
			expect.arrayContaining([
				"authorization",
				"content-type",
				"idempotency-key",
				"x-tracking-token",
				"x-d1-bookmark",
				"x-request-id",
			]),
		);
	});

	it("gives an origin off the list no CORS headers, and fails its preflight", async () => {
		for (const origin of ["https://evil.example", "http://localhost:5173.evil.example", "null"]) {
			const response = await request("/api/v1/locations", { headers: { origin } });
			expect(response.status).toBe(200);
			expect(response.headers.get("access-control-allow-origin"), origin).toBeNull();
			expect(response.headers.get("access-control-expose-headers"), origin).toBeNull();
			expect(response.headers.get("vary")).toContain("Origin");

			const preflight = await request("/api/v1/carts", {
				method: "OPTIONS",
				headers: { origin, "access-control-request-method": "POST" },
			});
			expect(preflight.status, origin).toBe(405);
			expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
			expect(preflight.headers.get("access-control-allow-methods")).toBeNull();
		}
	});
});

describe("security headers", () => {
	it("sends headers suited to a JSON API on answers and on errors", async () => {
		for (const path of ["/api/v1/locations", "/api/v1/nowhere", "/api/v1/locations?lat=north&lng=0"]) {
			const { headers } = await request(path);
			expect(headers.get("x-content-type-options"), path).toBe("nosniff");
			expect(headers.get("x-frame-options"), path).toBe("DENY");
			expect(headers.get("referrer-policy"), path).toBe("no-referrer");
			expect(headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
			expect(headers.get("content-security-policy"), path).toContain("default-src 'none'");
			expect(headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
		}
	});
});

describe("request ids", () => {
	it("makes one when none is sent and returns it in the header and in the error envelope", async () => {
		const ok = await request("/api/v1/locations");
		expect(ok.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

		const refused = await request("/api/v1/locations?lat=north&lng=0");
		expect(refused.status).toBe(400);
		const id = refused.headers.get("x-request-id");
		expect(id).toMatch(/^[0-9a-f-]{36}$/);
		expect(id).not.toBe(ok.headers.get("x-request-id"));
		expect((await errorOf(refused)).requestId).toBe(id);
	});

	it("echoes the caller's id on every kind of answer", async () => {
		const calls: [string, RequestInit][] = [
			["/api/v1/locations", {}],
			["/api/v1/nowhere", {}],
			["/api/v1/locations", { method: "DELETE" }],
			["/api/v1/carts", { method: "POST", body: "{not json", headers: { "content-type": "application/json" } }],
		];
		for (const [path, init] of calls) {
			const headers = new Headers(init.headers);
			headers.set("x-request-id", "trace-4f2a-echo");
			const response = await request(path, { ...init, headers });
			expect(response.headers.get("x-request-id"), `${init.method ?? "GET"} ${path}`).toBe("trace-4f2a-echo");
		}
	});

	it("puts the id and security headers on a Durable Object's stream or WebSocket passed through", async () => {
		const { id } = await cartWithFlatWhite();
		const placed = await json<{ orderId: string; trackingToken: string }>(await checkout(id, PICKUP_TOMORROW()));
		const live = `/api/v1/orders/${placed.orderId}/live?token=${placed.trackingToken}`;

		const events = await request(live, { headers: { accept: "text/event-stream", "x-request-id": "trace-live-sse" } });
		await events.body?.cancel();
		expect(events.status).toBe(200);
		expect(events.headers.get("x-request-id")).toBe("trace-live-sse");
		expect(events.headers.get("x-content-type-options")).toBe("nosniff");

		const upgraded = await request(live, { headers: { upgrade: "websocket", "x-request-id": "trace-live-ws" } });
		expect(upgraded.status).toBe(101);
		expect(upgraded.webSocket).toBeTruthy();
		expect(upgraded.headers.get("x-request-id")).toBe("trace-live-ws");
		upgraded.webSocket?.accept();
		upgraded.webSocket?.close();
	});
});

describe("request body limit", () => {
	it("refuses a 100 KiB body with 413 in the envelope", async () => {
		const response = await postJson("/api/v1/carts", { locationSlug: "london-soho", padding: "x".repeat(100 * 1024) });
		expect(response.status).toBe(413);
		const error = await errorOf(response);
		expect(error).toMatchObject({ code: "payload_too_large" });
		expect(error.requestId).toBe(response.headers.get("x-request-id"));
	});

	it("refuses a streamed body with no declared length once it passes 64 KiB", async () => {
		const chunk = new TextEncoder().encode("x".repeat(8 * 1024));
		let sent = 0;
		const body = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent++ < 16) controller.enqueue(chunk);
				else controller.close();
			},
		});
		const response = await request("/api/v1/carts", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body,
		});
		expect(response.status).toBe(413);
		expect((await errorOf(response)).code).toBe("payload_too_large");
	});

	it("lets a body under the limit through", async () => {
		const response = await postJson("/api/v1/carts", { locationSlug: "london-soho", note: "x".repeat(60 * 1024) });
		expect(response.status).toBe(201);
	});
});

describe("405 and 404", () => {
	it("answers 405 with Allow for a known path called with another method", async () => {
		const response = await request("/api/v1/locations", { method: "DELETE" });
		expect(response.status).toBe(405);
		expect(response.headers.get("allow")).toBe("GET, HEAD, POST");
		expect(await errorOf(response)).toMatchObject({ code: "method_not_allowed" });
	});

	it("matches paths with parameters when answering 405", async () => {
		const response = await request(`/api/v1/carts/crt_${"a".repeat(32)}/items/line-1`, { method: "PUT" });
		expect(response.status).toBe(405);
		expect(response.headers.get("allow")?.split(", ").sort()).toEqual(["DELETE", "PATCH"]);
		expect((await errorOf(response)).code).toBe("method_not_allowed");
	});

	it("answers 404 in the envelope for a path no route has", async () => {
		const response = await request("/api/v1/nowhere", { method: "DELETE" });
		expect(response.status).toBe(404);
		expect(response.headers.get("allow")).toBeNull();
		expect(await errorOf(response)).toMatchObject({
			code: "not_found",
			message: "No route for DELETE /api/v1/nowhere",
		});
	});
});

describe("rate limits", () => {
	// The test config's TEST_RATE_LIMIT binding (3 a minute) stands in for the anonymous one, through the real worker.
	const smallLimit = env.TEST_RATE_LIMIT;
	const LIMIT = 3;

	async function limitedCall(path: string, ip: string): Promise<Response> {
		const ctx = createExecutionContext();
		const response = await worker.fetch(
			new Request(`https://goodfood.test${path}`, { headers: { "cf-connecting-ip": ip } }),
			{ ...env, RATE_LIMIT_ANONYMOUS: smallLimit },
			ctx,
		);
		await waitOnExecutionContext(ctx);
		return response;
	}

	/** A fresh address per test and run, so no window is shared with another test. */
	function freshIp(): string {
		return `2001:db8::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
	}

	it("answers 429 rate_limited with Retry-After once an IP's window is used up, and serves other IPs", async () => {
		const ip = freshIp();
		let response: Response;
		let sent = 0;
		// Windows are aligned to the clock; should one roll over mid-test, the next fills within 2 × limit + 1 calls.
		do {
			response = await limitedCall("/api/v1/locations", ip);
			sent++;
		} while (response.status === 200 && sent <= 2 * LIMIT + 1);

		expect(response.status).toBe(429);
		expect(sent).toBeGreaterThan(LIMIT);
		expect(response.headers.get("retry-after")).toBe("60");
		const error = await errorOf(response);
		expect(error.code).toBe("rate_limited");
		expect(error.requestId).toBe(response.headers.get("x-request-id"));
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");

		expect((await limitedCall("/api/v1/locations", freshIp())).status).toBe(200);
	});

	it("never limits /health", async () => {
		const ip = freshIp();
		for (let i = 0; i < 2 * LIMIT + 2; i++) {
			expect((await limitedCall("/health", ip)).status).toBe(200);
		}
		expect((await limitedCall("/api/v1/locations", ip)).status).toBe(200);
	});

	it("never limits a payment provider's webhooks, which a few addresses send and the signature verifies", async () => {
		const ip = freshIp();
		for (let i = 0; i < 2 * LIMIT + 2; i++) {
			const ctx = createExecutionContext();
			const response = await worker.fetch(
				new Request("https://goodfood.test/api/v1/payments/webhooks/simulator", {
					method: "POST",
					headers: { "cf-connecting-ip": ip, "content-type": "application/json" },
					body: "{}",
				}),
				{ ...env, RATE_LIMIT_ANONYMOUS: smallLimit },
				ctx,
			);
			await waitOnExecutionContext(ctx);
			// Unsigned: refused for its signature, never for its rate.
			expect(response.status).toBe(400);
		}
		expect((await limitedCall("/api/v1/locations", ip)).status).toBe(200);
	});

	/** A bare app with the rate limiter behind a stand-in for auth, and bindings that record their keys. */
	function limitedApp(
		principalId?: string,
		outcome: () => Promise<RateLimitOutcome> = async () => ({ success: true }),
	) {
		const keys: string[] = [];
		const binding = (name: string): RateLimit => ({
			limit: ({ key }) => {
				keys.push(`${name} ${key}`);
				return outcome();
			},
		});
		const app = new Hono<AppEnv>()
			.use(async (c, next) => {
				if (principalId) c.set("principal", { id: principalId, role: "customer", locations: [] });
				await next();
			})
			.use(rateLimit)
			.get("/limited", (c) => c.text("ok"));
		const bindings = { RATE_LIMIT_ANONYMOUS: binding("anonymous"), RATE_LIMIT_ACCOUNT: binding("account") };
		return { keys, get: (headers: Record<string, string>) => app.request("/limited", { headers }, bindings) };
	}

	it("limits a signed-in caller by account, whatever address it calls from", async () => {
		const limited = limitedApp("acc_42");
		await limited.get({ "cf-connecting-ip": "192.0.2.1" });
		await limited.get({ "cf-connecting-ip": "192.0.2.2" });
		expect(limited.keys).toEqual(["account acc_42", "account acc_42"]);
	});

	it("limits an anonymous caller by Cloudflare's client IP, else the first forwarded hop", async () => {
		const limited = limitedApp();
		await limited.get({ "cf-connecting-ip": "192.0.2.1", "x-forwarded-for": "198.51.100.9" });
		await limited.get({ "x-forwarded-for": "198.51.100.9, 10.0.0.1" });
		await limited.get({});
		expect(limited.keys).toEqual(["anonymous 192.0.2.1", "anonymous 198.51.100.9", "anonymous unknown"]);
		expect(clientIp(new Headers({ "cf-connecting-ip": " 192.0.2.7 " }))).toBe("192.0.2.7");
	});

	it("lets requests through, with a warning, when the limiter itself fails", async () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const limited = limitedApp(undefined, () => Promise.reject(new Error("limiter down")));
		expect((await limited.get({})).status).toBe(200);
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({
			level: "warn",
			message: "rate limiter unavailable",
		});
	});
});

describe("request logs", () => {
	interface LogLine {
		message?: string;
		requestId?: string;
	}

	function requestLines(log: { mock: { calls: unknown[][] } }, requestId: string): LogLine[] {
		return log.mock.calls
			.map(([line]) => {
				try {
					return JSON.parse(String(line)) as LogLine;
				} catch {
					return {};
				}
			})
			.filter((line) => line.message === "request" && line.requestId === requestId);
	}

	it("writes one JSON line per request with the route pattern, never the ids in the path", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const cartId = `crt_${"b".repeat(32)}`;
		const response = await request(`/api/v1/carts/${cartId}?token=secret`, {
			headers: { "x-request-id": "log-line-cart" },
		});

		const lines = requestLines(log, "log-line-cart");
		expect(lines).toEqual([
			{
				level: "info",
				message: "request",
				traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
				spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
				requestId: "log-line-cart",
				worker: "api",
				method: "GET",
				path: "/api/v1/carts/:cartId",
				status: response.status,
				durationMs: expect.any(Number),
			},
		]);
		expect(JSON.stringify(lines)).not.toContain(cartId);
		expect(JSON.stringify(lines)).not.toContain("secret");
	});

	it("logs refusals made before any route, with their status", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		await request("/api/v1/locations", { method: "DELETE", headers: { "x-request-id": "log-line-405" } });
		expect(requestLines(log, "log-line-405")).toMatchObject([{ method: "DELETE", status: 405 }]);
	});
});
