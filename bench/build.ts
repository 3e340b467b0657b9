/** Builds the workers the way they are deployed, so the bench measures the real bundles. */
import { spawnSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

export const ROOT = path.resolve(import.meta.dirname, "..");

/**
 * The checkout whose workers are built and measured: this one, or another
 * given as BENCH_SOURCE (e.g. a `git worktree` of an older commit), so old and
 * new code run under the same harness on the same machine.
 */
export function benchSource(): string {
	const source = process.env.BENCH_SOURCE;
	if (!source) return ROOT;
	const resolved = path.resolve(source);
	if (!existsSync(path.join(resolved, "wrangler.toml"))) {
		throw new Error(`BENCH_SOURCE=${source} has no wrangler.toml; give the root of a checkout of this repository`);
	}
	linkDependencies(resolved);
	return resolved;
}

/**
 * A fresh worktree has no node_modules: give it this checkout's packages, one
 * symlink each, except the workspace packages (packages/*), which link to the
 * worktree's own copies so their old code is built too.
 */
function linkDependencies(source: string): void {
	const target = path.join(source, "node_modules");
	if (existsSync(target)) return;
	const ours = path.join(ROOT, "node_modules");
	const workspaces = new Set(["@goodfood"]);
	mkdirSync(target);
	for (const entry of readdirSync(ours)) {
		if (workspaces.has(entry)) continue;
		symlinkSync(path.join(ours, entry), path.join(target, entry));
	}
	mkdirSync(path.join(target, "@goodfood"));
	for (const workspace of readdirSync(path.join(source, "packages"))) {
		if (lstatSync(path.join(source, "packages", workspace)).isDirectory()) {
			symlinkSync(path.join(source, "packages", workspace), path.join(target, "@goodfood", workspace));
		}
	}
	console.log(`  ${target}: linked to ${ours}'s packages (workspace packages to the source's own)`);
}

export interface WorkerBundle {
	/** Directory holding the bundle; module names are relative to it. */
	dir: string;
	/** The entry module, `index.js`. */
	entry: string;
	/** "wrangler" when built by `wrangler deploy --dry-run`, "esbuild" for the fallback. */
	builtBy: "wrangler" | "esbuild";
	/** The checkout it was built from; its wrangler configs describe the bindings. */
	source: string;
}

/**
 * Bundles one worker with `wrangler deploy --dry-run`, which is how it is
 * really built; falls back to plain esbuild (as vitest.config.ts does) only if
 * wrangler fails, so a wrangler hiccup does not stop the bench.
 */
export async function buildWorker(
	name: string,
	configPath: string,
	sourceEntry: string,
	source = ROOT,
): Promise<WorkerBundle> {
	// An absolute outdir: wrangler resolves a relative one against the config's directory.
	const dir = path.join(ROOT, ".build/bench", name);
	const entry = path.join(dir, "index.js");
	rmSync(dir, { recursive: true, force: true });

	const wranglerBin = path.join(
		path.dirname(createRequire(import.meta.url).resolve("wrangler/package.json")),
		"bin/wrangler.js",
	);
	const result = spawnSync(
		process.execPath,
		[wranglerBin, "deploy", "--dry-run", "-c", path.join(source, configPath), "--outdir", dir],
		{ cwd: source, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
	);
	if (result.status === 0 && existsSync(entry)) return { dir, entry, builtBy: "wrangler", source };

	console.warn(
		`wrangler deploy --dry-run failed for ${name} (exit ${result.status}); falling back to esbuild.\n${result.stderr ?? ""}`,
	);
	await build({
		entryPoints: [path.join(source, sourceEntry)],
		outfile: entry,
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		conditions: ["workerd", "worker", "browser"],
		// As wrangler resolves them: the browser build of a package that has one (graphql-yoga's fetch ponyfill).
		mainFields: ["browser", "module", "main"],
		external: ["cloudflare:*", "node:*"],
		minify: false,
		logLevel: "warning",
	});
	return { dir, entry, builtBy: "esbuild", source };
}
