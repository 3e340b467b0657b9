/**
 * `npm run scale-model`: turns the bench's per-operation counters
 * (bench/results/counters.json, written by `npm run bench counters`) into the
 * tables of docs/scale.md — what each operation costs, the roadmap's peak of
 * 10,000 requests a second against each Cloudflare limit, and the price of a
 * million orders with their browsing — between the document's
 * `<!-- scale-model:begin NAME -->` / `<!-- scale-model:end NAME -->` markers,
 * so the figures never go stale by hand. `--check` only says whether the
 * document is up to date (exit 1 if not).
 *
 * The prices and limits below are Cloudflare's published figures as read on
 * the date given with each; change them here, not in the document.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
const COUNTERS_FILE = path.join(ROOT, "bench/results/counters.json");
const DOC_FILE = path.join(ROOT, "docs/scale.md");

// ---------------------------------------------------------------------------------------------
// Inputs: the counters, the peak's mix, Cloudflare's limits and prices.

interface Split {
	global: number;
	regional: number;
}

/** bench/counters.ts's OperationCounters, as read from the JSON. */
export interface OperationCounters {
	httpRequests: number;
	apiInvocations: number;
	queueBatches: number;
	durableObjectRequests: number;
	durableObjectAlarms: number;
	durableObjectAlarmsSet: number;
	durableObjectSqlStatements: number;
	durableObjectRowsRead: number;
	durableObjectRowsWritten: number;
	d1Statements: Split;
	d1PrimaryStatements: Split;
	d1RowsRead: Split;
	d1RowsWritten: Split;
	queueMessages: number;
	queueMessagesByQueue: Record<string, number>;
	durableObjectRequestsByMethod: Record<string, number>;
	kvReads: number;
	kvWrites: number;
	analyticsDataPoints: number;
}

interface OperationReport {
	label: string;
	samples: number;
	counters: OperationCounters;
	cpuMs: { countingRun: number; timed?: { ms: number; source: string } };
	/** Each count by worker, metric, caller, binding and statement (bench/counters.ts). */
	detail?: Record<string, number>;
}

export interface Counters {
	recordedAt: string;
	source: { commit: string; uncommittedChanges: boolean };
	operations: Record<string, OperationReport>;
	storage: {
		d1RegionalRowBytesPerOrder: number;
		durableObjects: Record<string, { objects: number; bytesPerObject: number }>;
	};
}

/** The operations of a customer's visit, in the order the tables list them. */
const OPERATIONS = ["menuView", "cartOpened", "addToCart", "checkout", "oneShotOrder"] as const;
type Operation = (typeof OPERATIONS)[number];

/**
 * The roadmap's 10,000 requests a second (../shared/seed/scalability-recommendations.md,
 * "Success Metrics") as a food-ordering lunch peak: most requests read a menu, some change a
 * cart, a few place the order. Every cart is checked out once with `addsPerCart` adds.
 */
export const PEAK = {
	requestsPerSecond: 10_000,
	mix: { menu: 0.85, cart: 0.12, order: 0.03 },
	addsPerCart: 3,
	/** Regions the demo has; an even split puts a third of the peak on each region's database. */
	regions: 3,
	/**
	 * Status changes after placement (confirmed, preparing, ready, collected): each one more
	 * request to the order's Cart object, one more to the location's kitchen feed and one more
	 * order event. Not counted by the bench; assumed.
	 */
	statusChangesPerOrder: 4,
};

/** Requests a second of each operation at the peak. */
export function peakRates(peak = PEAK): Record<Operation, number> {
	const orders = peak.requestsPerSecond * peak.mix.order;
	const cartRequests = peak.requestsPerSecond * peak.mix.cart;
	const cartsOpened = cartRequests / (1 + peak.addsPerCart);
	return {
		menuView: peak.requestsPerSecond * peak.mix.menu,
		cartOpened: cartsOpened,
		addToCart: cartRequests - cartsOpened,
		checkout: orders,
		oneShotOrder: 0,
	};
}

interface Limit {
	value: number;
	what: string;
	source: string;
}

const READ_ON = "2026-12-07";

