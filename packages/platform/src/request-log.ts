/**
 * Request telemetry for both workers: the request's span, continued from the
 * caller's `traceparent` or started here; then, once the response is ready,
 * one structured log line, one Analytics Engine data point, and the span
 * exported when OTLP export is configured.
 */
import type { Context, Env as HonoEnv } from "hono";
import { createMiddleware } from "hono/factory";
import { matchedRoutes } from "hono/route";
import { type LogFields, type Logger, logger, spanLogger } from "./log";
import { requestDataPoint, type WorkerName, writeDataPoint } from "./metrics";
import { exportSpan, spanExportEnabled, type TelemetrySettings, type WaitUntil } from "./otlp";
import { type CallContext, continueTrace, formatTraceparent, TRACEPARENT_HEADER, type TraceContext } from "./trace";

/** What request telemetry needs from a worker's app: its settings and metrics binding, the request id and the span. */
export interface TracedEnv extends HonoEnv {
	Bindings: TelemetrySettings & {
		REQUEST_METRICS?: AnalyticsEngineDataset;
		/** The Worker version serving this request: the release pipeline's health gates read each version apart. */
		CF_VERSION_METADATA?: WorkerVersionMetadata;
	};
	Variables: { requestId: string; trace: TraceContext };
}

const SERVICE_NAMES: Record<WorkerName, string> = { api: "goodfood-api", "menu-edge": "goodfood-menu-edge" };

/**
 * The route pattern that answered (`/api/v1/carts/:cartId`), so logs group by
 * route and never hold the ids in the path (a cart id is its secret); the raw
 * path only when no route matched. The handler that answered wins, a
 * catch-all (`.all("*", (c) => …)`, the edge's relay) included; when a
 * middleware answered (401, 429), the route the request was headed for.
 */
function routeOf(c: Context): string {
	const routes = matchedRoutes(c);
	const answered = routes[c.req.routeIndex];
	// Middleware takes `next`; a handler does not.
	if (answered && (answered.method !== "ALL" || answered.handler.length < 2)) return answered.path;
	return routes.findLast((route) => route.method !== "ALL")?.path ?? c.req.path;
}

/** The GoodFood location a request was about: as the edge answered it, else a `:slug` path parameter or `?location=`. */
function locationOf(c: Context): string | undefined {
	const params = c.req.param() as Record<string, string | undefined>;
	return c.res.headers.get("x-menu-location") ?? params.slug ?? c.req.query("location") ?? undefined;
}

function executionContextOf(c: Context): WaitUntil | undefined {
	try {
		return c.executionCtx;
	} catch {
		// A handler called directly (app.request in tests) has no execution context.
		return undefined;
	}
}

let isolateColo: string | undefined;

/**
 * The data centre serving the request (`request.cf.colo`). An isolate runs in
 * one data centre, and the runtime builds `request.cf` anew on each access
 * (about a tenth of a menu memory hit's CPU in a profile), so it is read once.
 */
export function coloOf(request: Request): string | undefined {
	isolateColo ??= (request.cf as { colo?: string } | undefined)?.colo;
	return isolateColo;
}

/** How a worker tunes its request telemetry. */
export interface RequestLogOptions<E extends TracedEnv> {
	/** Worker-specific fields for the log line (the api worker's principal). */
	extraFields?: (c: Context<E>) => LogFields;
	/**
	 * Successful requests on a hot path (the edge's memory hits) that are logged
	 * only one time in `ROUTINE_LOG_SAMPLE`; every request still gets its data
	 * point, so counts and latencies stay complete. Errors are always logged.
	 */
	isRoutine?: (c: Context<E>) => boolean;
}

/** One routine request in this many gets a log line; the line says so in `sampled`. */
export const ROUTINE_LOG_SAMPLE = 100;

