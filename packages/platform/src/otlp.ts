/**
 * Span export over OTLP/HTTP with JSON bodies, to the collector named by
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (the standard OpenTelemetry variable), with
 * `OTEL_EXPORTER_OTLP_HEADERS` (a secret, e.g. an API key) on every post.
 * Without an endpoint nothing is recorded or sent. Each invocation sends its
 * spans in one post after the response, through `waitUntil`, so export never
 * adds latency and a collector outage only costs a warning.
 */
import { writeLog } from "./log";
import type { TraceContext } from "./trace";

export type SpanKind = "internal" | "server" | "client" | "producer" | "consumer";
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

/** One finished unit of work. Times are Workers' clock, which only moves across I/O. */
export interface SpanRecord {
	name: string;
	kind: SpanKind;
	trace: TraceContext;
	startMs: number;
	endMs: number;
	attributes: SpanAttributes;
	/** Set when the work failed; the span's status is then ERROR. */
	error?: string;
}

/** The telemetry settings a worker reads from its environment. */
export interface TelemetrySettings {
	OTEL_EXPORTER_OTLP_ENDPOINT?: string;
	OTEL_EXPORTER_OTLP_HEADERS?: string;
	ENVIRONMENT?: string;
}

export interface OtlpTarget {
	url: string;
	headers: Record<string, string>;
}

/** Something that keeps the invocation alive for work after the response. */
export interface WaitUntil {
	waitUntil(promise: Promise<unknown>): void;
}

const KIND_CODES: Record<SpanKind, number> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS_OK = 1;
const STATUS_ERROR = 2;
const EXPORT_TIMEOUT_MS = 5_000;

/**
 * Where to post spans, or undefined when export is off. The endpoint is the
 * collector's base URL; `/v1/traces` is appended unless it is already there.
 */
export function otlpTarget(settings: TelemetrySettings): OtlpTarget | undefined {
	const endpoint = settings.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
	if (!endpoint) return undefined;
	const url = endpoint.replace(/\/+$/, "").endsWith("/v1/traces")
		? endpoint
		: `${endpoint.replace(/\/+$/, "")}/v1/traces`;
	return { url, headers: otlpHeaders(settings.OTEL_EXPORTER_OTLP_HEADERS ?? "") };
}

/**
 * Whether spans are exported at all: asked on every request, so the request's
 * span attributes are built only when they will be sent.
 */
export function spanExportEnabled(settings: TelemetrySettings): boolean {
	return Boolean(settings.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/** Header settings already warned about, so a bad one costs one log line per isolate, not one per request. */
const warnedHeaderSettings = new Set<string>();

function decodedOrUndefined(text: string): string | undefined {
	try {
		return decodeURIComponent(text.trim());
	} catch {
		return undefined;
	}
}

/**
 * `key=value,key=value`, each part percent-encoded. A pair that does not decode
 * (a stray `%`) is left out with a warning rather than thrown: the setting is
 * read on every request, and a throw would fail them all. The warning names the
 * pair's position only, as the values are secrets.
 */
function otlpHeaders(setting: string): Record<string, string> {
	const headers: Record<string, string> = { "content-type": "application/json" };
	const skipped: number[] = [];
	setting.split(",").forEach((pair, position) => {
		const at = pair.indexOf("=");
		if (at <= 0) return;
		const name = decodedOrUndefined(pair.slice(0, at));
		const value = decodedOrUndefined(pair.slice(at + 1));
		if (name === undefined || value === undefined) {
			skipped.push(position + 1);
			return;
		}
		headers[name.toLowerCase()] = value;
	});
	if (skipped.length > 0 && !warnedHeaderSettings.has(setting)) {
		warnedHeaderSettings.add(setting);
		writeLog("warn", "OTEL_EXPORTER_OTLP_HEADERS has pairs that are not valid percent-encoding; they are not sent", {
			skippedPairs: skipped,
		});
	}
	return headers;
}

function attributeValue(value: string | number | boolean) {
	if (typeof value === "string") return { stringValue: value };
	if (typeof value === "boolean") return { boolValue: value };
	return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
}

function attributes(values: SpanAttributes) {
	return Object.entries(values)
		.filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
		.map(([key, value]) => ({ key, value: attributeValue(value) }));
}

function unixNanos(ms: number): string {
	return `${BigInt(Math.round(ms)) * 1_000_000n}`;
}

/** The OTLP/JSON `ExportTraceServiceRequest` for one service's spans; ids stay hex, as OTLP/JSON requires. */
export function otlpTraceRequest(service: string, environment: string | undefined, spans: SpanRecord[]) {
	return {
		resourceSpans: [
			{
				resource: {
					attributes: attributes({ "service.name": service, "deployment.environment.name": environment }),
				},
				scopeSpans: [
					{
						scope: { name: "goodfood" },
						spans: spans.map((span) => ({
							traceId: span.trace.traceId,
							spanId: span.trace.spanId,
							...(span.trace.parentSpanId ? { parentSpanId: span.trace.parentSpanId } : {}),
							flags: Number.parseInt(span.trace.flags, 16),
							name: span.name,
							kind: KIND_CODES[span.kind],
							startTimeUnixNano: unixNanos(span.startMs),
							endTimeUnixNano: unixNanos(Math.max(span.endMs, span.startMs)),
							attributes: attributes(span.attributes),
							status: span.error ? { code: STATUS_ERROR, message: span.error } : { code: STATUS_OK },
						})),
					},
				],
			},
		],
	};
}

async function post(target: OtlpTarget, body: unknown): Promise<void> {
	try {
		const response = await fetch(target.url, {
			method: "POST",
			headers: target.headers,
			body: JSON.stringify(body),
			signal: AbortSignal.timeout(EXPORT_TIMEOUT_MS),
		});
		if (!response.ok) throw new Error(`collector answered ${response.status}`);
		await response.body?.cancel();
	} catch (error) {
		writeLog("warn", "span export failed", { error: error instanceof Error ? error.message : String(error) });
	}
}

/**
 * Collects the spans of one invocation (a request, an RPC call, a queue
 * batch) and sends them once, when export is configured.
 */
export class SpanBatch {
	private readonly spans: SpanRecord[] = [];
	private readonly target: OtlpTarget | undefined;

	constructor(
		private readonly service: string,
		private readonly settings: TelemetrySettings,
	) {
		this.target = otlpTarget(settings);
	}

	/** Whether spans are wanted at all; callers may skip building attributes when not. */
	get enabled(): boolean {
		return this.target !== undefined;
	}

	add(span: SpanRecord): void {
		if (this.target) this.spans.push(span);
	}

	/** Posts the collected spans after the response; without `ctx` (tests calling a handler directly) nothing is sent. */
	flush(ctx: WaitUntil | undefined): void {
		if (!this.target || !ctx || this.spans.length === 0) return;
		const body = otlpTraceRequest(this.service, this.settings.ENVIRONMENT, this.spans.splice(0));
		ctx.waitUntil(post(this.target, body));
	}
}

/** Records and sends a single span, for invocations that are one unit of work. */
export function exportSpan(
	service: string,
	settings: TelemetrySettings,
	ctx: WaitUntil | undefined,
	span: SpanRecord,
): void {
	const batch = new SpanBatch(service, settings);
	batch.add(span);
	batch.flush(ctx);
}
