/**
 * The edge's operations surface in front of the real api worker: the trace it
 * hands on over the service binding and the menu origin's RPC, the Analytics
 * Engine point per request, and /ready failing when a binding is broken.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CallContext } from "@goodfood/platform/trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { menuKeys } from "../../api/src/menu/contract";
import edge, { clearIsolateMemory } from "../src/index";

const CLIENT_TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const CLIENT_TRACEPARENT = `00-${CLIENT_TRACE_ID}-00f067aa0ba902b7-01`;

interface LogLine {
	message: string;
	traceId?: string;
	spanId?: string;
	requestId?: string;
	[field: string]: unknown;
}

beforeEach(() => clearIsolateMemory());
afterEach(() => {
	vi.restoreAllMocks();
});

function captureLogs(): LogLine[] {
	const lines: LogLine[] = [];
	vi.spyOn(console, "log").mockImplementation((line: unknown) => {
		if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line) as LogLine);
	});
	return lines;
}

function recordingDataset() {
	const points: AnalyticsEngineDataPoint[] = [];
	const binding = { writeDataPoint: (point: AnalyticsEngineDataPoint) => void points.push(point) };
	return { points, binding: binding as AnalyticsEngineDataset };
}

async function edgeFetch(path: string, init: RequestInit, bindings: Partial<EdgeEnv>): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await edge.fetch(new Request(`https://goodfood.test${path}`, init), { ...env, ...bindings }, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

describe("trace context", () => {
	it("relays an API call with a traceparent naming the edge's span in the client's trace", async () => {
		const lines = captureLogs();
		const relayed: Request[] = [];
		const api = {
			fetch: (request: Request) => {
				relayed.push(request);
				return env.API.fetch(request);
			},
		};

		const response = await edgeFetch(
			"/api/v1/locations/london-soho",
			{ headers: { traceparent: CLIENT_TRACEPARENT, tracestate: "vendor=1" } },
			{ API: api as unknown as EdgeEnv["API"] },
		);

		expect(response.status).toBe(200);
		const edgeLine = lines.find((line) => line.message === "request" && line.traceId === CLIENT_TRACE_ID);
		expect(edgeLine?.spanId).toMatch(/^[0-9a-f]{16}$/);
		expect(relayed[0].headers.get("traceparent")).toBe(`00-${CLIENT_TRACE_ID}-${edgeLine?.spanId}-01`);
		expect(relayed[0].headers.get("tracestate")).toBe("vendor=1");
		expect(relayed[0].headers.get("x-request-id")).toBe(edgeLine?.requestId);
	});

	it("passes the trace and request id to the menu origin on a miss", async () => {
		const lines = captureLogs();
		await env.MENU_KV.delete(menuKeys.current("london-soho"));
		const calls: CallContext[] = [];
		const origin = {
			menuDocument: (slug: string, call: CallContext) => {
				calls.push(call);
				return env.MENU_ORIGIN.menuDocument(slug, call);
			},
			locationIndex: (call: CallContext) => env.MENU_ORIGIN.locationIndex(call),
		};

		const response = await edgeFetch(
			"/menu?location=london-soho",
			{ headers: { traceparent: CLIENT_TRACEPARENT } },
			{ MENU_ORIGIN: origin as unknown as EdgeEnv["MENU_ORIGIN"] },
		);

		expect(response.headers.get("x-cache-layer")).toBe("origin");
		const edgeLine = lines.find((line) => line.message === "request" && line.traceId === CLIENT_TRACE_ID);
		expect(calls).toEqual([
			{ traceparent: `00-${CLIENT_TRACE_ID}-${edgeLine?.spanId}-01`, requestId: edgeLine?.requestId },
		]);
	});
});

describe("Analytics Engine", () => {
	it("writes a point per request with the cache layer and location that answered", async () => {
		captureLogs();
		const metrics = recordingDataset();
		await edgeFetch("/menu?location=london-soho", {}, { REQUEST_METRICS: metrics.binding });
		await edgeFetch("/menu?location=london-soho", {}, { REQUEST_METRICS: metrics.binding });
		await edgeFetch("/api/v1/locations", {}, { REQUEST_METRICS: metrics.binding });

		expect(metrics.points).toHaveLength(3);
		const [first, second, relayed] = metrics.points;
		expect(first.indexes).toEqual(["menu-edge"]);
		expect(first.blobs?.slice(0, 5)).toEqual([
			"menu-edge",
			"GET",
			"/menu",
			expect.stringMatching(/^(cache|kv|origin)$/),
			"london-soho",
		]);
		expect(second.blobs?.slice(3, 5)).toEqual(["memory", "london-soho"]);
		expect(second.doubles).toEqual([200, expect.any(Number)]);
		expect(relayed.blobs?.slice(0, 5)).toEqual(["menu-edge", "GET", "/*", "", ""]);
	});
});

describe("readiness", () => {
	interface ReadyBody {
		status: string;
		checks: Record<string, { ok: boolean; error?: string }>;
	}

	it("answers 503 naming KV when the edge's KV binding is broken", async () => {
		captureLogs();
		const brokenKv = { get: () => Promise.reject(new Error("KV is down")) } as unknown as KVNamespace;
		const response = await edgeFetch("/ready", {}, { MENU_KV: brokenKv });
		expect(response.status).toBe(503);
		const body = (await response.json()) as ReadyBody;
		expect(body.checks.kv).toMatchObject({ ok: false, error: "KV is down" });
		expect(body.checks.api.ok).toBe(true);
	});

	it("answers 503 when the api worker is not ready or not there", async () => {
		captureLogs();
		const notReady = { fetch: async () => Response.json({ status: "unavailable" }, { status: 503 }) };
		const unready = await edgeFetch("/ready", {}, { API: notReady as unknown as EdgeEnv["API"] });
		expect(unready.status).toBe(503);
		expect(((await unready.json()) as ReadyBody).checks.api).toMatchObject({
			ok: false,
			error: "api worker answered 503",
		});

		const gone = { fetch: () => Promise.reject(new Error("service binding not found")) };
		expect((await edgeFetch("/ready", {}, { API: gone as unknown as EdgeEnv["API"] })).status).toBe(503);
	});
});
