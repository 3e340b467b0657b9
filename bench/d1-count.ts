/**
 * D1 statements per order, placement through notification, counted without
 * touching production code: an instrumented copy of the api bundle whose entry
 * wraps the real worker's handlers and subclasses its exported classes
 * (Durable Objects, entrypoints) so that `env.DB` — and its `withSession()`
 * sessions, `prepare().bind().run/all/first/raw`, `batch` and `exec` — counts
 * every statement it runs (each statement of a batch counts), by where it ran
 * and what it touched. A bench-only path on the instrumented worker answers the
 * counts. The counting runs in a runtime of its own, so it never disturbs a
 * timed run.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { ROOT, type WorkerBundle } from "./build";
import { orderBody } from "./flows";
import type { Settings } from "./measure";
import { API_WORKER, type Bench, prepareDatabase, preparedQuery, type Runtime, startPlatform } from "./platform";

const COUNTS_PATH = "/__bench/d1-statements";

/** The instrumented entry; `REAL` is the real bundle, `EXPORTS` its exported class names. */
function countingEntry(classNames: string[]): string {
	return `
import realWorker, * as real from "REAL";

const counts = new Map();

/** "select orders", "insert order_events": the statement's verb and first table. */
function statementLabel(sql) {
	const verb = (/^\\s*(\\w+)/.exec(sql)?.[1] ?? "?").toLowerCase();
	const table = /\\b(?:from|into|update|join)\\s+["\`\\[]?(\\w+)/i.exec(sql)?.[1] ?? "";
	return table ? verb + " " + table : verb;
}

function count(context, sql) {
	const key = context + "\\t" + statementLabel(sql);
	counts.set(key, (counts.get(key) ?? 0) + 1);
}

const realStatements = new WeakMap();

function countingStatement(statement, sql, context) {
	const wrapped = new Proxy(statement, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "bind") return (...args) => countingStatement(target.bind(...args), sql, context);
			if (key === "run" || key === "all" || key === "first" || key === "raw") {
				return (...args) => {
					count(context, sql);
					return value.apply(target, args);
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	realStatements.set(wrapped, { statement, sql });
	return wrapped;
}

function countingDatabase(db, context) {
	return new Proxy(db, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "prepare") return (sql) => countingStatement(target.prepare(sql), sql, context);
			if (key === "batch") {
				return (statements, ...rest) =>
					target.batch(
						statements.map((wrapped) => {
							const known = realStatements.get(wrapped);
							if (!known) {
								count(context, "? (unwrapped)");
								return wrapped;
							}
							count(context, known.sql);
							return known.statement;
						}),
						...rest,
					);
			}
			if (key === "withSession") return (...args) => countingDatabase(target.withSession(...args), context);
			if (key === "exec") {
				return (sql) => {
					for (const one of sql.split(";").filter((part) => part.trim() !== "")) count(context, one);
					return target.exec(sql);
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

function countingEnv(env, context) {
	if (!env || !env.DB) return env;
	const db = countingDatabase(env.DB, context);
	return new Proxy(env, { get: (target, key) => (key === "DB" ? db : Reflect.get(target, key, target)) });
}

export default {
	...realWorker,
	fetch(request, env, ctx) {
		const url = new URL(request.url);
		if (url.pathname === ${JSON.stringify(COUNTS_PATH)}) {
			const body = Object.fromEntries(counts);
			if (url.searchParams.has("reset")) counts.clear();
			return Response.json(body);
		}
		return realWorker.fetch(request, countingEnv(env, "request"), ctx);
	},
	queue(batch, env, ctx) {
		return realWorker.queue(batch, countingEnv(env, "queue " + batch.queue), ctx);
	},
	scheduled(controller, env, ctx) {
		return realWorker.scheduled(controller, countingEnv(env, "cron " + controller.cron), ctx);
	},
};

${classNames
	.map(
		(name) => `export class ${name} extends real.${name} {
	constructor(ctx, env) {
		super(ctx, countingEnv(env, ${JSON.stringify(name)}));
	}
}`,
	)
	.join("\n\n")}
`;
}

/** The api bundle with every D1 statement counted; written next to the real one. */
export async function buildCountingBundle(api: WorkerBundle): Promise<WorkerBundle> {
	// The real bundle's exports, from esbuild's own analysis of it.
	const probe = await build({
		entryPoints: [api.entry],
		bundle: true,
		write: false,
		metafile: true,
		format: "esm",
		platform: "neutral",
		external: ["cloudflare:*", "node:*"],
		logLevel: "silent",
	});
	const exports = Object.values(probe.metafile.outputs)[0]?.exports ?? [];
	const classNames = exports.filter((name) => name !== "default");
	const dir = path.join(ROOT, ".build/bench/api-d1-counting");
	mkdirSync(dir, { recursive: true });
	const source = path.join(dir, "entry.js");
	writeFileSync(source, countingEntry(classNames));
	const entry = path.join(dir, "index.js");
	await build({
		entryPoints: [source],
		outfile: entry,
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		alias: { REAL: api.entry },
		external: ["cloudflare:*", "node:*"],
		logLevel: "warning",
	});
	return { dir, entry, builtBy: api.builtBy, source: api.source };
}

