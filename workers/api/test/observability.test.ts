/**
 * Following one order through the platform. The edge's own code runs here in
 * front of this api worker (its service bindings are this worker's fetch and
 * its MenuOrigin entrypoint), so one console sees every log line: a menu miss
 * and a checkout that enter at the edge leave lines in the edge, the api
 * worker, the Cart Durable Object and the queue consumer sharing one trace id.
 * Also: the Analytics Engine points of requests and order events, spans
 * exported over OTLP only when a collector is configured, and queue names of
 * every environment reaching their consumer.
 */
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import type { otlpTraceRequest } from "@goodfood/platform/otlp";
import { afterEach, describe, expect, it, vi } from "vitest";
import edge, { clearIsolateMemory } from "../../menu-edge/src/index";
import { app } from "../src/app";
import { menuKeys } from "../src/menu/contract";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { handleQueue } from "../src/queues";
import { cartWithFlatWhite, PICKUP_TOMORROW } from "./helpers";

interface LogLine {
	level: string;
	message: string;
	traceId?: string;
	spanId?: string;
	requestId?: string;
	[field: string]: unknown;
}

afterEach(() => {
	vi.restoreAllMocks();
});

/** Every JSON line written to the console from here on, by any worker, object or consumer in this isolate. */
function captureLogs(): LogLine[] {
	const lines: LogLine[] = [];
	for (const level of ["log", "warn", "error"] as const) {
		vi.spyOn(console, level).mockImplementation((line: unknown) => {
			if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as LogLine);
		});
	}
	return lines;
}

/** An Analytics Engine binding that keeps what is written to it. */
function recordingDataset() {
	const points: AnalyticsEngineDataPoint[] = [];
	const binding = { writeDataPoint: (point: AnalyticsEngineDataPoint) => void points.push(point) };
	return { points, binding: binding as AnalyticsEngineDataset };
}

function newTraceparent(): { traceId: string; header: string } {
	const traceId = crypto.randomUUID().replaceAll("-", "");
	return { traceId, header: `00-${traceId}-00f067aa0ba902b7-01` };
}

/** The edge's bindings, pointing at this worker as the production config points at the api worker. */
function edgeEnv(overrides: Partial<EdgeEnv> = {}): EdgeEnv {
	return {
		MENU_KV: env.MENU_KV,
		REQUEST_METRICS: recordingDataset().binding,
		ENVIRONMENT: "development",
		DEFAULT_LOCATION: "london-soho",
		CORS_ORIGINS: "http://localhost:5173",
		OTEL_EXPORTER_OTLP_ENDPOINT: "",
		API: exports.default,
		MENU_ORIGIN: exports.MenuOrigin,
		...overrides,
	} as unknown as EdgeEnv;
}

