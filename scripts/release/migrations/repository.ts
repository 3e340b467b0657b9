/**
 * The repository side of the migration check: the migration files on disk,
 * which of them a git ref does not have yet (the pending ones), and whether
 * that ref's code mentions a name.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import {
	checkAppliedMigration,
	checkMigrationSet,
	type MigrationFile,
	type MigrationVerdict,
	type RunningCodeLookup,
} from "./compatibility";

/** The two sets wrangler applies separately: the global database and each region's order database. */
export const MIGRATION_SETS = ["migrations/global", "migrations/regional"] as const;

/** Where the serving code lives; tests and generated binding types are not serving code. */
const RUNNING_CODE_PATHS = [
	"workers",
	"durable-objects",
	"packages",
	":(exclude)*.test.ts",
	":(exclude)**/test/**",
	":(exclude)**/worker-configuration.d.ts",
];

/** A set's `.sql` files in the order wrangler applies them (by name). */
export function readMigrationSet(root: string, directory: string): MigrationFile[] {
	return readdirSync(path.join(root, directory))
		.filter((name) => name.endsWith(".sql"))
		.sort()
		.map((name) => ({
			path: `${directory}/${name}`,
			sql: readFileSync(path.join(root, directory, name), "utf8"),
		}));
}

function git(root: string, args: string[]): string {
	return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** The commit a ref names, or an error that says the ref is unknown. */
export function resolveRef(root: string, ref: string): string {
	const result = spawnSync("git", ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], {
		cwd: root,
		encoding: "utf8",
	});
	if (result.status !== 0) throw new Error(`${ref} is not a commit in this repository`);
	return result.stdout.trim();
}

/** The migration files (paths like `migrations/global/0019_release_watch.sql`) the ref already has. */
export function migrationsAt(root: string, ref: string): Set<string> {
	const listed = git(root, ["ls-tree", "-r", "--name-only", ref, "--", ...MIGRATION_SETS]);
	return new Set(listed.split("\n").filter((file) => file.endsWith(".sql")));
}

/** Asks `git grep -w` at the ref which serving-code files mention a name. */
export function runningCodeAt(root: string, ref: string): RunningCodeLookup {
	return (name) => {
		const result = spawnSync("git", ["grep", "-w", "-l", "-F", "-e", name, ref, "--", ...RUNNING_CODE_PATHS], {
			cwd: root,
			encoding: "utf8",
		});
		// git grep answers 1 for "no match"; anything else is a failure the check must not read as "unused".
		if (result.status === 1) return [];
		if (result.status !== 0) throw new Error(`git grep for ${name} at ${ref} failed: ${result.stderr.trim()}`);
		return result.stdout
			.split("\n")
			.filter((line) => line !== "")
			.map((line) => line.slice(ref.length + 1));
	};
}

export interface RepositoryCheck {
	/** The running version's commit, when the check was against one. */
	readonly running?: string;
	readonly verdicts: MigrationVerdict[];
}

/**
 * Checks both sets. Without a running ref, every migration, declarations only;
 * with one, only the files that ref does not have (the ones the release would
 * apply), declarations and the running code's use of what they remove, and
 * any file the ref has whose statements have changed since.
 */
export function checkRepository(root: string, options: { running?: string } = {}): RepositoryCheck {
	if (options.running === undefined) {
		return { verdicts: MIGRATION_SETS.flatMap((set) => checkMigrationSet(readMigrationSet(root, set))) };
	}
	const running = resolveRef(root, options.running);
	const applied = migrationsAt(root, running);
	const runningCode = runningCodeAt(root, running);
	const verdicts = MIGRATION_SETS.flatMap((set) => {
		const files = readMigrationSet(root, set);
		const pending = new Set(files.map((file) => file.path).filter((file) => !applied.has(file)));
		const changed = files
			.filter((file) => applied.has(file.path))
			.map((file) => checkAppliedMigration(file, git(root, ["show", `${running}:${file.path}`])))
			.filter((verdict) => verdict !== null);
		return [...changed, ...checkMigrationSet(files, { check: pending, runningCode })];
	});
	return { running, verdicts };
}
