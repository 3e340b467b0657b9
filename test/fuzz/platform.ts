/**
 * The whole platform for `npm run fuzz` and `npm run soak`, started as the
 * benchmark starts it (bench/platform.ts: both workers on Miniflare's API,
 * migrated and seeded, rate limits lifted but sign-in's) with the demo
 * accounts added, plus what both runs
 * need around it: HTTP to it, the demo accounts signed in, the runtime's
 * memory, and a stop however the run ends. Node only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildWorker, ROOT } from "../../bench/build";
import { API_WORKER, type BenchD1, prepareDatabase, type Runtime, startPlatform } from "../../bench/platform";
import { DEMO_ACCOUNTS, demoAccountStatements } from "../../scripts/seed/staff";
import type { Send } from "./corpus";

export interface RunningPlatform {
	runtime: Runtime;
	send: Send;
	stop(): Promise<void>;
}

/** Longest a single request may take before it counts as failed: a hung request would stall the run. */
const REQUEST_TIMEOUT_MS = 30_000;

export async function startRunningPlatform(): Promise<RunningPlatform> {
	// Miniflare's state in memory when it can be, so the disk does not set the pace.
	process.env.TMPDIR ??= "/dev/shm";
	console.log("Building the workers…");
	const api = await buildWorker("api", "wrangler.toml", "workers/api/src/index.ts");
	const edge = await buildWorker("menu-edge", "workers/menu-edge/wrangler.toml", "workers/menu-edge/src/index.ts");
	console.log(`  api: ${path.relative(ROOT, api.entry)}; edge: ${path.relative(ROOT, edge.entry)}`);
	console.log("Starting the platform on Miniflare…");
	const runtime = await startPlatform({ api, edge });
	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		await runtime.miniflare.dispose().catch(() => {});
	};
	for (const signal of ["SIGINT", "SIGTERM"] as const) {
		process.once(signal, () => {
			console.error(`\n${signal}: stopping the platform…`);
			void stop().finally(() => process.exit(130));
		});
	}
	try {
		const prepared = await prepareDatabase(runtime);
		// The bench seeds the catalogue only; these runs sign in as the demo accounts too.
		const db = (await runtime.miniflare.getD1Database("DB", API_WORKER)) as unknown as BenchD1;
		await db.batch((await demoAccountStatements()).map((statement) => db.prepare(statement)));
		console.log(
			`  at ${runtime.url.origin}, workerd pid ${runtime.pids.join(", ") || "?"}; D1: ${prepared.migrations} migrations, ${prepared.seedStatements} seed statements`,
		);
	} catch (error) {
		await stop();
		throw error;
	}
	const send: Send = ({ method, url, headers, body }) =>
		fetch(new URL(url, runtime.url), { method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
	return { runtime, send, stop };
}

/** Bearer headers for the seeded demo accounts, by role, signed in through the API. */
export async function signInDemoAccounts(send: Send): Promise<Record<string, Record<string, string>>> {
	const principals: Record<string, Record<string, string>> = {};
	for (const account of DEMO_ACCOUNTS) {
		if (principals[account.role]) continue;
		const response = await send({
			method: "POST",
			url: "/api/v1/auth/login",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email: account.email, password: account.password }),
		});
		if (response.status !== 200)
			throw new Error(`sign-in as ${account.email}: ${response.status} ${await response.text()}`);
		const { accessToken } = (await response.json()) as { accessToken: string };
		principals[account.role] = { authorization: `Bearer ${accessToken}` };
	}
	return principals;
}

/**
 * Resident memory of the given processes in bytes, from /proc/<pid>/status: all of it (VmRSS),
 * and the anonymous part (RssAnon: heaps, no mapped files). The state's SQLite files sit in
 * /dev/shm and workerd maps them, so VmRSS also grows with the data stored.
 */
export function residentBytes(pids: number[]): { total: number; anonymous: number } | undefined {
	if (pids.length === 0) return undefined;
	const memory = { total: 0, anonymous: 0 };
	for (const pid of pids) {
		try {
			const status = readFileSync(`/proc/${pid}/status`, "utf8");
			const kib = (field: string) =>
				Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB$`, "m"))?.[1] ?? Number.NaN);
			memory.total += kib("VmRSS") * 1024;
			memory.anonymous += kib("RssAnon") * 1024;
		} catch {
			return undefined;
		}
	}
	return Number.isFinite(memory.total) ? memory : undefined;
}

export function mebibytes(bytes: number | undefined): string {
	return bytes === undefined ? "n/a" : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function runPool<T>(items: Iterable<T>, concurrency: number, task: (item: T) => Promise<void>) {
	const iterator = items[Symbol.iterator]();
	const worker = async () => {
		for (let next = iterator.next(); !next.done; next = iterator.next()) await task(next.value);
	};
	await Promise.all(Array.from({ length: concurrency }, worker));
}

/** A whole number ≥ 1 from a flag, else an environment variable, else the default. */
export function wholeNumber(flag: string | undefined, envName: string, fallback: number): number {
	const raw = flag ?? process.env[envName];
	if (raw === undefined || raw === "") return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < 1) throw new Error(`${envName} must be a whole number ≥ 1, got "${raw}"`);
	return value;
}
