/**
 * Deploy configs with an environment's ids filled in: each worker's wrangler
 * config, every environment kept (callers still pass `--env`), written beside it
 * as `wrangler.<env>.generated.json` so relative paths (main, migrations_dir,
 * assets.directory) resolve from the same directory. The ids come from the
 * account, by name, and are never committed (`*.generated.json` is ignored).
 */
import { writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ExistingResources } from "./cloudflare-api";
import { type DeployedEnvironment, kvNamespaceTitle } from "./declaration";

interface RawEnvironment {
	kv_namespaces?: { binding: string; id?: string }[];
	d1_databases?: { binding: string; database_name?: string; database_id?: string }[];
	[key: string]: unknown;
}
export interface RawConfig extends RawEnvironment {
	env?: Record<string, RawEnvironment>;
}

export function generatedConfigPath(configPath: string, environment: DeployedEnvironment): string {
	return join(dirname(configPath), `wrangler.${environment}.generated.json`);
}

/**
 * The raw config with the environment's KV and D1 ids filled in, or what could not be found. A worker
 * that reads the account's own APIs (the watch, from Analytics Engine) declares a CLOUDFLARE_ACCOUNT_ID
 * var, left empty in the repository; it gets the account being deployed to, so no id is pasted there either.
 */
export function resolveConfig(
	raw: RawConfig,
	environment: DeployedEnvironment,
	existing: Pick<ExistingResources, "d1" | "kv">,
	accountId?: string,
): { config: RawConfig; missing: string[] } {
	const config = structuredClone(raw);
	const section = config.env?.[environment];
	if (!section) return { config, missing: [`no [env.${environment}] section`] };
	const missing: string[] = [];
	const vars = section.vars as Record<string, unknown> | undefined;
	if (vars && "CLOUDFLARE_ACCOUNT_ID" in vars) {
		if (accountId) vars.CLOUDFLARE_ACCOUNT_ID = accountId;
		else missing.push("the account id for CLOUDFLARE_ACCOUNT_ID (set CLOUDFLARE_ACCOUNT_ID)");
	}
	for (const namespace of section.kv_namespaces ?? []) {
		const title = kvNamespaceTitle(namespace.binding, environment);
		const found = existing.kv.find((candidate) => candidate.title === title);
		if (found) namespace.id = found.id;
		else missing.push(`KV namespace ${title} (${namespace.binding})`);
	}
	for (const database of section.d1_databases ?? []) {
		const found = existing.d1.find((candidate) => candidate.name === database.database_name);
		if (found) database.database_id = found.uuid;
		else missing.push(`D1 database ${database.database_name} (${database.binding})`);
	}
	return { config, missing };
}

/** Writes each worker's generated config; refuses (writing nothing) when any resource is missing. */
export async function writeResolvedConfigs(
	root: string,
	configPaths: readonly string[],
	environment: DeployedEnvironment,
	existing: Pick<ExistingResources, "d1" | "kv">,
	accountId?: string,
): Promise<string[]> {
	const { experimental_readRawConfig } = await import("wrangler");
	const resolved = configPaths.map((configPath) => {
		const { rawConfig } = experimental_readRawConfig({ config: resolve(root, configPath) }) as { rawConfig: RawConfig };
		return { configPath, ...resolveConfig(rawConfig, environment, existing, accountId) };
	});
	const missing = resolved.flatMap(({ configPath, missing }) => missing.map((what) => `${configPath}: ${what}`));
	if (missing.length > 0) {
		throw new Error(
			`Not in the account yet (run npm run infra -- apply --env ${environment}):\n  ${missing.join("\n  ")}`,
		);
	}
	return resolved.map(({ configPath, config }) => {
		const path = generatedConfigPath(configPath, environment);
		writeFileSync(resolve(root, path), `${JSON.stringify(config, null, "\t")}\n`);
		return path;
	});
}
