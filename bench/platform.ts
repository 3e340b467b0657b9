/**
 * The platform on the local runtime, started through Miniflare's own API (no
 * `wrangler dev` and its proxy in front): the menu edge serving HTTP, the api
 * worker behind it, and separately a bare hello Worker on the same runtime as
 * the yardstick.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { SignJWT } from "jose";
import {
	convertV4MiniflareOptions,
	Log,
	LogLevel,
	Miniflare,
	type MiniflareOptions,
	type WorkerdStructuredLog,
} from "miniflare";
import { demoSeedStatements } from "../scripts/seed/sql";
import { ROOT, type WorkerBundle } from "./build";
import { workerdProcesses } from "./cpu";

export const API_WORKER = "goodfood-api";
const HELLO_SCRIPT = `export default { fetch() { return new Response("hello") } }`;

type WorkerOptions = MiniflareOptions["workers"][number];
type Env = NonNullable<WorkerOptions["config"]["env"]>;

/** The bench's request limit per key and window, in place of the configured ones. */
const BENCH_RATE_LIMIT = 1_000_000_000;

/** Where the bench departs from the wrangler configs, by worker name; required secrets get bench values too. */
const OVERRIDES: Record<string, Env> = {
	"goodfood-menu-edge": { DEFAULT_LOCATION: { type: "text", value: "london-soho" } },
	// The api worker keeps the config's ENVIRONMENT ("development"), so its e-mails go to the local
	// sink and succeed, as a provider's would: a refused send would be retried with backoff and
	// load the runtime with work production does not do.
};

/** The slice of D1's client API the bench uses; Miniflare's own typing comes from packages not installed here. */
export interface BenchD1 {
	prepare(query: string): unknown;
	batch(statements: unknown[]): Promise<unknown[]>;
}

export interface Runtime {
	/** Base URL of the entry worker, on 127.0.0.1 and a port picked by the OS. */
	url: URL;
	miniflare: Miniflare;
	/** The workerd processes this instance started (empty where /proc is unavailable). */
	pids: number[];
	/** The entry worker's compatibility date. */
	compatibilityDate: string;
	/** Lines the workers have logged so far (console.log and friends). */
	logLines(): number;
}

/** Warnings and errors the workers log are shown, up to this many per runtime. */
const SHOWN_WORKER_PROBLEMS = 20;

/**
 * Counts the workers' log lines instead of printing them (Miniflare's default):
 * a log line per request would bury the report and cost this process, which
 * is also the load generator. The first warnings and errors are still shown.
 */
function workerLogSink() {
	let lines = 0;
	let shown = 0;
	return {
		lines: () => lines,
		handle: ({ level, message }: WorkerdStructuredLog) => {
			lines++;
			if ((level === "error" || level === "warn") && shown++ < SHOWN_WORKER_PROBLEMS) {
				console.error(`[worker ${level}] ${message}`);
			}
		},
	};
}

/** Everything a scenario may load: the platform, the hello Worker as its yardstick, and the write paths' floors (bench/floors.ts). */
export interface Bench {
	platform: Runtime;
	hello: Runtime;
	cartFloor: Runtime;
	orderFloor: Runtime;
	/** The api and edge bundles the platform runs, for a scenario that starts its own instrumented copy. */
	bundles: { api: WorkerBundle; edge: WorkerBundle };
	/** The checkout they were built from (BENCH_SOURCE or this one); its migrations and seed prepare D1. */
	source: string;
}

/**
 * Options shared by every instance: a free port on loopback only, ephemeral
 * storage (no `resourcePersistencePath`: Miniflare's temp dir, removed on
 * dispose, never .wrangler/state; the crash test passes its own directory in
 * `startPlatform`'s `extra` to restart on the same state), and no per-request work for Node — no
 * request log relayed back to it, no dev registry, no telemetry.
 */
function sharedOptions(): Omit<MiniflareOptions, "workers"> {
	return {
		host: "127.0.0.1",
		port: 0,
		log: new Log(LogLevel.WARN),
		// A placeholder `request.cf`, rather than fetching a real one from Cloudflare.
		cf: false,
		logRequests: false,
		enableDevRegistry: false,
		telemetry: { enabled: false },
	};
}

/**
 * One worker as `wrangler dev` would configure it from its wrangler config —
 * wrangler's own translation, so every binding the config declares is there
 * without the bench listing them — but running the prebuilt bundle. The
 * options come out in Miniflare 4's shape and are converted to 5's below.
 */
