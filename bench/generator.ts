/**
 * The load generator's check: the hello Worker measured through the bench's
 * own wrk path (its Lua script counting statuses and a header) against plain
 * `wrk -t2 -c32 -d10s` on the same Worker, run back to back. Within 15%, the
 * bench's figures measure the Workers rather than its own generator.
 */
import { failures, type Measurement, measure, medianByRps, type Settings } from "./measure";
import type { Bench } from "./platform";
import { runPlainWrk } from "./wrk";

export const GENERATOR_TARGETS = { maxDifference: 0.15 };

export interface GeneratorReport {
	scenario: "generator";
	settings: Settings;
	/** The bench's wrk path, median round. */
	bench: Measurement;
	/** Plain wrk's requests/s, median round. */
	plainRps: number;
	rounds: { bench: Measurement[]; plainRps: number[] };
	/** bench / plain − 1. */
	difference: number;
	targets: typeof GENERATOR_TARGETS;
	verdict: "PASS" | "MISS";
	problems: string[];
	warnings: string[];
}

export async function runGeneratorScenario(bench: Bench, settings: Settings): Promise<GeneratorReport> {
	const url = new URL("/", bench.hello.url).href;
	const rounds: GeneratorReport["rounds"] = { bench: [], plainRps: [] };
	for (let round = 1; round <= settings.rounds; round++) {
		const plain = await runPlainWrk(url, settings.connections, settings.seconds);
		rounds.plainRps.push(plain);
		console.log(
			`  plain wrk -t2 -c${settings.connections} -d${settings.seconds}s (round ${round}): ${Math.round(plain)} req/s`,
		);
		const run = await measure(settings, {
			name: `hello through the bench's wrk (round ${round})`,
			url,
			connections: settings.connections,
			runtime: bench.hello,
			countHeader: "content-type",
		});
		rounds.bench.push(run);
		console.log(
			`  ${run.name}: ${Math.round(run.rps)} req/s, generator ${Math.round((run.cpu?.generator ?? 0) * 100)}% of a core`,
		);
	}
	const median = medianByRps(rounds.bench);
	const plainRps = [...rounds.plainRps].sort((a, b) => a - b)[Math.floor((rounds.plainRps.length - 1) / 2)];
	const difference = median.rps / plainRps - 1;
	const problems = rounds.bench.flatMap((run) => failures(run).map((problem) => `${run.name}: ${problem}`));
	return {
		scenario: "generator",
		settings,
		bench: median,
		plainRps,
		rounds,
		difference,
		targets: GENERATOR_TARGETS,
		verdict: Math.abs(difference) <= GENERATOR_TARGETS.maxDifference ? "PASS" : "MISS",
		problems,
		warnings: [],
	};
}

export function printGeneratorReport(report: GeneratorReport): void {
	const { settings } = report;
	console.log("");
	console.log(
		`Load generator check (hello Worker, ${settings.connections} connections, ${settings.seconds} s, median of ${settings.rounds} rounds):`,
	);
	console.log(`  plain wrk -t2 -c${settings.connections} -d${settings.seconds}s: ${Math.round(report.plainRps)} req/s`);
	console.log(
		`  the bench's wrk path:        ${Math.round(report.bench.rps)} req/s (wrk used ${Math.round((report.bench.cpu?.generator ?? 0) * 100)}% of a core, workerd ${Math.round((report.bench.cpu?.runtime ?? 0) * 100)}%)`,
	);
	console.log(
		`  difference: ${(report.difference * 100).toFixed(1)}%  (target within ±${report.targets.maxDifference * 100}%)  ${report.verdict}`,
	);
	console.log("");
	if (report.problems.length > 0) {
		console.log("PROBLEMS:");
		for (const problem of report.problems) console.log(`  - ${problem}`);
	}
}
