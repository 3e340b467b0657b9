/**
 * What one operation costs in the units Cloudflare bills and limits: for a
 * menu view, a cart opened, an add to cart, a cart's checkout and a one-shot
 * order (each order followed through projection, notification and its
 * reconciliation check), the HTTP requests, Durable Object requests and the
 * SQLite rows they read and wrote, D1 rows read and written in the global and
 * the regional databases, queue messages, KV reads and writes and Analytics
 * Engine data points, from instrumented copies of both workers
 * (bench/instrument.ts) in a runtime of their own, one operation at a time,
 * spread over the three demo locations (one per region). Written to
 * bench/results/counters.json (committed), which scripts/scale-model.ts turns
 * into docs/scale.md's tables.
 *
 * BENCH_COUNT_OPS (default 9, rounded up to a multiple of 3) sets how many of
 * each write operation are counted; menu views are three times as many.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ROOT } from "./build";
import { measureCpu } from "./cpu";
import { type D1Breakdown, d1Breakdown, printD1Breakdown } from "./d1-count";
import { checkoutBody, DEMO_SPOTS, orderBody, spotFor } from "./flows";
import { buildCountingBundle, type Counts, entries, readCounts, readGauges } from "./instrument";
import type { Settings } from "./measure";
import { MENU_PATHS } from "./menu";
import {
	API_WORKER,
	type Bench,
	orderDatabaseBindings,
	prepareDatabase,
	preparedQuery,
	type Runtime,
	startPlatform,
} from "./platform";
import { printProblems, printTable } from "./report";

export const COUNTERS_FILE = path.join(ROOT, "bench/results/counters.json");

/** The reconciliation check's grace in the counting run, short so each order's check runs (and is counted) before the counts are read. */
const GRACE_SECONDS = 6;

/** Per operation, in billed and limited units. */
export interface OperationCounters {
	/** Requests from the client: the edge worker's invocations (a service binding call to the api worker is not billed as another). */
	httpRequests: number;
	/** The api worker's invocations: through the edge's service binding, queue batches, Durable Object alarms. */
	apiInvocations: number;
	queueBatches: number;
	durableObjectRequests: number;
	durableObjectAlarms: number;
	durableObjectAlarmsSet: number;
	durableObjectSqlStatements: number;
	durableObjectRowsRead: number;
	durableObjectRowsWritten: number;
	d1Statements: { global: number; regional: number };
	/** Statements the database's primary must run: writes, and reads not in a session that may use a replica. */
	d1PrimaryStatements: { global: number; regional: number };
	d1RowsRead: { global: number; regional: number };
	d1RowsWritten: { global: number; regional: number };
	queueMessages: number;
	/** By producer binding (ORDER_EVENTS, NOTIFICATIONS, …). */
	queueMessagesByQueue: Record<string, number>;
	/** By namespace and method (CARTS.addLine, KITCHEN_FEEDS.publish, …). */
	durableObjectRequestsByMethod: Record<string, number>;
	kvReads: number;
	kvWrites: number;
	analyticsDataPoints: number;
}

export interface OperationReport {
	label: string;
	/** How many were counted; the counters are per one. */
	samples: number;
	counters: OperationCounters;
	/** workerd CPU per operation: of the counting run (instrumented, one at a time, storage simulators included), and of the timed bench run where one is on disk. */
	cpuMs: { countingRun: number; timed?: { ms: number; source: string } };
	/** Every count per operation, `kind context detail`. */
	detail: Record<string, number>;
}

export interface CountersReport {
	scenario: "counters";
	recordedAt: string;
	source: { commit: string; uncommittedChanges: boolean };
	method: string;
	operations: Record<string, OperationReport>;
	/** Storage an order leaves behind: in its region's D1 database and in Durable Objects. */
	storage: {
		/** Bytes of the rows in the regional databases per order the run placed (warm-up included): values only, no indexes or page overhead. */
		d1RegionalRowBytesPerOrder: number;
		/** Each class's objects at the end of the run and their SQLite storage (databaseSize), bytes per object. */
		durableObjects: Record<string, { objects: number; bytesPerObject: number }>;
	};
	/** D1 statements per one-shot order, by phase (the figure bench/d1-count.ts reported). */
	d1PerOneShotOrder: D1Breakdown;
	problems: string[];
	warnings: string[];
}

