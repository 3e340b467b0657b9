/**
 * The release plan for one environment: an ordered list of steps, each a command (argv) or a health
 * gate, decided from what is running and what changed. Pure: no wrangler, no network, no clock.
 * docs/deploy.md describes the steps and why each change takes the path it does.
 */
import type { DeployedEnvironment } from "../infra/declaration";
import { generatedConfigPath } from "../infra/resolve";
import { describeGate, type RolloutWorker } from "./gate";

export type Environment = DeployedEnvironment;
export type WorkerName = RolloutWorker | "watch";

/** Where each worker's config lives. */
export const WORKER_CONFIG_PATHS: Record<WorkerName, string> = {
	api: "wrangler.toml",
	"menu-edge": "workers/menu-edge/wrangler.toml",
	watch: "workers/watch/wrangler.toml",
};

export const sourceConfig = (worker: WorkerName) => WORKER_CONFIG_PATHS[worker];
/** The copy with the environment's ids that `npm run infra -- resolve` writes beside it. */
export const generatedConfig = (worker: WorkerName, env: Environment) => generatedConfigPath(sourceConfig(worker), env);

/** A value known only while the release runs: filled in by the executor, shown as a placeholder until then. */
export interface Ref {
	ref: "running-version" | "running-sha" | "new-version";
	worker: RolloutWorker;
}
export type Arg = string | Ref;

export interface CommandStep {
	kind: "command";
	name: string;
	argv: Arg[];
	/** This command creates a version of the worker (upload or deploy): the executor records its id. */
	creates?: RolloutWorker;
	/** This command moves traffic of the worker: the next gate measures from here. */
	shiftsTraffic?: RolloutWorker;
	/** Commands that undo the release so far when this step fails, newest worker first. */
	onFail?: Arg[][];
	/** Said when this step fails, after the rollback. */
	failureNote?: string;
}

export interface GateStep {
	kind: "gate";
	name: string;
	worker: RolloutWorker;
	percent: number;
	dataset: string;
	soakSeconds: number;
	onFail: Arg[][];
	failureNote?: string;
}

export type Step = CommandStep | GateStep;

/** The running version of a worker, or null when the worker has never been deployed. */
export interface RunningWorker {
	versionId: string;
	/** The git sha it was built from (its version tag). */
	gitSha: string;
}

/** What changed in a worker's config between the running version's sha and HEAD. */
export interface ConfigChanges {
	/** `[[migrations]]` tags differ: a new, renamed or deleted Durable Object class. */
	durableObjectMigrations: boolean;
	/** `[[queues.consumers]]` or `[triggers]` differ: applied per worker, not per version. */
	consumersOrTriggers: boolean;
}

export interface PlanInput {
	env: Environment;
	gitSha: string;
	subject: string;
	skipTests: boolean;
	soakSeconds: number;
	/** The api's D1 database names, the global one (binding DB) first, then each region's. */
	databases: string[];
	/** Each rollout worker's requests dataset in this environment. */
	datasets: Record<RolloutWorker, string>;
	/** "unknown" in a dry run, where nothing is asked of Cloudflare. */
	running: Record<RolloutWorker, RunningWorker | null> | "unknown";
	changes: Record<RolloutWorker, ConfigChanges> | "unknown";
}

export const ROLLOUT_PERCENTAGES = [10, 50, 100] as const;
const ROLLOUT_ORDER: RolloutWorker[] = ["api", "menu-edge"]; // the edge binds the api: api first

const running = (worker: RolloutWorker): Ref => ({ ref: "running-version", worker });
const fresh = (worker: RolloutWorker): Ref => ({ ref: "new-version", worker });