async function workerFromConfig(configPath: string, bundle: WorkerBundle) {
	const wrangler = await import("wrangler");
	// Quiet wrangler's "Using secrets defined in .dev.vars"; the bench sets its own secret values.
	const logLevel = process.env.WRANGLER_LOG;
	process.env.WRANGLER_LOG = "error";
	try {
		const config = wrangler.unstable_readConfig(
			{ config: path.join(bundle.source, configPath) },
			{ hideWarnings: true },
		);
		// The bundle is a single ES module, so wrangler's rules for finding more modules do not apply.
		// Static assets are left out too: locally Miniflare routes every request through its own
		// assets router Workers first (about 0.3 ms of CPU a request here), a hop Cloudflare makes
		// before the Worker runs. The bench measures the Worker; the end-to-end tests cover assets.
		const {
			modulesRules: _,
			assets: __,
			...options
		} = wrangler.unstable_getMiniflareWorkerOptions(config).workerOptions;
		return {
			options: {
				...options,
				name: config.name,
				modules: [{ type: "ESModule" as const, path: bundle.entry }],
				modulesRoot: bundle.dir,
			},
			secrets: config.secrets?.required ?? [],
		};
	} finally {
		if (logLevel === undefined) delete process.env.WRANGLER_LOG;
		else process.env.WRANGLER_LOG = logLevel;
	}
}

/** The value the bench gives a required secret, e.g. JWT_SECRET, so a scenario can sign staff tokens. */
export function benchSecret(name: string): string {
	return `bench-${name.toLowerCase()}-0123456789abcdef0123456789abcdef`;
}

/**
 * The regions as configured, less their jurisdictions: workerd does not
 * implement Durable Object jurisdictions ("Jurisdiction restrictions are not
 * implemented in workerd"), so locally the eu region's objects are reached as
 * any other region's (its location hint is kept, and ignored locally too).
 */
function withoutJurisdictions(regions: unknown): unknown {
	const parsed = typeof regions === "string" ? (JSON.parse(regions) as unknown) : regions;
	if (parsed === null || typeof parsed !== "object") return regions;
	const stripped = Object.fromEntries(
		Object.entries(parsed as Record<string, Record<string, unknown>>).map(([name, { jurisdiction: _, ...rest }]) => [
			name,
			rest,
		]),
	);
	return typeof regions === "string" ? JSON.stringify(stripped) : stripped;
}

/** The config's bindings plus bench values for its required secrets (long enough for any key), the overrides and a caller's vars. */
function withOverrides(worker: WorkerOptions, secrets: string[], vars: Record<string, string> = {}): WorkerOptions {
	const env: Env = { ...worker.config.env };
	const regions = env.REGIONS as { value?: unknown } | undefined;
	if (regions && typeof regions === "object" && "value" in regions) {
		env.REGIONS = { ...regions, value: withoutJurisdictions(regions.value) } as Env[string];
	}
	for (const name of secrets) {
		env[name] = { type: "text", value: benchSecret(name) };
	}
	Object.assign(env, OVERRIDES[worker.config.name]);
	for (const [name, value] of Object.entries(vars)) env[name] = { type: "text", value };
	return { ...worker, config: { ...worker.config, env } };
}

async function started(options: MiniflareOptions): Promise<Runtime> {
	const before = new Set(workerdProcesses());
	const logs = workerLogSink();
	const miniflare = new Miniflare({ ...options, handleStructuredLogs: logs.handle });
	try {
		const url = await miniflare.ready;
		const pids = workerdProcesses().filter((pid) => !before.has(pid));
		const compatibilityDate = options.workers[0].config.compatibilityDate;
		return { url, miniflare, pids, compatibilityDate, logLines: logs.lines };
	} catch (error) {
		await miniflare.dispose().catch(() => {});
		throw error;
	}
}

/**
 * Starts the menu edge (first worker, so it receives the HTTP traffic) and the
 * api worker it binds to by name, with the bindings of their wrangler configs:
 * the KV namespaces, the api worker's D1 databases (global and one per region, fresh), and the rest.
 */