function envInt(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
	return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function sum(list: { n: number }[]): number {
	return list.reduce((total, entry) => total + entry.n, 0);
}

/** The billed units in one run's counts (both workers'), divided by `samples`. */
export function summarise(edge: Counts, api: Counts, samples: number): OperationCounters {
	const all = [
		...entries(edge).map((e) => ({ ...e, worker: "edge" })),
		...entries(api).map((e) => ({ ...e, worker: "api" })),
	];
	const of = (kind: string, where: (entry: (typeof all)[number]) => boolean = () => true) =>
		sum(all.filter((entry) => entry.kind === kind && where(entry))) / samples;
	const isGlobal = (entry: { detail: string }) => entry.detail.split("\t")[0] === "DB";
	const byDetail = (kind: string) => {
		const found: Record<string, number> = {};
		for (const entry of all.filter((e) => e.kind === kind)) {
			found[entry.detail] = (found[entry.detail] ?? 0) + entry.n / samples;
		}
		return found;
	};
	const split = (kind: string) => ({
		global: of(kind, isGlobal),
		regional: of(kind, (entry) => !isGlobal(entry)),
	});
	return {
		httpRequests: of("invocations", (e) => e.worker === "edge" && e.detail === "fetch"),
		apiInvocations: of("invocations", (e) => e.worker === "api"),
		queueBatches: of("invocations", (e) => e.worker === "api" && e.context.startsWith("queue ")),
		durableObjectRequests: of("do.requests"),
		durableObjectAlarms: of("invocations", (e) => e.detail === "alarm"),
		durableObjectAlarmsSet: of("do.storage.setAlarm"),
		durableObjectSqlStatements: of("do.sql.statements"),
		durableObjectRowsRead: of("do.sql.rowsRead"),
		durableObjectRowsWritten: of("do.sql.rowsWritten"),
		d1Statements: split("d1.statements"),
		d1PrimaryStatements: split("d1.primaryStatements"),
		d1RowsRead: split("d1.rowsRead"),
		d1RowsWritten: split("d1.rowsWritten"),
		queueMessages: of("queue.messages"),
		queueMessagesByQueue: byDetail("queue.messages"),
		durableObjectRequestsByMethod: byDetail("do.requests"),
		kvReads: of("kv.reads"),
		kvWrites: of("kv.writes"),
		analyticsDataPoints: of("analytics.points"),
	};
}

/**
 * The timed runs' figures last published (docs/performance.md, issue 13's "after" column, one
 * region, all workerd processes under wrk load), for when no timed run is on disk.
 */
const PUBLISHED_CPU_MS: Record<string, { ms: number; source: string }> = {
	menuView: { ms: 0.28, source: "docs/performance.md (issue 13, after): GET /menu memory hit under load" },
	addToCart: { ms: 2.36, source: "docs/performance.md (issue 13, after): add to cart over 1,000 carts under load" },
	oneShotOrder: {
		ms: 8.0,
		source: "docs/performance.md (issue 13, after): one-shot orders placed and projected under load",
	},
};

/**
 * workerd CPU per operation from the timed bench runs on disk (bench-results/*.json), where
 * there are any fit to quote: a full-length run (BENCH_SECONDS ≥ 10) on a quiet machine.
 * Otherwise the figures last published.
 */
function timedCpu(): Record<string, { ms: number; source: string }> {
	type Timed = {
		scenario: string;
		recordedAt: string;
		environment?: { commit?: string };
		settings?: { seconds: number };
	};
	const read = <T>(name: string) => {
		const file = path.join(ROOT, "bench-results", `${name}.json`);
		const report = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Timed & T) : undefined;
		return report && (report.settings?.seconds ?? 0) >= 10 ? report : undefined;
	};
	const found: Record<string, { ms: number; source: string }> = {};
	const at = (report: Timed) =>
		`bench-results/${report.scenario}.json, recorded ${report.recordedAt} at ${report.environment?.commit?.slice(0, 7)}`;
	const menu = read<{ menu: { cpu?: { runtime: number }; rps: number }; disturbed: { throughput: boolean } }>("menu");
	if (menu?.menu.cpu && menu.menu.rps > 0 && !menu.disturbed.throughput) {
		found.menuView = { ms: (menu.menu.cpu.runtime / menu.menu.rps) * 1000, source: at(menu) };
	}
	const carts = read<{ cpuPerRequestMs: number; disturbed: { throughput: boolean } }>("carts");
	if (carts && Number.isFinite(carts.cpuPerRequestMs) && !carts.disturbed.throughput) {
		found.addToCart = { ms: carts.cpuPerRequestMs, source: at(carts) };
	}
	const orders = read<{ orders: { cpuPerOrderProjectedMs: number }; disturbed: boolean }>("orders");
	if (orders && Number.isFinite(orders.orders.cpuPerOrderProjectedMs) && !orders.disturbed) {
		found.oneShotOrder = { ms: orders.orders.cpuPerOrderProjectedMs, source: at(orders) };
	}
	return { ...PUBLISHED_CPU_MS, ...found };
}

