/**
 * Workers Analytics Engine data points: one per request in `goodfood_requests`
 * (both workers) and one per order event in `goodfood_order_events`. The
 * layouts below are the contract docs/operations.md documents and dashboards query
 * (`blob1`… and `double1`… by position), so fields are only ever appended.
 */
import { writeLog } from "./log";

export type WorkerName = "api" | "menu-edge";

export interface RequestMetric {
	worker: WorkerName;
	method: string;
	/** The route pattern, never the raw path: paths hold cart ids, which are secrets. */
	route: string;
	status: number;
	durationMs: number;
	/** Which menu cache layer answered (`memory`, `cache`, `kv`, `origin`); empty for other requests. */
	cacheLayer?: string;
	/** The GoodFood location the request was about, when it named one. */
	location?: string;
	/** The Cloudflare data centre that served it (`request.cf.colo`). */
	colo?: string;
	traceId: string;
	/** The Worker version that answered (`CF_VERSION_METADATA.id`), so a gradual rollout's gates can compare versions. */
	versionId?: string;
}

export interface OrderEventMetric {
	type: string;
	locationSlug: string;
	orderId: string;
	sequence: number;
	/** Seconds from OrderPlaced to this event: 0 for the placement, placed-to-ready for OrderReady. */
	secondsSincePlaced: number;
	/** Seconds from the event's occurrence to its projection into D1: the projection-lag objective's measure. */
	projectionLagSeconds: number;
	traceId: string;
}

/**
 * `index1` worker · `blob1` worker, `blob2` method, `blob3` route, `blob4` cache
 * layer, `blob5` location, `blob6` colo, `blob7` trace id, `blob8` Worker version
 * id · `double1` status, `double2` latency in ms.
 */
export function requestDataPoint(metric: RequestMetric): AnalyticsEngineDataPoint {
	return {
		indexes: [metric.worker],
		blobs: [
			metric.worker,
			metric.method,
			metric.route,
			metric.cacheLayer ?? "",
			metric.location ?? "",
			metric.colo ?? "",
			metric.traceId,
			metric.versionId ?? "",
		],
		doubles: [metric.status, metric.durationMs],
	};
}

/**
 * `index1` location · `blob1` event type, `blob2` location, `blob3` order id,
 * `blob4` trace id · `double1` sequence, `double2` seconds since placed,
 * `double3` projection lag in seconds.
 */
export function orderEventDataPoint(metric: OrderEventMetric): AnalyticsEngineDataPoint {
	return {
		indexes: [metric.locationSlug],
		blobs: [metric.type, metric.locationSlug, metric.orderId, metric.traceId],
		doubles: [metric.sequence, metric.secondsSincePlaced, metric.projectionLagSeconds],
	};
}

export interface OutboxDeadLetterMetric {
	eventType: string;
	orderId: string;
	sequence: number;
	attempts: number;
	traceId: string;
}

/**
 * An event the outbox gave up sending, in the order-events dataset: `index1`
 * `outbox` · `blob1` `outbox_dead_lettered`, `blob2` event type, `blob3` order id,
 * `blob4` trace id · `double1` sequence, `double2` attempts.
 */
export function outboxDeadLetterDataPoint(metric: OutboxDeadLetterMetric): AnalyticsEngineDataPoint {
	return {
		indexes: ["outbox"],
		blobs: ["outbox_dead_lettered", metric.eventType, metric.orderId, metric.traceId],
		doubles: [metric.sequence, metric.attempts],
	};
}

export interface OutboxStaleMetric {
	eventType: string;
	orderId: string;
	sequence: number;
	/** Seconds since the event happened, still unsent. */
	ageSeconds: number;
	traceId: string;
}

/**
 * A send that failed again for an event already older than the outbox's
 * alert age (the watch alerts on any), in the order-events dataset: `index1`
 * `outbox` · `blob1` `outbox_stale`, `blob2` event type, `blob3` order id,
 * `blob4` trace id · `double1` sequence, `double2` age in seconds.
 */
export function outboxStaleDataPoint(metric: OutboxStaleMetric): AnalyticsEngineDataPoint {
	return {
		indexes: ["outbox"],
		blobs: ["outbox_stale", metric.eventType, metric.orderId, metric.traceId],
		doubles: [metric.sequence, metric.ageSeconds],
	};
}

export type ReconciliationOutcome = "resent" | "gave_up";

export interface ReconciliationMetric {
	/** `resent`: sent again after its grace period; `gave_up`: out of resends, handed to the dead-letter queue. */
	outcome: ReconciliationOutcome;
	eventType: string;
	orderId: string;
	sequence: number;
	/** Resends so far, this one included. */
	resends: number;
	/** What was not confirmed: `projection`, `email`, `webhook:<id>`, comma-separated. */
	missing: string;
	traceId: string;
}

/**
 * One repair by the outbox's reconciliation sweep, in the order-events
 * dataset: `index1` `outbox` · `blob1` `outbox_resent` or `outbox_reconcile_gave_up`,
 * `blob2` event type, `blob3` order id, `blob4` trace id, `blob5` what was
 * missing · `double1` sequence, `double2` resends.
 */
export function reconciliationDataPoint(metric: ReconciliationMetric): AnalyticsEngineDataPoint {
	return {
		indexes: ["outbox"],
		blobs: [
			metric.outcome === "resent" ? "outbox_resent" : "outbox_reconcile_gave_up",
			metric.eventType,
			metric.orderId,
			metric.traceId,
			metric.missing,
		],
		doubles: [metric.sequence, metric.resends],
	};
}

export interface PaymentJobMetric {
	/** `payment_capture_failing`, `payment_void_failing` or `payment_refund_failing`: a provider call that keeps failing. */
	name: string;
	orderId: string;
	attempts: number;
	amount: number;
	error: string;
}

/**
 * A provider call (capture, void, refund) that failed past its alert
 * threshold, in the order-events dataset: `index1` `payments` · `blob1` name,
 * `blob2` order id, `blob3` last error · `double1` attempts, `double2` amount (minor units).
 */
export function paymentJobDataPoint(metric: PaymentJobMetric): AnalyticsEngineDataPoint {
	return {
		indexes: ["payments"],
		blobs: [metric.name, metric.orderId, metric.error],
		doubles: [metric.attempts, metric.amount],
	};
}

/** Writes a point; metrics are never worth failing a request or an event for, so a failure is only logged. */
export function writeDataPoint(dataset: AnalyticsEngineDataset | undefined, point: AnalyticsEngineDataPoint): void {
	if (!dataset) return;
	try {
		dataset.writeDataPoint(point);
	} catch (error) {
		writeLog("warn", "metrics write failed", { error: error instanceof Error ? error.message : String(error) });
	}
}
