/**
 * The SQL the migration check reads: statements split where SQLite would run
 * them one by one, and each one's effect on the schema.
 */
import { describe, expect, it } from "vitest";
import { classifyStatement, splitStatements } from "./sql";

describe("splitting a migration into statements", () => {
	it("splits at semicolons and drizzle's breakpoints, dropping comments and keeping each statement's first line", () => {
		const statements = splitStatements(
			"-- header\nCREATE INDEX `a` ON `t` (`x`);--> statement-breakpoint\n-- why\nUPDATE `t` SET `x` = 'a;b -- not a comment'\n--> statement-breakpoint\nDROP INDEX `a`",
		);
		expect(statements).toEqual([
			{ text: "CREATE INDEX `a` ON `t` (`x`)", line: 2 },
			{ text: "UPDATE `t` SET `x` = 'a;b -- not a comment'", line: 4 },
			{ text: "DROP INDEX `a`", line: 6 },
		]);
	});

	it("keeps a trigger's body, semicolons and CASE … END included, in one statement", () => {
		const trigger = `CREATE TRIGGER \`t_after_insert\` AFTER INSERT ON \`t\` BEGIN
	UPDATE \`u\` SET \`n\` = CASE WHEN new.\`x\` THEN 1 ELSE 0 END;
	DELETE FROM \`v\` WHERE \`id\` = new.\`id\`;
END`;
		const statements = splitStatements(`${trigger};\nDROP TABLE \`w\`;`);
		expect(statements.map((statement) => statement.text)).toEqual([trigger, "DROP TABLE `w`"]);
	});
});

describe("what a statement does to the schema", () => {
	it("reads a table's columns and which of them an insert may leave out", () => {
		expect(
			classifyStatement(`CREATE TABLE IF NOT EXISTS \`t\` (
	\`id\` text PRIMARY KEY NOT NULL,
	"note" text CHECK (note IS NOT NULL),
	created_at text DEFAULT (strftime('%Y', 'now')) NOT NULL,
	PRIMARY KEY(\`id\`),
	FOREIGN KEY (\`id\`) REFERENCES \`u\`(\`id\`)
)`),
		).toEqual({
			kind: "create-table",
			table: "t",
			columns: [
				{ name: "id", notNull: true, hasDefault: false },
				{ name: "note", notNull: false, hasDefault: false },
				{ name: "created_at", notNull: true, hasDefault: true },
			],
		});
	});

	it("reads an FTS5 table's columns without its options", () => {
		expect(
			classifyStatement(
				"CREATE VIRTUAL TABLE `items_fts` USING fts5(`item_id` UNINDEXED, `name`, tokenize = 'trigram remove_diacritics 1')",
			),
		).toMatchObject({ kind: "create-table", columns: [{ name: "item_id" }, { name: "name" }] });
	});

	it.each([
		["ALTER TABLE `t` ADD `x` integer DEFAULT 0 NOT NULL", { kind: "add-column", table: "t" }],
		["ALTER TABLE main.t ADD COLUMN x text NOT NULL", { kind: "add-column", table: "t" }],
		["ALTER TABLE `t` DROP COLUMN `x`", { kind: "drop-column", table: "t", column: "x" }],
		["ALTER TABLE `t` DROP `x`", { kind: "drop-column", table: "t", column: "x" }],
		["ALTER TABLE `t` RENAME COLUMN `x` TO `y`", { kind: "rename-column", table: "t", from: "x", to: "y" }],
		["ALTER TABLE `t` RENAME `x` TO `y`", { kind: "rename-column", table: "t", from: "x", to: "y" }],
		["ALTER TABLE `__new_t` RENAME TO `t`", { kind: "rename-table", from: "__new_t", to: "t" }],
		[
			"CREATE UNIQUE INDEX IF NOT EXISTS `i` ON `t` (`x`)",
			{ kind: "create-index", name: "i", table: "t", unique: true },
		],
		["DROP TABLE IF EXISTS `t`", { kind: "drop-table", table: "t" }],
		["DROP VIEW `v`", { kind: "drop-view", name: "v" }],
		["CREATE VIEW `v` AS SELECT 1", { kind: "create-view", name: "v" }],
		["INSERT INTO `t` SELECT * FROM `u`", { kind: "data" }],
		["PRAGMA foreign_keys=OFF", { kind: "maintenance" }],
		["VACUUM", { kind: "unrecognised" }],
	])("%s", (sql, effect) => {
		expect(classifyStatement(sql)).toMatchObject(effect);
	});

	it("tells a nullable added column from a NOT NULL one without a default", () => {
		expect(classifyStatement("ALTER TABLE t ADD COLUMN x text NOT NULL")).toMatchObject({
			column: { name: "x", notNull: true, hasDefault: false },
		});
		expect(classifyStatement("ALTER TABLE t ADD x text")).toMatchObject({
			column: { name: "x", notNull: false, hasDefault: false },
		});
	});
});
