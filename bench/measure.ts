/** One measured load run with its warm-up, CPU use and response checks; the building block of every scenario. */
import { type CpuUse, measureCpu, waitForQuiet, workerdProcesses } from "./cpu";
import { type LoadOptions, type LoadResult, runLoad } from "./load";
import type { Runtime } from "./platform";
import { runWrk } from "./wrk";

export interface Settings {
	/** Seconds of each measured run (BENCH_SECONDS). */
	seconds: number;
	/** Seconds of load before each measured run, discarded (BENCH_WARMUP_SECONDS). */
	warmupSeconds: number;
	/** Concurrent connections for the max-throughput runs, the same for every target (BENCH_CONNECTIONS). */
	connections: number;
	/** Alternating rounds of the max-throughput comparison (BENCH_ROUNDS). */
	rounds: number;
	/** The fixed request rate of the latency run (BENCH_RATE). */
	rate: number;
	/** Connections the fixed rate is spread over (BENCH_RATE_CONNECTIONS). */
	rateConnections: number;
	/** Seconds each run may wait for other processes to quiet down first; 0 does not wait (BENCH_QUIET_WAIT). */
	quietWaitSeconds: number;
}

/** Average CPU of other processes, in cores, above which the machine counts as busy and a run as disturbed. */
export const OTHER_CPU_THRESHOLD = 0.1;

