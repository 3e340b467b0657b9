/**
 * W3C Trace Context (`traceparent: 00-<trace-id>-<parent-id>-<flags>`), so one
 * order can be followed from the customer's click through the edge, the api
 * worker, its Durable Objects and the queue consumers. Pure: no runtime, no I/O.
 */
import { randomHex } from "./crypto";

/** Where one unit of work sits in a trace: this span, and the span that caused it. */
export interface TraceContext {
	/** 32 lower-case hex digits, shared by every span of the trace. */
	traceId: string;
	/** 16 lower-case hex digits naming this unit of work. */
	spanId: string;
	/** The caller's span, absent at the root of a trace. */
	parentSpanId?: string;
	/** The trace-flags byte as two hex digits; `01` means sampled. */
	flags: string;
}

/**
 * What a caller hands across a service-binding, RPC or queue boundary so the
 * callee's logs and spans join the caller's trace.
 */
export interface CallContext {
	traceparent?: string;
	requestId?: string;
}

export const TRACEPARENT_HEADER = "traceparent";
export const TRACESTATE_HEADER = "tracestate";

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);

/** A fresh span id; never all zeros, which the spec reserves for "invalid". */
export function newSpanId(): string {
	const id = randomHex(8);
	return id === ZERO_SPAN_ID ? newSpanId() : id;
}

export function newTraceId(): string {
	const id = randomHex(16);
	return id === ZERO_TRACE_ID ? newTraceId() : id;
}

/** A new trace's root span; both ids from one draw of random bytes, as every request without a caller's trace makes one. */
function newRootSpan(): TraceContext {
	const hex = randomHex(24);
	const traceId = hex.slice(0, 32);
	const spanId = hex.slice(32);
	if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return newRootSpan();
	return { traceId, spanId, flags: "01" };
}

/**
 * The caller's span from a `traceparent` value, or undefined when it is absent
 * or invalid (the receiver then starts a new trace, as the spec asks). Version
 * `ff` is invalid; a later version than 00 may append fields, which are ignored.
 */
export function parseTraceparent(
	header: string | null | undefined,
): { traceId: string; spanId: string; flags: string } | undefined {
	const match = header ? TRACEPARENT.exec(header.trim()) : null;
	if (!match) return undefined;
	const [, version, traceId, spanId, flags, rest] = match;
	if (version === "ff" || (version === "00" && rest !== undefined)) return undefined;
	if (traceId === ZERO_TRACE_ID || spanId === ZERO_SPAN_ID) return undefined;
	return { traceId, spanId, flags };
}

export function formatTraceparent(trace: TraceContext): string {
	return `00-${trace.traceId}-${trace.spanId}-${trace.flags}`;
}

/**
 * The span for work caused by a `traceparent` from a caller: a child of the
 * caller's span in the same trace, or the root of a new, sampled trace when
 * there is no valid caller.
 */
export function continueTrace(traceparent: string | null | undefined): TraceContext {
	const parent = parseTraceparent(traceparent);
	if (!parent) return newRootSpan();
	return { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.spanId, flags: parent.flags };
}

/** A span for a piece of work inside `parent`: same trace, a new span id. */
export function childSpan(parent: TraceContext): TraceContext {
	return { traceId: parent.traceId, spanId: newSpanId(), parentSpanId: parent.spanId, flags: parent.flags };
}

/** The fields every log line carries, so a log search by trace id finds the whole journey. */
export function traceFields(trace: TraceContext): { traceId: string; spanId: string } {
	return { traceId: trace.traceId, spanId: trace.spanId };
}
