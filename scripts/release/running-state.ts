/**
 * What the plan is decided from: the version each worker runs now (asked of Cloudflare through
 * wrangler), and what its config looked like at the git sha that version was built from.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unstable_readConfig } from "wrangler";
import type { CommandRunner } from "./execute";
import type { RolloutWorker } from "./gate";
import { type ConfigChanges, type Environment, type RunningWorker, sourceConfig, type WorkerName } from "./plan";

/** The parts of a worker's resolved config (one environment) the plan depends on. */
export interface ConfigFacts {
	migrationTags: string[];
	consumers: unknown[];
	crons: string[];
	/** D1 database names: DB first, then the regions' ORDERS_* (other bindings are not the api's to migrate). */
	databases: string[];
	requestDataset: string | undefined;
}

type ReadConfig = typeof unstable_readConfig;

export function readConfigFacts(
	configPath: string,
	env: Environment,
	read: ReadConfig = unstable_readConfig,
): ConfigFacts {
	const config = read({ config: configPath, env }, { hideWarnings: true });
	const d1 = config.d1_databases as { binding: string; database_name?: string }[];
	const named = (binding: string) => d1.find((database) => database.binding === binding)?.database_name;
	const global = named("DB");
	const regional = d1
		.filter((database) => database.binding.startsWith("ORDERS_"))
		.map((database) => database.database_name ?? database.binding);
	return {
		migrationTags: (config.migrations ?? []).map((migration: { tag: string }) => migration.tag),
		consumers: config.queues?.consumers ?? [],
		crons: [...(config.triggers?.crons ?? [])].sort(),
		databases: [...(global ? [global] : []), ...regional],
		requestDataset: (config.analytics_engine_datasets as { binding: string; dataset?: string }[]).find(
			(dataset) => dataset.binding === "REQUEST_METRICS",
		)?.dataset,
	};
}

/** The config facts of a worker as committed at `gitSha` (the running version's source). */
export function readConfigFactsAt(gitSha: string, worker: WorkerName, env: Environment): ConfigFacts {
	let text: string;
	try {
		text = execFileSync("git", ["show", `${gitSha}:${sourceConfig(worker)}`], { encoding: "utf8" });
	} catch {
		throw new Error(
			`git cannot show ${sourceConfig(worker)} at ${gitSha}, the running ${worker} version's sha: ` +
				"fetch the full history (CI: fetch-depth: 0)",
		);
	}
	const directory = mkdtempSync(join(tmpdir(), "goodfood-release-"));
	try {
		const path = join(directory, "wrangler.toml");
		writeFileSync(path, text);
		return readConfigFacts(path, env);
	} finally {
		rmSync(directory, { recursive: true, force: true });
	}
}

/** Which of the changes that cannot roll out gradually happened between the running config and HEAD's. */
export function compareConfigs(runningFacts: ConfigFacts, head: ConfigFacts): ConfigChanges {
	const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
	return {
		durableObjectMigrations: !same(runningFacts.migrationTags, head.migrationTags),
		consumersOrTriggers: !same(runningFacts.consumers, head.consumers) || !same(runningFacts.crons, head.crons),
	};
}

const NO_WORKER = /has no deployments|\[code: 10007\]|\[code: 10090\]/;

/**
 * The version serving a worker now, with the git sha in its tag; null when the worker has no
 * deployment yet. A split deployment (a rollout left half-way) is refused: which one is "running"?
 */
export async function readRunningWorker(
	run: CommandRunner,
	worker: RolloutWorker,
	env: Environment,
	shaWithoutTag?: string,
): Promise<RunningWorker | null> {
	const where = ["--env", env, "-c", sourceConfig(worker)];
	const status = await run(["wrangler", "deployments", "status", "--json", ...where], { capture: true });
	if (status.exitCode !== 0) {
		const output = `${status.stdout}\n${status.stderr ?? ""}`;
		if (NO_WORKER.test(output)) return null;
		throw new Error(`wrangler deployments status failed for ${worker}:\n${output.trim()}`);
	}
	const deployment = JSON.parse(status.stdout) as { versions: { version_id: string; percentage: number }[] };
	if (deployment.versions.length !== 1) {
		const split = deployment.versions.map((version) => `${version.version_id}@${version.percentage}%`).join(" ");
		throw new Error(
			`${worker} is split between versions (${split}): a rollout was left half-way. Put one version at 100% ` +
				`(wrangler versions deploy <id>@100% -y --env ${env} -c ${sourceConfig(worker)}) and run the release again.`,
		);
	}
	const versionId = deployment.versions[0].version_id;
	const view = await run(["wrangler", "versions", "view", versionId, "--json", ...where], { capture: true });
	if (view.exitCode !== 0)
		throw new Error(`wrangler versions view ${versionId} failed:\n${view.stderr ?? view.stdout}`);
	const tag = (JSON.parse(view.stdout) as { annotations?: Record<string, string> }).annotations?.["workers/tag"];
	const gitSha = tag && /^[0-9a-f]{7,40}$/.test(tag) ? tag : shaWithoutTag;
	if (!gitSha) {
		throw new Error(
			`the running ${worker} version ${versionId} has no git sha tag (deployed by hand?): pass the sha it was ` +
				"built from with --running-sha <sha>, once",
		);
	}
	return { versionId, gitSha };
}