async function throughEdge(request: Request, bindings: EdgeEnv = edgeEnv()): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await edge.fetch(request, bindings, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

describe("one trace through every hop", () => {
	it("joins the edge's menu miss and the api worker's menu origin in the caller's trace", async () => {
		const lines = captureLogs();
		const slug = "tokyo-shibuya";
		clearIsolateMemory();
		await env.MENU_KV.delete(menuKeys.current(slug));
		const { traceId, header } = newTraceparent();

		const response = await throughEdge(
			new Request(`https://goodfood.test/menu?location=${slug}`, { headers: { traceparent: header } }),
		);

		expect(response.status).toBe(200);
		expect(response.headers.get("x-cache-layer")).toBe("origin");
		const traced = lines.filter((line) => line.traceId === traceId);
		const edgeLine = traced.find((line) => line.message === "request");
		const originLine = traced.find((line) => line.message === "rpc call");
		expect(edgeLine).toMatchObject({ worker: "menu-edge", path: "/menu", status: 200, cacheLayer: "origin" });
		expect(originLine).toMatchObject({ object: "MenuOrigin", method: "menuDocument", location: slug });
		expect(originLine?.requestId).toBe(edgeLine?.requestId);
		expect(originLine?.spanId).not.toBe(edgeLine?.spanId);
	});

	it("follows a checkout from the edge through the api worker and the Cart object to the queue consumer", async () => {
		const cart = await cartWithFlatWhite();
		const lines = captureLogs();
		const { traceId, header } = newTraceparent();

		const response = await throughEdge(
			new Request(`https://goodfood.test/api/v1/carts/${cart.id}/checkout`, {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID(), traceparent: header },
				body: JSON.stringify(PICKUP_TOMORROW()),
			}),
		);
		expect(response.status).toBe(201);
		const { orderId } = (await response.json()) as { orderId: string };

		// The object's alarm sends the event from its outbox; the queue delivers it to the consumer, which
		// projects it, or finds the request already did (read-your-writes) and only fans it out.
		const byConsumer = (line: LogLine) =>
			line.orderId === orderId &&
			line.traceId === traceId &&
			(line.message === "order event projected" || line.message === "order event already projected");
		await vi.waitFor(() => expect(lines.some(byConsumer)).toBe(true), { timeout: 15_000, interval: 100 });
		const traced = lines.filter((line) => line.traceId === traceId);
		const edgeLine = traced.find((line) => line.message === "request" && line.worker === "menu-edge");
		const apiLine = traced.find((line) => line.message === "request" && line.worker === "api");
		const objectCall = traced.find((line) => line.message === "rpc call" && line.object === "CartDurableObject");
		const recorded = traced.find((line) => line.message === "order event recorded");
		const projected = traced.find(byConsumer);

		expect(edgeLine).toMatchObject({ status: 201 });
		expect(apiLine).toMatchObject({ path: "/api/v1/carts/:cartId/checkout", status: 201 });
		expect(objectCall).toMatchObject({ method: "checkout" });
		expect(recorded).toMatchObject({ orderId, type: "OrderPlaced", sequence: 1 });
		expect(projected).toMatchObject({ orderId, type: "OrderPlaced" });
		// One request id from the edge to the object and, in the event's envelope, to the consumer; each hop its own span.
		expect(edgeLine?.requestId).toEqual(expect.any(String));
		expect(new Set([edgeLine, apiLine, objectCall, projected].map((line) => line?.requestId))).toEqual(
			new Set([edgeLine?.requestId]),
		);
		expect(new Set([edgeLine, apiLine, objectCall, projected].map((line) => line?.spanId)).size).toBe(4);
		// Nothing the cart id could be read from.
		expect(JSON.stringify(traced)).not.toContain(cart.id);
	}, 30_000);

	it("asks the origin for the location index in the request's trace when the edge picks the nearest location", async () => {
		const lines = captureLogs();
		clearIsolateMemory();
		const { traceId, header } = newTraceparent();
		const request = new Request("https://goodfood.test/menu", { headers: { traceparent: header } });
		const response = await throughEdge(
			new Request(request, { cf: { latitude: "35.66", longitude: "139.70" } } as RequestInit),
		);
		expect(response.headers.get("x-menu-location")).toBe("tokyo-shibuya");
		expect(lines).toContainEqual(
			expect.objectContaining({ message: "rpc call", object: "MenuOrigin", method: "locationIndex", traceId }),
		);
	});

	it("starts a trace at the edge when the client sends none, and hands it on", async () => {
		const lines = captureLogs();
		const response = await throughEdge(new Request("https://goodfood.test/api/v1/locations/london-soho"));
		expect(response.status).toBe(200);
		const requestId = response.headers.get("x-request-id");
		const [edgeLine, apiLine] = ["menu-edge", "api"].map((worker) =>
			lines.find((line) => line.message === "request" && line.worker === worker && line.requestId === requestId),
		);
		expect(edgeLine?.traceId).toMatch(/^[0-9a-f]{32}$/);
		expect(apiLine?.traceId).toBe(edgeLine?.traceId);
		expect(edgeLine?.path).toBe("/*");
	});
});