interface Counting {
	runtime: Runtime;
	edge: { fetch(url: string): Promise<Response> };
	api: { fetch(url: string): Promise<Response> };
}

/**
 * Waits `seconds` without a word to the runtime (asking for the counts costs CPU too), then checks
 * that the api worker's counts have stopped moving; returns whether they had.
 */
async function settled(counting: Counting, seconds: number): Promise<{ api: Counts; edge: Counts; still: boolean }> {
	await sleep(seconds * 1000);
	const api = await readCounts(counting.api);
	const edge = await readCounts(counting.edge);
	await sleep(2000);
	const again = await readCounts(counting.api);
	return { api: again, edge, still: JSON.stringify(api) === JSON.stringify(again) };
}

async function send(
	runtime: Runtime,
	method: string,
	pathname: string,
	body?: string,
	headers: Record<string, string> = {},
) {
	const response = await fetch(new URL(pathname, runtime.url), {
		method,
		headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
		body,
		signal: AbortSignal.timeout(30_000),
	});
	return { status: response.status, text: await response.text() };
}

async function expect(call: Promise<{ status: number; text: string }>, status: number, what: string): Promise<string> {
	const answer = await call;
	if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
	return answer.text;
}

/**
 * Counts `samples` runs of one operation: the counts reset, the operations
 * run one at a time, the platform left to settle (consumers, alarms), the
 * counts read from both workers. CPU is workerd's from the first operation
 * until the counts are read (nothing asks for them meanwhile), less what the
 * idle runtime uses in as long.
 */
async function countOperation(
	counting: Counting,
	label: string,
	samples: number,
	idleCores: number,
	operate: (index: number) => Promise<void>,
	settleSeconds: number,
	warnings: string[],
): Promise<Omit<OperationReport, "cpuMs"> & { cpuMs: { countingRun: number } }> {
	await readCounts(counting.edge, true);
	await readCounts(counting.api, true);
	const cpu = measureCpu(counting.runtime.pids);
	const started = performance.now();
	for (let i = 0; i < samples; i++) await operate(i);
	await sleep(settleSeconds * 1000);
	const seconds = (performance.now() - started) / 1000;
	const cores = cpu()?.runtime ?? Number.NaN;
	const { api, edge, still } = await settled(counting, 0);
	if (!still) warnings.push(`${label}: counts still moving ${settleSeconds + 2} s after the last operation`);
	const detail: Record<string, number> = {};
	for (const [worker, counts] of [
		["edge", edge],
		["api", api],
	] as const) {
		for (const [key, n] of Object.entries(counts)) detail[`${worker}\t${key}`] = n / samples;
	}
	return {
		label,
		samples,
		counters: summarise(edge, api, samples),
		cpuMs: { countingRun: (Math.max(0, cores - idleCores) * seconds * 1000) / samples },
		detail,
	};
}

