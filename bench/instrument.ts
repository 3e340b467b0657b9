/**
 * An instrumented copy of a worker's bundle, for counting what one operation
 * costs without touching production code: its entry wraps the real worker's
 * handlers and subclasses its exported classes (Durable Objects, entrypoints)
 * so that every binding its wrangler config declares counts its use, by where
 * it ran ("request", "queue <name>", a class name) and what it touched:
 *
 * - D1 (`d1.statements`, `d1.rowsRead`, `d1.rowsWritten`, by binding and
 *   statement): the rows are D1's own `meta.rows_read` / `rows_written`, the
 *   figures D1 bills, taken from every result on its way back (first() and
 *   raw() drop the meta, so the transport under them is watched);
 * - Durable Objects: requests to them (`do.requests`, by namespace and
 *   method, counted at the caller), their SQLite statements and the rows
 *   their cursors read and wrote (`do.sql.*`, the figures Durable Objects
 *   bill), alarms set and run;
 * - the statements each database's primary must run (writes, and reads
 *   outside a session that may use a replica), and the databases' and the
 *   objects' sizes as levels ("gauges");
 * - queue messages sent, KV reads and writes, Analytics Engine data points,
 *   service binding calls, and the worker's own HTTP requests and
 *   invocations.
 *
 * A bench-only path answers the counts (`?reset` clears them). Never deployed.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { ROOT, type WorkerBundle } from "./build";

export const COUNTS_PATH = "/__bench/counts";

/** The kind of each binding the instrumented entry counts, by binding name. */
export type BindingKind = "d1" | "kv" | "queue" | "durableObject" | "analytics" | "service";

/** A worker's countable bindings, from its wrangler config (the development environment). */
export async function countableBindings(source: string, configPath: string): Promise<Record<string, BindingKind>> {
	const wrangler = await import("wrangler");
	const config = wrangler.unstable_readConfig({ config: path.join(source, configPath) }, { hideWarnings: true });
	const kinds: Record<string, BindingKind> = {};
	for (const { binding } of config.d1_databases) kinds[binding] = "d1";
	for (const { binding } of config.kv_namespaces) kinds[binding] = "kv";
	for (const { binding } of config.queues.producers ?? []) kinds[binding] = "queue";
	for (const { name } of config.durable_objects.bindings) kinds[name] = "durableObject";
	for (const { binding } of config.analytics_engine_datasets) kinds[binding] = "analytics";
	for (const { binding } of config.services ?? []) kinds[binding] = "service";
	return kinds;
}

