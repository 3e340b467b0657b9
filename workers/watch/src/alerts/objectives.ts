/**
 * The service level objectives (docs/service-levels.md), each an SLI as a
 * ratio of good events to all events over 30 days, read from Workers
 * Analytics Engine. Every objective here is checked every minute; the
 * documentation and the queries come from this one table.
 */

/** Which of the environment's datasets a source reads: REQUEST_DATASET or ORDER_EVENTS_DATASET. */
export type DatasetName = "requests" | "orderEvents";

/** One stream of events an objective counts, as SQL conditions over its dataset's columns. */
export interface SliSource {
	dataset: DatasetName;
	/** Which points are events of this objective (a WHERE condition). */
	events: string;
	/** Which of those are bad: they spend the error budget. */
	bad: string;
}

export interface Objective {
	/** Also the alert's id, after `slo:`. */
	id: "menu_availability" | "order_placement" | "edge_latency" | "projection_lag";
	name: string;
	/** The share of events that must be good over the window, e.g. 0.999. */
	target: number;
	windowDays: number;
	/** What a good event is, in a sentence for the alert and the docs. */
	good: string;
	/** Summed: the order placement objective counts api checkouts and the probe's runs. */
	sources: SliSource[];
}

/** The routes the edge records for a menu (`workers/menu-edge/src/memory-hit.ts` and `index.ts`). */
export const MENU_ROUTES = ["/menu", "/api/menu/:slug"] as const;
/** The routes the edge answers itself, without the api worker: menus and their photos. */
export const EDGE_SERVED_ROUTES = [...MENU_ROUTES, "/images/:id"] as const;
/** The api routes that place an order: a cart's checkout and the one-call `POST /orders`. */
export const PLACEMENT_ROUTES = ["/api/v1/carts/:cartId/checkout", "/api/v1/orders"] as const;
/** The order-events dataset's `index1` values that are not order events (their points are operational signals). */
export const NON_EVENT_INDEXES = ["outbox", "payments", "probe"] as const;

export const EDGE_LATENCY_THRESHOLD_MS = 100;
export const PROJECTION_LAG_THRESHOLD_SECONDS = 5;

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(", ");

export const OBJECTIVES: readonly Objective[] = [
	{
		id: "menu_availability",
		name: "Menu availability",
		target: 0.9999,
		windowDays: 30,
		good: "a menu request at the edge answered without a 5xx",
		sources: [
			{
				dataset: "requests",
				events: `blob1 = 'menu-edge' AND blob3 IN (${quoted(MENU_ROUTES)})`,
				bad: "double1 >= 500",
			},
		],
	},
	{
		id: "order_placement",
		name: "Order placement success",
		target: 0.999,
		windowDays: 30,
		good: "a checkout at the api not answered with a 5xx, and a synthetic probe run that reached ready",
		sources: [
			{
				dataset: "requests",
				events: `blob1 = 'api' AND blob2 = 'POST' AND blob3 IN (${quoted(PLACEMENT_ROUTES)})`,
				bad: "double1 >= 500",
			},
			{ dataset: "orderEvents", events: "index1 = 'probe' AND blob1 = 'probe_run'", bad: "blob2 = 'failed'" },
		],
	},
	{
		id: "edge_latency",
		name: "Edge latency",
		target: 0.99,
		windowDays: 30,
		good: `a menu or photo request the edge answered in under ${EDGE_LATENCY_THRESHOLD_MS} ms`,
		sources: [
			{
				dataset: "requests",
				events: `blob1 = 'menu-edge' AND blob3 IN (${quoted(EDGE_SERVED_ROUTES)})`,
				bad: `double2 >= ${EDGE_LATENCY_THRESHOLD_MS}`,
			},
		],
	},
	{
		id: "projection_lag",
		name: "Projection lag",
		target: 0.99,
		windowDays: 30,
		good: `an order event projected into D1 within ${PROJECTION_LAG_THRESHOLD_SECONDS} s of occurring`,
		sources: [
			{
				dataset: "orderEvents",
				events: `index1 NOT IN (${quoted(NON_EVENT_INDEXES)})`,
				bad: `double3 > ${PROJECTION_LAG_THRESHOLD_SECONDS}`,
			},
		],
	},
];

/** The share of events an objective may fail over its window: 1 − target. */
export function errorBudget(objective: Pick<Objective, "target">): number {
	return 1 - objective.target;
}
