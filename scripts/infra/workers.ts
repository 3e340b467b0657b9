/**
 * The three workers' configs, read with wrangler's own reader (the rules for
 * what an `[env.*]` section inherits are wrangler's, not ours), and the crons
 * each worker's scheduled handler answers.
 */
import { resolve } from "node:path";
import { CRONS as API_CRONS } from "../../workers/api/src/scheduled";
import { CRONS as WATCH_CRONS } from "../../workers/watch/src/index";
import { ENVIRONMENTS, type Environment, type Worker, type WorkerConfig } from "./declaration";

export const REPOSITORY_ROOT = resolve(import.meta.dirname, "../..");

/** Each worker's config, relative to the repository root; the api first, as it is deployed first. */
export const WORKER_CONFIGS = [
	{ key: "api", configPath: "wrangler.toml", cronHandlers: Object.values(API_CRONS) },
	{ key: "menu-edge", configPath: "workers/menu-edge/wrangler.toml", cronHandlers: [] },
	{ key: "watch", configPath: "workers/watch/wrangler.toml", cronHandlers: Object.values(WATCH_CRONS) },
] as const;

/** Every worker's normalized config in every environment. */
export async function readWorkers(root = REPOSITORY_ROOT): Promise<Worker[]> {
	const { unstable_readConfig } = await import("wrangler");
	return WORKER_CONFIGS.map(({ key, configPath, cronHandlers }) => {
		const read = (environment: Environment) =>
			unstable_readConfig(
				{ config: resolve(root, configPath), env: environment === "development" ? undefined : environment },
				{ hideWarnings: true },
			) as unknown as WorkerConfig;
		const configs = Object.fromEntries(ENVIRONMENTS.map((environment) => [environment, read(environment)])) as Record<
			Environment,
			WorkerConfig
		>;
		return { key, configPath, configs, cronHandlers };
	});
}