/** The instrumented entry; `REAL` is the real bundle. */
function countingEntry(classNames: string[], bindings: Record<string, BindingKind>): string {
	return `
import realWorker, * as real from "REAL";

const BINDINGS = ${JSON.stringify(bindings)};
const counts = new Map();
/** Levels rather than flows (a database's size, the objects' storage): set, never added, and kept on reset. */
const gauges = new Map();
/** [context, className, cursor]: a cursor's rows are known once it has been read through, so they are added up when the counts are asked for. */
let cursors = [];

function add(kind, context, detail, n = 1) {
	const key = kind + "\\t" + context + "\\t" + detail;
	counts.set(key, (counts.get(key) ?? 0) + n);
}

/** "select orders", "insert order_events": the statement's verb and first table. */
function statementLabel(sql) {
	const verb = (/^\\s*(\\w+)/.exec(sql)?.[1] ?? "?").toLowerCase();
	const table = /\\b(?:from|into|update|join)\\s+["\`\\[]?(\\w+)/i.exec(sql)?.[1] ?? "";
	return table ? verb + " " + table : verb;
}

// --- D1 ---------------------------------------------------------------------------------------
// Who the D1 call now starting belongs to: set around the synchronous start of a call, read by
// the session's transport as the call begins (workerd's D1 client calls it before its first await).
let attribution;
const watchedSessions = new WeakSet();

function recordRows(who, answer) {
	if (!who) return;
	const results = Array.isArray(answer) ? answer : [answer];
	results.forEach((result, index) => {
		const meta = result?.meta ?? {};
		const label = who.labels[index] ?? who.labels[0];
		const detail = who.binding + "\\t" + label;
		if (typeof meta.size_after === "number") gauges.set("d1.sizeAfter\\t\\t" + who.binding, meta.size_after);
		add("d1.rowsRead", who.context, detail, Number(meta.rows_read ?? 0));
		add("d1.rowsWritten", who.context, detail, Number(meta.rows_written ?? 0));
	});
}

function watchSession(session) {
	if (!session || watchedSessions.has(session)) return;
	watchedSessions.add(session);
	for (const leaf of ["_send", "_queryOrThrow"]) {
		const original = session[leaf];
		if (typeof original !== "function") continue;
		session[leaf] = function (...args) {
			const who = attribution;
			attribution = undefined;
			return Reflect.apply(original, this, args).then((answer) => {
				recordRows(who, answer);
				return answer;
			});
		};
	}
}

function attributed(who, call) {
	attribution = who;
	try {
		return call();
	} finally {
		attribution = undefined;
	}
}

const realStatements = new WeakMap();

const WRITES = /^(insert|update|delete|replace|create|drop|alter)/;

/** A statement the database's primary must run: any write, and any read outside a session that may use a replica. */
function countPrimary(context, binding, label, via) {
	if (via === "primary" || WRITES.test(label)) add("d1.primaryStatements", context, binding + "\\t" + label);
}

function countingStatement(statement, sql, context, binding, via) {
	watchSession(statement.dbSession);
	const wrapped = new Proxy(statement, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "bind") return (...args) => countingStatement(target.bind(...args), sql, context, binding, via);
			if (key === "run" || key === "all" || key === "first" || key === "raw") {
				return (...args) => {
					const label = statementLabel(sql);
					add("d1.statements", context, binding + "\\t" + label);
					countPrimary(context, binding, label, via);
					return attributed({ context, binding, labels: [label] }, () => Reflect.apply(value, target, args));
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
	realStatements.set(wrapped, { statement, sql });
	return wrapped;
}

/**
 * \`via\`: "primary" for the binding itself (D1 sends it to the primary) and a session that asks
 * for the primary; "session" for one that may be served by a read replica.
 */
function countingDatabase(db, context, binding, via = "primary") {
	watchSession(db.alwaysPrimarySession ?? db);
	return new Proxy(db, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "prepare") return (sql) => countingStatement(target.prepare(sql), sql, context, binding, via);
			if (key === "batch") {
				return (statements, ...rest) => {
					const labels = [];
					const unwrapped = statements.map((wrapped) => {
						const known = realStatements.get(wrapped);
						const label = known ? statementLabel(known.sql) : "? (unwrapped)";
						labels.push(label);
						add("d1.statements", context, binding + "\\t" + label);
						countPrimary(context, binding, label, via);
						return known ? known.statement : wrapped;
					});
					return attributed({ context, binding, labels }, () => target.batch(unwrapped, ...rest));
				};
			}
			if (key === "withSession") {
				return (constraint, ...rest) =>
					countingDatabase(
						target.withSession(constraint, ...rest),
						context,
						binding,
						constraint === "first-primary" ? "primary" : "session",
					);
			}
			if (key === "exec") {
				return (sql) => {
					const labels = sql.trim().split("\\n").map(statementLabel);
					for (const label of labels) {
						add("d1.statements", context, binding + "\\t" + label);
						countPrimary(context, binding, label, via);
					}
					return attributed({ context, binding, labels }, () => target.exec(sql));
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

// --- Durable Objects, KV, queues, Analytics Engine, services -----------------------------------
const NOT_CALLS = new Set(["then", "toString", "valueOf", "toJSON", "constructor", "id", "name"]);

function countingStub(stub, context, binding) {
	return new Proxy(stub, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof key !== "string" || NOT_CALLS.has(key) || typeof value !== "function") return value;
			return (...args) => {
				add("do.requests", context, binding + "." + key);
				return Reflect.apply(value, target, args);
			};
		},
	});
}

function countingNamespace(namespace, context, binding) {
	return new Proxy(namespace, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (key === "get" || key === "getByName") {
				return (...args) => countingStub(Reflect.apply(value, target, args), context, binding);
			}
			if (key === "jurisdiction") return (...args) => countingNamespace(Reflect.apply(value, target, args), context, binding);
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

const KV_READS = new Set(["get", "getWithMetadata"]);
const KV_WRITES = new Set(["put", "delete"]);

function countingKv(kv, context, binding) {
	return new Proxy(kv, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			return (...args) => {
				if (KV_READS.has(key)) add("kv.reads", context, binding, Array.isArray(args[0]) ? args[0].length : 1);
				else if (KV_WRITES.has(key)) add("kv.writes", context, binding);
				else if (key === "list") add("kv.lists", context, binding);
				return Reflect.apply(value, target, args);
			};
		},
	});
}

function countingQueue(queue, context, binding) {
	return new Proxy(queue, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			return (...args) => {
				if (key === "send") add("queue.messages", context, binding);
				if (key === "sendBatch") add("queue.messages", context, binding, args[0]?.length ?? 0);
				return Reflect.apply(value, target, args);
			};
		},
	});
}

function countingAnalytics(dataset, context, binding) {
	return new Proxy(dataset, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof value !== "function") return value;
			return (...args) => {
				if (key === "writeDataPoint") add("analytics.points", context, binding);
				return Reflect.apply(value, target, args);
			};
		},
	});
}

function countingService(service, context, binding) {
	return new Proxy(service, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			if (typeof key !== "string" || NOT_CALLS.has(key) || typeof value !== "function") return value;
			return (...args) => {
				add("service.calls", context, binding + "." + key);
				return Reflect.apply(value, target, args);
			};
		},
	});
}

const WRAPPERS = {
	d1: countingDatabase,
	kv: countingKv,
	queue: countingQueue,
	durableObject: countingNamespace,
	analytics: countingAnalytics,
	service: countingService,
};

function countingEnv(env, context) {
	if (!env || typeof env !== "object") return env;
	const wrapped = new Map();
	return new Proxy(env, {
		get(target, key) {
			const value = Reflect.get(target, key, target);
			const kind = typeof key === "string" ? BINDINGS[key] : undefined;
			if (!kind || value === undefined || value === null) return value;
			if (!wrapped.has(key)) wrapped.set(key, WRAPPERS[kind](value, context, key));
			return wrapped.get(key);
		},
	});
}

// --- A Durable Object's own storage --------------------------------------------------------------
/**
 * Each object's SQLite size (databaseSize) after its latest statement, by class and id: read in the
 * object's own context, as it runs, since another context may not touch its storage.
 */
const objectSizes = new Map();

function countingStorage(ctx, className) {
	const storage = ctx?.storage;
	if (!storage) return;
	const sql = storage.sql;
	const id = ctx.id?.toString() ?? crypto.randomUUID();
	if (sql && typeof sql.exec === "function") {
		const exec = sql.exec;
		sql.exec = function (query, ...bindings) {
			add("do.sql.statements", className, statementLabel(query));
			const cursor = exec.call(sql, query, ...bindings);
			cursors.push([className, statementLabel(query), cursor]);
			try {
				objectSizes.set(className + "\\t" + id, [className, Number(sql.databaseSize ?? 0)]);
			} catch {
				// a size the runtime will not give is left out
			}
			return cursor;
		};
	}
	for (const method of ["setAlarm", "deleteAlarm", "getAlarm"]) {
		const original = storage[method];
		if (typeof original !== "function") continue;
		storage[method] = function (...args) {
			add("do.storage." + method, className, "");
			return Reflect.apply(original, storage, args);
		};
	}
}

function foldCursors() {
	for (const [className, label, cursor] of cursors) {
		add("do.sql.rowsRead", className, label, Number(cursor.rowsRead ?? 0));
		add("do.sql.rowsWritten", className, label, Number(cursor.rowsWritten ?? 0));
	}
	cursors = [];
	const byClass = new Map();
	for (const [className, size] of objectSizes.values()) {
		const [objects, bytes] = byClass.get(className) ?? [0, 0];
		byClass.set(className, [objects + 1, bytes + size]);
	}
	for (const [className, [objects, bytes]] of byClass) {
		gauges.set("do.sql.objects\\t" + className + "\\t", objects);
		gauges.set("do.sql.bytes\\t" + className + "\\t", bytes);
	}
}

const worker = {
	...realWorker,
	fetch(request, env, ctx) {
		const url = new URL(request.url);
		if (url.pathname === ${JSON.stringify(COUNTS_PATH)}) {
			foldCursors();
			const body = Object.fromEntries(url.searchParams.has("gauges") ? gauges : counts);
			if (url.searchParams.has("reset")) counts.clear();
			return Response.json(body);
		}
		add("invocations", "request", "fetch");
		return realWorker.fetch(request, countingEnv(env, "request"), ctx);
	},
};
if (typeof realWorker.queue === "function") {
	worker.queue = (batch, env, ctx) => {
		add("invocations", "queue " + batch.queue, "batch");
		add("queue.delivered", "queue " + batch.queue, "messages", batch.messages.length);
		return realWorker.queue(batch, countingEnv(env, "queue " + batch.queue), ctx);
	};
}
if (typeof realWorker.scheduled === "function") {
	worker.scheduled = (controller, env, ctx) => {
		add("invocations", "cron " + controller.cron, "scheduled");
		return realWorker.scheduled(controller, countingEnv(env, "cron " + controller.cron), ctx);
	};
}
export default worker;

${classNames
	.map(
		(name) => `export class ${name} extends real.${name} {
	constructor(ctx, env) {
		countingStorage(ctx, ${JSON.stringify(name)});
		super(ctx, countingEnv(env, ${JSON.stringify(name)}));
	}
}
if (typeof real.${name}.prototype.alarm === "function") {
	${name}.prototype.alarm = function (...args) {
		add("invocations", ${JSON.stringify(name)}, "alarm");
		return real.${name}.prototype.alarm.apply(this, args);
	};
}`,
	)
	.join("\n\n")}
`;
}

