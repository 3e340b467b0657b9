/**
 * `npm run bench`: builds the workers, runs them on the local runtime through
 * Miniflare (no `wrangler dev` proxy) next to a bare hello Worker, loads both
 * from this process and reports against the targets. Figures also go to
 * bench-results/<scenario>.json.
 *
 * Settings come from the environment (see settingsFromEnv in measure.ts), e.g.
 * `BENCH_SECONDS=5 BENCH_ROUNDS=1 npm run bench`, or BENCH_QUIET_WAIT=60 on a
 * shared machine; BENCH_PRINT_OPTIONS=1 prints the platform's Miniflare
 * options. Exits non-zero when a run saw errors, non-2xx responses or cache
 * misses, since its figures then measure something else; a missed target
 * alone is reported, not an error.
 *
 * The api worker runs with every D1 database its wrangler.toml binds — the
 * global DB and one per region (ORDERS_EU, ORDERS_US, ORDERS_APAC), each
 * migrated from its own migrations_dir — and the carts, orders and menus the
 * scenarios load are spread over the three demo locations, one per region.
 * `npm run bench counters` counts what each operation costs in billed units
 * into bench/results/counters.json (committed), which `npm run scale-model`
 * turns into docs/scale.md's tables.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, cpus } from "node:os";
import path from "node:path";
import { benchSource, buildWorker, ROOT, type WorkerBundle } from "./build";
import { type CountersReport, printCountersReport, runCountersScenario } from "./counters";
import { startCartFloor, startOrderFloor } from "./floors";
import {
	type CartsReport,
	type LiveReport,
	type OrdersReport,
	printCartsReport,
	printLiveReport,
	printOrdersReport,
	runCartsScenario,
	runLiveScenario,
	runOrdersScenario,
} from "./flows";
import { type GeneratorReport, printGeneratorReport, runGeneratorScenario } from "./generator";
import { type ImagesReport, printImagesReport, runImagesScenario } from "./images";
import { type Settings, settingsFromEnv } from "./measure";
import { type MenuReport, printMenuReport, runMenuScenario } from "./menu";
import { type MixedReport, printMixedReport, runMixedScenario } from "./mixed";
import { type Bench, prepareDatabase, type Runtime, startHello, startPlatform } from "./platform";
import { assertWrkInstalled } from "./wrk";

interface ScenarioReport {
	scenario: string;
	problems: string[];
	warnings: string[];
}

/**
 * A scenario loads the running bench and returns a report, printed and saved
 * as JSON: menu, images (a photo from the edge's cache), carts (add to cart), orders (placed and
 * projected), live (WebSocket fan-out).
 */
interface Scenario<R extends ScenarioReport> {
	run(bench: Bench, settings: Settings): Promise<R>;
	print(report: R): void;
	/**
	 * Runs on a platform of its own, started for it: a scenario that reports the runtime's memory,
	 * or must not share the thread with what earlier scenarios left behind (their e-mails still
	 * draining, their orders' reconciliation checks falling due five minutes after they were sent).
	 */
	freshPlatform?: boolean;
}

const scenarios: Record<string, Scenario<ScenarioReport>> = {
	generator: { run: runGeneratorScenario, print: (report) => printGeneratorReport(report as GeneratorReport) },
	menu: { run: runMenuScenario, print: (report) => printMenuReport(report as MenuReport) },
	// An item photo from the edge's Cache API, resized to 320 wide.
	images: { run: runImagesScenario, print: (report) => printImagesReport(report as ImagesReport) },
	carts: { run: runCartsScenario, print: (report) => printCartsReport(report as CartsReport) },
	// Live before orders: the orders scenario leaves thousands of e-mails and checks to drain.
	live: { run: runLiveScenario, print: (report) => printLiveReport(report as LiveReport) },
	orders: { run: runOrdersScenario, print: (report) => printOrdersReport(report as OrdersReport) },
	mixed: {
		run: runMixedScenario,
		print: (report) => printMixedReport(report as MixedReport),
		freshPlatform: true,
	},
	// Per-operation counters in billed units, D1 statements per order among them; also written to
	// bench/results/counters.json for scripts/scale-model.ts. "d1" is its old name.
	counters: { run: runCountersScenario, print: (report) => printCountersReport(report as CountersReport) },
	d1: { run: runCountersScenario, print: (report) => printCountersReport(report as CountersReport) },
};

/** Whether the checkout has uncommitted changes to tracked files. */
function dirty(source: string): boolean {
	return (
		spawnSync("git", ["-C", source, "status", "--porcelain", "--untracked-files=no"], {
			encoding: "utf8",
		}).stdout.trim() !== ""
	);
}

/** What ran where, so figures from different runs or machines can be told apart. */
function environment(bundles: WorkerBundle[]): Record<string, unknown> {
	const require = createRequire(import.meta.url);
	const source = bundles[0]?.source ?? ROOT;
	return {
		source,
		commit: spawnSync("git", ["-C", source, "rev-parse", "HEAD"], { encoding: "utf8" }).stdout.trim(),
		uncommittedChanges: dirty(source),
		node: process.version,
		miniflare: (require("miniflare/package.json") as { version: string }).version,
		cpus: availableParallelism(),
		cpuModel: cpus()[0]?.model,
		builtBy: bundles.map((bundle) => `${path.basename(bundle.dir)}: ${bundle.builtBy}`),
	};
}

