/**
 * A lunch peak: menu reads, add-to-cart and orders at once, for
 * BENCH_MIXED_SECONDS (default 120). Orders and carts come at fixed rates
 * (BENCH_MIXED_ORDER_RATE 50/s, BENCH_MIXED_CART_RATE 100/s) from a pacer in
 * this process, sent on schedule whether or not earlier ones have answered,
 * as customers would; menus are read as fast as 4 wrk connections go. Menus,
 * carts and orders take the three demo locations (one per region) in turn. The
 * queue consumers and alarms share the runtime with the requests, as they do
 * locally. Reports each stream's rate and latency, errors, and the platform's
 * workerd memory at the start, its peak and the end.
 */
import { readFileSync } from "node:fs";
import { type CpuUse, measureCpu, workerdProcesses } from "./cpu";
import { cartItemsPath, createCarts, orderBodies } from "./flows";
import { OTHER_CPU_THRESHOLD, type Settings } from "./measure";
import { assertMemoryHit, MENU_PATHS } from "./menu";
import { type Bench, preparedQueryEverywhere } from "./platform";
import { caveat, ms, percentiles, printProblems, printTable } from "./report";
import { runWrk, type WrkResult } from "./wrk";

export const MIXED_TARGETS = { maxMenuP99Ms: 50 };

/** In flight per paced stream beyond which a send is skipped and counted, so a stalled runtime cannot pile up sockets. */
const MAX_IN_FLIGHT = 500;

function envNumber(name: string, fallback: number): number {
	const raw = process.env[name];
	const value = raw === undefined || raw === "" ? fallback : Number(raw);
	if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
	return value;
}

interface PacedResult {
	rate: number;
	sent: number;
	/** Answers received within the run's seconds, per second. */
	achieved: number;
	statusCodes: Record<string, number>;
	errors: number;
	skipped: number;
	p50: number;
	p99: number;
	max: number;
}

/** Sends `request(i)` at `rate` per second for `seconds`, on schedule, and collects the answers. */
async function paced(
	rate: number,
	seconds: number,
	request: (index: number) => Promise<Response>,
	onCreated?: (body: string) => void,
): Promise<PacedResult> {
	const latencies: number[] = [];
	const statusCodes: Record<string, number> = {};
	let errors = 0;
	let skipped = 0;
	let sent = 0;
	let inFlight = 0;
	let answeredInTime = 0;
	const pending: Promise<void>[] = [];
	const started = performance.now();
	const end = started + seconds * 1000;
	while (performance.now() < end) {
		const due = Math.floor(((performance.now() - started) / 1000) * rate);
		while (sent < due) {
			const index = sent++;
			if (inFlight >= MAX_IN_FLIGHT) {
				skipped++;
				continue;
			}
			inFlight++;
			const at = performance.now();
			pending.push(
				request(index)
					.then(async (response) => {
						const body = await response.text();
						const answeredAt = performance.now();
						latencies.push(answeredAt - at);
						if (answeredAt <= end) answeredInTime++;
						statusCodes[response.status] = (statusCodes[response.status] ?? 0) + 1;
						if (response.status === 201) onCreated?.(body);
					})
					.catch(() => {
						errors++;
					})
					.finally(() => {
						inFlight--;
					}),
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 2));
	}
	await Promise.all(pending);
	const [p50, p99, max] = percentiles(latencies, 50, 99, 100);
	return { rate, sent, achieved: answeredInTime / seconds, statusCodes, errors, skipped, p50, p99, max };
}

/** Resident memory of the given processes, MB. */
function residentMb(pids: number[]): number {
	let kb = 0;
	for (const pid of pids) {
		try {
			const match = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
			kb += Number(match?.[1] ?? 0);
		} catch {
			// exited, or no /proc
		}
	}
	return kb / 1024;
}

export interface MixedReport {
	scenario: "mixed";
	seconds: number;
	menu: WrkResult & { connections: number };
	carts: PacedResult;
	orders: PacedResult;
	/** Orders answered 201 that reached the read model within 60 s of the end. */
	ordersProjected: number;
	memoryMb: { start: number; peak: number; end: number };
	cpu?: CpuUse;
	targets: typeof MIXED_TARGETS;
	verdict: { menuP99: "PASS" | "MISS" };
	problems: string[];
	warnings: string[];
}

