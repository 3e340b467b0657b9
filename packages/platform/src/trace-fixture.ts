/** A sample W3C trace context for tests: the spec's own example ids, with a parent span. Never imported by production code. */
import type { TraceContext } from "./trace";

export const SAMPLE_TRACE: TraceContext = {
	traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
	spanId: "b7ad6b7169203331",
	parentSpanId: "00f067aa0ba902b7",
	flags: "01",
};
