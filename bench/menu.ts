/**
 * GET /menu served from the edge's memory layer, against a bare hello Worker
 * on the same runtime: max throughput of both, their ratio, and latency at a
 * fixed request rate. Beside it, a translated menu's memory hit (Tokyo's,
 * written in Japanese, asked for in English with ?lang=en), since rendered
 * bodies are cached per language.
 */
import {
	alternatingRounds,
	disturbed,
	failures,
	type Measurement,
	measure,
	medianByRps,
	type Settings,
} from "./measure";
import type { Bench } from "./platform";
import { caveat, ms, printProblems, printTable, RUN_HEADER, runColumns } from "./report";

export const MENU_PATH = "/menu?location=london-soho";
/** A menu in a language other than its location's default: every name read from its translations. */
export const TRANSLATED_MENU_PATH = "/menu?location=tokyo-shibuya&lang=en";
/** One menu per region's demo location, for a load that reads all three. */
export const MENU_PATHS = ["london-soho", "new-york-chelsea", "tokyo-shibuya"].map((slug) => `/menu?location=${slug}`);
const CACHE_HEADER = "x-cache-layer";

/** Targets from the issue. */
export const MENU_TARGETS = { minThroughputRatio: 0.9, maxP99AtFixedRateMs: 25 };

export interface MenuReport {
	scenario: "menu";
	settings: Settings;
	hello: Measurement;
	menu: Measurement;
	/** The translated menu's memory hit (TRANSLATED_MENU_PATH). */
	translated: Measurement;
	/** Median menu throughput over median hello throughput. */
	throughputRatio: number;
	/** Median translated-menu throughput over median hello throughput. */
	translatedRatio: number;
	fixedRate: Measurement;
	rounds: { hello: Measurement[]; menu: Measurement[]; translated: Measurement[] };
	targets: typeof MENU_TARGETS;
	verdict: { throughput: "PASS" | "MISS"; translatedThroughput: "PASS" | "MISS"; fixedRateP99: "PASS" | "MISS" };
	/** Whether other processes were busy during the runs behind each verdict, making it unreliable. */
	disturbed: { throughput: boolean; translatedThroughput: boolean; fixedRateP99: boolean };
	/** Anything that makes the figures untrustworthy: errors, non-2xx, responses not from memory. */
	problems: string[];
	/** Anything that may have skewed them: other load on the machine, a rate not reached. */
	warnings: string[];
}

/**
 * Fails loudly unless the edge answers the menu from isolate memory once
 * warmed up (and, when `language` is given, in that language).
 */
export async function assertMemoryHit(baseUrl: URL, menuPath = MENU_PATH, language?: string): Promise<void> {
	const url = new URL(menuPath, baseUrl);
	const first = await fetch(url);
	const firstBody = await first.text();
	if (!first.ok) throw new Error(`Warm-up GET ${menuPath} answered ${first.status}: ${firstBody.slice(0, 500)}`);
	const second = await fetch(url);
	await second.arrayBuffer();
	const layer = second.headers.get(CACHE_HEADER);
	if (!second.ok || layer !== "memory") {
		throw new Error(
			`GET ${menuPath} after warm-up: status ${second.status}, ${CACHE_HEADER}: ${layer} (expected 200 from "memory"); the bench would not measure a cache hit`,
		);
	}
	const answered = second.headers.get("content-language");
	// A build from before menus had languages (BENCH_SOURCE of an older commit) answers none: its one menu is the yardstick.
	if (language && answered === null) {
		console.log(`  GET ${menuPath}: no Content-Language (a build without menu languages); measuring its only menu`);
	} else if (language && answered !== language) {
		throw new Error(
			`GET ${menuPath}: Content-Language ${answered}, expected ${language}; the bench would not measure a translated menu`,
		);
	}
}

/**
 * The comparison alternates hello and menu runs (hello, menu, hello, menu, …)
 * so slow drift of the machine affects both alike, and reports each target's
 * median round. Every run uses the same connections and duration.
 */