export async function runMixedScenario(bench: Bench, _settings: Settings): Promise<MixedReport> {
	const seconds = envNumber("BENCH_MIXED_SECONDS", 120);
	const orderRate = envNumber("BENCH_MIXED_ORDER_RATE", 50);
	const cartRate = envNumber("BENCH_MIXED_CART_RATE", 100);
	const menuConnections = envNumber("BENCH_MIXED_MENU_CONNECTIONS", 4);
	const base = bench.platform.url;
	for (const menuPath of MENU_PATHS) await assertMemoryHit(base, menuPath);
	const { carts: benchCarts, problems: cartProblems } = await createCarts(
		base,
		Math.min(1000, envNumber("BENCH_CARTS", 1000)),
	);
	// Prepared while the runtime is idle (see preparedQuery); every region's orders.
	const projectedIds = await preparedQueryEverywhere<{ id: string }>(
		bench.platform,
		bench.source,
		"SELECT id FROM orders",
	);

	const pids = bench.platform.pids;
	const memory = { start: residentMb(pids), peak: 0, end: 0 };
	memory.peak = memory.start;
	const sampler = setInterval(() => {
		memory.peak = Math.max(memory.peak, residentMb(pids));
	}, 1000);
	const bodies = orderBodies();
	const placedIds: string[] = [];
	const cpu = measureCpu(workerdProcesses(), true);
	console.log(
		`  ${seconds} s: menus of the three locations on ${menuConnections} wrk connections, carts at ${cartRate}/s, orders at ${orderRate}/s; workerd at ${Math.round(memory.start)} MB`,
	);
	const [menu, carts, orders] = await Promise.all([
		runWrk({
			url: base.href,
			// The three locations' menus in turn.
			paths: MENU_PATHS,
			seconds,
			connections: menuConnections,
			countHeader: "x-cache-layer",
		}),
		paced(cartRate, seconds, (index) => {
			const cart = benchCarts[index % benchCarts.length];
			return fetch(new URL(cartItemsPath(cart.id), base), {
				method: "POST",
				headers: { "content-type": "application/json" },
				body: cart.addBody,
				signal: AbortSignal.timeout(30_000),
			});
		}),
		paced(
			orderRate,
			seconds,
			(index) =>
				fetch(new URL("/api/v1/orders", base), {
					method: "POST",
					headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
					// The three locations in turn: each region takes a third.
					body: bodies[index % bodies.length],
					signal: AbortSignal.timeout(30_000),
				}),
			(body) => placedIds.push((JSON.parse(body) as { orderId: string }).orderId),
		),
	]);
	const cpuUse = cpu();
	clearInterval(sampler);
	memory.end = residentMb(pids);
	memory.peak = Math.max(memory.peak, memory.end);

	let ordersProjected = 0;
	const deadline = Date.now() + 60_000;
	while (Date.now() < deadline) {
		const present = new Set((await projectedIds()).map((row) => row.id));
		ordersProjected = placedIds.filter((id) => present.has(id)).length;
		if (ordersProjected === placedIds.length) break;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}

	const problems = [...cartProblems.slice(0, 5)];
	const streams = [
		["menu", menu.statusCodes, menu.errors, 0],
		["carts", carts.statusCodes, carts.errors, carts.skipped],
		["orders", orders.statusCodes, orders.errors, orders.skipped],
	] as const;
	for (const [name, codes, errors, skipped] of streams) {
		const wanted = name === "menu" ? "200" : "201";
		const other = Object.entries(codes).filter(([code]) => code !== wanted);
		if (other.length > 0) problems.push(`${name}: answers other than ${wanted}: ${JSON.stringify(codes)}`);
		if (errors > 0) problems.push(`${name}: ${errors} requests failed or timed out`);
		if (skipped > 0) problems.push(`${name}: ${skipped} sends skipped, ${MAX_IN_FLIGHT} already in flight`);
	}
	const misses = Object.entries(menu.headerValues).filter(([layer]) => layer !== "memory");
	if (misses.length > 0) problems.push(`menu: responses not from memory: ${JSON.stringify(menu.headerValues)}`);
	if (ordersProjected < placedIds.length)
		problems.push(`${placedIds.length - ordersProjected} placed orders not in the read model 60 s after the run`);
	const warnings: string[] = [];
	for (const [name, result] of [
		["carts", carts],
		["orders", orders],
	] as const) {
		if (result.achieved < result.rate * 0.95)
			warnings.push(`${name}: ${result.achieved.toFixed(1)}/s answered, not the ${result.rate}/s sent`);
	}
	return {
		scenario: "mixed",
		seconds,
		menu: { ...menu, connections: menuConnections },
		carts,
		orders,
		ordersProjected,
		memoryMb: memory,
		cpu: cpuUse,
		targets: MIXED_TARGETS,
		verdict: { menuP99: menu.p99 <= MIXED_TARGETS.maxMenuP99Ms ? "PASS" : "MISS" },
		problems,
		warnings,
	};
}

export function printMixedReport(report: MixedReport): void {
	const { menu, carts, orders, memoryMb, cpu } = report;
	const rows = [
		["stream", "asked", "answered/s", "p50", "p99", "max", "statuses", "errors"],
		[
			`GET /menu, ${menu.connections} connections (wrk)`,
			"max",
			menu.rps.toFixed(1),
			ms(menu.p50),
			ms(menu.p99),
			ms(menu.max),
			JSON.stringify(menu.statusCodes),
			String(menu.errors),
		],
		...(
			[
				["POST /carts/{id}/items", carts],
				["POST /orders", orders],
			] as const
		).map(([label, result]) => [
			label,
			`${result.rate}/s`,
			result.achieved.toFixed(1),
			ms(result.p50),
			ms(result.p99),
			ms(result.max),
			JSON.stringify(result.statusCodes),
			String(result.errors + result.skipped),
		]),
	];
	printTable(`A lunch peak: menus, carts and orders at once for ${report.seconds} s`, rows);
	console.log(
		`menu p99: ${ms(menu.p99)}  (target ≤ ${report.targets.maxMenuP99Ms} ms)  ${report.verdict.menuP99}${caveat((cpu?.others ?? 0) > OTHER_CPU_THRESHOLD)}`,
	);
	console.log(
		`workerd memory (RSS): ${Math.round(memoryMb.start)} MB at the start, ${Math.round(memoryMb.peak)} MB at the peak, ${Math.round(memoryMb.end)} MB at the end`,
	);
	console.log(
		`orders answered 201: ${orders.statusCodes["201"] ?? 0}, of them in the read model: ${report.ordersProjected}`,
	);
	if (cpu) {
		console.log(
			`CPU: workerd ${Math.round(cpu.runtime * 100)}%, wrk ${Math.round(cpu.generator * 100)}%, the pacer (Node) ${Math.round(cpu.client * 100)}%, other processes ${Math.round(cpu.others * 100)}% of a core`,
		);
	}
	console.log("");
	printProblems(
		report.problems,
		report.warnings,
		"No errors; every menu came from memory, every cart add and order answered 201 and every order reached the read model.",
	);
}