describe("Analytics Engine", () => {
	it("writes one point per api request: worker, method, route pattern, location, status and latency", async () => {
		const metrics = recordingDataset();
		const { traceId, header } = newTraceparent();
		const response = await app.request(
			"https://goodfood.test/api/v1/locations/london-soho/menu",
			{ headers: { traceparent: header } },
			{ ...env, REQUEST_METRICS: metrics.binding },
		);
		expect(response.status).toBe(200);
		expect(metrics.points).toEqual([
			{
				indexes: ["api"],
				// blob8: the version serving it, which the release pipeline's gates read each version apart by.
				blobs: [
					"api",
					"GET",
					"/api/v1/locations/:slug/menu",
					"",
					"london-soho",
					"",
					traceId,
					env.CF_VERSION_METADATA.id,
				],
				doubles: [200, expect.any(Number)],
			},
		]);
	});

	it("writes a point per order event, with the time from placement to ready", async () => {
		const metrics = recordingDataset();
		const orderId = `ord_eu_${crypto.randomUUID().replaceAll("-", "")}`;
		const placedAt = new Date(Date.now() - 20 * 60_000);
		const { traceId, header } = newTraceparent();
		const events = [
			envelope("OrderPlaced", orderId, 1, placedAt, placedPayload(), header),
			envelope("OrderConfirmed", orderId, 2, new Date(placedAt.getTime() + 60_000), {
				estimatedReadyAt: new Date(placedAt.getTime() + 15 * 60_000).toISOString(),
			}),
			envelope("OrderReady", orderId, 3, new Date(placedAt.getTime() + 14 * 60_000 + 30_000), {}),
		];
		const batch = createMessageBatch(
			"goodfood-order-events",
			events.map((body, index) => ({ id: `metrics-${orderId}-${index}`, timestamp: new Date(), attempts: 1, body })),
		);
		captureLogs();

		await handleQueue(batch, { ...env, ORDER_METRICS: metrics.binding });
		const projectedAt = Date.now();

		expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toHaveLength(3);
		// double3: seconds from each event to its projection (here, just now), the projection-lag objective's measure.
		const lag = (occurredAt: number) => expect.closeTo((projectedAt - occurredAt) / 1000, -1);
		expect(metrics.points).toEqual([
			{
				indexes: ["london-soho"],
				blobs: ["OrderPlaced", "london-soho", orderId, traceId],
				doubles: [1, 0, lag(placedAt.getTime())],
			},
			{
				indexes: ["london-soho"],
				blobs: ["OrderConfirmed", "london-soho", orderId, expect.stringMatching(/^[0-9a-f]{32}$/)],
				doubles: [2, 60, lag(placedAt.getTime() + 60_000)],
			},
			{
				indexes: ["london-soho"],
				blobs: ["OrderReady", "london-soho", orderId, expect.stringMatching(/^[0-9a-f]{32}$/)],
				doubles: [3, 870, lag(placedAt.getTime() + 870_000)],
			},
		]);

		// A redelivered event has one effect, in the read models and in the metrics.
		const again = createMessageBatch("goodfood-order-events", [
			{ id: `metrics-${orderId}-again`, timestamp: new Date(), attempts: 2, body: events[2] },
		]);
		await handleQueue(again, { ...env, ORDER_METRICS: metrics.binding });
		expect(metrics.points).toHaveLength(3);
	});
});