/** One answered request, as its log line, data point and span record it. */
export interface AnsweredRequest {
	method: string;
	route: string;
	status: number;
	startedMs: number;
	endedMs: number;
	requestId: string;
	trace: TraceContext;
	cacheLayer?: string;
	location?: string;
	colo?: string;
	/** A successful request on a hot path: logged one time in `ROUTINE_LOG_SAMPLE`. */
	routine?: boolean;
	extraFields?: () => LogFields;
}

/**
 * Writes a request's telemetry: its log line (sampled when routine), its
 * Analytics Engine point (always) and its span (only when OTLP export is on,
 * so the attributes are not built otherwise). Shared by the middleware and
 * the edge's memory hit, which answers before any middleware runs.
 */
export function recordRequest(
	worker: WorkerName,
	env: TracedEnv["Bindings"],
	ctx: WaitUntil | undefined,
	request: AnsweredRequest,
): void {
	const { method, route, status, trace, requestId, cacheLayer, location } = request;
	const durationMs = request.endedMs - request.startedMs;
	const routine = status < 400 && request.routine === true;
	if (!routine || Math.random() * ROUTINE_LOG_SAMPLE < 1) {
		spanLogger(trace, requestId)[status >= 500 ? "error" : "info"]("request", {
			worker,
			method,
			path: route,
			status,
			durationMs,
			...(cacheLayer ? { cacheLayer } : {}),
			...(routine ? { sampled: ROUTINE_LOG_SAMPLE } : {}),
			...request.extraFields?.(),
		});
	}
	writeDataPoint(
		env.REQUEST_METRICS,
		requestDataPoint({
			worker,
			method,
			route,
			status,
			durationMs,
			cacheLayer,
			location,
			colo: request.colo,
			traceId: trace.traceId,
			versionId: env.CF_VERSION_METADATA?.id,
		}),
	);
	if (!spanExportEnabled(env)) return;
	exportSpan(SERVICE_NAMES[worker], env, ctx, {
		name: `${method} ${route}`,
		kind: "server",
		trace,
		startMs: request.startedMs,
		endMs: request.endedMs,
		attributes: {
			"http.request.method": method,
			"http.route": route,
			"http.response.status_code": status,
			"goodfood.request_id": requestId,
			"goodfood.cache_layer": cacheLayer,
			"goodfood.location": location,
		},
		error: status >= 500 ? `answered ${status}` : undefined,
	});
}

/** The request telemetry middleware for `worker`; mount it right after the request id. */
export function requestLog<E extends TracedEnv>(
	worker: WorkerName,
	{ extraFields, isRoutine }: RequestLogOptions<E> = {},
) {
	return createMiddleware<E>(async (c, next) => {
		const trace = continueTrace(c.req.header(TRACEPARENT_HEADER));
		c.set("trace", trace);
		// Workers' clock moves only across I/O: this is the time spent waiting, not CPU time.
		const startedMs = Date.now();
		await next();
		const status = c.res.status;
		recordRequest(worker, c.env, executionContextOf(c), {
			method: c.req.method,
			route: routeOf(c),
			status,
			startedMs,
			endedMs: Date.now(),
			requestId: c.get("requestId"),
			trace,
			cacheLayer: c.res.headers.get("x-cache-layer") ?? undefined,
			location: locationOf(c),
			colo: coloOf(c.req.raw),
			routine: status < 400 && isRoutine?.(c) === true,
			extraFields: extraFields && (() => extraFields(c)),
		});
	});
}

/** The request's span and id, for a call into a Durable Object or another worker. */
export function callContext(c: { var: TracedEnv["Variables"] }): Required<CallContext> {
	return { traceparent: formatTraceparent(c.var.trace), requestId: c.var.requestId };
}

/**
 * A logger for this request: its trace, span and request id. Safe before the
 * telemetry middleware has run (an error thrown earlier), when only the id is known.
 */
export function requestLogger(c: Context): Logger {
	const trace = c.get("trace") as TraceContext | undefined;
	const requestId = (c.get("requestId") as string | undefined) ?? c.req.header("x-request-id");
	return trace ? spanLogger(trace, requestId) : logger(requestId ? { requestId } : {});
}
