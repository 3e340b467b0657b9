/** Shared by the local scripts: running wrangler against the one local state directory. */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync } from "node:fs";

export const PERSIST_DIR = ".wrangler/state";
export const DATABASE = "goodfood";

export function wrangler(args: string[], options: { capture?: boolean } = {}): string {
	const result = spawnSync("wrangler", args, {
		stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
		encoding: "utf8",
		env: { ...process.env, CI: process.env.CI ?? "true" },
	});
	if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed with exit code ${result.status}`);
	return result.stdout ?? "";
}

/** Local secrets come from .dev.vars; a fresh clone gets the documented local-only defaults. */
export function ensureDevVars(): void {
	if (!existsSync(".dev.vars")) {
		copyFileSync(".dev.vars.example", ".dev.vars");
		console.log("Created .dev.vars from .dev.vars.example (local-only defaults).");
	}
}
