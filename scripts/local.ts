/** Shared by the local scripts: running wrangler against the one local state directory. */
import { spawnSync } from "node:child_process";
import { appendFileSync, copyFileSync, existsSync, readFileSync } from "node:fs";
import { parseEnv } from "node:util";
import { unstable_readConfig } from "wrangler";
import { readRegionSettings } from "../packages/platform/src/region-settings";

export const PERSIST_DIR = ".wrangler/state";
export const DATABASE = "goodfood";

/**
 * The order database of each region wrangler.toml configures, by name. A
 * region the configuration cannot serve (no database bound for it, an unknown
 * location hint) stops the script here, with what to fix, before anything runs.
 */
export function regionalDatabases(): { region: string; database: string }[] {
	const config = unstable_readConfig({ config: "wrangler.toml" }, { hideWarnings: true });
	const byBinding = new Map<string, string>(
		config.d1_databases.map((database: { binding: string; database_name?: string }) => [
			database.binding,
			database.database_name ?? database.binding,
		]),
	);
	return readRegionSettings(config.vars.REGIONS, new Set(byBinding.keys())).map((region) => ({
		region: region.name,
		database: byBinding.get(region.binding) ?? region.binding,
	}));
}

export function wrangler(args: string[], options: { capture?: boolean } = {}): string {
	const result = spawnSync("wrangler", args, {
		stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
		encoding: "utf8",
		env: { ...process.env, CI: process.env.CI ?? "true" },
	});
	if (result.status !== 0) throw new Error(`wrangler ${args.join(" ")} failed with exit code ${result.status}`);
	return result.stdout ?? "";
}

/**
 * Local secrets come from .dev.vars; a fresh clone gets the documented
 * local-only defaults, and an older .dev.vars gets the defaults of secrets
 * added since (its own values are kept).
 */
export function ensureDevVars(): void {
	if (!existsSync(".dev.vars")) {
		copyFileSync(".dev.vars.example", ".dev.vars");
		console.log("Created .dev.vars from .dev.vars.example (local-only defaults).");
		return;
	}
	const example = readFileSync(".dev.vars.example", "utf8");
	const current = readFileSync(".dev.vars", "utf8");
	const present = parseEnv(current);
	const missing = Object.entries(parseEnv(example)).filter(([name]) => !(name in present));
	if (missing.length === 0) return;
	const lines = missing.map(([name, value]) => `${name}=${JSON.stringify(value)}`);
	appendFileSync(".dev.vars", `${current.endsWith("\n") || current === "" ? "" : "\n"}${lines.join("\n")}\n`);
	console.log(`Added ${missing.map(([name]) => name).join(", ")} to .dev.vars (local-only defaults).`);
}
