/**
 * Every alert the watch raises: its id (the `alert` of `alert_incidents`),
 * how urgent it is, what to look at first, and the subsection of
 * docs/operations.md "Alerts" that says what it means and what to do. The
 * anchors are tested against that file's headings (catalogue.test.ts).
 */
import { OBJECTIVES, type Objective } from "./objectives";

export type AlertId =
	| `slo:${Objective["id"]}`
	| "dead_letters"
	| "payment_capture"
	| "outbox_stale"
	| "probe_failing"
	| "analytics_unreadable";

export interface AlertDefinition {
	id: AlertId;
	title: string;
	severity: "page" | "ticket";
	/** The heading's anchor in docs/operations.md. */
	anchor: string;
	/** The first place to look, in a sentence. */
	firstLook: string;
}

const FIRST_LOOK: Record<Objective["id"], { anchor: string; firstLook: string }> = {
	menu_availability: {
		anchor: "menu-availability-burn",
		firstLook:
			"The edge's 5xx on /menu by blob4 (cache layer) and blob8 (version) in the requests dataset; a new version or the api worker's menu origin is the usual cause.",
	},
	order_placement: {
		anchor: "order-placement-burn",
		firstLook:
			"The api's 5xx on checkout by blob8 (version), and the probe's failed step (probe_run blob3); then the payment provider and the Cart objects' logs.",
	},
	edge_latency: {
		anchor: "edge-latency-burn",
		firstLook:
			"The edge's slow menu requests by blob4 (cache layer) and blob6 (colo): a drop in memory and cache hits sends requests to KV or the origin.",
	},
	projection_lag: {
		anchor: "projection-lag-burn",
		firstLook:
			"The order-events queue's backlog and the consumer's errors in the api worker's logs, then D1's latency in the order's region.",
	},
};

export const ALERTS: Record<AlertId, AlertDefinition> = {
	...(Object.fromEntries(
		OBJECTIVES.map((objective) => [
			`slo:${objective.id}`,
			{
				id: `slo:${objective.id}`,
				title: `${objective.name} is burning its error budget`,
				severity: "page",
				...FIRST_LOOK[objective.id],
			},
		]),
	) as Record<`slo:${Objective["id"]}`, AlertDefinition>),
	dead_letters: {
		id: "dead_letters",
		title: "Order events are waiting in the dead letters",
		severity: "ticket",
		anchor: "dead-letters-pending",
		firstLook: "GET /api/v1/admin/dead-letters?state=pending: each letter's reason; fix the cause, then replay them.",
	},
	payment_capture: {
		id: "payment_capture",
		title: "A payment capture keeps failing",
		severity: "page",
		anchor: "payment-capture-failing",
		firstLook:
			"The payment_capture_failing points (blob2 order id, blob3 the provider's error) and the provider's status page.",
	},
	outbox_stale: {
		id: "outbox_stale",
		title: "An order event has been stuck in an outbox for over 5 minutes",
		severity: "page",
		anchor: "outbox-stale",
		firstLook:
			"The outbox_stale and outbox_reconcile_gave_up points (blob3 order id, blob2 event type), then the order-events queue and its consumer.",
	},
	probe_failing: {
		id: "probe_failing",
		title: "The synthetic probe is failing or silent",
		severity: "page",
		anchor: "synthetic-probe-failing",
		firstLook:
			"The probe's last runs: probe_run blob3 names the failed step, probe_step points each step's latency; then the watch's own logs.",
	},
	analytics_unreadable: {
		id: "analytics_unreadable",
		title: "The watch cannot read Analytics Engine: the objectives are not being checked",
		severity: "page",
		anchor: "analytics-unreadable",
		firstLook:
			"The watch's error lines (objective check failed, signal check failed) for the SQL API's answer; then the ANALYTICS_API_TOKEN secret and CLOUDFLARE_ACCOUNT_ID.",
	},
};

/** The link to an alert's subsection. */
export function runbookUrl(operationsDocsUrl: string, alert: AlertId): string {
	return `${operationsDocsUrl}#${ALERTS[alert].anchor}`;
}
