/**
 * The whole platform for the end-to-end tests: a fresh local state directory,
 * migrated and seeded like `npm run dev`'s, served by one `wrangler dev` (the
 * edge with the web app in front, the api worker behind) on a free port, with
 * every demo item's photo uploaded through the API as `npm run dev` does.
 *
 * Each wrangler runs in a process group of its own (`wrangler dev` starts
 * workerd under it), and each group is ended, whatever happens: by `stop()`,
 * when the start fails or is abandoned (its signal), and, should this process
 * end first (a failed run, the run's deadline, Ctrl-C), on the way out.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { DATABASE, ensureDevVars, regionalDatabases } from "../scripts/local";
import { signIn } from "../scripts/seed/api-client";
import { PHOTO_UPLOADER, renderDemoPhotos, uploadDemoPhotos } from "../scripts/seed/demo-photos";
import { demoSeedStatements } from "../scripts/seed/sql";
import { demoAccountStatements } from "../scripts/seed/staff";

export interface Platform {
	url: string;
	stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");
const QUIET_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

/** The process groups (by their leader's pid) and state directories not yet cleaned up. */
const groups = new Set<number>();
const stateDirs = new Set<string>();

function signalGroup(pid: number, signal: NodeJS.Signals): void {
	try {
		process.kill(-pid, signal);
	} catch {
		// The group has already ended.
	}
}

process.once("exit", () => {
	for (const pid of groups) signalGroup(pid, "SIGKILL");
	for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
	process.once(signal, () => process.exit(1));
}

interface Wrangler {
	/** Set once wrangler has ended: its exit code, the signal that ended it, or why it did not start. */
	readonly ended: string | undefined;
	readonly exited: Promise<string>;
	/** The last of what it printed. */
	output(): string;
	/** Ends its whole process group: SIGTERM, then SIGKILL for whatever is left after a grace period. */
	stop(): Promise<void>;
}

function startWrangler(args: string[]): Wrangler {
	const child: ChildProcess = spawn(WRANGLER, args, {
		cwd: ROOT,
		env: QUIET_ENV,
		stdio: ["ignore", "pipe", "pipe"],
		detached: true,
	});
	const pid = child.pid;
	if (pid) groups.add(pid);
	let output = "";
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-20_000);
	};
	child.stdout?.on("data", keep);
	child.stderr?.on("data", keep);
	let ended: string | undefined;
	const exited = new Promise<string>((resolve) => {
		child.once("exit", (code, signal) => resolve(signal ?? String(code)));
		child.once("error", (error) => resolve(error.message));
	}).then((outcome) => {
		ended ??= outcome;
		return ended;
	});
	return {
		get ended() {
			return ended;
		},
		exited,
		output: () => output,
		async stop() {
			if (!pid || !groups.has(pid)) return;
			if (ended === undefined) {
				signalGroup(pid, "SIGTERM");
				await Promise.race([exited, delay(5_000, undefined, { ref: false })]);
			}
			signalGroup(pid, "SIGKILL");
			groups.delete(pid);
		},
	};
}

/** Runs a wrangler command to its end; an abort ends it. */
async function wrangler(args: string[], signal: AbortSignal): Promise<void> {
	const run = startWrangler(args);
	const abandon = () => void run.stop();
	signal.addEventListener("abort", abandon, { once: true });
	try {
		const outcome = await run.exited;
		signal.throwIfAborted();
		if (outcome !== "0") throw new Error(`wrangler ${args.join(" ")} failed (${outcome}):\n${run.output()}`);
	} finally {
		signal.removeEventListener("abort", abandon);
		await run.stop();
	}
}

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => {
			const address = server.address();
			server.close(() =>
				typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
			);
		});
	});
}

async function seed(persistTo: string, signal: AbortSignal): Promise<void> {
	const local = ["--local", "--persist-to", persistTo];
	await wrangler(["d1", "migrations", "apply", DATABASE, ...local], signal);
	for (const { database } of regionalDatabases()) {
		await wrangler(["d1", "migrations", "apply", database, ...local], signal);
	}
	const file = path.join(persistTo, "seed.sql");
	writeFileSync(file, `${[...demoSeedStatements(), ...(await demoAccountStatements())].join("\n")}\n`);
	await wrangler(["d1", "execute", DATABASE, ...local, "--file", file], signal);
}

async function waitForHealth(url: string, dev: Wrangler, signal: AbortSignal, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		signal.throwIfAborted();
		if (dev.ended !== undefined) throw new Error(`wrangler dev exited (${dev.ended}):\n${dev.output()}`);
		try {
			const response = await fetch(`${url}/health`, { signal: AbortSignal.any([signal, AbortSignal.timeout(5_000)]) });
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await delay(250, undefined, { signal }).catch(() => undefined);
	}
	throw new Error(`the platform did not answer /health within ${timeoutMs} ms:\n${dev.output()}`);
}

/**
 * Starts the platform on a fresh database; `stop()` ends it and removes its state.
 * Aborting `signal` abandons the start: it stops what it started, then rejects.
 */
export async function startPlatform(signal: AbortSignal = new AbortController().signal): Promise<Platform> {
	ensureDevVars();
	const persistTo = mkdtempSync(path.join(tmpdir(), "goodfood-e2e-"));
	stateDirs.add(persistTo);
	let dev: Wrangler | undefined;
	const stop = async () => {
		await dev?.stop();
		rmSync(persistTo, { recursive: true, force: true });
		stateDirs.delete(persistTo);
	};
	try {
		// Drawn while the database is migrated and seeded; uploaded once the platform answers.
		const photos = renderDemoPhotos();
		photos.catch(() => undefined);
		await seed(persistTo, signal);
		const port = await freePort();
		const inspectorPort = await freePort();
		signal.throwIfAborted();
		dev = startWrangler([
			"dev",
			"-c",
			"workers/menu-edge/wrangler.toml",
			"-c",
			"wrangler.toml",
			"--persist-to",
			persistTo,
			"--ip",
			"127.0.0.1",
			"--port",
			String(port),
			"--inspector-port",
			String(inspectorPort),
			"--show-interactive-dev-session=false",
		]);
		const url = `http://127.0.0.1:${port}`;
		await waitForHealth(url, dev, signal);
		signal.throwIfAborted();
		const uploading = Date.now();
		const token = await signIn(url, PHOTO_UPLOADER.email, PHOTO_UPLOADER.password);
		const { count } = await uploadDemoPhotos(url, await photos, token);
		console.log(`platform: ${count} demo photos uploaded in ${Date.now() - uploading} ms`);
		return { url, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}