/** Cloudflare's documented limits the peak is measured against. */
export const LIMITS = {
	d1QueriesPerSecond: {
		value: 1_000,
		what: "queries a second one D1 database runs (single-threaded; about 1,000/s at 1 ms a query)",
		source: `https://developers.cloudflare.com/d1/platform/limits/ (FAQ "How much work can a D1 database do?", read ${READ_ON})`,
	},
	durableObjectRequestsPerSecond: {
		value: 1_000,
		what: "requests a second one Durable Object takes (soft limit)",
		source: `https://developers.cloudflare.com/durable-objects/reference/faq/ ("How much work can a single Durable Object do?", read ${READ_ON})`,
	},
	queueMessagesPerSecond: {
		value: 5_000,
		what: "messages a second one queue accepts",
		source: `https://developers.cloudflare.com/queues/platform/limits/ (read ${READ_ON})`,
	},
	kvWritesPerKeyPerSecond: {
		value: 1,
		what: "writes a second to one KV key",
		source: `https://developers.cloudflare.com/kv/platform/limits/ (read ${READ_ON})`,
	},
	workerCpuMsPerInvocation: {
		value: 30_000,
		what: "CPU ms one Worker invocation may use (Paid, default; configurable to 5 min)",
		source: `https://developers.cloudflare.com/workers/platform/limits/ (read ${READ_ON})`,
	},
} satisfies Record<string, Limit>;

interface Rate {
	/** Included in the Workers Paid plan each month. */
	included: number;
	/** Dollars per `per` units beyond it. */
	price: number;
	per: number;
}

const MILLION = 1_000_000;

/** Cloudflare's published prices (Workers Paid, Standard usage model), with where each was read. */
export const PRICES = {
	plan: { monthly: 5, source: `https://developers.cloudflare.com/workers/platform/pricing/ (read ${READ_ON})` },
	workers: {
		source: `https://developers.cloudflare.com/workers/platform/pricing/ (read ${READ_ON})`,
		requests: { included: 10 * MILLION, price: 0.3, per: MILLION },
		cpuMs: { included: 30 * MILLION, price: 0.02, per: MILLION },
	},
	durableObjects: {
		source: `https://developers.cloudflare.com/durable-objects/platform/pricing/ (read ${READ_ON})`,
		requests: { included: MILLION, price: 0.15, per: MILLION },
		gbSeconds: { included: 400_000, price: 12.5, per: MILLION },
		rowsRead: { included: 25_000 * MILLION, price: 0.001, per: MILLION },
		rowsWritten: { included: 50 * MILLION, price: 1, per: MILLION },
		storageGbMonths: { included: 5, price: 0.2, per: 1 },
	},
	d1: {
		source: `https://developers.cloudflare.com/d1/platform/pricing/ (read ${READ_ON})`,
		rowsRead: { included: 25_000 * MILLION, price: 0.001, per: MILLION },
		rowsWritten: { included: 50 * MILLION, price: 1, per: MILLION },
		storageGbMonths: { included: 5, price: 0.75, per: 1 },
	},
	queues: {
		source: `https://developers.cloudflare.com/queues/platform/pricing/ (read ${READ_ON})`,
		/** A delivered message is three operations: a write, a read and a delete (up to 64 KB each). */
		operations: { included: MILLION, price: 0.4, per: MILLION },
	},
	kv: {
		source: `https://developers.cloudflare.com/kv/platform/pricing/ (read ${READ_ON}; figures as in Cloudflare's KV pricing announcement, the page itself not read)`,
		reads: { included: 10 * MILLION, price: 0.5, per: MILLION },
		writes: { included: MILLION, price: 5, per: MILLION },
	},
	analytics: {
		source: `https://developers.cloudflare.com/analytics/analytics-engine/pricing/ (read ${READ_ON})`,
		dataPoints: { included: 10 * MILLION, price: 0.25, per: MILLION },
	},
} as const;

/**
 * What the counters cannot give, stated: a Durable Object bills 128 MB of memory for the
 * wall-clock time it is active, which the bench does not measure; D1 bills the database file,
 * whose indexes and pages the row bytes leave out.
 */
export const ASSUMPTIONS = {
	durableObjectActiveSecondsPerRequest: 0.05,
	durableObjectMemoryGb: 0.128,
	d1BytesPerRowByte: 2,
	/** How long a cart's object keeps its storage: a month, unless the application clears it. */
	cartStorageMonths: 1,
};

/**
 * workerd CPU per operation: the timed bench run's where there is one; else the counting
 * run's, scaled by the timed/counting ratio of the nearest operation that has both (the
 * counting run is instrumented and sequential, so it reads high).
 */
