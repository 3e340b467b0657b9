/** W3C trace context: what a `traceparent` must look like, and how spans continue a trace. */

import {
	childSpan,
	continueTrace,
	formatTraceparent,
	newSpanId,
	newTraceId,
	parseTraceparent,
} from "@goodfood/platform/trace";
import { describe, expect, it } from "vitest";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";
const VALID = `00-${TRACE_ID}-${SPAN_ID}-01`;

describe("parseTraceparent", () => {
	it("reads the trace id, the caller's span id and the flags", () => {
		expect(parseTraceparent(VALID)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, flags: "01" });
		expect(parseTraceparent(`  ${VALID.replace(/01$/, "00")} `)).toEqual({
			traceId: TRACE_ID,
			spanId: SPAN_ID,
			flags: "00",
		});
	});

	it("accepts a later version with fields appended, and ignores them", () => {
		expect(parseTraceparent(`cc-${TRACE_ID}-${SPAN_ID}-01-what-comes-next`)).toEqual({
			traceId: TRACE_ID,
			spanId: SPAN_ID,
			flags: "01",
		});
	});

	it.each([
		["absent", undefined],
		["empty", ""],
		["upper-case hex", VALID.toUpperCase()],
		["an all-zero trace id", `00-${"0".repeat(32)}-${SPAN_ID}-01`],
		["an all-zero span id", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
		["version ff", `ff-${TRACE_ID}-${SPAN_ID}-01`],
		["version 00 with extra fields", `${VALID}-extra`],
		["a short trace id", `00-${TRACE_ID.slice(1)}-${SPAN_ID}-01`],
		["a long span id", `00-${TRACE_ID}-${SPAN_ID}0-01`],
		["missing flags", `00-${TRACE_ID}-${SPAN_ID}`],
		["non-hex characters", `00-${TRACE_ID.replace("4", "g")}-${SPAN_ID}-01`],
	])("refuses %s", (_, header) => {
		expect(parseTraceparent(header)).toBeUndefined();
	});
});

describe("continueTrace", () => {
	it("makes a child of the caller's span in the caller's trace, keeping its flags", () => {
		const span = continueTrace(VALID.replace(/01$/, "00"));
		expect(span).toMatchObject({ traceId: TRACE_ID, parentSpanId: SPAN_ID, flags: "00" });
		expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
		expect(span.spanId).not.toBe(SPAN_ID);
	});

	it("starts a new sampled trace when there is no valid caller", () => {
		const first = continueTrace(undefined);
		const second = continueTrace("garbage");
		expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
		expect(first.parentSpanId).toBeUndefined();
		expect(first.flags).toBe("01");
		expect(second.traceId).not.toBe(first.traceId);
	});

	it("round-trips through the header a callee receives", () => {
		const span = continueTrace(VALID);
		const header = formatTraceparent(span);
		expect(header).toBe(`00-${TRACE_ID}-${span.spanId}-01`);
		expect(continueTrace(header)).toMatchObject({ traceId: TRACE_ID, parentSpanId: span.spanId });
	});
});

describe("span ids", () => {
	it("gives a child a new span id under its parent", () => {
		const parent = continueTrace(VALID);
		const child = childSpan(parent);
		expect(child).toMatchObject({ traceId: parent.traceId, parentSpanId: parent.spanId, flags: parent.flags });
		expect(child.spanId).not.toBe(parent.spanId);
	});

	it("makes ids of the right length that are not repeated", () => {
		const spans = new Set(Array.from({ length: 200 }, () => newSpanId()));
		const traces = new Set(Array.from({ length: 200 }, () => newTraceId()));
		expect(spans.size).toBe(200);
		expect(traces.size).toBe(200);
		for (const id of spans) expect(id).toMatch(/^[0-9a-f]{16}$/);
		for (const id of traces) expect(id).toMatch(/^[0-9a-f]{32}$/);
	});
});
