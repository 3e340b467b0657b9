/**
 * The write paths: add-to-cart spread over many carts (against the hello
 * Worker), one-shot orders placed and projected into D1 through the queue, and
 * live tracking fan-out over WebSockets. Every scenario is bounded in time
 * and count and closes what it opens.
 */
import { SignJWT } from "jose";
import { type CpuUse, measureCpu } from "./cpu";
import { failures, type Measurement, measure, medianByRps, OTHER_CPU_THRESHOLD, type Settings } from "./measure";
import { API_WORKER, type Bench, benchSecret } from "./platform";

const LOCATION = "london-soho";
const FLAT_WHITE = { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] };
const CONTACT = { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" };

function envInt(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
	return value;
}

/** Tomorrow at 12:00 UTC: 12:00 or 13:00 in London, when it is open every day of the week. */
function londonLunchTomorrow(): string {
	const tomorrow = new Date(Date.now() + 24 * 3600_000);
	return `${tomorrow.toISOString().slice(0, 10)}T12:00:00Z`;
}

export function ms(value: number): string {
	return Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a";
}

/** Nearest-rank percentiles of plain samples. */
function percentiles(values: number[], ...ps: number[]): number[] {
	const sorted = Float64Array.from(values).sort();
	return ps.map((p) =>
		sorted.length === 0 ? Number.NaN : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)],
	);
}

function cpuText(cpu: CpuUse | undefined): string {
	if (!cpu) return "n/a";
	return [cpu.runtime, cpu.client, cpu.others].map((cores) => `${Math.round(cores * 100)}%`).join(" / ");
}

function cpuWarning(name: string, cpu: CpuUse | undefined): string[] {
	return cpu && cpu.others > OTHER_CPU_THRESHOLD
		? [`${name}: other processes used ${Math.round(cpu.others * 100)}% of a core meanwhile; the machine was not quiet`]
		: [];
}

/** Prints a table in the menu report's style: first column left-aligned, the rest right-aligned. */
function printTable(title: string, table: string[][]): void {
	const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
	const line = (row: string[]) =>
		row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join("  ");
	console.log("");
	console.log(title);
	console.log(line(table[0]));
	console.log(widths.map((width) => "-".repeat(width)).join("  "));
	for (const row of table.slice(1)) console.log(line(row));
	console.log("");
}

function printProblems(problems: string[], warnings: string[], clean: string): void {
	if (problems.length > 0) {
		console.log("PROBLEMS — these figures are not a clean measurement:");
		for (const problem of problems) console.log(`  - ${problem}`);
	} else {
		console.log(clean);
	}
	if (warnings.length > 0) {
		console.log("Warnings:");
		for (const warning of warnings) console.log(`  - ${warning}`);
	}
}

const caveat = (isDisturbed: boolean) => (isDisturbed ? " (unreliable: the machine was busy, see warnings)" : "");

