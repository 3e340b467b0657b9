/**
 * The write paths: add-to-cart spread over many carts (against the hello
 * Worker), one-shot orders placed and projected into D1 through the queue, and
 * live tracking fan-out over WebSockets. Every scenario is bounded in time
 * and count and closes what it opens.
 */
import { type CpuUse, measureCpu, workerdProcesses } from "./cpu";
import { FLOOR_DB } from "./floors";
import {
	cpuPerRequestMs,
	failures,
	type Measurement,
	measure,
	medianByRps,
	OTHER_CPU_THRESHOLD,
	type Settings,
} from "./measure";
import { type Bench, preparedQuery, preparedQueryEverywhere, type Runtime, staffToken } from "./platform";
import { caveat, cpuText, ms, percentiles, printProblems, printTable, RUN_HEADER, runColumns } from "./report";

/**
 * The demo's three locations, one per region, each with an item that needs no
 * choice (London's flat white takes a milk) and lunchtime there tomorrow, when
 * it is open and the item's category is served. The bench spreads its carts
 * and orders over them in turn, so each region's Durable Objects and order
 * database take a third.
 */
export const DEMO_SPOTS = [
	{
		region: "eu",
		locationSlug: "london-soho",
		line: { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] },
		/** 12:00 UTC: 12:00 or 13:00 in London. */
		lunchUtcHour: 12,
	},
	{
		region: "us",
		locationSlug: "new-york-chelsea",
		line: { itemId: "itm-nyc-black-white-cookie", quantity: 1, options: [] as string[] },
		/** 17:00 UTC: 12:00 or 13:00 in New York. */
		lunchUtcHour: 17,
	},
	{
		region: "apac",
		locationSlug: "tokyo-shibuya",
		line: { itemId: "itm-tyo-dorayaki", quantity: 1, options: [] as string[] },
		/** 03:00 UTC: 12:00 in Tokyo. */
		lunchUtcHour: 3,
	},
] as const;

export type DemoSpot = (typeof DEMO_SPOTS)[number];

/** The spot a cart or order number `index` goes to: the three in turn. */
export function spotFor(index: number): DemoSpot {
	return DEMO_SPOTS[index % DEMO_SPOTS.length];
}