/** The worker's bundle with every binding counted; written next to the real one. */
export async function buildCountingBundle(bundle: WorkerBundle, configPath: string): Promise<WorkerBundle> {
	// The real bundle's exports, from esbuild's own analysis of it.
	const probe = await build({
		entryPoints: [bundle.entry],
		bundle: true,
		write: false,
		metafile: true,
		format: "esm",
		platform: "neutral",
		external: ["cloudflare:*", "node:*"],
		logLevel: "silent",
	});
	const exports = Object.values(probe.metafile.outputs)[0]?.exports ?? [];
	// Classes only (Durable Objects, entrypoints), by their PascalCase names: a constant the entry
	// exports is no handler, and workerd refuses a main module that exports one anyway.
	const classNames = exports.filter((name) => /^[A-Z](?=[A-Za-z0-9]*[a-z])[A-Za-z0-9]*$/.test(name));
	const bindings = await countableBindings(bundle.source, configPath);
	const dir = path.join(ROOT, ".build/bench", `${path.basename(bundle.dir)}-counting`);
	mkdirSync(dir, { recursive: true });
	const source = path.join(dir, "entry.js");
	writeFileSync(source, countingEntry(classNames, bindings));
	const entry = path.join(dir, "index.js");
	await build({
		entryPoints: [source],
		outfile: entry,
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		alias: { REAL: bundle.entry },
		external: ["cloudflare:*", "node:*"],
		logLevel: "warning",
	});
	return { dir, entry, builtBy: bundle.builtBy, source: bundle.source };
}

