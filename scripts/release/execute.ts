/**
 * Runs a release plan: each command through an injected runner, each gate against an injected
 * Analytics Engine client, so tests fake both. The first failing step stops the run; its rollback
 * commands run (all of them, even when one fails) and the outcome says why.
 */
import { decideGate, type GateDecision, gateSql, type RolloutWorker, readGateAnswer, type SqlAnswer } from "./gate";
import {
	type Arg,
	type CommandStep,
	type GateStep,
	type Ref,
	type RunningWorker,
	renderArgs,
	resolveArgs,
	type Step,
} from "./plan";

export interface CommandResult {
	exitCode: number;
	/** Captured only when asked for; otherwise the command's output goes straight to the terminal. */
	stdout: string;
	stderr?: string;
	/** wrangler's ND-JSON output entries (WRANGLER_OUTPUT_FILE_PATH): `version-upload`, `deploy`, … */
	entries: Record<string, unknown>[];
}

export type CommandRunner = (argv: string[], options?: { capture?: boolean }) => Promise<CommandResult>;

export interface AnalyticsClient {
	query(sql: string): Promise<SqlAnswer>;
}

export interface ExecuteDeps {
	run: CommandRunner;
	analytics: AnalyticsClient;
	sleep(seconds: number): Promise<void>;
	/** Milliseconds, for the gates' windows. */
	now(): number;
	log(line: string): void;
}

export type ReleaseOutcome =
	| { ok: true; newVersions: Partial<Record<RolloutWorker, string>> }
	| {
			ok: false;
			failedStep: string;
			reasons: string[];
			rollback: { command: string; ok: boolean }[];
	  };

/** Runs the steps in order; `running` is what Cloudflare served before this release (null: first release). */
export async function executePlan(
	steps: Step[],
	running: Record<RolloutWorker, RunningWorker | null>,
	deps: ExecuteDeps,
): Promise<ReleaseOutcome> {
	const newVersions: Partial<Record<RolloutWorker, string>> = {};
	const shiftedAt: Partial<Record<RolloutWorker, number>> = {};
	const known = (ref: Ref): string | undefined => {
		if (ref.ref === "new-version") return newVersions[ref.worker];
		const current = running[ref.worker];
		return ref.ref === "running-version" ? current?.versionId : current?.gitSha;
	};

	const fail = async (step: Step, reasons: string[], onFail: Arg[][] = [], note?: string): Promise<ReleaseOutcome> => {
		deps.log(`FAILED ${step.name}:`);
		for (const reason of reasons) deps.log(`  - ${reason}`);
		const rollback: { command: string; ok: boolean }[] = [];
		for (const argv of onFail) {
			const command = renderArgs(argv, known);
			deps.log(`rollback: ${command}`);
			let ok = false;
			try {
				ok = (await deps.run(resolveArgs(argv, known))).exitCode === 0;
			} catch (error) {
				deps.log(`  ${(error as Error).message}`);
			}
			if (!ok) deps.log(`  rollback command failed: ${command}`);
			rollback.push({ command, ok });
		}
		if (note) deps.log(note);
		return { ok: false, failedStep: step.name, reasons, rollback };
	};

	for (const [index, step] of steps.entries()) {
		deps.log(`[${index + 1}/${steps.length}] ${step.name}`);
		if (step.kind === "command") {
			const failure = await runCommand(step);
			if (failure) return fail(step, [failure], step.onFail, step.failureNote);
		} else {
			let decision: GateDecision;
			try {
				decision = await runGate(step);
			} catch (error) {
				decision = {
					verdict: "fail",
					reasons: [`cannot read the gate's numbers: ${(error as Error).message}`],
					notes: [],
				};
			}
			for (const note of decision.notes) deps.log(`  ${note}`);
			if (decision.verdict === "fail") return fail(step, decision.reasons, step.onFail, step.failureNote);
			deps.log(`  passed`);
		}
	}
	return { ok: true, newVersions };

	async function runCommand(step: CommandStep): Promise<string | undefined> {
		const argv = resolveArgs(step.argv, known);
		deps.log(`  ${renderArgs(step.argv, known)}`);
		const result = await deps.run(argv);
		if (result.exitCode !== 0) return `${argv.slice(0, 4).join(" ")} … exited with ${result.exitCode}`;
		if (step.creates) {
			const entry = result.entries.find(
				(candidate) => candidate.type === "version-upload" || candidate.type === "deploy",
			);
			const versionId = entry?.version_id;
			if (typeof versionId !== "string") return `wrangler reported no version id for ${step.creates}`;
			newVersions[step.creates] = versionId;
			deps.log(`  new ${step.creates} version: ${versionId}`);
		}
		if (step.shiftsTraffic) shiftedAt[step.shiftsTraffic] = deps.now();
		return undefined;
	}

	async function runGate(step: GateStep): Promise<GateDecision> {
		const candidateVersion = newVersions[step.worker];
		const baselineVersion = running[step.worker]?.versionId;
		if (!candidateVersion || !baselineVersion) throw new Error(`no versions to compare for ${step.worker}`);
		deps.log(`  soaking ${step.soakSeconds} s`);
		await deps.sleep(step.soakSeconds);
		for (let extendedSoak = false; ; extendedSoak = true) {
			const windowSeconds = (deps.now() - (shiftedAt[step.worker] ?? deps.now())) / 1000;
			const sql = gateSql({
				dataset: step.dataset,
				worker: step.worker,
				candidateVersion,
				baselineVersion,
				windowSeconds,
			});
			const traffic = readGateAnswer(await deps.analytics.query(sql), candidateVersion, baselineVersion);
			const decision = decideGate({
				worker: step.worker,
				candidate: traffic.candidate ?? { requests: 0, errors: 0, p99Ms: 0 },
				baseline: traffic.baseline,
				extendedSoak,
			});
			if (decision.verdict !== "wait") return decision;
			for (const note of decision.notes) deps.log(`  ${note}`);
			await deps.sleep(step.soakSeconds);
		}
	}
}