export async function startPlatform(
	bundles: { api: WorkerBundle; edge: WorkerBundle },
	/** Extra shared options, e.g. `inspectorPort` to profile the workers under load, or `resourcePersistencePath`. */
	extra: Partial<Omit<MiniflareOptions, "workers">> = {},
	/** Vars for the api worker over its config's, e.g. a short RECONCILE_GRACE_SECONDS for the crash test. */
	apiVars: Record<string, string> = {},
): Promise<Runtime> {
	const edge = await workerFromConfig("workers/menu-edge/wrangler.toml", bundles.edge);
	const api = await workerFromConfig("wrangler.toml", bundles.api);
	// One load generator on one address stands for many clients: the per-IP and per-account limits
	// (120 and 600 a minute), the registration and failed-token limits and the edge's limit on origin
	// trips would answer most requests 429. Each limiter is still called as deployed; its limits are only
	// raised out of reach. Sign-in keeps its limit: it is keyed by address and e-mail together.
	for (const worker of [api, edge]) {
		const ratelimits = (worker.options as { ratelimits?: Record<string, { simple: { limit: number } }> }).ratelimits;
		for (const [name, limiter] of Object.entries(ratelimits ?? {})) {
			if (name !== "RATE_LIMIT_SIGN_IN") limiter.simple = { ...limiter.simple, limit: BENCH_RATE_LIMIT };
		}
	}
	const converted = convertV4MiniflareOptions({ workers: [edge.options, api.options] }).workers;
	const workers = [withOverrides(converted[0], edge.secrets), withOverrides(converted[1], api.secrets, apiVars)];
	if (process.env.BENCH_PRINT_OPTIONS) {
		// What the platform runs with, in Miniflare 5's shape (module sources left out).
		const elide = (key: string, value: unknown) => (key === "contents" ? "…" : value);
		console.log(JSON.stringify(workers, elide, "\t"));
	}
	return started({ ...sharedOptions(), ...extra, workers });
}

/** A runtime of its own for workers in Miniflare 5's shape, with the bench's shared options. */
export function startRuntime(workers: WorkerOptions[]): Promise<Runtime> {
	return started({ ...sharedOptions(), workers });
}

/**
 * Starts a separate runtime with a bare hello Worker: the ceiling for any
 * Worker on this machine. Its options are Miniflare 5's own shape, written out.
 */
export async function startHello(compatibilityDate: string): Promise<Runtime> {
	return started({
		...sharedOptions(),
		workers: [
			{
				config: {
					name: "hello",
					compatibilityDate,
					manifest: { mainModule: "hello.mjs", modules: { "hello.mjs": { type: "esm", contents: HELLO_SCRIPT } } },
				},
			},
		],
	});
}

/** The statements of each drizzle migration file, in order; one file's statements may be trigger bodies with `;` inside. */
export function migrationStatements(
	dir = path.join(ROOT, "migrations/global"),
): { file: string; statements: string[] }[] {
	return readdirSync(dir)
		.filter((file) => file.endsWith(".sql"))
		.sort()
		.map((file) => ({
			file,
			statements: readFileSync(path.join(dir, file), "utf8")
				.split("--> statement-breakpoint")
				.map((statement) => statement.trim())
				.filter((statement) => statement.length > 0),
		}));
}

/**
 * The api worker's D1 databases as its wrangler.toml binds them, each with the
 * migrations directory it names: DB with migrations/global, each region's
 * ORDERS_<REGION> with migrations/regional. A checkout from before the regions
 * (BENCH_SOURCE) names no directory, and gets wrangler's default, migrations/.
 */
export async function apiDatabases(source = ROOT): Promise<{ binding: string; migrationsDir: string }[]> {
	const wrangler = await import("wrangler");
	const config = wrangler.unstable_readConfig({ config: path.join(source, "wrangler.toml") }, { hideWarnings: true });
	const databases = config.d1_databases.map((database: { binding: string; migrations_dir?: string }) => ({
		binding: database.binding,
		migrationsDir: path.join(source, database.migrations_dir ?? "migrations"),
	}));
	if (databases.length === 0) throw new Error(`${source}/wrangler.toml binds no D1 database`);
	return databases;
}

/** The bindings of the regions' order databases (ORDERS_EU, ORDERS_US, ORDERS_APAC), empty for a checkout without regions. */
export async function regionalDatabaseBindings(source = ROOT): Promise<string[]> {
	return (await apiDatabases(source))
		.map((database) => database.binding)
		.filter((binding) => binding.startsWith("ORDERS_"));
}

/** An admin's access token signed with the bench's JWT secret, for staff calls (no account row needed). */
export function staffToken(): Promise<string> {
	const now = Math.floor(Date.now() / 1000);
	// Access tokens name their session (sid) since sessions can be revoked; this one's is never revoked.
	return new SignJWT({ role: "admin", locations: [], sid: crypto.randomUUID() })
		.setProtectedHeader({ alg: "HS256", typ: "JWT" })
		.setSubject("acc-demo-admin")
		.setIssuer("goodfood")
		.setAudience("goodfood-api")
		.setIssuedAt(now)
		.setExpirationTime(now + 15 * 60)
		.sign(new TextEncoder().encode(benchSecret("JWT_SECRET")));
}

