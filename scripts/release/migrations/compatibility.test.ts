/**
 * The backward-compatibility rules for D1 migrations: what a release may apply
 * while the previous version still serves. Good migrations pass, bad ones are
 * refused naming the rule, and a declared drop waits for the running code to
 * stop mentioning what it removes. Run with
 * `npx vitest run --project unit scripts/release/migrations`.
 */
import { describe, expect, it } from "vitest";
import {
	checkAppliedMigration,
	checkMigrationSet,
	type MigrationFile,
	type MigrationVerdict,
	type RunningCodeLookup,
} from "./compatibility";

/** The schema every case starts from, as drizzle-kit writes it. */
const BASE: MigrationFile = {
	path: "migrations/global/0000_orders.sql",
	sql: `CREATE TABLE \`orders\` (
	\`id\` text PRIMARY KEY NOT NULL,
	\`location_slug\` text NOT NULL,
	\`status\` text DEFAULT 'placed' NOT NULL,
	\`legacy_note\` text
);
--> statement-breakpoint
CREATE INDEX \`orders_location_idx\` ON \`orders\` (\`location_slug\`);--> statement-breakpoint
CREATE TABLE \`audit_log\` (\`id\` text PRIMARY KEY NOT NULL, \`at\` text NOT NULL);`,
};

const PATH = "migrations/global/0001_next.sql";

/** The verdict on one migration applied after BASE. */
function verdictOn(sql: string, runningCode?: RunningCodeLookup): MigrationVerdict {
	const verdicts = checkMigrationSet([BASE, { path: PATH, sql }], { runningCode });
	return verdicts[verdicts.length - 1];
}

const rules = (verdict: MigrationVerdict) => verdict.refusals.map((refusal) => refusal.rule);

/** drizzle-kit's rebuild of `orders` with the columns given (its way of changing a column's type or constraints). */
function rebuild(columns: string[]): string {
	const names = columns.map((column) => column.split(" ")[0]);
	return `PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE \`__new_orders\` (
	${columns.join(",\n\t")}
);
--> statement-breakpoint
INSERT INTO \`__new_orders\`(${names.join(", ")}) SELECT ${names.filter((name) => name !== "`channel`").join(", ")} FROM \`orders\`;--> statement-breakpoint
DROP TABLE \`orders\`;--> statement-breakpoint
ALTER TABLE \`__new_orders\` RENAME TO \`orders\`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX \`orders_location_idx\` ON \`orders\` (\`location_slug\`);`;
}

describe("migrations that only expand the schema", () => {
	it.each([
		["a nullable column", "ALTER TABLE `orders` ADD `delivery_note` text;"],
		["a column with a default", "ALTER TABLE `orders` ADD `channel` text DEFAULT 'web' NOT NULL;"],
		[
			"a new table and its indexes",
			`CREATE TABLE \`refunds\` (\`id\` text PRIMARY KEY NOT NULL, \`order_id\` text NOT NULL, \`amount\` integer NOT NULL);
--> statement-breakpoint
CREATE INDEX \`refunds_order_idx\` ON \`refunds\` (\`order_id\`);--> statement-breakpoint
CREATE UNIQUE INDEX \`refunds_amount_idx\` ON \`refunds\` (\`order_id\`, \`amount\`) WHERE amount > 0;`,
		],
		[
			"a rebuild that keeps every column",
			rebuild([
				"`id` text PRIMARY KEY NOT NULL",
				"`location_slug` text NOT NULL",
				"`status` text DEFAULT 'new' NOT NULL",
				"`legacy_note` text",
			]),
		],
		[
			"a rebuild that keeps every column and adds one with a default",
			rebuild([
				"`id` text PRIMARY KEY NOT NULL",
				"`location_slug` text NOT NULL",
				"`status` text DEFAULT 'placed' NOT NULL",
				"`legacy_note` text",
				"`channel` text DEFAULT 'web' NOT NULL",
			]),
		],
		[
			"a data backfill",
			"ALTER TABLE `orders` ADD `region` text;--> statement-breakpoint\nUPDATE `orders` SET `region` = CASE `location_slug` WHEN 'soho' THEN 'eu' ELSE 'us' END;",
		],
		[
			"a trigger and a view, then an index and trigger dropped",
			`CREATE TRIGGER \`audit_log_no_update\` BEFORE UPDATE ON \`audit_log\`
BEGIN
	SELECT RAISE(ABORT, 'audit_log entries never change; not one');
	SELECT CASE WHEN 1 THEN 1 END;
END;--> statement-breakpoint
CREATE VIEW \`open_orders\` AS SELECT * FROM \`orders\` WHERE \`status\` != 'done';--> statement-breakpoint
DROP INDEX \`orders_location_idx\`;--> statement-breakpoint
DROP TRIGGER IF EXISTS \`audit_log_no_update\`;`,
		],
		[
			"a table made and dropped in the same file",
			"CREATE TABLE `scratch` (`id` text);--> statement-breakpoint\nDROP TABLE `scratch`;",
		],
	])("passes %s", (_, sql) => {
		const verdict = verdictOn(sql);
		expect(verdict.refusals).toEqual([]);
		expect(verdict.status).toBe("ok");
	});

	it("says which tables it saw rebuilt with every column", () => {
		const verdict = verdictOn(
			rebuild([
				"`id` text PRIMARY KEY NOT NULL",
				"`location_slug` text NOT NULL",
				"`status` text NOT NULL",
				"`legacy_note` text",
			]),
		);
		expect(verdict.rebuilds).toEqual(["orders"]);
	});
});