describe("OTLP export", () => {
	function collector() {
		return vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(null, { status: 200 }));
	}

	function exportedSpans(fetch: ReturnType<typeof collector>) {
		return fetch.mock.calls.flatMap(([, init]) => {
			const body = JSON.parse(String(init?.body)) as ReturnType<typeof otlpTraceRequest>;
			return body.resourceSpans.flatMap((resource) =>
				resource.scopeSpans.flatMap((scope) =>
					scope.spans.map((span) => ({ ...span, service: resource.resource.attributes[0].value.stringValue })),
				),
			);
		});
	}

	it("posts the request's span, a child of the caller's, to the collector when one is configured", async () => {
		const fetch = collector();
		const { traceId, header } = newTraceparent();
		const ctx = createExecutionContext();
		const response = await app.request(
			"https://goodfood.test/api/v1/locations/london-soho",
			{ headers: { traceparent: header } },
			{ ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example", OTEL_EXPORTER_OTLP_HEADERS: "x-key=k1" },
			ctx,
		);
		await waitOnExecutionContext(ctx);

		expect(response.status).toBe(200);
		expect(fetch).toHaveBeenCalledTimes(1);
		const [url, init] = fetch.mock.calls[0];
		expect(url).toBe("https://collector.example/v1/traces");
		expect(new Headers(init?.headers).get("x-key")).toBe("k1");
		expect(exportedSpans(fetch)).toEqual([
			expect.objectContaining({
				service: "goodfood-api",
				traceId,
				parentSpanId: "00f067aa0ba902b7",
				name: "GET /api/v1/locations/:slug",
				kind: 2,
			}),
		]);
	});

	it("posts the consumer's span for each message, in the event's trace", async () => {
		const fetch = collector();
		const orderId = `ord_eu_${crypto.randomUUID().replaceAll("-", "")}`;
		const { traceId, header } = newTraceparent();
		const batch = createMessageBatch("goodfood-order-events", [
			{
				id: `otlp-${orderId}`,
				timestamp: new Date(),
				attempts: 1,
				body: envelope("OrderPlaced", orderId, 1, new Date(), placedPayload(), header),
			},
		]);
		const ctx = createExecutionContext();
		captureLogs();
		// The deployed value is set per environment; the generated type only knows the empty default.
		const withCollector = { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: "https://collector.example" } as unknown as Env;
		await handleQueue(batch, withCollector, ctx);
		await waitOnExecutionContext(ctx);

		const spans = exportedSpans(fetch).filter((span) => span.traceId === traceId);
		expect(spans).toEqual([
			expect.objectContaining({ name: "goodfood-order-events process", kind: 5, parentSpanId: "00f067aa0ba902b7" }),
		]);
	});

	it("sends nothing when no collector is configured", async () => {
		const fetch = collector();
		const ctx = createExecutionContext();
		await app.request("https://goodfood.test/api/v1/locations/london-soho", {}, env, ctx);
		await waitOnExecutionContext(ctx);
		expect(fetch).not.toHaveBeenCalled();
	});
});

describe("queues of every environment", () => {
	it("reaches the order-events consumer from the staging and production queue names", async () => {
		for (const queue of ["goodfood-order-events-staging", "goodfood-order-events-production"]) {
			const orderId = `ord_eu_${crypto.randomUUID().replaceAll("-", "")}`;
			const batch = createMessageBatch(queue, [
				{
					id: `env-${orderId}`,
					timestamp: new Date(),
					attempts: 1,
					body: envelope("OrderPlaced", orderId, 1, new Date(), placedPayload()),
				},
			]);
			captureLogs();
			await handleQueue(batch, env);
			expect((await getQueueResult(batch, createExecutionContext())).explicitAcks).toEqual([`env-${orderId}`]);
		}
		await expect(handleQueue(createMessageBatch("goodfood-unknown-staging", []), env)).rejects.toThrow(
			"No consumer for queue goodfood-unknown-staging",
		);
	});
});

function placedPayload() {
	return {
		locationSlug: "london-soho",
		timeZone: "Europe/London",
		businessDate: "2030-06-01",
		fulfilment: "pickup",
		deliveryAddress: null,
		requestedFor: null,
		contact: { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" },
		customerId: null,
		lines: [
			{
				lineId: "line-1",
				itemId: "itm-ldn-flat-white",
				categoryId: "cat-ldn-drinks",
				name: "Flat White",
				quantity: 1,
				unitPrice: 380,
				lineTotal: 380,
				options: [],
				note: null,
			},
		],
		totals: { currency: "GBP", subtotal: 380, tax: 63, taxIncluded: true, deliveryFee: 0, tip: 0, total: 380 },
	};
}

function envelope(
	type: OrderEventEnvelope["type"],
	orderId: string,
	sequence: number,
	occurredAt: Date,
	payload: unknown,
	traceparent?: string,
): OrderEventEnvelope {
	return {
		id: crypto.randomUUID(),
		type,
		occurredAt: occurredAt.toISOString(),
		orderId,
		sequence,
		...(traceparent ? { traceparent } : {}),
		payload,
	} as OrderEventEnvelope;
}