/** Runs `task` over `count` indexes with at most `concurrency` in flight. */
async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>, deadline = Infinity) {
	let next = 0;
	const worker = async () => {
		while (next < count && performance.now() < deadline) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

async function postJson(base: URL, path: string, body: unknown, headers: Record<string, string> = {}) {
	const response = await fetch(new URL(path, base), {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify(body),
		// A request that never answers is an error to report, not a reason for the run to hang.
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	return { status: response.status, text };
}

// ---------------------------------------------------------------------------------------------
// 1. Add to cart, spread over many carts

export const CARTS_TARGETS = { minThroughputRatio: 0.35 };

export interface CartsReport {
	scenario: "carts";
	settings: Settings;
	carts: number;
	hello: Measurement;
	addToCart: Measurement;
	throughputRatio: number;
	rounds: { hello: Measurement[]; addToCart: Measurement[] };
	/** Requests autocannon built through the round-robin hook, to show the spread really happened. */
	requestsBuilt: number;
	targets: typeof CARTS_TARGETS;
	verdict: { throughput: "PASS" | "MISS" };
	disturbed: { throughput: boolean };
	problems: string[];
	warnings: string[];
}

export async function runCartsScenario(bench: Bench, settings: Settings): Promise<CartsReport> {
	const count = envInt("BENCH_CARTS", 1000);
	const base = bench.platform.url;
	const cartIds: string[] = [];
	const createProblems: string[] = [];
	const started = performance.now();
	await pool(count, 16, async () => {
		const { status, text } = await postJson(base, "/api/v1/carts", { locationSlug: LOCATION });
		if (status !== 201) createProblems.push(`cart creation answered ${status}: ${text.slice(0, 200)}`);
		else cartIds.push((JSON.parse(text) as { id: string }).id);
	});
	if (cartIds.length === 0) throw new Error(`No cart could be created: ${createProblems[0]}`);
	console.log(
		`  created ${cartIds.length} carts in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`,
	);

	const body = JSON.stringify(FLAT_WHITE);
	let built = 0;
	const setupRequest = (request: {
		method?: string;
		path?: string;
		headers?: Record<string, string>;
		body?: string;
	}) => {
		const cartId = cartIds[built++ % cartIds.length];
		return {
			...request,
			method: "POST",
			path: `/api/v1/carts/${cartId}/items`,
			headers: { "content-type": "application/json" },
			body,
		};
	};
	const helloUrl = new URL("/", bench.hello.url).href;
	const rounds: CartsReport["rounds"] = { hello: [], addToCart: [] };
	for (let round = 1; round <= settings.rounds; round++) {
		const hello = await measure(settings, {
			name: `hello (round ${round})`,
			url: helloUrl,
			connections: settings.connections,
			runtime: bench.hello,
			countHeader: "content-type",
		});
		rounds.hello.push(hello);
		console.log(`  ${hello.name}: ${Math.round(hello.rps)} req/s, p50 ${ms(hello.p50)}, p99 ${ms(hello.p99)}`);
		const add = await measure(settings, {
			name: `add to cart (round ${round})`,
			url: new URL("/api/v1/carts", base).href,
			connections: settings.connections,
			runtime: bench.platform,
			countHeader: "content-type",
			method: "POST",
			headers: { "content-type": "application/json" },
			body,
			setupRequest,
		});
		rounds.addToCart.push(add);
		console.log(
			`  ${add.name}: ${Math.round(add.rps)} req/s, p50 ${ms(add.p50)}, p99 ${ms(add.p99)}, status ${JSON.stringify(add.statusCodes)}`,
		);
	}
	const hello = medianByRps(rounds.hello);
	const addToCart = medianByRps(rounds.addToCart);
	const throughputRatio = addToCart.rps / hello.rps;
	const problems = [...createProblems.slice(0, 5)];
	if (createProblems.length > 5) problems.push(`… and ${createProblems.length - 5} more cart creations failed`);
	const warnings: string[] = [];
	for (const run of [...rounds.hello, ...rounds.addToCart]) {
		for (const problem of failures(run)) problems.push(`${run.name}: ${problem}`);
		warnings.push(...cpuWarning(run.name, run.cpu));
	}
	for (const run of rounds.addToCart) {
		const other = Object.entries(run.statusCodes).filter(([code]) => code !== "201");
		if (other.length > 0) problems.push(`${run.name}: responses other than 201: ${JSON.stringify(run.statusCodes)}`);
	}
	return {
		scenario: "carts",
		settings,
		carts: cartIds.length,
		hello,
		addToCart,
		throughputRatio,
		rounds,
		requestsBuilt: built,
		targets: CARTS_TARGETS,
		verdict: { throughput: throughputRatio >= CARTS_TARGETS.minThroughputRatio ? "PASS" : "MISS" },
		disturbed: {
			throughput: [...rounds.hello, ...rounds.addToCart].some((run) => (run.cpu?.others ?? 0) > OTHER_CPU_THRESHOLD),
		},
		problems,
		warnings,
	};
}

export function printCartsReport(report: CartsReport): void {
	const { settings } = report;
	const header = [
		"scenario",
		"req/s",
		"p50",
		"p99",
		"non-2xx",
		"errors",
		"CPU workerd / client / other",
		"workerd CPU/req",
	];
	const rows = [
		["hello Worker (max)", report.hello],
		[`POST /carts/{id}/items over ${report.carts} carts (max)`, report.addToCart],
	] as const;
	printTable(
		`Add to cart, round-robin over ${report.carts} carts, vs a bare hello Worker — ${settings.connections} connections, ${settings.seconds} s per run after ${settings.warmupSeconds} s warm-up, median of ${settings.rounds} alternating rounds`,
		[
			header,
			...rows.map(([label, run]) => [
				label,
				Math.round(run.rps).toLocaleString("en-GB"),
				ms(run.p50),
				ms(run.p99),
				String(run.non2xx),
				String(run.errors),
				cpuText(run.cpu),
				run.cpu ? ms((run.cpu.runtime / run.rps) * 1000) : "n/a",
			]),
		],
	);
	console.log(
		`add to cart / hello throughput: ${(report.throughputRatio * 100).toFixed(1)}%  (target ≥ ${report.targets.minThroughputRatio * 100}%)  ${report.verdict.throughput}${caveat(report.disturbed.throughput)}`,
	);
	console.log(
		`(${report.requestsBuilt} add-to-cart requests built round-robin over ${report.carts} carts, warm-ups included)`,
	);
	console.log("");
	printProblems(report.problems, report.warnings, "No errors; every add-to-cart answered 201.");
}

// ---------------------------------------------------------------------------------------------
// 2. Orders placed and projected

export const ORDERS_TARGETS = { minPlacedPerSecond: 200, minProjectedPerSecond: 200, maxLost: 0, maxLagP99Ms: 2000 };

interface BenchD1Query {
	prepare(query: string): { all<T>(): Promise<{ results: T[] }> };
}

interface PlacedOrder {
	orderId: string;
	trackingToken: string;
	/** Epoch ms when the client got the 201. */
	placedAt: number;
}

/** Places orders with bounded concurrency until `count` are placed or `seconds` pass. */
async function placeOrders(base: URL, count: number, concurrency: number, seconds = Infinity) {
	const placed: PlacedOrder[] = [];
	const latencies: number[] = [];
	const statusCodes: Record<string, number> = {};
	const errors: string[] = [];
	const requestedTime = londonLunchTomorrow();
	const started = performance.now();
	await pool(
		count,
		concurrency,
		async () => {
			const sent = performance.now();
			try {
				const { status, text } = await postJson(
					base,
					"/api/v1/orders",
					{ locationSlug: LOCATION, items: [FLAT_WHITE], fulfilment: "pickup", contact: CONTACT, requestedTime },
					{ "idempotency-key": crypto.randomUUID() },
				);
				statusCodes[status] = (statusCodes[status] ?? 0) + 1;
				if (status === 201) {
					latencies.push(performance.now() - sent);
					const body = JSON.parse(text) as { orderId: string; trackingToken: string };
					placed.push({ orderId: body.orderId, trackingToken: body.trackingToken, placedAt: Date.now() });
				} else if (errors.length < 5) {
					errors.push(`POST /api/v1/orders answered ${status}: ${text.slice(0, 300)}`);
				}
			} catch (error) {
				if (errors.length < 5) errors.push(`POST /api/v1/orders failed: ${(error as Error).message}`);
				statusCodes.error = (statusCodes.error ?? 0) + 1;
			}
		},
		started + seconds * 1000,
	);
	return { placed, latencies, statusCodes, errors, seconds: (performance.now() - started) / 1000, startedAt: started };
}

export interface OrdersReport {
	scenario: "orders";
	asked: number;
	concurrency: number;
	placed: number;
	placeSeconds: number;
	placedPerSecond: number;
	placeLatency: { p50: number; p99: number };
	statusCodes: Record<string, number>;
	projected: number;
	/** From the first order sent to the last one seen in D1's orders table. */
	projectSeconds: number;
	projectedPerSecond: number;
	lost: number;
	/** orders.updated_at (the consumer's processedAt) − orders.placed_at (the event's occurredAt), server clocks. */
	lag: { p50: number; p99: number; max: number };
	/** Client-side: first poll that saw the row − the client receiving the 201; polls start when placement ends, so an upper bound. */
	clientLag: { p50: number; p99: number; pollIntervalMs: number };
	cpuPlacing?: CpuUse;
	cpuProjecting?: CpuUse;
	targets: typeof ORDERS_TARGETS;
	verdict: { placed: "PASS" | "MISS"; projected: "PASS" | "MISS"; lost: "PASS" | "MISS"; lagP99: "PASS" | "MISS" };
	problems: string[];
	warnings: string[];
}

export async function runOrdersScenario(bench: Bench, settings: Settings): Promise<OrdersReport> {
	const asked = envInt("BENCH_ORDERS", 2000);
	const placeSecondsCap = envInt("BENCH_ORDERS_SECONDS", 15);
	const timeoutSeconds = envInt("BENCH_PROJECTION_TIMEOUT", 60);
	const concurrency = settings.connections;
	const db = (await bench.platform.miniflare.getD1Database("DB", API_WORKER)) as unknown as BenchD1Query;
	const before = new Set(
		(await db.prepare("SELECT id FROM orders").all<{ id: string }>()).results.map((row) => row.id),
	);

	// The read model is polled from the start, alongside placement, so the client-side lag is not
	// inflated by placement still running; only rows written since the last poll are read.
	const firstSeen = new Map<string, { placedAt: string; updatedAt: string; seenAt: number }>();
	const pollIntervalMs = 200;
	let since = "";
	// Consumers run concurrently, so a row may commit after one stamped later: re-read a few seconds back.
	const sinceWithMargin = () => (since === "" ? "" : new Date(Date.parse(since) - 5000).toISOString());
	const poll = async () => {
		const rows = (
			await db
				.prepare(
					`SELECT id, placed_at AS placedAt, updated_at AS updatedAt FROM orders WHERE updated_at >= '${sinceWithMargin()}'`,
				)
				.all<{ id: string; placedAt: string; updatedAt: string }>()
		).results;
		const now = Date.now();
		for (const row of rows) {
			if (before.has(row.id) || firstSeen.has(row.id)) continue;
			firstSeen.set(row.id, { placedAt: row.placedAt, updatedAt: row.updatedAt, seenAt: now });
			if (row.updatedAt > since) since = row.updatedAt;
		}
	};
	// Polling D1 from here while orders are placed stalls placement on the local runtime (the
	// read waits behind the workers' writes and they behind it), so the read model is read once
	// placement ends; `lag` comes from the rows' own server timestamps, so it is not inflated.
	const cpuPlace = measureCpu(bench.platform.pids);
	const placing = await placeOrders(bench.platform.url, asked, concurrency, placeSecondsCap);
	const cpuPlacing = cpuPlace();
	console.log(
		`  placed ${placing.placed.length} of ${asked} orders in ${placing.seconds.toFixed(1)} s (${JSON.stringify(placing.statusCodes)})`,
	);

	const cpuProject = measureCpu(bench.platform.pids);
	const pending = new Set(placing.placed.map((order) => order.orderId).filter((id) => !firstSeen.has(id)));
	const firstSentEpoch = Date.now() - (performance.now() - placing.startedAt);
	const deadline = Date.now() + timeoutSeconds * 1000;
	while (pending.size > 0 && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
		await poll();
		for (const id of [...pending]) if (firstSeen.has(id)) pending.delete(id);
	}
	const cpuProjecting = cpuProject();
	const seen = new Map(
		placing.placed.flatMap((order) => {
			const row = firstSeen.get(order.orderId);
			return row ? [[order.orderId, row] as const] : [];
		}),
	);
	const lastSeenAt = Math.max(0, ...[...seen.values()].map((row) => row.seenAt));

	const lags: number[] = [];
	const clientLags: number[] = [];
	let lastProjected = 0;
	for (const order of placing.placed) {
		const row = seen.get(order.orderId);
		if (!row) continue;
		const updated = Date.parse(row.updatedAt);
		lags.push(updated - Date.parse(row.placedAt));
		clientLags.push(Math.max(0, row.seenAt - order.placedAt));
		lastProjected = Math.max(lastProjected, Number.isFinite(updated) ? updated : lastSeenAt);
	}
	const projectSeconds = seen.size > 0 ? (lastProjected - firstSentEpoch) / 1000 : Number.NaN;
	const [lagP50, lagP99, lagMax] = percentiles(lags, 50, 99, 100);
	const [clientP50, clientP99] = percentiles(clientLags, 50, 99);
	const [placeP50, placeP99] = percentiles(placing.latencies, 50, 99);
	const placedPerSecond = placing.placed.length / placing.seconds;
	const projectedPerSecond = seen.size > 0 ? seen.size / projectSeconds : 0;
	const lost = pending.size;
	const problems = [...placing.errors];
	const non201 = Object.entries(placing.statusCodes).filter(([code]) => code !== "201");
	if (non201.length > 0)
		problems.push(`order placement answered other than 201: ${JSON.stringify(placing.statusCodes)}`);
	if (lost > 0) problems.push(`${lost} placed orders never reached the orders table within ${timeoutSeconds} s`);
	if (before.size > 0) console.log(`  (${before.size} orders were in D1 before the scenario)`);
	const warnings = [...cpuWarning("placing", cpuPlacing), ...cpuWarning("projecting", cpuProjecting)];
	if (placing.placed.length < asked)
		warnings.push(`only ${placing.placed.length} of ${asked} orders placed within the ${placeSecondsCap} s cap`);

	return {
		scenario: "orders",
		asked,
		concurrency,
		placed: placing.placed.length,
		placeSeconds: placing.seconds,
		placedPerSecond,
		placeLatency: { p50: placeP50, p99: placeP99 },
		statusCodes: placing.statusCodes,
		projected: seen.size,
		projectSeconds,
		projectedPerSecond,
		lost,
		lag: { p50: lagP50, p99: lagP99, max: lagMax },
		clientLag: { p50: clientP50, p99: clientP99, pollIntervalMs },
		cpuPlacing,
		cpuProjecting,
		targets: ORDERS_TARGETS,
		verdict: {
			placed: placedPerSecond >= ORDERS_TARGETS.minPlacedPerSecond ? "PASS" : "MISS",
			projected: projectedPerSecond >= ORDERS_TARGETS.minProjectedPerSecond ? "PASS" : "MISS",
			lost: lost <= ORDERS_TARGETS.maxLost ? "PASS" : "MISS",
			lagP99: lagP99 <= ORDERS_TARGETS.maxLagP99Ms ? "PASS" : "MISS",
		},
		problems,
		warnings,
	};
}

export function printOrdersReport(report: OrdersReport): void {
	const disturbedPlacing = (report.cpuPlacing?.others ?? 0) > OTHER_CPU_THRESHOLD;
	const disturbedProjecting = (report.cpuProjecting?.others ?? 0) > OTHER_CPU_THRESHOLD;
	printTable(
		`One-shot orders (POST /api/v1/orders, ${report.concurrency} in flight) placed and projected into D1 (within the request; the order-events queue confirms, or projects if that failed)`,
		[
			["phase", "orders", "seconds", "orders/s", "p50", "p99", "CPU workerd / client / other"],
			[
				"placed (201)",
				String(report.placed),
				report.placeSeconds.toFixed(2),
				report.placedPerSecond.toFixed(1),
				ms(report.placeLatency.p50),
				ms(report.placeLatency.p99),
				cpuText(report.cpuPlacing),
			],
			[
				"projected (in orders table)",
				String(report.projected),
				report.projectSeconds.toFixed(2),
				report.projectedPerSecond.toFixed(1),
				ms(report.lag.p50),
				ms(report.lag.p99),
				cpuText(report.cpuProjecting),
			],
		],
	);
	console.log(
		`placed/s: ${report.placedPerSecond.toFixed(1)}  (target ≥ ${report.targets.minPlacedPerSecond})  ${report.verdict.placed}${caveat(disturbedPlacing)}`,
	);
	console.log(
		`projected/s (first order sent → last row written): ${report.projectedPerSecond.toFixed(1)}  (target ≥ ${report.targets.minProjectedPerSecond})  ${report.verdict.projected}${caveat(disturbedPlacing || disturbedProjecting)}`,
	);
	console.log(`lost: ${report.lost}  (target ${report.targets.maxLost})  ${report.verdict.lost}`);
	console.log(
		`projection lag (updated_at − placed_at): p50 ${ms(report.lag.p50)}, p99 ${ms(report.lag.p99)}, max ${ms(report.lag.max)}  (target p99 ≤ ${report.targets.maxLagP99Ms} ms)  ${report.verdict.lagP99}${caveat(disturbedPlacing || disturbedProjecting)}`,
	);
	console.log(
		`client-side lag, upper bound (201 received → row seen by a ${report.clientLag.pollIntervalMs} ms poll after placement ends): p50 ${ms(report.clientLag.p50)}, p99 ${ms(report.clientLag.p99)}`,
	);
	console.log("");
	printProblems(report.problems, report.warnings, "No errors; every order answered 201 and reached the read model.");
}

// ---------------------------------------------------------------------------------------------
// 3. Live fan-out over WebSockets

export const LIVE_TARGETS = { maxP99Ms: 100 };

export interface LiveReport {
	scenario: "live";
	orders: number;
	clientsPerOrder: number;
	clients: number;
	connected: number;
	snapshots: number;
	connectSeconds: number;
	spreadSeconds: number;
	statusCodes: Record<string, number>;
	deliveries: number;
	missing: number;
	latency: { p50: number; p99: number; max: number };
	statusRequest: { p50: number; p99: number };
	cpu?: CpuUse;
	targets: typeof LIVE_TARGETS;
	verdict: { p99: "PASS" | "MISS"; missing: "PASS" | "MISS" };
	problems: string[];
	warnings: string[];
}

function staffToken(): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	return new SignJWT({ role: "admin", locations: [] })
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject("acc-demo-admin")
		.setIssuer("goodfood")
		.setAudience("goodfood-api")
		.setIssuedAt(now)
		.setExpirationTime(now + 15 * 60)
		.sign(new TextEncoder().encode(benchSecret("JWT_SECRET")));
}

export async function runLiveScenario(bench: Bench, _settings: Settings): Promise<LiveReport> {
	const orderCount = envInt("BENCH_LIVE_ORDERS", 100);
	const perOrder = envInt("BENCH_LIVE_CLIENTS_PER_ORDER", 5);
	const spreadSeconds = envInt("BENCH_LIVE_SPREAD_SECONDS", 3);
	const deliveryTimeoutMs = 5000;
	const base = bench.platform.url;
	const placing = await placeOrders(base, orderCount, 16);
	if (placing.placed.length === 0) throw new Error(`No order placed: ${placing.errors[0]}`);
	const orders = placing.placed;
	console.log(`  placed ${orders.length} orders`);

	const problems: string[] = [...placing.errors];
	const sentAt = new Map<string, number>();
	const latencies: number[] = [];
	const sockets: WebSocket[] = [];
	let connected = 0;
	let snapshots = 0;
	let socketErrors = 0;
	let allSnapshots: () => void = () => {};
	const snapshotsDone = new Promise<void>((resolve) => {
		allSnapshots = resolve;
	});
	let allDelivered: () => void = () => {};
	const deliveredDone = new Promise<void>((resolve) => {
		allDelivered = resolve;
	});
	const total = orders.length * perOrder;
	const wsBase = new URL(base);
	wsBase.protocol = "ws:";
	const connectStarted = performance.now();
	try {
		for (const order of orders) {
			for (let i = 0; i < perOrder; i++) {
				const url = new URL(`/api/v1/orders/${order.orderId}/live`, wsBase);
				url.searchParams.set("token", order.trackingToken);
				const socket = new WebSocket(url);
				sockets.push(socket);
				let gotSnapshot = false;
				let delivered = false;
				socket.addEventListener("open", () => connected++);
				socket.addEventListener("error", () => socketErrors++);
				socket.addEventListener("message", (message) => {
					const at = performance.now();
					const text = String(message.data);
					if (!gotSnapshot) {
						gotSnapshot = true;
						if (++snapshots === total) allSnapshots();
						return;
					}
					if (delivered) return;
					const parsed = JSON.parse(text) as { type?: string; status?: string };
					if (parsed.status === "confirmed" || text.includes('"confirmed"')) {
						delivered = true;
						const sent = sentAt.get(order.orderId);
						if (sent !== undefined) latencies.push(at - sent);
						if (latencies.length === total) allDelivered();
					}
				});
			}
		}
		await Promise.race([snapshotsDone, new Promise((resolve) => setTimeout(resolve, 20_000))]);
		const connectSeconds = (performance.now() - connectStarted) / 1000;
		console.log(
			`  ${connected} of ${total} sockets open, ${snapshots} snapshots in ${connectSeconds.toFixed(1)} s (${socketErrors} socket errors)`,
		);
		if (snapshots < total) problems.push(`only ${snapshots} of ${total} clients got their snapshot within 20 s`);

		const authorization = `Bearer ${await staffToken()}`;
		const statusCodes: Record<string, number> = {};
		const statusLatencies: number[] = [];
		const gap = (spreadSeconds * 1000) / orders.length;
		const cpu = measureCpu(bench.platform.pids);
		const changeStarted = performance.now();
		const requests = orders.map(async (order, index) => {
			const due = changeStarted + index * gap;
			const wait = due - performance.now();
			if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
			const sent = performance.now();
			sentAt.set(order.orderId, sent);
			try {
				const { status, text } = await postJson(
					base,
					`/api/v1/orders/${order.orderId}/status`,
					{ status: "confirmed", etaMinutes: 10 },
					{ authorization },
				);
				statusLatencies.push(performance.now() - sent);
				statusCodes[status] = (statusCodes[status] ?? 0) + 1;
				if ((status < 200 || status > 299) && problems.length < 10)
					problems.push(`status change answered ${status}: ${text.slice(0, 300)}`);
			} catch (error) {
				statusCodes.error = (statusCodes.error ?? 0) + 1;
				if (problems.length < 10) problems.push(`status change failed: ${(error as Error).message}`);
			}
		});
		await Promise.all(requests);
		await Promise.race([deliveredDone, new Promise((resolve) => setTimeout(resolve, deliveryTimeoutMs))]);
		const cpuUse = cpu();
		const [p50, p99, max] = percentiles(latencies, 50, 99, 100);
		const [statusP50, statusP99] = percentiles(statusLatencies, 50, 99);
		const late = latencies.filter((latency) => latency > deliveryTimeoutMs).length;
		const missing = total - latencies.length + late;
		if (missing > 0) problems.push(`${missing} of ${total} clients never got the confirmed event within 5 s`);
		if (socketErrors > 0) problems.push(`${socketErrors} socket errors`);
		return {
			scenario: "live",
			orders: orders.length,
			clientsPerOrder: perOrder,
			clients: total,
			connected,
			snapshots,
			connectSeconds,
			spreadSeconds,
			statusCodes,
			deliveries: latencies.length - late,
			missing,
			latency: { p50, p99, max },
			statusRequest: { p50: statusP50, p99: statusP99 },
			cpu: cpuUse,
			targets: LIVE_TARGETS,
			verdict: { p99: p99 <= LIVE_TARGETS.maxP99Ms ? "PASS" : "MISS", missing: missing === 0 ? "PASS" : "MISS" },
			problems,
			warnings: cpuWarning("status changes", cpuUse),
		};
	} finally {
		for (const socket of sockets) {
			try {
				socket.close(1000, "bench done");
			} catch {
				// already closed
			}
		}
	}
}

export function printLiveReport(report: LiveReport): void {
	printTable(
		`Live fan-out: ${report.clients} WebSocket clients (${report.clientsPerOrder} per order on ${report.orders} orders), one staff "confirmed" per order spread over ${report.spreadSeconds} s`,
		[
			["measure", "count", "p50", "p99", "max", "CPU workerd / client / other"],
			[
				"status request → confirmed event",
				String(report.deliveries),
				ms(report.latency.p50),
				ms(report.latency.p99),
				ms(report.latency.max),
				cpuText(report.cpu),
			],
			[
				"POST /orders/{id}/status",
				String(Object.values(report.statusCodes).reduce((sum, count) => sum + count, 0)),
				ms(report.statusRequest.p50),
				ms(report.statusRequest.p99),
				"",
				"",
			],
		],
	);
	const disturbed = (report.cpu?.others ?? 0) > OTHER_CPU_THRESHOLD;
	console.log(
		`delivery p99: ${ms(report.latency.p99)}  (target ≤ ${report.targets.maxP99Ms} ms)  ${report.verdict.p99}${caveat(disturbed)}`,
	);
	console.log(
		`never arrived within 5 s: ${report.missing} of ${report.clients}  ${report.verdict.missing}; sockets open ${report.connected}, snapshots ${report.snapshots} (in ${report.connectSeconds.toFixed(1)} s); status answers ${JSON.stringify(report.statusCodes)}`,
	);
	console.log("");
	printProblems(report.problems, report.warnings, "No errors; every client got its snapshot and the confirmed event.");
}