export async function runCountersScenario(bench: Bench, _settings: Settings): Promise<CountersReport> {
	const perRegion = Math.ceil(envInt("BENCH_COUNT_OPS", 9) / DEMO_SPOTS.length);
	const samples = perRegion * DEMO_SPOTS.length;
	const api = await buildCountingBundle(bench.bundles.api, "wrangler.toml");
	const edge = await buildCountingBundle(bench.bundles.edge, "workers/menu-edge/wrangler.toml");
	const runtime = await startPlatform({ api, edge }, {}, { RECONCILE_GRACE_SECONDS: String(GRACE_SECONDS) });
	const problems: string[] = [];
	const warnings: string[] = [];
	try {
		await prepareDatabase(runtime, bench.source);
		const apiWorker = (await runtime.miniflare.getWorker(API_WORKER)) as unknown as Counting["api"];
		const counting: Counting = {
			runtime,
			api: apiWorker,
			// The edge is the runtime's entry: its counts are on the same path from outside.
			edge: { fetch: (url) => fetch(new URL(new URL(url).pathname + new URL(url).search, runtime.url)) },
		};
		// What an order leaves in its region's database: the bytes of every row in the regional
		// tables (each value's length as stored), asked for while the runtime is idle. The file's
		// size (meta.size_after) moves by whole pages, and a fresh schema's empty pages take the
		// first few hundred orders, so it cannot be read off a short run.
		const regionalRowBytes = async () => {
			let bytes = 0;
			for (const binding of await orderDatabaseBindings(bench.source)) {
				const db = (await runtime.miniflare.getD1Database(binding, API_WORKER)) as unknown as {
					prepare(query: string): { all<T>(): Promise<{ results: T[] }> };
				};
				const tables = await db
					.prepare(
						"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' AND name != 'd1_migrations'",
					)
					.all<{ name: string }>();
				for (const { name } of tables.results) {
					const columns = await db.prepare(`SELECT name FROM pragma_table_info('${name}')`).all<{ name: string }>();
					if (columns.results.length === 0) continue;
					const length = columns.results
						.map((column) => `coalesce(length(CAST("${column.name}" AS BLOB)), 0)`)
						.join(" + ");
					const sum = await db
						.prepare(`SELECT coalesce(sum(${length}), 0) AS bytes FROM "${name}"`)
						.all<{ bytes: number }>();
					bytes += sum.results[0]?.bytes ?? 0;
				}
			}
			return bytes;
		};
		// Every region's orders, each read where it should be (prepared while the runtime is idle).
		const orderReaders: { binding: string; read: () => Promise<{ id: string }[]> }[] = [];
		for (const binding of await orderDatabaseBindings(bench.source)) {
			orderReaders.push({ binding, read: await preparedQuery(runtime, API_WORKER, binding, "SELECT id FROM orders") });
		}

		const openCart = async (index: number) => {
			const spot = spotFor(index);
			const text = await expect(
				send(runtime, "POST", "/api/v1/carts", JSON.stringify({ locationSlug: spot.locationSlug })),
				201,
				`POST /carts at ${spot.locationSlug}`,
			);
			return { id: (JSON.parse(text) as { id: string }).id, spot };
		};
		const addTo = (cart: { id: string; spot: (typeof DEMO_SPOTS)[number] }) =>
			expect(
				send(runtime, "POST", `/api/v1/carts/${cart.id}/items`, JSON.stringify(cart.spot.line)),
				201,
				"POST /carts/{id}/items",
			);
		const orderIds: string[] = [];
		const checkout = async (cart: { id: string; spot: (typeof DEMO_SPOTS)[number] }) => {
			const text = await expect(
				send(runtime, "POST", `/api/v1/carts/${cart.id}/checkout`, checkoutBody(cart.spot), {
					"idempotency-key": crypto.randomUUID(),
				}),
				201,
				"POST /carts/{id}/checkout",
			);
			orderIds.push((JSON.parse(text) as { orderId: string }).orderId);
		};
		const placeOneShot = async (index: number) => {
			const spot = spotFor(index);
			const text = await expect(
				send(runtime, "POST", "/api/v1/orders", orderBody(spot), { "idempotency-key": crypto.randomUUID() }),
				201,
				`POST /orders at ${spot.locationSlug}`,
			);
			orderIds.push((JSON.parse(text) as { orderId: string }).orderId);
		};
		const viewMenu = async (index: number) => {
			const menuPath = MENU_PATHS[index % MENU_PATHS.length];
			await expect(send(runtime, "GET", menuPath), 200, `GET ${menuPath}`);
		};

		// One of everything first, uncounted, in each region, so one-time work (caches filled, a
		// catalogue read, objects' schemas created, isolates started) is not charged to every operation.
		console.log("  warming up: one of each operation per region, uncounted…");
		for (let i = 0; i < DEMO_SPOTS.length; i++) {
			await viewMenu(i);
			await viewMenu(i);
			const cart = await openCart(i);
			await addTo(cart);
			await checkout(cart);
			await placeOneShot(i);
		}
		await settled(counting, GRACE_SECONDS + 6);
		const idle = measureCpu(runtime.pids);
		await sleep(3000);
		const idleCores = idle()?.runtime ?? 0;

		const operations: Record<string, OperationReport> = {};
		const timed = timedCpu();
		const record = (key: string, report: Awaited<ReturnType<typeof countOperation>>) => {
			operations[key] = { ...report, cpuMs: { ...report.cpuMs, ...(timed[key] ? { timed: timed[key] } : {}) } };
			console.log(`  ${report.label}: ${report.samples} counted`);
		};

		record(
			"menuView",
			await countOperation(
				counting,
				"menu view (GET /menu, edge memory hit)",
				samples * 3,
				idleCores,
				viewMenu,
				1,
				warnings,
			),
		);
		const carts: { id: string; spot: (typeof DEMO_SPOTS)[number] }[] = [];
		record(
			"cartOpened",
			await countOperation(
				counting,
				"cart opened (POST /carts)",
				samples,
				idleCores,
				async (index) => {
					carts.push(await openCart(index));
				},
				1,
				warnings,
			),
		);
		record(
			"addToCart",
			await countOperation(
				counting,
				"add to cart (POST /carts/{id}/items)",
				samples,
				idleCores,
				(index) => addTo(carts[index]).then(() => {}),
				1,
				warnings,
			),
		);
		const before = orderIds.length;
		record(
			"checkout",
			await countOperation(
				counting,
				"cart checkout, through projection, notification and reconciliation",
				samples,
				idleCores,
				(index) => checkout(carts[index]),
				GRACE_SECONDS + 6,
				warnings,
			),
		);
		const oneShot = await countOperation(
			counting,
			"one-shot order (POST /orders), through projection, notification and reconciliation",
			samples,
			idleCores,
			placeOneShot,
			GRACE_SECONDS + 6,
			warnings,
		);
		record("oneShotOrder", oneShot);
		const gauges = await readGauges(counting.api);
		const rowBytes = await regionalRowBytes();
		const durableObjects: CountersReport["storage"]["durableObjects"] = {};
		for (const [key, objects] of Object.entries(gauges)) {
			const [kind, className] = key.split("\t");
			if (kind !== "do.sql.objects" || objects === 0) continue;
			durableObjects[className] = { objects, bytesPerObject: (gauges[`do.sql.bytes\t${className}\t`] ?? 0) / objects };
		}

		// Every order reached the read model of its own region, and only there.
		const placed = orderIds.slice(before);
		const where = new Map<string, string[]>();
		for (const { binding, read } of orderReaders) {
			for (const { id } of await read()) where.set(id, [...(where.get(id) ?? []), binding]);
		}
		for (const id of placed) {
			const found = where.get(id) ?? [];
			const region = /^ord_([a-z]+)_/.exec(id)?.[1];
			const expected = orderReaders.length === 1 ? orderReaders[0].binding : `ORDERS_${region?.toUpperCase()}`;
			if (found.length === 0) problems.push(`order ${id} never reached a read model`);
			else if (found.length > 1 || found[0] !== expected)
				problems.push(`order ${id} is in ${found.join(", ")}, not ${expected}`);
		}
		for (const [key, report] of Object.entries(operations)) {
			if (report.counters.durableObjectSqlStatements === 0 && (key === "addToCart" || key === "checkout")) {
				warnings.push(`${report.label}: no Durable Object SQL counted; the storage instrumentation did not take`);
			}
		}

		const commit = spawnSync("git", ["-C", bench.source, "rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim();
		const dirty =
			spawnSync("git", ["-C", bench.source, "status", "--porcelain", "--untracked-files=no"], {
				encoding: "utf8",
			}).stdout.trim() !== "";
		const report: CountersReport = {
			scenario: "counters",
			recordedAt: new Date().toISOString(),
			source: { commit, uncommittedChanges: dirty },
			method:
				"npm run bench counters: instrumented copies of the api and edge workers (bench/instrument.ts) on Miniflare, operations one at a time over london-soho (eu), new-york-chelsea (us) and tokyo-shibuya (apac) after one uncounted warm-up of each per region; orders followed until the counts stop moving, their reconciliation check included (RECONCILE_GRACE_SECONDS 6 in this run, 300 deployed). D1 rows are D1's meta.rows_read/rows_written; Durable Object rows are the SQLite cursors' rowsRead/rowsWritten.",
			operations,
			storage: {
				d1RegionalRowBytesPerOrder: rowBytes / orderIds.length,
				durableObjects,
			},
			d1PerOneShotOrder: d1Breakdown(
				Object.fromEntries(
					Object.entries(oneShot.detail)
						.filter(([key]) => key.startsWith("api\t"))
						.map(([key, n]) => [key.slice("api\t".length), n]),
				),
				1,
			),
			problems,
			warnings,
		};
		mkdirSync(path.dirname(COUNTERS_FILE), { recursive: true });
		writeFileSync(COUNTERS_FILE, `${JSON.stringify(report, null, "\t")}\n`);
		return report;
	} finally {
		await runtime.miniflare.dispose();
	}
}

const COLUMNS: [string, (c: OperationCounters) => number][] = [
	["HTTP req", (c) => c.httpRequests],
	["api invocations", (c) => c.apiInvocations],
	["DO req", (c) => c.durableObjectRequests],
	["DO rows read", (c) => c.durableObjectRowsRead],
	["DO rows written", (c) => c.durableObjectRowsWritten],
	["D1 rows read global/regional", (c) => c.d1RowsRead.global],
	["", (c) => c.d1RowsRead.regional],
	["D1 rows written global/regional", (c) => c.d1RowsWritten.global],
	["", (c) => c.d1RowsWritten.regional],
	["queue msgs", (c) => c.queueMessages],
	["KV reads", (c) => c.kvReads],
	["KV writes", (c) => c.kvWrites],
	["AE points", (c) => c.analyticsDataPoints],
];

const figure = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

export function printCountersReport(report: CountersReport): void {
	const header = ["operation (per one)", "CPU ms (counting / timed)"];
	for (let i = 0; i < COLUMNS.length; i++) {
		const [name] = COLUMNS[i];
		if (name === "") continue;
		const pair = COLUMNS[i + 1]?.[0] === "";
		header.push(name);
		if (pair) i++;
	}
	const rows = Object.values(report.operations).map((operation) => {
		const c = operation.counters;
		const cells = [
			operation.label,
			`${operation.cpuMs.countingRun.toFixed(2)} / ${operation.cpuMs.timed ? operation.cpuMs.timed.ms.toFixed(2) : "—"}`,
		];
		for (let i = 0; i < COLUMNS.length; i++) {
			const value = COLUMNS[i][1](c);
			if (COLUMNS[i + 1]?.[0] === "") {
				cells.push(`${figure(value)} / ${figure(COLUMNS[i + 1][1](c))}`);
				i++;
			} else cells.push(figure(value));
		}
		return cells;
	});
	printTable(
		`Per-operation counters (instrumented workers, one operation at a time over the three regions; written to ${path.relative(ROOT, COUNTERS_FILE)})`,
		[header, ...rows],
	);
	printD1Breakdown(
		"D1 statements per one-shot guest order, placement through notification and reconciliation:",
		report.d1PerOneShotOrder,
	);
	console.log("");
	printProblems(
		report.problems,
		report.warnings,
		"Every order reached its own region's read model, and only that one.",
	);
}