describe("migrations that break the running version", () => {
	it("refuses a NOT NULL column without a default, since the running version's inserts leave it out", () => {
		const verdict = verdictOn("ALTER TABLE `orders` ADD `channel` text NOT NULL;");
		expect(verdict.status).toBe("refused");
		expect(verdict.refusals).toEqual([
			expect.objectContaining({
				path: PATH,
				line: 1,
				statement: "ALTER TABLE `orders` ADD `channel` text NOT NULL",
				rule: "not-null-without-default",
				reason: expect.stringContaining("orders.channel NOT NULL without a DEFAULT"),
				instead: expect.stringContaining("add it nullable or with a DEFAULT"),
			}),
		]);
	});

	it("refuses a rebuild that adds a NOT NULL column without a default", () => {
		const verdict = verdictOn(
			rebuild([
				"`id` text PRIMARY KEY NOT NULL",
				"`location_slug` text NOT NULL",
				"`status` text DEFAULT 'placed' NOT NULL",
				"`legacy_note` text",
				"`channel` text NOT NULL",
			]),
		);
		expect(rules(verdict)).toEqual(["not-null-without-default"]);
	});

	it("refuses an undeclared DROP COLUMN, saying how to do it in two releases", () => {
		const verdict = verdictOn("-- Nothing uses it.\nALTER TABLE `orders` DROP COLUMN `legacy_note`;");
		expect(verdict.refusals).toEqual([
			expect.objectContaining({
				line: 2,
				statement: "ALTER TABLE `orders` DROP COLUMN `legacy_note`",
				rule: "undeclared-contract",
				reason: expect.stringContaining("drops column orders.legacy_note"),
				instead: expect.stringContaining(
					"add the new column, ship code that writes both and reads the new one, backfill; drop the old one in a later release",
				),
			}),
		]);
	});

	it("refuses an undeclared column rename by the name the running code uses", () => {
		const verdict = verdictOn("ALTER TABLE `orders` RENAME COLUMN `legacy_note` TO `kitchen_note`;");
		expect(rules(verdict)).toEqual(["undeclared-contract"]);
		expect(verdict.refusals[0].reason).toContain("renames column orders.legacy_note");
	});

	it("refuses an undeclared table rename", () => {
		const verdict = verdictOn("ALTER TABLE `audit_log` RENAME TO `audit_entries`;");
		expect(rules(verdict)).toEqual(["undeclared-contract"]);
		expect(verdict.refusals[0].reason).toContain("renames table audit_log");
	});

	it("refuses an undeclared DROP TABLE", () => {
		const verdict = verdictOn("DROP TABLE IF EXISTS `audit_log`;");
		expect(rules(verdict)).toEqual(["undeclared-contract"]);
		expect(verdict.refusals[0].reason).toContain("drops table audit_log");
		expect(verdict.refusals[0].instead).toContain("ship code that no longer reads or writes audit_log first");
	});

	it("refuses a table replaced by a view of the same name, whose writes would fail", () => {
		const verdict = verdictOn("DROP TABLE `audit_log`;--> statement-breakpoint\nCREATE VIEW `audit_log` AS SELECT 1;");
		expect(verdict.refusals[0].reason).toContain("replaced by a view");
	});

	it("refuses a rebuild that loses a column, naming the column", () => {
		const verdict = verdictOn(
			rebuild(["`id` text PRIMARY KEY NOT NULL", "`location_slug` text NOT NULL", "`status` text NOT NULL"]),
		);
		expect(rules(verdict)).toEqual(["undeclared-contract"]);
		expect(verdict.refusals[0].statement).toBe("DROP TABLE `orders`");
		expect(verdict.refusals[0].reason).toContain("drops column orders.legacy_note (the table is rebuilt without it)");
		expect(verdict.rebuilds).toEqual([]);
	});

	it("refuses a declaration that names something else than the statement drops", () => {
		const verdict = verdictOn(
			"-- contract: drops column orders.status; nothing reads it since release 2026-12-01\nALTER TABLE `orders` DROP COLUMN `legacy_note`;",
		);
		expect(rules(verdict).sort()).toEqual(["undeclared-contract", "unmatched-declaration"]);
		const unmatched = verdict.refusals.find((refusal) => refusal.rule === "unmatched-declaration");
		expect(unmatched).toMatchObject({ line: 1, reason: expect.stringContaining("drops column orders.status") });
	});

	it("refuses a declaration with no statement behind it", () => {
		const verdict = verdictOn(
			"-- contract: drops table audit_log; nothing reads it\nALTER TABLE `orders` ADD `delivery_note` text;",
		);
		expect(rules(verdict)).toEqual(["unmatched-declaration"]);
	});

	it("refuses a declaration it cannot read, such as a column without its table or no reason", () => {
		expect(rules(verdictOn("-- contract: drops column legacy_note; unused\nSELECT 1;"))).toEqual([
			"invalid-declaration",
		]);
		expect(rules(verdictOn("-- contract: drops table audit_log\nDROP TABLE `audit_log`;")).sort()).toEqual([
			"invalid-declaration",
			"undeclared-contract",
		]);
	});

	it("refuses a statement it cannot classify rather than guess", () => {
		expect(rules(verdictOn("VACUUM;"))).toEqual(["unrecognised-statement"]);
	});
});