/** London's line, for a scenario that needs a single one. */
export const FLAT_WHITE = DEMO_SPOTS[0].line;
const CONTACT = { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" };
/** The simulator's card that authorises at once: an order counts once it is authorised and projected (issue 15). */
const SUCCESS_CARD = { method: "card", paymentMethod: "pm_sim_4242424242424242" };

function envInt(name: string, fallback: number): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1, got "${raw}"`);
	return value;
}

/** Tomorrow at lunchtime at the spot (open every day of the week then). */
function lunchTomorrow(spot: DemoSpot): string {
	const tomorrow = new Date(Date.now() + 24 * 3600_000);
	return `${tomorrow.toISOString().slice(0, 10)}T${String(spot.lunchUtcHour).padStart(2, "0")}:00:00Z`;
}

function cpuWarning(name: string, cpu: CpuUse | undefined): string[] {
	return cpu && cpu.others > OTHER_CPU_THRESHOLD
		? [`${name}: other processes used ${Math.round(cpu.others * 100)}% of a core meanwhile; the machine was not quiet`]
		: [];
}

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

/** Issue 13's targets: near the cart floor, and cheap in CPU. */
export const CARTS_TARGETS = { minFloorRatio: 0.7, maxCpuPerRequestMs: 2 };

export interface CartsReport {
	scenario: "carts";
	settings: Settings;
	carts: number;
	hello: Measurement;
	floor: Measurement;
	addToCart: Measurement;
	/** Median add-to-cart throughput over the median cart floor's. */
	floorRatio: number;
	/** Median add-to-cart throughput over the median hello Worker's. */
	helloRatio: number;
	/** workerd CPU per add-to-cart (all workerd processes), ms. */
	cpuPerRequestMs: number;
	rounds: { hello: Measurement[]; floor: Measurement[]; addToCart: Measurement[] };
	targets: typeof CARTS_TARGETS;
	verdict: { floorRatio: "PASS" | "MISS"; cpuPerRequest: "PASS" | "MISS" };
	disturbed: { throughput: boolean };
	problems: string[];
	warnings: string[];
}

/** A cart the bench opened, and the line that suits its location. */
export interface BenchCart {
	id: string;
	/** The JSON body of an add to this cart. */
	addBody: string;
}

/** Creates `count` carts spread over the three locations in turn (not timed); returns them and what went wrong. */
export async function createCarts(base: URL, count: number): Promise<{ carts: BenchCart[]; problems: string[] }> {
	const carts: BenchCart[] = [];
	const problems: string[] = [];
	const started = performance.now();
	await pool(count, 16, async (index) => {
		const spot = spotFor(index);
		const { status, text } = await postJson(base, "/api/v1/carts", { locationSlug: spot.locationSlug });
		if (status !== 201)
			problems.push(`cart creation at ${spot.locationSlug} answered ${status}: ${text.slice(0, 200)}`);
		else carts.push({ id: (JSON.parse(text) as { id: string }).id, addBody: JSON.stringify(spot.line) });
	});
	if (carts.length === 0) throw new Error(`No cart could be created: ${problems[0]}`);
	console.log(
		`  created ${carts.length} carts over ${DEMO_SPOTS.map((spot) => spot.locationSlug).join(", ")} in ${((performance.now() - started) / 1000).toFixed(1)} s (not timed)`,
	);
	return { carts, problems };
}

export const cartItemsPath = (cartId: string) => `/api/v1/carts/${cartId}/items`;

export function logRun(run: Measurement): void {
	console.log(
		`  ${run.name}: ${Math.round(run.rps)} req/s, p50 ${ms(run.p50)}, p99 ${ms(run.p99)}, ${ms(cpuPerRequestMs(run))} CPU/req, generator ${Math.round((run.cpu?.generator ?? 0) * 100)}%, status ${JSON.stringify(run.statusCodes)}`,
	);
}

export async function runCartsScenario(bench: Bench, settings: Settings): Promise<CartsReport> {
	const count = envInt("BENCH_CARTS", 1000);
	const { carts, problems: createProblems } = await createCarts(bench.platform.url, count);
	const addLine = {
		connections: settings.connections,
		countHeader: "content-type",
		method: "POST",
		headers: { "content-type": "application/json" },
		paths: carts.map((cart) => cartItemsPath(cart.id)),
		bodies: carts.map((cart) => cart.addBody),
	};
	const rounds: CartsReport["rounds"] = { hello: [], floor: [], addToCart: [] };
	for (let round = 1; round <= settings.rounds; round++) {
		const hello = await measure(settings, {
			name: `hello (round ${round})`,
			url: new URL("/", bench.hello.url).href,
			connections: settings.connections,
			runtime: bench.hello,
			countHeader: "content-type",
		});
		rounds.hello.push(hello);
		logRun(hello);
		const floor = await measure(settings, {
			...addLine,
			name: `cart floor (round ${round})`,
			url: bench.cartFloor.url.href,
			runtime: bench.cartFloor,
		});
		rounds.floor.push(floor);
		logRun(floor);
		const add = await measure(settings, {
			...addLine,
			name: `add to cart (round ${round})`,
			url: bench.platform.url.href,
			runtime: bench.platform,
		});
		rounds.addToCart.push(add);
		logRun(add);
	}
	const hello = medianByRps(rounds.hello);
	const floor = medianByRps(rounds.floor);
	const addToCart = medianByRps(rounds.addToCart);
	const floorRatio = addToCart.rps / floor.rps;
	const cpuPerRequest = cpuPerRequestMs(addToCart);
	const problems = [...createProblems.slice(0, 5)];
	if (createProblems.length > 5) problems.push(`… and ${createProblems.length - 5} more cart creations failed`);
	const warnings: string[] = [];
	const all = [...rounds.hello, ...rounds.floor, ...rounds.addToCart];
	for (const run of all) {
		for (const problem of failures(run)) problems.push(`${run.name}: ${problem}`);
		warnings.push(...cpuWarning(run.name, run.cpu));
	}
	for (const run of [...rounds.floor, ...rounds.addToCart]) {
		const other = Object.entries(run.statusCodes).filter(([code]) => code !== "201");
		if (other.length > 0) problems.push(`${run.name}: responses other than 201: ${JSON.stringify(run.statusCodes)}`);
	}
	return {
		scenario: "carts",
		settings,
		carts: carts.length,
		hello,
		floor,
		addToCart,
		floorRatio,
		helloRatio: addToCart.rps / hello.rps,
		cpuPerRequestMs: cpuPerRequest,
		rounds,
		targets: CARTS_TARGETS,
		verdict: {
			floorRatio: floorRatio >= CARTS_TARGETS.minFloorRatio ? "PASS" : "MISS",
			cpuPerRequest: cpuPerRequest <= CARTS_TARGETS.maxCpuPerRequestMs ? "PASS" : "MISS",
		},
		disturbed: { throughput: all.some((run) => (run.cpu?.others ?? 0) > OTHER_CPU_THRESHOLD) },
		problems,
		warnings,
	};
}

export function printCartsReport(report: CartsReport): void {
	const { settings } = report;
	printTable(
		`Add to cart, round-robin over ${report.carts} carts, vs the cart floor and a bare hello Worker — wrk, ${settings.connections} connections, ${settings.seconds} s per run after ${settings.warmupSeconds} s warm-up, median of ${settings.rounds} alternating rounds`,
		[
			["scenario", ...RUN_HEADER],
			["hello Worker (max)", ...runColumns(report.hello)],
			[`cart floor over ${report.carts} objects (max)`, ...runColumns(report.floor)],
			[`POST /carts/{id}/items over ${report.carts} carts (max)`, ...runColumns(report.addToCart)],
		],
	);
	const disturbed = caveat(report.disturbed.throughput);
	console.log(
		`add to cart / cart floor: ${(report.floorRatio * 100).toFixed(1)}%  (target ≥ ${report.targets.minFloorRatio * 100}%)  ${report.verdict.floorRatio}${disturbed}`,
	);
	console.log(
		`add to cart CPU per request (all workerd processes): ${ms(report.cpuPerRequestMs)}  (target ≤ ${report.targets.maxCpuPerRequestMs} ms)  ${report.verdict.cpuPerRequest}${disturbed}`,
	);
	console.log(`add to cart / hello: ${(report.helloRatio * 100).toFixed(1)}%`);
	console.log("");
	printProblems(report.problems, report.warnings, "No errors; every add-to-cart answered 201.");
}
// ---------------------------------------------------------------------------------------------
// 2. Orders placed and projected

/** Issue 13's targets for one-shot orders. */
export const ORDERS_TARGETS = {
	minFloorRatio: 0.7,
	minPerSecond: 300,
	maxLost: 0,
	maxPlacementP99Ms: 100,
	maxLagP99Ms: 1000,
};

/** Orders a run placed that have reached the read model: when each was placed and projected, epoch ms. */
type ProjectedReader = (sinceEpochMs: number) => Promise<{ placedAt: number; projectedAt: number }[]>;

/** The real read model, every region's: orders.placed_at is the event's time, updated_at the projection's. */
async function realProjections(runtime: Runtime, source: string): Promise<ProjectedReader> {
	const all = await preparedQueryEverywhere<{ placedAt: string; updatedAt: string }>(
		runtime,
		source,
		"SELECT placed_at AS placedAt, updated_at AS updatedAt FROM orders",
	);
	return async (since) =>
		(await all())
			.map((row) => ({ placedAt: Date.parse(row.placedAt), projectedAt: Date.parse(row.updatedAt) }))
			.filter((row) => row.placedAt >= since);
}

async function floorProjections(runtime: Runtime): Promise<ProjectedReader> {
	const all = await preparedQuery<{ placedAt: number; projectedAt: number }>(
		runtime,
		"order-floor",
		FLOOR_DB,
		"SELECT placed_at AS placedAt, projected_at AS projectedAt FROM floor_orders",
	);
	return async (since) => (await all()).filter((row) => row.placedAt >= since);
}

export interface OrdersRun {
	name: string;
	/** wrk's figures for placement (201s, p50/p99 of POST /orders). */
	placing: Measurement;
	/** 201 answers during the measured run. */
	placed: number;
	/** Orders of the measured run in the read model once projection settled (may exceed `placed` by the requests in flight when wrk stopped). */
	projected: number;
	/** From the run's start to the last of its orders projected. */
	projectSeconds: number;
	/** Orders placed and projected per second: `projected` over `projectSeconds`. */
	perSecond: number;
	lost: number;
	/** projected − placed, server clocks. */
	lag: { p50: number; p99: number; max: number };
	/** workerd CPU (all processes) from the run's start until its orders were projected, per order projected, ms: placement and the consumers' work. */
	cpuPerOrderProjectedMs: number;
}

export interface OrdersReport {
	scenario: "orders";
	settings: Settings;
	connections: number;
	/** Demo locations the orders went to, in turn (BENCH_ORDER_LOCATIONS); 1 loads a single kitchen object. */
	locations: number;
	floor: OrdersRun;
	orders: OrdersRun;
	/** Median orders placed-and-projected per second over the median order floor's. */
	floorRatio: number;
	/** workerd CPU per order placed, during placement (all workerd processes), ms. */
	cpuPerOrderMs: number;
	rounds: { floor: OrdersRun[]; orders: OrdersRun[] };
	targets: typeof ORDERS_TARGETS;
	verdict: {
		floorRatio: "PASS" | "MISS";
		perSecond: "PASS" | "MISS";
		lost: "PASS" | "MISS";
		placementP99: "PASS" | "MISS";
		lagP99: "PASS" | "MISS";
	};
	disturbed: boolean;
	problems: string[];
	warnings: string[];
}

/** Waits until `expected` orders since `since` are projected, or the timeout passes; returns what is there. */
async function awaitProjection(read: ProjectedReader, since: number, expected: number, timeoutSeconds: number) {
	const deadline = Date.now() + timeoutSeconds * 1000;
	let rows = await read(since);
	while (rows.length < expected && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 250));
		rows = await read(since);
	}
	return rows;
}

/** The body of a one-shot order at a spot: its item for pickup tomorrow at lunch, paid with the success card. */
export function orderBody(spot: DemoSpot = DEMO_SPOTS[0]): string {
	return JSON.stringify({
		locationSlug: spot.locationSlug,
		items: [spot.line],
		fulfilment: "pickup",
		contact: CONTACT,
		requestedTime: lunchTomorrow(spot),
		payment: SUCCESS_CARD,
	});
}

/** The body of a cart's checkout at a spot: pickup tomorrow at lunch, paid with the success card. */
export function checkoutBody(spot: DemoSpot = DEMO_SPOTS[0]): string {
	return JSON.stringify({
		fulfilment: "pickup",
		contact: CONTACT,
		requestedTime: lunchTomorrow(spot),
		payment: SUCCESS_CARD,
	});
}

/** How many of the demo locations the orders go to: BENCH_ORDER_LOCATIONS=1 puts them all on one kitchen object. */
export function orderLocations(): number {
	return Math.min(DEMO_SPOTS.length, Math.max(1, envInt("BENCH_ORDER_LOCATIONS", DEMO_SPOTS.length)));
}

/** One order body per location, for a load that takes them in turn. */
export function orderBodies(): string[] {
	return DEMO_SPOTS.slice(0, orderLocations()).map((spot) => orderBody(spot));
}

/**
 * One round of one target: wrk places orders (a unique Idempotency-Key each)
 * for the warm-up, whose projection is awaited, then for the measured run;
 * its orders count once they are in the read model.
 */
async function ordersRun(
	settings: Settings,
	name: string,
	runtime: Runtime,
	read: ProjectedReader,
	connections: number,
	timeoutSeconds: number,
): Promise<OrdersRun> {
	let measuredFrom = 0;
	let cpuUntilProjected: () => CpuUse | undefined = () => undefined;
	const placing = await measure(settings, {
		name,
		url: new URL("/api/v1/orders", runtime.url).href,
		connections,
		runtime,
		countHeader: "content-type",
		method: "POST",
		headers: { "content-type": "application/json" },
		// The locations in turn (three by default), so each region takes its share of the orders.
		bodies: orderBodies(),
		paths: orderBodies().map(() => "/api/v1/orders"),
		uniqueHeader: "idempotency-key",
		afterWarmup: async () => {
			// The warm-up's orders are projected before the measured run, so their consumers do not run during it.
			const warmupFrom = Date.now() - (settings.warmupSeconds + 5) * 1000;
			let last = -1;
			for (let rows = await read(warmupFrom); rows.length !== last; rows = await read(warmupFrom)) {
				last = rows.length;
				await new Promise((resolve) => setTimeout(resolve, 1500));
			}
			measuredFrom = Date.now();
			cpuUntilProjected = measureCpu(workerdProcesses());
		},
	});
	const placed = placing.statusCodes["201"] ?? 0;
	const rows = await awaitProjection(read, measuredFrom, placed, timeoutSeconds);
	const cpuCores = cpuUntilProjected()?.runtime ?? Number.NaN;
	const cpuSeconds = (cpuCores * (Date.now() - measuredFrom)) / 1000;
	const lastProjected = Math.max(measuredFrom, ...rows.map((row) => row.projectedAt));
	const projectSeconds = (lastProjected - measuredFrom) / 1000;
	const [p50, p99, max] = percentiles(
		rows.map((row) => row.projectedAt - row.placedAt),
		50,
		99,
		100,
	);
	return {
		name,
		placing,
		placed,
		projected: rows.length,
		projectSeconds,
		perSecond: projectSeconds > 0 ? rows.length / projectSeconds : 0,
		lost: Math.max(0, placed - rows.length),
		lag: { p50, p99, max },
		cpuPerOrderProjectedMs: rows.length > 0 ? (cpuSeconds / rows.length) * 1000 : Number.NaN,
	};
}

function logOrdersRun(run: OrdersRun): void {
	console.log(
		`  ${run.name}: ${run.placed} placed (${Math.round(run.placing.rps)}/s, p99 ${ms(run.placing.p99)}, ${ms(cpuPerRequestMs(run.placing))} CPU/order, generator ${Math.round((run.placing.cpu?.generator ?? 0) * 100)}%), ${run.projected} projected in ${run.projectSeconds.toFixed(1)} s: ${run.perSecond.toFixed(1)}/s, lag p99 ${ms(run.lag.p99)}`,
	);
}

function medianOrdersRun(runs: OrdersRun[]): OrdersRun {
	const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function runOrdersScenario(bench: Bench, settings: Settings): Promise<OrdersReport> {
	const connections = envInt("BENCH_ORDER_CONNECTIONS", 16);
	const timeoutSeconds = envInt("BENCH_PROJECTION_TIMEOUT", 60);
	const readReal = await realProjections(bench.platform, bench.source);
	const readFloor = await floorProjections(bench.orderFloor);
	const rounds: OrdersReport["rounds"] = { floor: [], orders: [] };
	for (let round = 1; round <= settings.rounds; round++) {
		const floor = await ordersRun(
			settings,
			`order floor (round ${round})`,
			bench.orderFloor,
			readFloor,
			connections,
			timeoutSeconds,
		);
		rounds.floor.push(floor);
		logOrdersRun(floor);
		const orders = await ordersRun(
			settings,
			`POST /orders (round ${round})`,
			bench.platform,
			readReal,
			connections,
			timeoutSeconds,
		);
		rounds.orders.push(orders);
		logOrdersRun(orders);
	}
	const floor = medianOrdersRun(rounds.floor);
	const orders = medianOrdersRun(rounds.orders);
	const floorRatio = orders.perSecond / floor.perSecond;
	const problems: string[] = [];
	const warnings: string[] = [];
	const all = [...rounds.floor, ...rounds.orders];
	for (const run of all) {
		for (const problem of failures(run.placing)) problems.push(`${run.name}: ${problem}`);
		const other = Object.entries(run.placing.statusCodes).filter(([code]) => code !== "201");
		if (other.length > 0)
			problems.push(`${run.name}: answers other than 201: ${JSON.stringify(run.placing.statusCodes)}`);
		if (run.lost > 0)
			problems.push(`${run.name}: ${run.lost} placed orders never reached the read model within ${timeoutSeconds} s`);
		warnings.push(...cpuWarning(run.name, run.placing.cpu));
	}
	return {
		scenario: "orders",
		settings,
		connections,
		locations: orderLocations(),
		floor,
		orders,
		floorRatio,
		cpuPerOrderMs: cpuPerRequestMs(orders.placing),
		rounds,
		targets: ORDERS_TARGETS,
		verdict: {
			floorRatio: floorRatio >= ORDERS_TARGETS.minFloorRatio ? "PASS" : "MISS",
			perSecond: orders.perSecond >= ORDERS_TARGETS.minPerSecond ? "PASS" : "MISS",
			lost: all.every((run) => run.lost <= ORDERS_TARGETS.maxLost) ? "PASS" : "MISS",
			placementP99: orders.placing.p99 <= ORDERS_TARGETS.maxPlacementP99Ms ? "PASS" : "MISS",
			lagP99: orders.lag.p99 <= ORDERS_TARGETS.maxLagP99Ms ? "PASS" : "MISS",
		},
		disturbed: all.some((run) => (run.placing.cpu?.others ?? 0) > OTHER_CPU_THRESHOLD),
		problems,
		warnings,
	};
}

export function printOrdersReport(report: OrdersReport): void {
	const { settings } = report;
	const row = (label: string, run: OrdersRun) => [
		label,
		String(run.placed),
		Math.round(run.placing.rps).toLocaleString("en-GB"),
		ms(run.placing.p50),
		ms(run.placing.p99),
		cpuText(run.placing.cpu),
		ms(cpuPerRequestMs(run.placing)),
		ms(run.cpuPerOrderProjectedMs),
		String(run.projected),
		run.perSecond.toFixed(1),
		ms(run.lag.p99),
		String(run.lost),
	];
	printTable(
		`One-shot orders (POST /api/v1/orders, a unique Idempotency-Key each) placed and projected into D1, vs the order floor — wrk, ${report.connections} connections, ${settings.seconds} s per run after ${settings.warmupSeconds} s warm-up, median of ${settings.rounds} alternating rounds`,
		[
			[
				"target",
				"placed",
				"placed/s",
				"p50",
				"p99",
				"CPU workerd / generator / other",
				"workerd CPU/order placing",
				"… until projected",
				"projected",
				"placed+projected/s",
				"lag p99",
				"lost",
			],
			row("order floor", report.floor),
			row("POST /orders", report.orders),
		],
	);
	const disturbed = caveat(report.disturbed);
	console.log(`locations: ${report.locations} (each with its kitchen object; BENCH_ORDER_LOCATIONS)`);
	console.log(
		`orders / order floor (placed and projected): ${(report.floorRatio * 100).toFixed(1)}%  (target ≥ ${report.targets.minFloorRatio * 100}%)  ${report.verdict.floorRatio}${disturbed}`,
	);
	console.log(
		`orders placed and projected: ${report.orders.perSecond.toFixed(1)}/s  (target ≥ ${report.targets.minPerSecond})  ${report.verdict.perSecond}${disturbed}`,
	);
	console.log(`lost: ${report.orders.lost}  (target ${report.targets.maxLost}, every round)  ${report.verdict.lost}`);
	console.log(
		`placement p99 at ${report.connections} connections: ${ms(report.orders.placing.p99)}  (target ≤ ${report.targets.maxPlacementP99Ms} ms)  ${report.verdict.placementP99}${disturbed}`,
	);
	console.log(
		`projection lag (updated_at − placed_at): p50 ${ms(report.orders.lag.p50)}, p99 ${ms(report.orders.lag.p99)}, max ${ms(report.orders.lag.max)}  (target p99 ≤ ${report.targets.maxLagP99Ms} ms)  ${report.verdict.lagP99}${disturbed}`,
	);
	console.log("");
	printProblems(report.problems, report.warnings, "No errors; every order answered 201 and reached the read model.");
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
	const bodies = orderBodies();
	const started = performance.now();
	await pool(
		count,
		concurrency,
		async (index) => {
			const sent = performance.now();
			try {
				const response = await fetch(new URL("/api/v1/orders", base), {
					method: "POST",
					headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
					body: bodies[index % bodies.length],
					signal: AbortSignal.timeout(30_000),
				});
				const status = response.status;
				const text = await response.text();
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