/** Counts keyed `kind \t context \t detail` (detail itself may hold a tab: D1's binding and statement). */
export type Counts = Record<string, number>;

/** What the instrumented worker has counted since the last reset, read through `fetch` (the worker's own or the runtime's entry). */
export async function readCounts(fetcher: { fetch(url: string): Promise<Response> }, reset = false): Promise<Counts> {
	return readCountsAt(fetcher, reset ? "?reset" : "");
}

/** The levels the worker keeps (D1 databases' sizes, the objects' storage), keyed as the counts are. */
export function readGauges(fetcher: { fetch(url: string): Promise<Response> }): Promise<Counts> {
	return readCountsAt(fetcher, "?gauges");
}

async function readCountsAt(fetcher: { fetch(url: string): Promise<Response> }, query: string): Promise<Counts> {
	const response = await fetcher.fetch(`http://bench${COUNTS_PATH}${query}`);
	if (!response.ok) throw new Error(`${COUNTS_PATH} answered ${response.status}: ${await response.text()}`);
	return (await response.json()) as Counts;
}

/** One count, split into its parts. */
export interface CountEntry {
	kind: string;
	context: string;
	detail: string;
	n: number;
}

export function entries(counts: Counts): CountEntry[] {
	return Object.entries(counts).map(([key, n]) => {
		const [kind, context, ...detail] = key.split("\t");
		return { kind, context, detail: detail.join("\t"), n };
	});
}
