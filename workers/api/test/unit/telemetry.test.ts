/** The OTLP/JSON export format and settings, the Analytics Engine layouts, and the structured logger. */

import { errorText, logger, spanLogger } from "@goodfood/platform/log";
import { orderEventDataPoint, requestDataPoint, writeDataPoint } from "@goodfood/platform/metrics";
import { otlpTarget, otlpTraceRequest, SpanBatch } from "@goodfood/platform/otlp";
import { tracedCall } from "@goodfood/platform/rpc-span";
import type { TraceContext } from "@goodfood/platform/trace";
import { afterEach, describe, expect, it, vi } from "vitest";

const TRACE: TraceContext = {
	traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
	spanId: "b7ad6b7169203331",
	parentSpanId: "00f067aa0ba902b7",
	flags: "01",
};

afterEach(() => {
	vi.restoreAllMocks();
});

describe("OTLP settings", () => {
	it("exports nothing without an endpoint", () => {
		expect(otlpTarget({})).toBeUndefined();
		expect(otlpTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " })).toBeUndefined();
	});

	it("posts to the traces path of the collector's base URL", () => {
		expect(otlpTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example/" })?.url).toBe(
			"https://otel.example/v1/traces",
		);
		expect(otlpTarget({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example/v1/traces" })?.url).toBe(
			"https://otel.example/v1/traces",
		);
	});

	it("adds the headers of OTEL_EXPORTER_OTLP_HEADERS, URL-decoded", () => {
		const target = otlpTarget({
			OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example",
			OTEL_EXPORTER_OTLP_HEADERS: "Authorization=Bearer%20abc, x-team = food ,broken",
		});
		expect(target?.headers).toEqual({
			"content-type": "application/json",
			authorization: "Bearer abc",
			"x-team": "food",
		});
	});

	it("skips a header pair that is not valid percent-encoding, warning once and never echoing the secret", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const settings = {
			OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example",
			OTEL_EXPORTER_OTLP_HEADERS: "x-team=food,Authorization=Bearer 100%secret,x-bad%zz=1",
		};
		expect(otlpTarget(settings)?.headers).toEqual({ "content-type": "application/json", "x-team": "food" });
		// Read again, as every request does: still exporting, and no second warning.
		expect(otlpTarget(settings)?.url).toBe("https://otel.example/v1/traces");
		expect(warn).toHaveBeenCalledTimes(1);
		const line = JSON.parse(String(warn.mock.calls[0][0]));
		expect(line).toMatchObject({ level: "warn", skippedPairs: [2, 3] });
		expect(String(warn.mock.calls[0][0])).not.toContain("secret");
	});

	it("keeps spans flowing when the header setting has a stray %", () => {
		vi.spyOn(console, "warn").mockImplementation(() => {});
		const batch = new SpanBatch("goodfood-api", {
			OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example",
			OTEL_EXPORTER_OTLP_HEADERS: "api-key=50%",
		});
		expect(batch.enabled).toBe(true);
	});
});

describe("OTLP/JSON trace request", () => {
	it("keeps ids in hex and times in nanoseconds, with typed attributes and the span's status", () => {
		const body = otlpTraceRequest("goodfood-api", "staging", [
			{
				name: "GET /api/v1/carts/:cartId",
				kind: "server",
				trace: TRACE,
				startMs: 1_700_000_000_000,
				endMs: 1_700_000_000_250,
				attributes: { "http.route": "/api/v1/carts/:cartId", "http.response.status_code": 200, ratio: 0.5, hit: true },
			},
			{
				name: "CartDurableObject.checkout",
				kind: "consumer",
				trace: { traceId: TRACE.traceId, spanId: "1111111111111111", flags: "00" },
				startMs: 5,
				endMs: 4,
				attributes: { skipped: undefined },
				error: "boom",
			},
		]);
		const resource = body.resourceSpans[0];
		expect(resource.resource.attributes).toEqual([
			{ key: "service.name", value: { stringValue: "goodfood-api" } },
			{ key: "deployment.environment.name", value: { stringValue: "staging" } },
		]);
		const [server, consumer] = resource.scopeSpans[0].spans;
		expect(server).toMatchObject({
			traceId: TRACE.traceId,
			spanId: TRACE.spanId,
			parentSpanId: TRACE.parentSpanId,
			flags: 1,
			kind: 2,
			startTimeUnixNano: "1700000000000000000",
			endTimeUnixNano: "1700000000250000000",
			status: { code: 1 },
		});
		expect(server.attributes).toEqual([
			{ key: "http.route", value: { stringValue: "/api/v1/carts/:cartId" } },
			{ key: "http.response.status_code", value: { intValue: "200" } },
			{ key: "ratio", value: { doubleValue: 0.5 } },
			{ key: "hit", value: { boolValue: true } },
		]);
		expect(consumer).not.toHaveProperty("parentSpanId");
		expect(consumer).toMatchObject({
			kind: 5,
			flags: 0,
			endTimeUnixNano: "5000000",
			status: { code: 2, message: "boom" },
		});
		expect(consumer.attributes).toEqual([]);
	});

	it("collects nothing and sends nothing when export is off", () => {
		const batch = new SpanBatch("goodfood-api", {});
		const waitUntil = vi.fn();
		batch.add({ name: "x", kind: "internal", trace: TRACE, startMs: 0, endMs: 1, attributes: {} });
		batch.flush({ waitUntil });
		expect(batch.enabled).toBe(false);
		expect(waitUntil).not.toHaveBeenCalled();
	});

	it("posts a batch once, and only warns when the collector fails", async () => {
		const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response("nope", { status: 503 }));
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const pending: Promise<unknown>[] = [];
		const batch = new SpanBatch("goodfood-api", { OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example" });
		batch.add({ name: "a", kind: "internal", trace: TRACE, startMs: 0, endMs: 1, attributes: {} });
		batch.add({ name: "b", kind: "internal", trace: TRACE, startMs: 0, endMs: 1, attributes: {} });
		batch.flush({ waitUntil: (promise) => pending.push(promise) });
		batch.flush({ waitUntil: (promise) => pending.push(promise) });
		await Promise.all(pending);

		expect(fetch).toHaveBeenCalledTimes(1);
		const [url, init] = fetch.mock.calls[0];
		expect(url).toBe("https://otel.example/v1/traces");
		const sent = JSON.parse(String(init?.body)) as ReturnType<typeof otlpTraceRequest>;
		expect(sent.resourceSpans[0].scopeSpans[0].spans.map((span) => span.name)).toEqual(["a", "b"]);
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({
			level: "warn",
			message: "span export failed",
			error: "collector answered 503",
		});
	});
});

describe("Analytics Engine data points", () => {
	it("lays a request out as the README documents", () => {
		expect(
			requestDataPoint({
				worker: "menu-edge",
				method: "GET",
				route: "/menu",
				status: 200,
				durationMs: 12,
				cacheLayer: "kv",
				location: "london-soho",
				colo: "LHR",
				traceId: TRACE.traceId,
			}),
		).toEqual({
			indexes: ["menu-edge"],
			blobs: ["menu-edge", "GET", "/menu", "kv", "london-soho", "LHR", TRACE.traceId],
			doubles: [200, 12],
		});
		expect(
			requestDataPoint({ worker: "api", method: "POST", route: "/x", status: 500, durationMs: 1, traceId: "t" }).blobs,
		).toEqual(["api", "POST", "/x", "", "", "", "t"]);
	});

	it("lays an order event out as the README documents", () => {
		expect(
			orderEventDataPoint({
				type: "OrderReady",
				locationSlug: "london-soho",
				orderId: "ord_1",
				sequence: 4,
				secondsSincePlaced: 840,
				traceId: TRACE.traceId,
			}),
		).toEqual({
			indexes: ["london-soho"],
			blobs: ["OrderReady", "london-soho", "ord_1", TRACE.traceId],
			doubles: [4, 840],
		});
	});

	it("never lets a failing write escape, and skips a missing binding", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const broken = {
			writeDataPoint: () => {
				throw new Error("too many blobs");
			},
		} as AnalyticsEngineDataset;
		expect(() => writeDataPoint(broken, { blobs: [] })).not.toThrow();
		expect(() => writeDataPoint(undefined, { blobs: [] })).not.toThrow();
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({ message: "metrics write failed" });
	});
});

describe("the receiving side of an RPC call", () => {
	const CALLER = `00-${TRACE.traceId}-${TRACE.spanId}-01`;

	function target(settings = {}) {
		const pending: Promise<unknown>[] = [];
		return {
			pending,
			target: {
				service: "goodfood-api",
				object: "Thing",
				settings,
				ctx: { waitUntil: (p: Promise<unknown>) => pending.push(p) },
			},
		};
	}

	it("logs the call in the caller's trace with its request id and what the result says", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const { target: thing } = target();
		const result = await tracedCall(
			thing,
			"find",
			{ traceparent: CALLER, requestId: "req-9" },
			async (span) => {
				span.log.info("inside");
				return { found: true };
			},
			(answer) => ({ found: answer.found }),
		);
		expect(result).toEqual({ found: true });
		const [inside, call] = log.mock.calls.map(([line]) => JSON.parse(String(line)));
		expect(call).toMatchObject({
			level: "info",
			message: "rpc call",
			traceId: TRACE.traceId,
			requestId: "req-9",
			object: "Thing",
			method: "find",
			found: true,
		});
		expect(call.spanId).not.toBe(TRACE.spanId);
		expect(inside.spanId).toBe(call.spanId);
	});

	it("logs a failure as an error, rethrows it, and exports the span as failed", async () => {
		const error = vi.spyOn(console, "error").mockImplementation(() => {});
		const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(null, { status: 200 }));
		const { target: thing, pending } = target({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example" });

		await expect(
			tracedCall(thing, "explode", { traceparent: CALLER }, async () => {
				throw new Error("kaboom");
			}),
		).rejects.toThrow("kaboom");
		await Promise.all(pending);

		expect(JSON.parse(String(error.mock.calls[0][0]))).toMatchObject({
			level: "error",
			message: "rpc call",
			method: "explode",
			error: "kaboom",
		});
		const sent = JSON.parse(String(fetch.mock.calls[0][1]?.body)) as ReturnType<typeof otlpTraceRequest>;
		expect(sent.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({
			name: "Thing.explode",
			traceId: TRACE.traceId,
			parentSpanId: TRACE.spanId,
			status: { code: 2, message: "kaboom" },
		});
	});
});

describe("structured logs", () => {
	it("puts level and message first, then the trace, then the fields, at the console method of the level", () => {
		const calls: [string, string][] = [];
		for (const method of ["log", "warn", "error", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((line: string) => calls.push([method, line]));
		}
		const log = spanLogger(TRACE, "req-1").with({ orderId: "ord_1" });
		log.info("hello", { n: 1 });
		log.warn("careful");
		log.error("broken");
		log.debug("detail");
		logger({}).info("bare");

		expect(calls.map(([method]) => method)).toEqual(["log", "warn", "error", "debug", "log"]);
		expect(calls[0][1]).toBe(
			`{"level":"info","message":"hello","traceId":"${TRACE.traceId}","spanId":"${TRACE.spanId}","requestId":"req-1","orderId":"ord_1","n":1}`,
		);
		expect(calls[4][1]).toBe('{"level":"info","message":"bare"}');
	});

	it("spells out an error with its causes", () => {
		expect(errorText(new Error("outer", { cause: new Error("inner") }))).toBe("outer: inner");
		expect(errorText("plain")).toBe("plain");
	});
});