function writeResults(report: ScenarioReport, env: Record<string, unknown>): string {
	const dir = path.join(ROOT, "bench-results");
	mkdirSync(dir, { recursive: true });
	const file = path.join(dir, `${report.scenario}.json`);
	const json = { ...report, environment: env, recordedAt: new Date().toISOString() };
	writeFileSync(file, `${JSON.stringify(json, null, "\t")}\n`);
	return path.relative(ROOT, file);
}

/** Every runtime started, so they are disposed however the run ends. */
const runtimes: Runtime[] = [];

async function disposeAll(): Promise<void> {
	await Promise.allSettled(runtimes.splice(0).map((runtime) => runtime.miniflare.dispose()));
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, () => {
		console.error(`\n${signal}: stopping the runtimes…`);
		void disposeAll().finally(() => process.exit(130));
	});
}

async function main(): Promise<number> {
	// Miniflare keeps Durable Object and D1 storage in its temp dir. On this kind of VM every
	// committed transaction waits on the disk's fsync, which would measure the disk rather than
	// the code (and is not how Durable Object storage commits on Cloudflare), so keep it in tmpfs.
	if (!process.env.TMPDIR && existsSync("/dev/shm")) process.env.TMPDIR = "/dev/shm";
	const settings = settingsFromEnv();
	const fromArgs = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
	// BENCH_SCENARIOS="carts orders" selects as the arguments do; arguments win.
	const fromEnv = (process.env.BENCH_SCENARIOS ?? "").split(/[\s,]+/).filter((name) => name.length > 0);
	const selected = fromArgs.length > 0 ? fromArgs : fromEnv;
	// "d1" is the counters scenario under its old name: run once by default.
	const names = selected.length > 0 ? selected : Object.keys(scenarios).filter((name) => name !== "d1");
	const unknown = names.filter((name) => !(name in scenarios));
	if (unknown.length > 0) {
		throw new Error(`Unknown scenario(s): ${unknown.join(", ")}; known: ${Object.keys(scenarios).join(", ")}`);
	}

	// Every scenario but live and the counters drives its load with wrk.
	if (names.some((name) => !["live", "counters", "d1"].includes(name))) assertWrkInstalled();

	const source = benchSource();
	console.log(`Building workers from ${source}${source === ROOT ? " (this checkout)" : " (BENCH_SOURCE)"}…`);
	const api = await buildWorker("api", "wrangler.toml", "workers/api/src/index.ts", source);
	const edge = await buildWorker(
		"menu-edge",
		"workers/menu-edge/wrangler.toml",
		"workers/menu-edge/src/index.ts",
		source,
	);
	const commit = spawnSync("git", ["-C", source, "log", "-1", "--format=%h %s"], { encoding: "utf8" }).stdout.trim();
	console.log(
		`  source: ${source} at ${commit || "(not a git checkout)"}${dirty(source) ? ", with uncommitted changes" : ""}`,
	);
	console.log(
		`  api: ${path.relative(ROOT, api.entry)} (${api.builtBy}); edge: ${path.relative(ROOT, edge.entry)} (${edge.builtBy})`,
	);

	try {
		console.log("Starting the platform and the hello Worker on Miniflare…");
		const platform = await startPlatform({ api, edge });
		runtimes.push(platform);
		const hello = await startHello(platform.compatibilityDate);
		runtimes.push(hello);
		const cartFloor = await startCartFloor(platform.compatibilityDate);
		runtimes.push(cartFloor);
		const orderFloor = await startOrderFloor(platform.compatibilityDate);
		runtimes.push(orderFloor);
		const prepared = await prepareDatabase(platform, source);
		const where = (runtime: Runtime) => `${runtime.url.origin} (workerd pid ${runtime.pids.join(", ") || "?"})`;
		console.log(
			`  edge at ${where(platform)}, hello at ${where(hello)}, cart floor at ${where(cartFloor)}, order floor at ${where(orderFloor)}`,
		);
		console.log(
			`  D1: ${prepared.migrations} migration files applied to ${prepared.databases.join(", ")}; ${prepared.seedStatements} seed statements; ${prepared.photos} demo photos uploaded`,
		);

		let problems = 0;
		for (const name of names) {
			console.log(`Running scenario "${name}"…`);
			let report: ScenarioReport;
			let own: Runtime | undefined;
			try {
				if (scenarios[name].freshPlatform) {
					own = await startPlatform({ api, edge });
					runtimes.push(own);
					await prepareDatabase(own, source);
				}
				report = await scenarios[name].run(
					{ platform: own ?? platform, hello, cartFloor, orderFloor, bundles: { api, edge }, source },
					settings,
				);
			} catch (error) {
				// One broken scenario should not hide the others' figures.
				console.error(`Scenario "${name}" failed:`, error);
				problems++;
				continue;
			} finally {
				if (own) {
					runtimes.splice(runtimes.indexOf(own), 1);
					await own.miniflare.dispose();
				}
			}
			scenarios[name].print(report);
			console.log(`Figures written to ${writeResults(report, environment([api, edge]))}`);
			problems += report.problems.length;
		}
		return problems > 0 ? 1 : 0;
	} finally {
		await disposeAll();
	}
}

main().then(
	(code) => process.exit(code),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
