/** Builds the workers the way they are deployed, so the bench measures the real bundles. */
import { spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

export const ROOT = path.resolve(import.meta.dirname, "..");

export interface WorkerBundle {
	/** Directory holding the bundle; module names are relative to it. */
	dir: string;
	/** The entry module, `index.js`. */
	entry: string;
	/** "wrangler" when built by `wrangler deploy --dry-run`, "esbuild" for the fallback. */
	builtBy: "wrangler" | "esbuild";
}

/**
 * Bundles one worker with `wrangler deploy --dry-run`, which is how it is
 * really built; falls back to plain esbuild (as vitest.config.ts does) only if
 * wrangler fails, so a wrangler hiccup does not stop the bench.
 */
export async function buildWorker(name: string, configPath: string, sourceEntry: string): Promise<WorkerBundle> {
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
		[wranglerBin, "deploy", "--dry-run", "-c", path.join(ROOT, configPath), "--outdir", dir],
		{ cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
	);
	if (result.status === 0 && existsSync(entry)) return { dir, entry, builtBy: "wrangler" };

	console.warn(
		`wrangler deploy --dry-run failed for ${name} (exit ${result.status}); falling back to esbuild.\n${result.stderr ?? ""}`,
	);
	await build({
		entryPoints: [path.join(ROOT, sourceEntry)],
		outfile: entry,
		bundle: true,
		format: "esm",
		platform: "neutral",
		target: "es2024",
		conditions: ["workerd", "worker", "browser"],
		mainFields: ["module", "main"],
		external: ["cloudflare:*", "node:*"],
		minify: false,
		logLevel: "warning",
	});
	return { dir, entry, builtBy: "esbuild" };
}
