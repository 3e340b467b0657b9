/**
 * `npm run release -- --env staging|production [--dry-run] [--skip-tests] [--soak-seconds N] [--running-sha SHA]`:
 * plans the release from what runs now and what changed, prints the plan, then runs it.
 * A dry run prints the plan with placeholders for what only Cloudflare knows, and touches nothing.
 */
import { execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { analyticsEngine, runCommand } from "./cloudflare";
import { type CommandRunner, type ExecuteDeps, executePlan } from "./execute";
import type { RolloutWorker } from "./gate";
import {
	type ConfigChanges,
	type Environment,
	type PlanInput,
	planRelease,
	type Ref,
	type RunningWorker,
	renderPlan,
	sourceConfig,
} from "./plan";
import { compareConfigs, readConfigFacts, readConfigFactsAt, readRunningWorker } from "./running-state";

export const DEFAULT_SOAK_SECONDS = 300;

export interface CliDeps {
	print(line: string): void;
	environment: Record<string, string | undefined>;
	/** HEAD's sha and subject, and whether the work tree has uncommitted changes. */
	git(): { sha: string; subject: string; dirty: boolean };
	run: CommandRunner;
	execute?: Partial<ExecuteDeps>;
}

const realGit = () => {
	const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8" }).trim();
	return {
		sha: git("rev-parse", "HEAD"),
		subject: git("log", "-1", "--format=%s"),
		dirty: git("status", "--porcelain") !== "",
	};
};

const USAGE =
	"usage: npm run release -- --env staging|production [--dry-run] [--skip-tests] [--soak-seconds N] [--running-sha SHA]";

/** Runs the CLI; the exit code is the answer (0 released or dry run, 1 failed and rolled back, 2 refused). */
export async function main(
	args: string[],
	deps: CliDeps = { print: console.log, environment: process.env, git: realGit, run: runCommand },
): Promise<number> {
	let options: ReturnType<typeof parse>;
	try {
		options = parse(args);
	} catch (error) {
		deps.print(`${(error as Error).message}\n${USAGE}`);
		return 2;
	}
	const { env, dryRun, skipTests, soakSeconds, runningSha } = options;
	const git = deps.git();
	const head = {
		api: readConfigFacts(sourceConfig("api"), env),
		"menu-edge": readConfigFacts(sourceConfig("menu-edge"), env),
	};
	const datasets = {} as Record<RolloutWorker, string>;
	for (const worker of ["api", "menu-edge"] as const) {
		const dataset = head[worker].requestDataset;
		if (!dataset) {
			deps.print(`${sourceConfig(worker)} binds no REQUEST_METRICS dataset in ${env}: the gates have nothing to read`);
			return 2;
		}
		datasets[worker] = dataset;
	}
	const base: Omit<PlanInput, "running" | "changes"> = {
		env,
		gitSha: git.sha,
		subject: git.subject,
		skipTests,
		soakSeconds,
		databases: head.api.databases,
		datasets,
	};

	if (dryRun) {
		const steps = planRelease({ ...base, running: "unknown", changes: "unknown" });
		deps.print(`Release ${git.sha.slice(0, 12)} to ${env}: dry run, nothing is run.`);
		for (const line of renderPlan(steps)) deps.print(line);
		deps.print("");
		deps.print("Decided when it runs, from the running versions (wrangler deployments status / versions view):");
		deps.print("- a worker never deployed goes out with `wrangler deploy`, without gates;");
		deps.print("- when the api's [[migrations]] tags differ from the running version's, the api goes out with");
		deps.print("  `wrangler deploy` (100% at once) and is gated once at 100%;");
		deps.print(
			"- when [[queues.consumers]] or [triggers] differ, `wrangler triggers deploy` follows the rollout at 100%.",
		);
		return 0;
	}

	const token = deps.environment.CLOUDFLARE_API_TOKEN;
	const accountId = deps.environment.CLOUDFLARE_ACCOUNT_ID;
	if (!token || !accountId) {
		deps.print(
			"Refusing to release: CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID must be set (wrangler and the health " +
				`gates use them). To see the steps without them: npm run release -- --env ${env} --dry-run`,
		);
		return 2;
	}
	if (git.dirty) {
		deps.print(
			"Refusing to release: the work tree has uncommitted changes, so the version tag would not say what runs.",
		);
		return 2;
	}

	let running: Record<RolloutWorker, RunningWorker | null>;
	let changes: Record<RolloutWorker, ConfigChanges>;
	try {
		running = {
			api: await readRunningWorker(deps.run, "api", env, runningSha),
			"menu-edge": await readRunningWorker(deps.run, "menu-edge", env, runningSha),
		};
		const changesOf = (worker: RolloutWorker): ConfigChanges => {
			const current = running[worker];
			return current
				? compareConfigs(readConfigFactsAt(current.gitSha, worker, env), head[worker])
				: { durableObjectMigrations: false, consumersOrTriggers: false };
		};
		changes = { api: changesOf("api"), "menu-edge": changesOf("menu-edge") };
		for (const worker of ["api", "menu-edge"] as const) {
			const current = running[worker];
			const changed = changes[worker];
			deps.print(
				current
					? `${worker}: running ${current.versionId} (${current.gitSha.slice(0, 12)})` +
							(changed.durableObjectMigrations ? "; Durable Object migrations changed: deployed at once" : "") +
							(changed.consumersOrTriggers ? "; queue consumers or crons changed: triggers deploy at 100%" : "")
					: `${worker}: not deployed yet: first release`,
			);
		}
	} catch (error) {
		deps.print(`Refusing to release: ${(error as Error).message}`);
		return 2;
	}

	const steps = planRelease({ ...base, running, changes });
	deps.print(`Release ${git.sha.slice(0, 12)} to ${env}:`);
	const known = (ref: Ref) => {
		if (ref.ref === "new-version") return undefined;
		const current = running[ref.worker];
		return ref.ref === "running-version" ? current?.versionId : current?.gitSha;
	};
	for (const line of renderPlan(steps, known)) deps.print(line);
	const outcome = await executePlan(steps, running, {
		run: deps.run,
		analytics: analyticsEngine(accountId, token),
		sleep: (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000)),
		now: () => Date.now(),
		log: deps.print,
		...deps.execute,
	});
	if (outcome.ok) {
		deps.print(`Released ${git.sha.slice(0, 12)} to ${env}.`);
		return 0;
	}
	deps.print(
		`Release of ${git.sha.slice(0, 12)} to ${env} failed at "${outcome.failedStep}": ${outcome.reasons.join("; ")}`,
	);
	if (outcome.rollback.length > 0) {
		deps.print(
			`Rolled back: ${outcome.rollback.map((entry) => `${entry.ok ? "ok" : "FAILED"} ${entry.command}`).join("; ")}`,
		);
	}
	return 1;
}

function parse(args: string[]) {
	const { values } = parseArgs({
		args,
		options: {
			env: { type: "string" },
			"dry-run": { type: "boolean", default: false },
			"skip-tests": { type: "boolean", default: false },
			"soak-seconds": { type: "string" },
			"running-sha": { type: "string" },
		},
		strict: true,
	});
	if (values.env !== "staging" && values.env !== "production") {
		throw new Error(`--env must be staging or production, not ${JSON.stringify(values.env ?? "")}`);
	}
	const soakSeconds = values["soak-seconds"] === undefined ? DEFAULT_SOAK_SECONDS : Number(values["soak-seconds"]);
	if (!Number.isInteger(soakSeconds) || soakSeconds < 0) {
		throw new Error(`--soak-seconds must be a whole number of seconds, not ${JSON.stringify(values["soak-seconds"])}`);
	}
	const runningSha = values["running-sha"];
	if (runningSha !== undefined && !/^[0-9a-f]{7,40}$/.test(runningSha)) {
		throw new Error(`--running-sha must be a git sha, not ${JSON.stringify(runningSha)}`);
	}
	return {
		env: values.env as Environment,
		dryRun: values["dry-run"],
		skipTests: values["skip-tests"],
		soakSeconds,
		runningSha,
	};
}