export async function runMenuScenario(bench: Bench, settings: Settings): Promise<MenuReport> {
	await assertMemoryHit(bench.platform.url);
	await assertMemoryHit(bench.platform.url, TRANSLATED_MENU_PATH, "en");
	const helloUrl = new URL("/", bench.hello.url).href;
	const menuUrl = new URL(MENU_PATH, bench.platform.url).href;
	const urls = { hello: helloUrl, menu: menuUrl, translated: new URL(TRANSLATED_MENU_PATH, bench.platform.url).href };

	const memoryHit = { connections: settings.connections, runtime: bench.platform, countHeader: CACHE_HEADER };
	const rounds: MenuReport["rounds"] = await alternatingRounds(settings, {
		hello: { ...memoryHit, url: urls.hello, runtime: bench.hello },
		menu: { ...memoryHit, url: urls.menu },
		translated: { ...memoryHit, url: urls.translated },
	});

	// autocannon paces overallRate as a quota per connection per second, sent back to back from the
	// start of each second, so every second opens with one stream of requests per connection. A few
	// connections keep a few requests in flight; the 32 of the throughput runs would open every
	// second at saturation and measure queueing behind that burst rather than latency at this rate.
	const fixedRate = await measure(settings, {
		name: `menu at ${settings.rate} req/s`,
		url: menuUrl,
		connections: settings.rateConnections,
		overallRate: settings.rate,
		runtime: bench.platform,
		countHeader: CACHE_HEADER,
	});
	console.log(
		`  ${fixedRate.name}: ${Math.round(fixedRate.rps)} req/s achieved, p50 ${ms(fixedRate.p50)}, p99 ${ms(fixedRate.p99)}`,
	);

	const hello = medianByRps(rounds.hello);
	const menu = medianByRps(rounds.menu);
	const translated = medianByRps(rounds.translated);
	const throughputRatio = menu.rps / hello.rps;
	const translatedRatio = translated.rps / hello.rps;

	const problems: string[] = [];
	const warnings: string[] = [];
	for (const run of [...rounds.hello, ...rounds.menu, ...rounds.translated, fixedRate]) {
		for (const problem of failures(run)) problems.push(`${run.name}: ${problem}`);
		if (run.cpu && disturbed(run)) {
			warnings.push(
				`${run.name}: other processes used ${Math.round(run.cpu.others * 100)}% of a core meanwhile; the machine was not quiet`,
			);
		}
	}
	for (const run of [...rounds.menu, ...rounds.translated, fixedRate]) {
		const misses = Object.entries(run.headerValues).filter(([layer]) => layer !== "memory");
		if (misses.length > 0) problems.push(`${run.name}: responses not from memory: ${JSON.stringify(run.headerValues)}`);
	}
	if (Math.abs(fixedRate.rps - settings.rate) > settings.rate * 0.05) {
		warnings.push(`${fixedRate.name}: achieved ${Math.round(fixedRate.rps)} req/s, not the ${settings.rate} asked for`);
	}

	return {
		scenario: "menu",
		settings,
		hello,
		menu,
		translated,
		throughputRatio,
		translatedRatio,
		fixedRate,
		rounds,
		targets: MENU_TARGETS,
		verdict: {
			throughput: throughputRatio >= MENU_TARGETS.minThroughputRatio ? "PASS" : "MISS",
			translatedThroughput: translatedRatio >= MENU_TARGETS.minThroughputRatio ? "PASS" : "MISS",
			fixedRateP99: fixedRate.p99 <= MENU_TARGETS.maxP99AtFixedRateMs ? "PASS" : "MISS",
		},
		disturbed: {
			throughput: [...rounds.hello, ...rounds.menu].some(disturbed),
			translatedThroughput: [...rounds.hello, ...rounds.translated].some(disturbed),
			fixedRateP99: disturbed(fixedRate),
		},
		problems,
		warnings,
	};
}

/** The human-readable report: one table, the ratio, the fixed-rate latency and the verdicts. */
export function printMenuReport(report: MenuReport): void {
	const { settings, hello, menu, translated, fixedRate } = report;
	const rows = [
		["hello Worker (max)", hello],
		["GET /menu, memory hit (max)", menu],
		["GET /menu, translated (tokyo, ?lang=en), memory hit (max)", translated],
		[`GET /menu at ${settings.rate} req/s`, fixedRate],
	] as const;
	printTable(
		`GET ${MENU_PATH} and ${TRANSLATED_MENU_PATH} vs a bare hello Worker — ${settings.connections} connections, ${settings.seconds} s per run after ${settings.warmupSeconds} s warm-up, median of ${settings.rounds} alternating rounds`,
		[
			["scenario", ...RUN_HEADER, "log lines/req"],
			...rows.map(([label, run]) => [label, ...runColumns(run), run.logLinesPerRequest.toFixed(2)]),
		],
	);
	console.log(
		`menu / hello throughput: ${(report.throughputRatio * 100).toFixed(1)}%  (target ≥ ${report.targets.minThroughputRatio * 100}%)  ${report.verdict.throughput}${caveat(report.disturbed.throughput)}`,
	);
	console.log(
		`translated menu / hello throughput: ${(report.translatedRatio * 100).toFixed(1)}%  (target ≥ ${report.targets.minThroughputRatio * 100}%; ${((report.translatedRatio / report.throughputRatio) * 100).toFixed(1)}% of the London menu's)  ${report.verdict.translatedThroughput}${caveat(report.disturbed.translatedThroughput)}`,
	);
	console.log(
		`p99 at ${settings.rate} req/s: ${ms(fixedRate.p99)}  (target ≤ ${report.targets.maxP99AtFixedRateMs} ms; achieved ${Math.round(fixedRate.rps)} req/s over ${settings.rateConnections} connections)  ${report.verdict.fixedRateP99}${caveat(report.disturbed.fixedRateP99)}`,
	);
	console.log("");
	printProblems(
		report.problems,
		report.warnings,
		"No errors, no non-2xx responses; every menu response came from the memory layer.",
	);
}