const CPU_PROXY: Partial<Record<Operation, Operation>> = { cartOpened: "addToCart", checkout: "oneShotOrder" };

export function cpuMs(counters: Counters, operation: Operation): { ms: number; how: string } {
	const report = counters.operations[operation];
	if (report.cpuMs.timed) return { ms: report.cpuMs.timed.ms, how: `timed: ${report.cpuMs.timed.source}` };
	const proxy = CPU_PROXY[operation];
	const near = proxy ? counters.operations[proxy] : undefined;
	if (near?.cpuMs.timed && near.cpuMs.countingRun > 0) {
		const ratio = near.cpuMs.timed.ms / near.cpuMs.countingRun;
		return {
			ms: report.cpuMs.countingRun * ratio,
			how: `counting run ${fixed(report.cpuMs.countingRun)} ms × ${fixed(ratio)} (${proxy}'s timed/counting)`,
		};
	}
	return { ms: report.cpuMs.countingRun, how: "counting run (instrumented, one at a time: reads high)" };
}

// ---------------------------------------------------------------------------------------------
// Formatting

function fixed(n: number, digits = 2): string {
	if (!Number.isFinite(n)) return "—";
	if (Number.isInteger(n)) return n.toLocaleString("en-GB");
	return n.toLocaleString("en-GB", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function whole(n: number): string {
	return Number.isFinite(n) ? Math.round(n).toLocaleString("en-GB") : "—";
}

function dollars(n: number, maximumFractionDigits = 2): string {
	return `$${n.toLocaleString("en-GB", { minimumFractionDigits: 2, maximumFractionDigits })}`;
}

function headroom(limit: number, load: number): string {
	if (load <= 0) return "unused";
	const times = limit / load;
	return times >= 1 ? `${fixed(times, 1)}×` : `**over by ${fixed(1 / times, 1)}×**`;
}

function table(rows: string[][]): string {
	const [header, ...body] = rows;
	return [
		`| ${header.join(" | ")} |`,
		`| ${header.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`,
		...body.map((row) => `| ${row.join(" | ")} |`),
	].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The tables

function countersTable(counters: Counters): string {
	const rows = [
		[
			"per one",
			"HTTP requests",
			"workerd CPU ms",
			"DO requests",
			"DO rows read / written",
			"D1 global: statements (primary) · rows read / written",
			"D1 regional: statements (primary) · rows read / written",
			"queue messages",
			"KV reads / writes",
			"AE points",
		],
	];
	for (const operation of OPERATIONS) {
		const report = counters.operations[operation];
		if (!report) continue;
		const c = report.counters;
		rows.push([
			report.label,
			fixed(c.httpRequests),
			fixed(cpuMs(counters, operation).ms),
			fixed(c.durableObjectRequests),
			`${fixed(c.durableObjectRowsRead)} / ${fixed(c.durableObjectRowsWritten + c.durableObjectAlarmsSet)}`,
			`${fixed(c.d1Statements.global)} (${fixed(c.d1PrimaryStatements.global)}) · ${fixed(c.d1RowsRead.global)} / ${fixed(c.d1RowsWritten.global)}`,
			`${fixed(c.d1Statements.regional)} (${fixed(c.d1PrimaryStatements.regional)}) · ${fixed(c.d1RowsRead.regional)} / ${fixed(c.d1RowsWritten.regional)}`,
			fixed(c.queueMessages),
			`${fixed(c.kvReads)} / ${fixed(c.kvWrites)}`,
			fixed(c.analyticsDataPoints),
		]);
	}
	const cpuNotes = OPERATIONS.filter((operation) => counters.operations[operation]).map(
		(operation) => `- ${operation}: ${cpuMs(counters, operation).how}`,
	);
	const objects = Object.entries(counters.storage.durableObjects)
		.map(([name, { objects, bytesPerObject }]) => `${name} ${whole(bytesPerObject)} bytes each (${objects} objects)`)
		.join("; ");
	return [
		`From \`bench/results/counters.json\`, recorded ${counters.recordedAt} at ${counters.source.commit.slice(0, 7)}${counters.source.uncommittedChanges ? " with uncommitted changes" : ""}. DO rows written include alarms set (each billed as a row written). Storage: ${fixed(counters.storage.d1RegionalRowBytesPerOrder, 0)} bytes of rows per order in its region's database (values only); Durable Object SQLite: ${objects || "none measured"}.`,
		"",
		table(rows),
		"",
		"CPU per operation:",
		"",
		...cpuNotes,
	].join("\n");
}

function peakTable(): string {
	const rates = peakRates();
	const rows = [["operation", "share", "per second"]];
	const share = (n: number) => `${fixed((n / PEAK.requestsPerSecond) * 100, 1)}%`;
	rows.push(["menu view", share(rates.menuView), whole(rates.menuView)]);
	rows.push(["cart opened", share(rates.cartOpened), whole(rates.cartOpened)]);
	rows.push([`add to cart (${PEAK.addsPerCart} a cart)`, share(rates.addToCart), whole(rates.addToCart)]);
	rows.push(["checkout (an order placed)", share(rates.checkout), whole(rates.checkout)]);
	rows.push(["total", "100%", whole(PEAK.requestsPerSecond)]);
	return table(rows);
}

/** Sum over the peak's operations of rate × what one operation does. */
function atPeak(counters: Counters, of: (c: OperationCounters) => number): number {
	const rates = peakRates();
	return OPERATIONS.reduce((sum, operation) => {
		const report = counters.operations[operation];
		return report ? sum + rates[operation] * of(report.counters) : sum;
	}, 0);
}

function headroomTable(counters: Counters): string {
	const rates = peakRates();
	const orders = rates.checkout;
	const globalPrimary = atPeak(counters, (c) => c.d1PrimaryStatements.global);
	const globalAll = atPeak(counters, (c) => c.d1Statements.global);
	const regionalPrimary = atPeak(counters, (c) => c.d1PrimaryStatements.regional);
	const regionalWrites = atPeak(counters, (c) => c.d1RowsWritten.regional);
	const checkout = counters.operations.checkout.counters;
	const feedPerPlacement = checkout.durableObjectRequestsByMethod["KITCHEN_FEEDS.publish"] ?? 0;
	const feedPerOrder = feedPerPlacement + PEAK.statusChangesPerOrder;
	const ordersPerLocationMax = LIMITS.durableObjectRequestsPerSecond.value / feedPerOrder;
	const queues = new Map<string, number>();
	for (const operation of OPERATIONS) {
		const report = counters.operations[operation];
		if (!report) continue;
		for (const [queue, n] of Object.entries(report.counters.queueMessagesByQueue)) {
			queues.set(queue, (queues.get(queue) ?? 0) + rates[operation] * n);
		}
	}
	// Each later status change is one more order event.
	queues.set("ORDER_EVENTS", (queues.get("ORDER_EVENTS") ?? 0) + orders * PEAK.statusChangesPerOrder);
	const cpuAtPeak = OPERATIONS.reduce(
		(sum, operation) => (counters.operations[operation] ? sum + rates[operation] * cpuMs(counters, operation).ms : sum),
		0,
	);
	const heaviest = Math.max(
		...OPERATIONS.filter((operation) => counters.operations[operation]).map((o) => cpuMs(counters, o).ms),
	);
	const kvWrites = atPeak(counters, (c) => c.kvWrites);
	const d1 = LIMITS.d1QueriesPerSecond.value;
	const rows = [
		["resource at the peak", "load", "limit", "headroom"],
		[
			"D1 global database, statements its primary runs",
			`${whole(globalPrimary)}/s (of ${whole(globalAll)}/s in all)`,
			`~${whole(d1)}/s`,
			headroom(d1, globalPrimary),
		],
		[
			`D1 regional database, primary statements, the peak split evenly over ${PEAK.regions} regions`,
			`${whole(regionalPrimary / PEAK.regions)}/s`,
			`~${whole(d1)}/s`,
			headroom(d1, regionalPrimary / PEAK.regions),
		],
		[
			"D1 regional database, primary statements, the whole peak in one region (its lunchtime)",
			`${whole(regionalPrimary)}/s`,
			`~${whole(d1)}/s`,
			headroom(d1, regionalPrimary),
		],
		["D1 regional rows written, whole peak in one region", `${whole(regionalWrites)}/s`, "(billed, not limited)", ""],
		[
			`Durable Object: a location's kitchen feed (${fixed(feedPerPlacement)} publish at placement + ${PEAK.statusChangesPerOrder} status changes an order)`,
			`${fixed(feedPerOrder)} requests an order`,
			`~${whole(LIMITS.durableObjectRequestsPerSecond.value)}/s`,
			`${whole(ordersPerLocationMax)} orders/s at one location`,
		],
		[
			"Durable Object: a cart (one customer's)",
			`${fixed(1 + PEAK.addsPerCart + 1 + PEAK.statusChangesPerOrder)} requests a visit`,
			`~${whole(LIMITS.durableObjectRequestsPerSecond.value)}/s`,
			"not a constraint",
		],
		...[...queues].map(([queue, load]) => [
			`queue ${queue}${queue === "ORDER_EVENTS" ? ` (+${PEAK.statusChangesPerOrder} status events an order)` : ""}`,
			`${whole(load)} messages/s`,
			`${whole(LIMITS.queueMessagesPerSecond.value)}/s`,
			headroom(LIMITS.queueMessagesPerSecond.value, load),
		]),
		[
			"KV writes to one key (menu publication writes a location's key; no request writes KV)",
			`${fixed(kvWrites)}/s on the request paths`,
			`${LIMITS.kvWritesPerKeyPerSecond.value}/s`,
			kvWrites > 0 ? headroom(LIMITS.kvWritesPerKeyPerSecond.value, kvWrites) : "unused by requests",
		],
		[
			"Workers CPU, heaviest operation",
			`${fixed(heaviest)} ms`,
			`${whole(LIMITS.workerCpuMsPerInvocation.value)} ms`,
			headroom(LIMITS.workerCpuMsPerInvocation.value, heaviest),
		],
		[
			"Workers CPU, all operations at the peak (spread over Cloudflare's machines; no account limit)",
			`${fixed(cpuAtPeak / 1000, 1)} CPU-seconds a second`,
			"—",
			"",
		],
	];
	const limits = Object.values(LIMITS).map((limit) => `- ${limit.what}: ${whole(limit.value)}; ${limit.source}`);
	return [table(rows), "", "Limits:", "", ...limits].join("\n");
}

/** For each shared resource, the peak (in requests a second, with this mix) at which it reaches its limit, lowest first. */
function bottlenecksList(counters: Counters): string {
	const d1 = LIMITS.d1QueriesPerSecond.value;
	const perRequest = (load: number) => load / PEAK.requestsPerSecond;
	const resources: [string, number][] = [
		["the global D1 database's primary", d1 / perRequest(atPeak(counters, (c) => c.d1PrimaryStatements.global))],
		[
			"a regional D1 database's primary, with the whole peak in its region",
			d1 / perRequest(atPeak(counters, (c) => c.d1PrimaryStatements.regional)),
		],
		[
			`a regional D1 database's primary, the peak split over ${PEAK.regions} regions`,
			(d1 * PEAK.regions) / perRequest(atPeak(counters, (c) => c.d1PrimaryStatements.regional)),
		],
		[
			"the ORDER_EVENTS queue",
			LIMITS.queueMessagesPerSecond.value /
				perRequest(
					atPeak(counters, (c) => c.queueMessagesByQueue.ORDER_EVENTS ?? 0) +
						peakRates().checkout * PEAK.statusChangesPerOrder,
				),
		],
		[
			"the NOTIFICATIONS queue",
			LIMITS.queueMessagesPerSecond.value /
				perRequest(atPeak(counters, (c) => c.queueMessagesByQueue.NOTIFICATIONS ?? 0)),
		],
	];
	return resources
		.filter(([, at]) => Number.isFinite(at))
		.sort(([, a], [, b]) => a - b)
		.map(
			([resource, at]) =>
				`- ${resource}: at ${whole(at)} requests/s (${at >= PEAK.requestsPerSecond ? `${fixed(at / PEAK.requestsPerSecond, 1)}× the roadmap's peak` : `**${fixed(at / PEAK.requestsPerSecond, 2)} of the roadmap's peak**`})`,
		)
		.join("\n");
}

interface CostLine {
	product: string;
	item: string;
	units: number;
	rate: Rate;
	note?: string;
}

/** Billed units for `orders` orders with their browsing (the peak's mix per order). */
export function costLines(counters: Counters, orders = MILLION): CostLine[] {
	const rates = peakRates();
	const perOrder = (operation: Operation) => rates[operation] / rates.checkout;
	const visit = (of: (c: OperationCounters) => number) =>
		OPERATIONS.reduce((sum, operation) => {
			const report = counters.operations[operation];
			return report && rates[operation] > 0 ? sum + perOrder(operation) * of(report.counters) * orders : sum;
		}, 0);
	const cpu = OPERATIONS.reduce(
		(sum, operation) =>
			counters.operations[operation] && rates[operation] > 0
				? sum + perOrder(operation) * cpuMs(counters, operation).ms * orders
				: sum,
		0,
	);
	// Later status changes: a request to the Cart object, to the kitchen feed, an order event (3 queue operations).
	const statusChanges = PEAK.statusChangesPerOrder * orders;
	const doRequests = visit((c) => c.durableObjectRequests + c.durableObjectAlarms) + 2 * statusChanges;
	const cartBytes = counters.storage.durableObjects.CartDurableObject?.bytesPerObject ?? 0;
	const p = PRICES;
	return [
		{
			product: "Workers",
			item: "requests (incl. the staff's status changes)",
			units: visit((c) => c.httpRequests) + statusChanges,
			rate: p.workers.requests,
		},
		{ product: "Workers", item: "CPU ms (status changes not measured)", units: cpu, rate: p.workers.cpuMs },
		{
			product: "Durable Objects",
			item: "requests (incl. alarms, status changes)",
			units: doRequests,
			rate: p.durableObjects.requests,
		},
		{
			product: "Durable Objects",
			item: `duration GB-s (assumed ${ASSUMPTIONS.durableObjectActiveSecondsPerRequest * 1000} ms active a request)`,
			units: doRequests * ASSUMPTIONS.durableObjectActiveSecondsPerRequest * ASSUMPTIONS.durableObjectMemoryGb,
			rate: p.durableObjects.gbSeconds,
			note: "assumed",
		},
		{
			product: "Durable Objects",
			item: "SQLite rows read",
			units: visit((c) => c.durableObjectRowsRead),
			rate: p.durableObjects.rowsRead,
		},
		{
			product: "Durable Objects",
			item: "SQLite rows written (incl. alarms set)",
			units: visit((c) => c.durableObjectRowsWritten + c.durableObjectAlarmsSet),
			rate: p.durableObjects.rowsWritten,
		},
		{
			product: "Durable Objects",
			item: `SQLite storage, GB-months (a cart object each, kept ${ASSUMPTIONS.cartStorageMonths} month)`,
			units: (cartBytes * orders * ASSUMPTIONS.cartStorageMonths) / 1e9,
			rate: p.durableObjects.storageGbMonths,
		},
		{
			product: "D1",
			item: "rows read (global + regional)",
			units: visit((c) => c.d1RowsRead.global + c.d1RowsRead.regional),
			rate: p.d1.rowsRead,
		},
		{
			product: "D1",
			item: "rows written (global + regional)",
			units: visit((c) => c.d1RowsWritten.global + c.d1RowsWritten.regional),
			rate: p.d1.rowsWritten,
		},
		{
			product: "D1",
			item: `storage, GB-months (row bytes × ${ASSUMPTIONS.d1BytesPerRowByte} for indexes and pages)`,
			units: (counters.storage.d1RegionalRowBytesPerOrder * ASSUMPTIONS.d1BytesPerRowByte * orders) / 1e9,
			rate: p.d1.storageGbMonths,
		},
		{
			product: "Queues",
			item: "operations (write + read + delete a message)",
			units: 3 * (visit((c) => c.queueMessages) + statusChanges),
			rate: p.queues.operations,
		},
		{ product: "KV", item: "reads", units: visit((c) => c.kvReads), rate: p.kv.reads },
		{ product: "KV", item: "writes", units: visit((c) => c.kvWrites), rate: p.kv.writes },
		{
			product: "Analytics Engine",
			item: "data points written",
			units: visit((c) => c.analyticsDataPoints),
			rate: p.analytics.dataPoints,
		},
	];
}

function costTable(counters: Counters): string {
	const lines = costLines(counters);
	const rows = [["product", "billed unit", "units", "price", "at list price", "after the plan's monthly allowance"]];
	let gross = 0;
	let net = 0;
	for (const line of lines) {
		const atList = (line.units / line.rate.per) * line.rate.price;
		const beyond = (Math.max(0, line.units - line.rate.included) / line.rate.per) * line.rate.price;
		gross += atList;
		net += beyond;
		rows.push([
			line.product,
			line.item,
			whole(line.units),
			`${dollars(line.rate.price, 3)} / ${line.rate.per === 1 ? "unit" : `${whole(line.rate.per)}`} (${whole(line.rate.included)} included)`,
			dollars(atList),
			dollars(beyond),
		]);
	}
	rows.push([
		"total",
		"",
		"",
		"",
		`**${dollars(gross)}**`,
		`**${dollars(net)}** + ${dollars(PRICES.plan.monthly)} plan`,
	]);
	const rates = peakRates();
	const visit = `${fixed(rates.menuView / rates.checkout, 1)} menu views, ${fixed(rates.cartOpened / rates.checkout, 1)} cart opened, ${fixed(rates.addToCart / rates.checkout, 1)} adds, 1 checkout and ${PEAK.statusChangesPerOrder} status changes`;
	const sources = [...new Set(Object.values(PRICES).map((product) => product.source))].map((source) => `- ${source}`);
	return [`Each order with its browsing: ${visit}.`, "", table(rows), "", "Prices:", "", ...sources].join("\n");
}

// ---------------------------------------------------------------------------------------------
// The document

/** Replaces each `<!-- scale-model:begin NAME -->` … `<!-- scale-model:end NAME -->` block's body. */
export function fillBlocks(document: string, blocks: Record<string, string>): string {
	let filled = document;
	for (const [name, body] of Object.entries(blocks)) {
		const begin = `<!-- scale-model:begin ${name} -->`;
		const end = `<!-- scale-model:end ${name} -->`;
		const from = filled.indexOf(begin);
		const to = filled.indexOf(end);
		if (from < 0 || to < from) throw new Error(`${path.relative(ROOT, DOC_FILE)} has no "${begin}" … "${end}" block`);
		filled = `${filled.slice(0, from + begin.length)}\n${body}\n${filled.slice(to)}`;
	}
	return filled;
}

export function blocksFor(counters: Counters): Record<string, string> {
	return {
		counters: countersTable(counters),
		peak: peakTable(),
		headroom: headroomTable(counters),
		bottlenecks: bottlenecksList(counters),
		cost: costTable(counters),
	};
}

/**
 * The counts as a deployment makes them. The bench runs with the development
 * e-mail sink, which keeps each message in the global database's dev_outbox;
 * a deployment sends through Resend's API instead (an HTTP call, no D1), so the
 * sink's statements and rows are taken out of the global database's figures.
 */
export function asDeployed(counters: Counters): Counters {
	const operations = Object.fromEntries(
		Object.entries(counters.operations).map(([name, report]) => {
			const sink = (metric: string) =>
				Object.entries(report.detail ?? {})
					.filter(([key]) => key.includes(`\td1.${metric}\t`) && key.endsWith("\tDB\tinsert dev_outbox"))
					.reduce((sum, [, count]) => sum + count, 0);
			const less = (split: Split, metric: string): Split => ({ ...split, global: split.global - sink(metric) });
			const c = report.counters;
			return [
				name,
				{
					...report,
					counters: {
						...c,
						d1Statements: less(c.d1Statements, "statements"),
						d1PrimaryStatements: less(c.d1PrimaryStatements, "primaryStatements"),
						d1RowsRead: less(c.d1RowsRead, "rowsRead"),
						d1RowsWritten: less(c.d1RowsWritten, "rowsWritten"),
					},
				},
			];
		}),
	);
	return { ...counters, operations };
}

function main(): number {
	const counters = asDeployed(JSON.parse(readFileSync(COUNTERS_FILE, "utf8")) as Counters);
	const missing = OPERATIONS.filter((operation) => !counters.operations[operation]);
	if (missing.length > 0) {
		throw new Error(`${path.relative(ROOT, COUNTERS_FILE)} lacks ${missing.join(", ")}: run npm run bench counters`);
	}
	const document = readFileSync(DOC_FILE, "utf8");
	const filled = fillBlocks(document, blocksFor(counters));
	if (process.argv.includes("--check")) {
		if (filled !== document) {
			console.error(`${path.relative(ROOT, DOC_FILE)} is stale: run npm run scale-model`);
			return 1;
		}
		console.log(`${path.relative(ROOT, DOC_FILE)} is up to date with ${path.relative(ROOT, COUNTERS_FILE)}`);
		return 0;
	}
	writeFileSync(DOC_FILE, filled);
	console.log(
		`${path.relative(ROOT, DOC_FILE)}: tables regenerated from ${path.relative(ROOT, COUNTERS_FILE)} (${counters.recordedAt})`,
	);
	return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
	process.exitCode = main();
}