function envNumber(name: string, fallback: number, min = 1): number {
	const raw = process.env[name];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, got "${raw}"`);
	return value;
}

/** Bench settings from the environment, with defaults sized for a 2-core machine. */
export function settingsFromEnv(): Settings {
	return {
		seconds: envNumber("BENCH_SECONDS", 10),
		warmupSeconds: envNumber("BENCH_WARMUP_SECONDS", 2),
		connections: envNumber("BENCH_CONNECTIONS", 32),
		rounds: envNumber("BENCH_ROUNDS", 3),
		rate: envNumber("BENCH_RATE", 1000),
		rateConnections: envNumber("BENCH_RATE_CONNECTIONS", 4),
		quietWaitSeconds: envNumber("BENCH_QUIET_WAIT", 0, 0),
	};
}

export interface Measurement extends LoadResult {
	name: string;
	/** wrk for the max-throughput runs; autocannon for a fixed rate, which wrk cannot pace. */
	generator: "wrk" | "autocannon";
	/** Slowest response, ms (wrk runs only). */
	max?: number;
	url: string;
	connections: number;
	overallRate?: number;
	/** Count of each value of the checked response header ("(none)" when absent). */
	headerValues: Record<string, number>;
	/** Lines the workers logged per request answered. */
	logLinesPerRequest: number;
	/** CPU of every workerd process the bench started (the runtime under test and the idle others), the generator and the rest of the machine. */
	cpu?: CpuUse;
}

export interface MeasureOptions extends Omit<LoadOptions, "seconds" | "onHeaders" | "setupRequest"> {
	name: string;
	/** The runtime serving the target, for its log lines. */
	runtime: Runtime;
	/** Response header whose values are counted, e.g. x-cache-layer. */
	countHeader: string;
	/** Paths taken in turn, request by request (wrk only), e.g. one per cart. */
	paths?: string[];
	/** A body for each path, sent with it (wrk only), e.g. an add that suits its cart's location. */
	bodies?: string[];
	/** A header given a value no other request has (wrk only), e.g. idempotency-key. */
	uniqueHeader?: string;
	/** Runs between the warm-up and the measured run, e.g. to let the warm-up's background work finish. */
	afterWarmup?: () => Promise<void>;
}

/** workerd CPU per request answered, in ms, summed over every workerd process. */
export function cpuPerRequestMs(run: { cpu?: CpuUse; rps: number }): number {
	return run.cpu && run.rps > 0 ? (run.cpu.runtime / run.rps) * 1000 : Number.NaN;
}

/** Runs one load with wrk, or with autocannon when a fixed rate is asked for. */
async function load(
	options: Omit<MeasureOptions, "name" | "runtime">,
	seconds: number,
	onHeaders: (headers: string[]) => void,
): Promise<LoadResult & { headerValues?: Record<string, number>; max?: number; generatorCores?: number }> {
	const { countHeader, paths, bodies, uniqueHeader, afterWarmup: _, ...rest } = options;
	if (rest.overallRate !== undefined) {
		if (paths || bodies || uniqueHeader)
			throw new Error("paths, bodies and uniqueHeader need wrk, which has no fixed rate");
		return runLoad({ ...rest, seconds, onHeaders });
	}
	return runWrk({ ...rest, seconds, paths, bodies, uniqueHeader, countHeader });
}

/**
 * Warms the target up, then measures it. Every run counts the same response
 * header, whichever the target, so the load generator does the same work for
 * the Worker under test and for the yardstick.
 */
export async function measure(settings: Settings, options: MeasureOptions): Promise<Measurement> {
	const { name, runtime, countHeader } = options;
	const wanted = countHeader.toLowerCase();
	let headerValues: Record<string, number> = {};
	const onHeaders = (headers: string[]) => {
		let value = "(none)";
		for (let i = 0; i < headers.length; i += 2) {
			if (headers[i].toLowerCase() === wanted) {
				value = headers[i + 1];
				break;
			}
		}
		headerValues[value] = (headerValues[value] ?? 0) + 1;
	};

	if (settings.quietWaitSeconds > 0) {
		const waited = await waitForQuiet(settings.quietWaitSeconds, OTHER_CPU_THRESHOLD);
		if (waited === undefined)
			console.log(`  (${name}: machine still busy after ${settings.quietWaitSeconds} s; running anyway)`);
		else if (waited > 1.5) console.log(`  (${name}: waited ${Math.round(waited)} s for other processes to quiet down)`);
	}
	await load(options, settings.warmupSeconds, onHeaders);
	await options.afterWarmup?.();
	headerValues = {};
	const generator = options.overallRate === undefined ? "wrk" : "autocannon";
	const cpu = measureCpu(workerdProcesses(), generator === "wrk");
	const logLinesBefore = runtime.logLines();
	const { headerValues: counted, generatorCores: _, ...result } = await load(options, settings.seconds, onHeaders);
	const logLines = runtime.logLines() - logLinesBefore;
	return {
		name,
		generator,
		url: options.url,
		connections: options.connections,
		overallRate: options.overallRate,
		...result,
		headerValues: counted ?? headerValues,
		logLinesPerRequest: result.requests > 0 ? logLines / result.requests : 0,
		cpu: cpu(),
	};
}

/** The run with the median throughput: robust to one lucky or unlucky round. */
export function medianByRps(runs: Measurement[]): Measurement {
	const sorted = [...runs].sort((a, b) => a.rps - b.rps);
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Whether a run's figures can be trusted: every request answered, with a 2xx. */
export function failures(run: Measurement): string[] {
	const problems: string[] = [];
	if (run.non2xx > 0) problems.push(`${run.non2xx} non-2xx responses (${JSON.stringify(run.statusCodes)})`);
	if (run.errors > 0) problems.push(`${run.errors} errors (${run.timeouts} of them timeouts)`);
	if (run.requests === 0) problems.push("no responses at all");
	return problems;
}

/** Whether other processes were busy during the run, making its figures unreliable. */
export function disturbed(run: Measurement): boolean {
	return (run.cpu?.others ?? 0) > OTHER_CPU_THRESHOLD;
}

/**
 * Measures each target once per round, in the order given (a, b, a, b, …), so
 * slow drift of the machine affects every target alike, and logs each run.
 */
export async function alternatingRounds<Target extends string>(
	settings: Settings,
	targets: Record<Target, Omit<MeasureOptions, "name">>,
): Promise<Record<Target, Measurement[]>> {
	const names = Object.keys(targets) as Target[];
	const rounds = Object.fromEntries(names.map((name) => [name, []])) as unknown as Record<Target, Measurement[]>;
	for (let round = 1; round <= settings.rounds; round++) {
		for (const name of names) {
			const run = await measure(settings, { ...targets[name], name: `${name} (round ${round})` });
			rounds[name].push(run);
			console.log(
				`  ${run.name}: ${Math.round(run.rps)} req/s, p50 ${run.p50.toFixed(2)} ms, p99 ${run.p99.toFixed(2)} ms`,
			);
		}
	}
	return rounds;
}