/** What ran the statement, as the instrumented entry names it, to the phase of an order it belongs to. */
function phaseOf(context: string, label: string): string {
	if (/daily/i.test(label)) return "daily sales";
	if (context === "CartDurableObject") return "placement (Cart object)";
	if (context === "request") return "the request (in-request projection and the rest)";
	if (/^queue goodfood-order-events$/.test(context)) return "order-events consumer";
	if (/^queue goodfood-notifications$/.test(context)) return "notifications consumer";
	return `other: ${context}`;
}

export interface D1CountReport {
	scenario: "d1";
	orders: number;
	/** Statements per order, by phase. */
	perOrderByPhase: Record<string, number>;
	/** Statements per order, by where they ran and what they touched. */
	perOrderByStatement: Record<string, number>;
	perOrder: number;
	projected: number;
	problems: string[];
	warnings: string[];
}

async function readCounts(runtime: Runtime, reset = false): Promise<Record<string, number>> {
	const worker = (await runtime.miniflare.getWorker(API_WORKER)) as unknown as {
		fetch(url: string): Promise<Response>;
	};
	const response = await worker.fetch(`http://bench${COUNTS_PATH}${reset ? "?reset" : ""}`);
	return (await response.json()) as Record<string, number>;
}

/**
 * Places `BENCH_D1_ORDERS` one-shot guest orders (default 20) one at a time on
 * the instrumented platform, waits until every one is projected and the counts
 * have stopped moving (notifications sent), and divides.
 */
export async function runD1CountScenario(bench: Bench, _settings: Settings): Promise<D1CountReport> {
	const orders = Number(process.env.BENCH_D1_ORDERS ?? 20);
	const counting = await buildCountingBundle(bench.bundles.api);
	const runtime = await startPlatform({ api: counting, edge: bench.bundles.edge });
	const problems: string[] = [];
	try {
		await prepareDatabase(runtime, bench.source);
		const projectedIds = await preparedQuery<{ id: string }>(runtime, API_WORKER, "DB", "SELECT id FROM orders");
		// One order first, uncounted, so one-time work (a catalogue cache filled, a migration run) is not charged to every order.
		const place = async () => {
			const response = await fetch(new URL("/api/v1/orders", runtime.url), {
				method: "POST",
				headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
				body: orderBody(),
				signal: AbortSignal.timeout(30_000),
			});
			const text = await response.text();
			if (response.status !== 201) throw new Error(`POST /api/v1/orders answered ${response.status}: ${text}`);
			return (JSON.parse(text) as { orderId: string }).orderId;
		};
		await place();
		await settle(runtime);
		await readCounts(runtime, true);
		const ids: string[] = [];
		for (let i = 0; i < orders; i++) ids.push(await place());
		await settle(runtime);
		const counts = await readCounts(runtime);
		const present = new Set((await projectedIds()).map((row) => row.id));
		const projected = ids.filter((id) => present.has(id)).length;
		if (projected < ids.length) problems.push(`only ${projected} of ${ids.length} orders reached the read model`);
		const perOrderByStatement: Record<string, number> = {};
		const perOrderByPhase: Record<string, number> = {};
		for (const [key, n] of Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))) {
			const [context, label] = key.split("\t");
			const perOrder = n / orders;
			perOrderByStatement[`${context}: ${label}`] = perOrder;
			const phase = phaseOf(context, label);
			perOrderByPhase[phase] = (perOrderByPhase[phase] ?? 0) + perOrder;
		}
		const perOrder = Object.values(perOrderByPhase).reduce((sum, n) => sum + n, 0);
		return {
			scenario: "d1",
			orders,
			perOrderByPhase,
			perOrderByStatement,
			perOrder,
			projected,
			problems,
			warnings: [],
		};
	} finally {
		await runtime.miniflare.dispose();
	}
}

/** Waits until the counts stop moving for 3 s (the consumers wait up to 1 s to fill a batch), at most 60 s. */
async function settle(runtime: Runtime): Promise<void> {
	const deadline = Date.now() + 60_000;
	let last = "";
	for (;;) {
		await new Promise((resolve) => setTimeout(resolve, 3000));
		const now = JSON.stringify(await readCounts(runtime));
		if (now === last || Date.now() > deadline) return;
		last = now;
	}
}

export function printD1CountReport(report: D1CountReport): void {
	console.log("");
	console.log(
		`D1 statements per one-shot guest order, placement through notification (${report.orders} orders placed one at a time on an instrumented copy of the api worker):`,
	);
	const width = Math.max(...Object.keys(report.perOrderByStatement).map((key) => key.length), 10);
	for (const [phase, n] of Object.entries(report.perOrderByPhase)) {
		console.log(`  ${phase.padEnd(width)}  ${n.toFixed(2).padStart(6)}`);
	}
	console.log(`  ${"total".padEnd(width)}  ${report.perOrder.toFixed(2).padStart(6)}`);
	console.log(
		"(a consumer's per-batch statements are shared by the batch's orders, so their share depends on how the orders were batched)",
	);
	console.log("By where each ran and what it touched:");
	for (const [statement, n] of Object.entries(report.perOrderByStatement)) {
		console.log(`  ${statement.padEnd(width)}  ${n.toFixed(2).padStart(6)}`);
	}
	console.log("");
	if (report.problems.length > 0) {
		console.log("PROBLEMS:");
		for (const problem of report.problems) console.log(`  - ${problem}`);
	}
}
