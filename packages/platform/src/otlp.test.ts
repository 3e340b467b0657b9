/** The OTLP/JSON export: its settings, the trace request it posts, and the batch that posts it. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { otlpTarget, otlpTraceRequest, SpanBatch } from "./otlp";
import { SAMPLE_TRACE } from "./trace-fixture";

const TRACE = SAMPLE_TRACE;

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
