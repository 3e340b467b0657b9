/**
 * The whole platform for the end-to-end tests: a fresh local state directory,
 * migrated and seeded like `npm run dev`'s, served by one `wrangler dev` (the
 * edge with the web app in front, the api worker behind) on a free port.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { DATABASE, ensureDevVars } from "../scripts/local";
import { demoSeedStatements } from "../scripts/seed/sql";
import { demoAccountStatements } from "../scripts/seed/staff";

export interface Platform {
	url: string;
	stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, "..");
const WRANGLER = path.join(ROOT, "node_modules/.bin/wrangler");
const QUIET_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

function wrangler(args: string[]): void {
	const result = spawnSync(WRANGLER, args, { cwd: ROOT, env: QUIET_ENV, encoding: "utf8" });
	if (result.status !== 0) {
		throw new Error(`wrangler ${args.join(" ")} failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
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

async function seed(persistTo: string): Promise<void> {
	const local = ["--local", "--persist-to", persistTo];
	wrangler(["d1", "migrations", "apply", DATABASE, ...local]);
	const file = path.join(persistTo, "seed.sql");
	writeFileSync(file, `${[...demoSeedStatements(), ...(await demoAccountStatements())].join("\n")}\n`);
	wrangler(["d1", "execute", DATABASE, ...local, "--file", file]);
}

async function waitForHealth(url: string, dev: ChildProcess, log: () => string, timeoutMs = 60_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (dev.exitCode !== null) throw new Error(`wrangler dev exited (${dev.exitCode}):\n${log()}`);
		try {
			const response = await fetch(`${url}/health`);
			if (response.ok) return;
		} catch {
			// Not listening yet.
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	throw new Error(`the platform did not answer /health within ${timeoutMs} ms:\n${log()}`);
}

/** Starts the platform on a fresh database; `stop()` ends it and removes its state. */
export async function startPlatform(): Promise<Platform> {
	ensureDevVars();
	const persistTo = mkdtempSync(path.join(tmpdir(), "goodfood-e2e-"));
	await seed(persistTo);
	const port = await freePort();
	const inspectorPort = await freePort();
	const dev = spawn(
		WRANGLER,
		[
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
		],
		{ cwd: ROOT, env: QUIET_ENV, stdio: ["ignore", "pipe", "pipe"], detached: true },
	);
	let output = "";
	const keep = (chunk: Buffer) => {
		output = (output + chunk.toString()).slice(-20_000);
	};
	dev.stdout?.on("data", keep);
	dev.stderr?.on("data", keep);

	// Should this process end before stop() (a crash, a cancelled run), take wrangler and workerd along.
	const killGroup = () => {
		if (dev.pid && dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
	};
	process.once("exit", killGroup);
	for (const signal of ["SIGINT", "SIGTERM"] as const) {
		process.once(signal, () => {
			killGroup();
			process.exit(1);
		});
	}

	const url = `http://127.0.0.1:${port}`;
	const stop = async () => {
		if (dev.exitCode === null && dev.pid) {
			const exited = new Promise((resolve) => dev.once("exit", resolve));
			// wrangler dev starts workerd as a child: end the whole process group it leads.
			process.kill(-dev.pid, "SIGTERM");
			await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000))]);
			if (dev.exitCode === null) process.kill(-dev.pid, "SIGKILL");
		}
		rmSync(persistTo, { recursive: true, force: true });
	};
	try {
		await waitForHealth(url, dev, () => output);
	} catch (error) {
		await stop();
		throw error;
	}
	return { url, stop };
}
