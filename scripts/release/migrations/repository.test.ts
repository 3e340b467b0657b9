/**
 * The check against real files: this repository's own migrations (the check
 * `npm test` runs on the migration SQL), and, in a throwaway git repository,
 * the pending migrations of a running version and its code's use of a name.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRepository, MIGRATION_SETS, runningCodeAt } from "./repository";

const root = path.resolve(import.meta.dirname, "../../..");

describe("this repository's migrations", () => {
	it("all pass the compatibility check, the drops in 0009 and 0013 declared", () => {
		const { verdicts } = checkRepository(root);
		const files = MIGRATION_SETS.flatMap((set) =>
			readdirSync(path.join(root, set)).filter((name) => name.endsWith(".sql")),
		);
		expect(verdicts).toHaveLength(files.length);
		expect(verdicts.flatMap((verdict) => verdict.refusals)).toEqual([]);
		expect(verdicts.filter((verdict) => verdict.status === "contract").map((verdict) => verdict.path)).toEqual([
			"migrations/global/0009_daily_location_sales_view.sql",
			"migrations/global/0013_order_data_moves_to_regions.sql",
		]);
	});
});

describe("against a running version in git", () => {
	let repository: string;
	const git = (...args: string[]) =>
		execFileSync(
			"git",
			["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", ...args],
			{
				cwd: repository,
				encoding: "utf8",
			},
		).trim();
	const write = (file: string, text: string) => {
		mkdirSync(path.dirname(path.join(repository, file)), { recursive: true });
		writeFileSync(path.join(repository, file), text);
	};
	let stillUsing: string;
	let noLongerUsing: string;

	beforeAll(() => {
		repository = mkdtempSync(path.join(tmpdir(), "goodfood-migrations-"));
		git("init", "-q");
		write(
			"migrations/global/0000_orders.sql",
			"CREATE TABLE `orders` (`id` text PRIMARY KEY NOT NULL, `legacy_note` text);",
		);
		write("migrations/regional/0000_nothing.sql", "CREATE TABLE `regional` (`id` text);");
		write("workers/api/src/db/schema.ts", 'export const orders = { legacyNote: text("legacy_note") };\n');
		// Neither tests nor generated types are serving code.
		write("workers/api/src/db/schema.test.ts", "// legacy_note once\n");
		write("workers/api/worker-configuration.d.ts", "// legacy_note\n");
		git("add", ".");
		git("commit", "-q", "-m", "orders with a legacy note");
		stillUsing = git("rev-parse", "HEAD");

		write("workers/api/src/db/schema.ts", "export const orders = {};\n");
		git("commit", "-q", "-am", "the code no longer reads or writes the legacy note");
		noLongerUsing = git("rev-parse", "HEAD");

		// The release being checked: a migration the running version does not have yet.
		write(
			"migrations/global/0001_drop_legacy_note.sql",
			"-- contract: drops column orders.legacy_note; nothing reads or writes it since the release before\nALTER TABLE `orders` DROP COLUMN `legacy_note`;",
		);
	});
	afterAll(() => rmSync(repository, { recursive: true, force: true }));

	it("finds which serving files mention a name, leaving out tests and generated types", () => {
		expect(runningCodeAt(repository, stillUsing)("legacy_note")).toEqual(["workers/api/src/db/schema.ts"]);
		expect(runningCodeAt(repository, noLongerUsing)("legacy_note")).toEqual([]);
	});

	it("refuses the declared drop while the running version still mentions the column", () => {
		const check = checkRepository(repository, { running: stillUsing });
		expect(check.verdicts.map((verdict) => [verdict.path, verdict.status])).toEqual([
			["migrations/global/0001_drop_legacy_note.sql", "refused"],
		]);
		expect(check.verdicts[0].refusals[0]).toMatchObject({
			rule: "still-used-by-running-version",
			reason: expect.stringContaining("workers/api/src/db/schema.ts"),
		});
	});

	it("allows it once the running version no longer mentions it, and checks only the pending file", () => {
		const check = checkRepository(repository, { running: noLongerUsing });
		expect(check.running).toBe(noLongerUsing);
		expect(check.verdicts.map((verdict) => [verdict.path, verdict.status])).toEqual([
			["migrations/global/0001_drop_legacy_note.sql", "contract"],
		]);
	});

	it("refuses a change to the statements of a migration the running version already applied", () => {
		write(
			"migrations/global/0000_orders.sql",
			"CREATE TABLE `orders` (`id` text PRIMARY KEY NOT NULL, `legacy_note` text, `channel` text);",
		);
		try {
			const check = checkRepository(repository, { running: noLongerUsing });
			expect(check.verdicts.map((verdict) => [verdict.path, verdict.status])).toEqual([
				["migrations/global/0000_orders.sql", "refused"],
				["migrations/global/0001_drop_legacy_note.sql", "contract"],
			]);
			expect(check.verdicts[0].refusals[0].rule).toBe("applied-migration-changed");
		} finally {
			git("checkout", "-q", "--", "migrations/global/0000_orders.sql");
		}
	});

	it("stops with a clear error for a ref that is not a commit", () => {
		expect(() => checkRepository(repository, { running: "no-such-release" })).toThrow(
			"no-such-release is not a commit in this repository",
		);
	});
});