/**
 * Migrates every D1 database of the api worker through Miniflare (the global
 * one and each region's) and seeds the global one, so the edge's origin has
 * the demo catalogue; all from `source`'s checkout. Where that checkout draws
 * demo photos (scripts/seed/demo-photos.ts), every item's is uploaded through
 * the API as `npm run dev` does, so menus name photos as the demo's do.
 */
export async function prepareDatabase(
	runtime: Runtime,
	source = ROOT,
): Promise<{ migrations: number; seedStatements: number; photos: number; databases: string[] }> {
	let applied = 0;
	const databases = await apiDatabases(source);
	for (const { binding, migrationsDir } of databases) {
		const db = (await runtime.miniflare.getD1Database(binding, API_WORKER)) as unknown as BenchD1;
		const migrations = migrationStatements(migrationsDir);
		for (const { file, statements } of migrations) {
			try {
				await db.batch(statements.map((statement) => db.prepare(statement)));
			} catch (error) {
				throw new Error(`Migration ${file} on ${binding} failed: ${(error as Error).message}`, { cause: error });
			}
		}
		applied += migrations.length;
	}
	const db = (await runtime.miniflare.getD1Database("DB", API_WORKER)) as unknown as BenchD1;
	const seed =
		source === ROOT
			? demoSeedStatements()
			: (
					(await import(pathToFileURL(path.join(source, "scripts/seed/sql.ts")).href)) as {
						demoSeedStatements: typeof demoSeedStatements;
					}
				).demoSeedStatements();
	await db.batch(seed.map((statement) => db.prepare(statement)));
	const photos = await uploadPhotos(runtime, source);
	return {
		migrations: applied,
		seedStatements: seed.length,
		photos,
		databases: databases.map((database) => `${database.binding} (${path.relative(source, database.migrationsDir)})`),
	};
}

/** Uploads the demo photos of `source`'s checkout, if it draws them; answers how many. */
async function uploadPhotos(runtime: Runtime, source: string): Promise<number> {
	const module = path.join(source, "scripts/seed/demo-photos.ts");
	if (!existsSync(module)) return 0;
	const { renderDemoPhotos, uploadDemoPhotos } = (await import(
		pathToFileURL(module).href
	)) as typeof import("../scripts/seed/demo-photos");
	const { count } = await uploadDemoPhotos(runtime.url.origin, await renderDemoPhotos(), await staffToken());
	return count;
}

/**
 * Where a checkout keeps its orders' read model: each region's database, or
 * the global one before the regions.
 */
export async function orderDatabaseBindings(source = ROOT): Promise<string[]> {
	const regional = await regionalDatabaseBindings(source);
	return regional.length > 0 ? regional : ["DB"];
}

/**
 * One query run on every order database and the rows put together: the
 * orders' read model is split by region, so "every order" is a fan-out.
 */
export async function preparedQueryEverywhere<Row>(
	runtime: Runtime,
	source: string,
	sql: string,
): Promise<() => Promise<Row[]>> {
	// One at a time: preparing blocks this thread (see preparedQuery).
	const queries: (() => Promise<Row[]>)[] = [];
	for (const binding of await orderDatabaseBindings(source)) {
		queries.push(await preparedQuery<Row>(runtime, API_WORKER, binding, sql));
	}
	return async () => (await Promise.all(queries.map((query) => query()))).flat();
}

/**
 * A fixed D1 query through Miniflare's proxy that never blocks this process.
 * The proxy answers a property access and a function's first call with
 * `Atomics.wait()` on the main thread; while it waits, nothing reads workerd's
 * stdout, and a runtime busy logging (requests cut off by wrk at the end of a
 * run log errors) fills the pipe and stops too: a deadlock. So the statement is
 * prepared and first run here, while the runtime is idle; every later run of
 * the returned function is an asynchronous call.
 */
export async function preparedQuery<Row>(
	runtime: Runtime,
	workerName: string,
	binding: string,
	sql: string,
): Promise<() => Promise<Row[]>> {
	const db = (await runtime.miniflare.getD1Database(binding, workerName)) as unknown as {
		prepare(query: string): { all<T>(): Promise<{ results: T[] }> };
	};
	const statement = db.prepare(sql);
	await statement.all<Row>();
	return async () => (await statement.all<Row>()).results;
}