describe("declared contract steps", () => {
	const DECLARED_DROP =
		"-- contract: drops column orders.legacy_note; nothing reads or writes it since release 2026-12-01\nALTER TABLE `orders` DROP COLUMN `legacy_note`;";

	it("pass the no-args check when the declaration matches the statements", () => {
		const verdict = verdictOn(DECLARED_DROP);
		expect(verdict.status).toBe("contract");
		expect(verdict.contracts).toEqual(["drops column orders.legacy_note"]);
	});

	it("accept a rebuild's lost column declared as dropped, and a list of tables in one declaration", () => {
		const rebuilt = verdictOn(
			`-- contract: drops column orders.legacy_note; unused since 2026-12-01\n${rebuild([
				"`id` text PRIMARY KEY NOT NULL",
				"`location_slug` text NOT NULL",
				"`status` text NOT NULL",
			])}`,
		);
		expect(rebuilt.status).toBe("contract");
		const tables = verdictOn(
			"-- contract: drops tables orders, audit_log; moved elsewhere\nDROP TABLE `orders`;--> statement-breakpoint\nDROP TABLE `audit_log`;",
		);
		expect(tables.contracts).toEqual(["drops table orders", "drops table audit_log"]);
	});

	it("are refused while the running version still mentions the column, and pass once it does not", () => {
		const asked: string[] = [];
		const stillUsed: RunningCodeLookup = (name) => {
			asked.push(name);
			return name === "legacyNote" ? ["workers/api/src/db/global-schema.ts"] : [];
		};
		const refused = verdictOn(DECLARED_DROP, stillUsed);
		expect(asked).toEqual(["legacy_note", "legacyNote"]);
		expect(refused.status).toBe("refused");
		expect(refused.refusals).toEqual([
			expect.objectContaining({
				path: PATH,
				statement: "ALTER TABLE `orders` DROP COLUMN `legacy_note`",
				rule: "still-used-by-running-version",
				reason: expect.stringContaining("still mentions legacy_note in workers/api/src/db/global-schema.ts"),
			}),
		]);

		const unused = verdictOn(DECLARED_DROP, () => []);
		expect(unused.status).toBe("contract");
	});

	it("judge only the files asked for, on the schema all the earlier ones built", () => {
		const files = [BASE, { path: PATH, sql: "ALTER TABLE `orders` ADD `delivery_note` text;" }];
		const pending = { path: "migrations/global/0002_drop.sql", sql: "ALTER TABLE `orders` DROP `delivery_note`;" };
		const verdicts = checkMigrationSet([...files, pending], { check: new Set([pending.path]) });
		expect(verdicts.map((verdict) => verdict.path)).toEqual([pending.path]);
		expect(verdicts[0].refusals[0].reason).toContain("drops column orders.delivery_note");
	});
});

describe("migrations the running version already applied", () => {
	it("may gain comments, such as a contract declaration, but not change a statement", () => {
		const commented = { ...BASE, sql: `-- contract: nothing; a note\n${BASE.sql.replace("\n", "\n\n")}` };
		expect(checkAppliedMigration(commented, BASE.sql)).toBeNull();

		const edited = { ...BASE, sql: BASE.sql.replace("`legacy_note` text", "`legacy_note` text NOT NULL") };
		expect(checkAppliedMigration(edited, BASE.sql)?.refusals).toEqual([
			expect.objectContaining({
				line: 1,
				rule: "applied-migration-changed",
				statement: expect.stringContaining("CREATE TABLE `orders`"),
			}),
		]);
		const shortened = { ...BASE, sql: BASE.sql.split("--> statement-breakpoint")[0] };
		expect(checkAppliedMigration(shortened, BASE.sql)?.status).toBe("refused");
	});
});