/** The release's steps, in order. */
export function planRelease(input: PlanInput): Step[] {
	const { env, gitSha } = input;
	const message = `${gitSha.slice(0, 12)} ${input.subject}`.slice(0, 100);
	const wrangler = (worker: WorkerName, ...args: Arg[]): Arg[] => [
		"wrangler",
		...args,
		"--env",
		env,
		"-c",
		generatedConfig(worker, env),
	];
	const isFirstRelease = (worker: RolloutWorker) => input.running !== "unknown" && input.running[worker] === null;
	const changes = (worker: RolloutWorker): ConfigChanges =>
		input.changes === "unknown"
			? { durableObjectMigrations: false, consumersOrTriggers: false }
			: input.changes[worker];
	const deploysAtOnce = (worker: RolloutWorker) => isFirstRelease(worker) || changes(worker).durableObjectMigrations;

	const steps: Step[] = [];
	const command = (name: string, argv: Arg[], extra: Partial<CommandStep> = {}) =>
		steps.push({ kind: "command", name, argv, ...extra });

	if (!input.skipTests) command("test", ["npm", "test"]);
	for (const worker of ["api", "menu-edge", "watch"] as const) {
		command(`build ${worker}`, [
			"wrangler",
			"deploy",
			"--dry-run",
			"--env",
			env,
			"-c",
			sourceConfig(worker),
			"--outdir",
			`.build/release/${env}/${worker}`,
		]);
	}
	command("infra apply", ["npm", "run", "infra", "--", "apply", "--env", env]);
	command("infra resolve", ["npm", "run", "infra", "--", "resolve", "--env", env]);
	command(
		"migrations check",
		isFirstRelease("api")
			? ["npm", "run", "migrations:check"]
			: ["npm", "run", "migrations:check", "--", "--running", { ref: "running-sha", worker: "api" }],
	);
	for (const database of input.databases) {
		command(`migrate ${database}`, wrangler("api", "d1", "migrations", "apply", database, "--remote"));
	}
	for (const worker of ROLLOUT_ORDER) {
		if (deploysAtOnce(worker)) continue;
		command(`upload ${worker}`, wrangler(worker, "versions", "upload", "--tag", gitSha, "--message", message), {
			creates: worker,
		});
	}

	// Rollback commands of the workers this run has already moved, newest first.
	const undo: Arg[][] = [];
	const undoNotes: string[] = [];
	const undoNote = () => undoNotes.join(" ") || undefined;
	for (const worker of ROLLOUT_ORDER) {
		if (isFirstRelease(worker)) {
			// Nothing to roll back to: a first release goes out whole, without gates.
			command(`deploy ${worker} (first release)`, wrangler(worker, "deploy", "--tag", gitSha, "--message", message), {
				creates: worker,
				onFail: [...undo],
			});
			continue;
		}
		const gate = (percent: number, onFail: Arg[][], failureNote?: string) =>
			steps.push({
				kind: "gate",
				name: `gate ${worker} at ${percent}%`,
				worker,
				percent,
				dataset: input.datasets[worker],
				soakSeconds: input.soakSeconds,
				onFail,
				failureNote,
			});
		if (changes(worker).durableObjectMigrations) {
			// A Durable Object class migration cannot be uploaded as a version: one deploy, 100% at once.
			const rollback = wrangler(worker, "rollback", running(worker), "-y", "--message", `Rollback of ${gitSha}`);
			const note =
				`${worker} was deployed at once because its Durable Object [[migrations]] changed. The rollback restores ` +
				"code only: the class migration itself is not rolled back, and Cloudflare refuses a rollback across a " +
				"class migration, so when the rollback above failed, fix forward with a new release.";
			command(
				`deploy ${worker} (Durable Object migration)`,
				wrangler(worker, "deploy", "--tag", gitSha, "--message", message),
				{
					creates: worker,
					shiftsTraffic: worker,
					onFail: [...undo],
					failureNote: undoNote(),
				},
			);
			undo.unshift(rollback);
			undoNotes.unshift(note);
			gate(100, [...undo], undoNote());
		} else {
			const rollback = wrangler(
				worker,
				"versions",
				"deploy",
				running(worker),
				"@100%",
				"-y",
				"--message",
				`Rollback of ${gitSha}`,
			);
			const withRollback = [rollback, ...undo];
			for (const percent of ROLLOUT_PERCENTAGES) {
				const split: Arg[] =
					percent === 100
						? [fresh(worker), "@100%"]
						: [fresh(worker), `@${percent}%`, running(worker), `@${100 - percent}%`];
				command(
					`${worker} to ${percent}%`,
					wrangler(worker, "versions", "deploy", ...split, "-y", "--message", message),
					{
						shiftsTraffic: worker,
						onFail: withRollback,
						failureNote: undoNote(),
					},
				);
				gate(percent, withRollback, undoNote());
			}
			undo.unshift(rollback);
		}
		if (changes(worker).consumersOrTriggers && !deploysAtOnce(worker)) {
			// Queue consumers and crons belong to the worker, not to a version: applied once the new one has it all.
			command(`triggers ${worker}`, wrangler(worker, "triggers", "deploy"), {
				onFail: [...undo],
				failureNote: undoNote(),
			});
		}
	}
	// The watch serves no traffic to gate, and its crons change only with a deploy.
	command("deploy watch", wrangler("watch", "deploy", "--tag", gitSha, "--message", message));
	return steps;
}

/**
 * The argv as a command line. A `<version>@<percent>` pair is written as two args, a Ref and "@10%",
 * so the executor can fill the id in; they are joined here and by {@link resolveArgs}.
 */
export function renderArgs(args: Arg[], known: (ref: Ref) => string | undefined): string {
	return joinVersionSpecs(args.map((arg) => (typeof arg === "string" ? arg : (known(arg) ?? placeholder(arg)))))
		.map((arg) => (/^[\w@%./:=-]+$/.test(arg) || /^<[\w -]+>(@\d+%)?$/.test(arg) ? arg : JSON.stringify(arg)))
		.join(" ");
}

/** The argv with every Ref filled in; throws when one is not known yet. */
export function resolveArgs(args: Arg[], known: (ref: Ref) => string | undefined): string[] {
	return joinVersionSpecs(
		args.map((arg) => {
			if (typeof arg === "string") return arg;
			const value = known(arg);
			if (value === undefined) throw new Error(`${placeholder(arg)} is not known at this step`);
			return value;
		}),
	);
}

function joinVersionSpecs(args: string[]): string[] {
	const joined: string[] = [];
	for (const arg of args) {
		if (/^@\d+%$/.test(arg) && joined.length > 0) joined[joined.length - 1] += arg;
		else joined.push(arg);
	}
	return joined;
}

export function placeholder(ref: Ref): string {
	const what = { "running-version": "running", "running-sha": "running", "new-version": "new" }[ref.ref];
	return `<${what} ${ref.worker} ${ref.ref === "running-sha" ? "git sha" : "version"}>`;
}

/** The plan as numbered lines: what a dry run prints, and what a real run logs before it starts. */
export function renderPlan(steps: Step[], known: (ref: Ref) => string | undefined = () => undefined): string[] {
	return steps.map((step, index) => {
		const number = `${String(index + 1).padStart(2)}.`;
		if (step.kind === "command") return `${number} ${step.name}: ${renderArgs(step.argv, known)}`;
		const rollback = step.onFail.map((argv) => renderArgs(argv, known)).join(" && ");
		return `${number} ${step.name}: ${step.dataset}; ${describeGate(step.worker, step.soakSeconds)}\n      on failure: ${rollback}`;
	});
}
