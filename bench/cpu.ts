/**
 * CPU use during a run: of this process (the load generator), of the workerd
 * runtime under test, and of everything else on the machine. On a small
 * machine it shows which side was saturated — whether a throughput figure
 * measures the Worker or the client — and whether other work (another build,
 * a test run) disturbed the measurement. Linux only (it reads /proc);
 * elsewhere the figures are omitted.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim()) || 100;
const HAS_PROC = existsSync("/proc/self/stat") && existsSync("/proc/stat");

interface ProcStat {
	pid: number;
	ppid: number;
	command: string;
	/** User plus system CPU seconds so far. */
	cpuSeconds: number;
}

function readStat(pid: number): ProcStat | undefined {
	try {
		const text = readFileSync(`/proc/${pid}/stat`, "utf8");
		// The command sits in parentheses and may contain spaces; the fields after it are space-separated.
		const close = text.lastIndexOf(")");
		const command = text.slice(text.indexOf("(") + 1, close);
		const fields = text.slice(close + 2).split(" ");
		return {
			pid,
			ppid: Number(fields[1]),
			command,
			cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
		};
	} catch {
		return undefined;
	}
}

/** This process and everything descended from it. */
function ownProcesses(): ProcStat[] {
	const stats = readdirSync("/proc")
		.filter((entry) => /^\d+$/.test(entry))
		.map((entry) => readStat(Number(entry)))
		.filter((stat): stat is ProcStat => stat !== undefined);
	const ours = new Set([process.pid]);
	// Parents may be listed after their children, so widen the set until it stops growing.
	for (let grew = true; grew; ) {
		grew = false;
		for (const stat of stats) {
			if (!ours.has(stat.pid) && ours.has(stat.ppid)) {
				ours.add(stat.pid);
				grew = true;
			}
		}
	}
	return stats.filter((stat) => ours.has(stat.pid));
}

/** The workerd processes this process started, by pid. */
export function workerdProcesses(): number[] {
	if (!HAS_PROC) return [];
	return ownProcesses()
		.filter((stat) => stat.command.startsWith("workerd"))
		.map((stat) => stat.pid);
}

/**
 * CPU seconds of this process's children that have exited and been reaped
 * (the kernel's cutime + cstime): a load generator run as a child process,
 * e.g. wrk, counted in full once it has exited.
 */
export function childrenCpuSeconds(): number {
	if (!HAS_PROC) return 0;
	const text = readFileSync("/proc/self/stat", "utf8");
	const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
	return (Number(fields[13]) + Number(fields[14])) / TICKS_PER_SECOND;
}

/** Busy CPU seconds of the whole machine, all cores, steal included. */
function machineBusySeconds(): number {
	const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
	const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
	return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export interface CpuUse {
	/** Cores used by this Node process on average during the run. */
	client: number;
	/** Cores used by the load generator: wrk's process when wrk drove the run, else this Node process. */
	generator: number;
	/** Cores used by the workerd runtime under test. */
	runtime: number;
	/** Cores used by everything else on the machine: anything above a few hundredths means the run was disturbed. */
	others: number;
}

/**
 * Starts measuring; the returned function gives the CPU use since then.
 * Children that exit meanwhile (wrk) count as the generator, when
 * `generatorIsChild`, and never as other processes.
 */
export function measureCpu(runtimePids: number[], generatorIsChild = false): () => CpuUse | undefined {
	if (!HAS_PROC) return () => undefined;
	const sum = (stats: ProcStat[]) => stats.reduce((total, stat) => total + stat.cpuSeconds, 0);
	const sample = () => {
		const own = ownProcesses();
		return {
			at: process.hrtime.bigint(),
			client: readStat(process.pid)?.cpuSeconds ?? 0,
			runtime: sum(own.filter((stat) => runtimePids.includes(stat.pid))),
			own: sum(own),
			children: childrenCpuSeconds(),
			machine: machineBusySeconds(),
		};
	};
	const start = sample();
	return () => {
		const end = sample();
		const elapsed = Number(end.at - start.at) / 1e9;
		const client = (end.client - start.client) / elapsed;
		const children = (end.children - start.children) / elapsed;
		return {
			client,
			generator: generatorIsChild ? children : client,
			runtime: (end.runtime - start.runtime) / elapsed,
			others:
				Math.max(0, end.machine - start.machine - (end.own - start.own) - (end.children - start.children)) / elapsed,
		};
	};
}

/**
 * Waits, up to `maxSeconds`, until other processes leave the machine quiet
 * for a second at a time, so a run on a shared machine can start in a lull.
 * Returns the seconds waited, or undefined if it never got quiet.
 */
export async function waitForQuiet(maxSeconds: number, threshold: number): Promise<number | undefined> {
	if (!HAS_PROC || maxSeconds <= 0) return 0;
	const started = Date.now();
	while (Date.now() - started < maxSeconds * 1000) {
		const use = measureCpu([]);
		await new Promise((resolve) => setTimeout(resolve, 1000));
		if ((use()?.others ?? 0) <= threshold) return (Date.now() - started) / 1000;
	}
	return undefined;
}
