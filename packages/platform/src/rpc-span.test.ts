/** The receiving side of an RPC call: a span in the caller's trace, logged and exported. */
import { afterEach, describe, expect, it, vi } from "vitest";
import type { otlpTraceRequest } from "./otlp";
import { tracedCall } from "./rpc-span";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "b7ad6b7169203331";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("the receiving side of an RPC call", () => {
	const CALLER = `00-${TRACE_ID}-${SPAN_ID}-01`;

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
			traceId: TRACE_ID,
			requestId: "req-9",
			object: "Thing",
			method: "find",
			found: true,
		});
		expect(call.spanId).not.toBe(SPAN_ID);
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
			traceId: TRACE_ID,
			parentSpanId: SPAN_ID,
			status: { code: 2, message: "kaboom" },
		});
	});

	it("logs a routine call only when its result says something, and exports its span either way", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		const fetch = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(null, { status: 200 }));
		const { target: thing, pending } = target({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel.example" });
		const refusal = (answer: { refused?: string }) => (answer.refused ? { refused: answer.refused } : {});

		await tracedCall(thing, "addLine", { traceparent: CALLER }, async () => ({}), refusal, { routine: true });
		expect(log).not.toHaveBeenCalled();
		await tracedCall(thing, "addLine", { traceparent: CALLER }, async () => ({ refused: "item_sold_out" }), refusal, {
			routine: true,
		});
		expect(log.mock.calls.map(([line]) => JSON.parse(String(line)))).toEqual([
			expect.objectContaining({ message: "rpc call", method: "addLine", refused: "item_sold_out" }),
		]);
		await Promise.all(pending);
		expect(fetch).toHaveBeenCalledTimes(2);
	});

	it("builds and sends no span when export is off", async () => {
		vi.spyOn(console, "log").mockImplementation(() => {});
		const fetch = vi.spyOn(globalThis, "fetch");
		const { target: thing, pending } = target();
		await tracedCall(thing, "find", { traceparent: CALLER }, async () => "found");
		expect(pending).toEqual([]);
		expect(fetch).not.toHaveBeenCalled();
	});
});
