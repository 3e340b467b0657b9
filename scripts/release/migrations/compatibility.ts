/**
 * Whether a D1 migration is backward compatible with the version still
 * serving. The release applies migrations before it uploads code, so for the
 * whole rollout the running (old) code runs against the new schema: a
 * migration may add (expand), and may remove or rename (contract) only what
 * the running code no longer uses, declared in the file. Pure: files come in
 * as text, and the running code is asked through an injected lookup.
 */
import { type ColumnDefinition, classifyStatement, type Statement, splitStatements, summarise } from "./sql";

/** One migration file of a set (global or regional), in the order they apply. */
export interface MigrationFile {
	/** How messages name it, e.g. `migrations/global/0013_order_data_moves_to_regions.sql`. */
	readonly path: string;
	readonly sql: string;
}

/** Which running-code files mention a name (a table, column or view); empty when none does. */
export type RunningCodeLookup = (name: string) => readonly string[];

export type Rule =
	| "not-null-without-default"
	| "undeclared-contract"
	| "unmatched-declaration"
	| "invalid-declaration"
	| "still-used-by-running-version"
	| "unrecognised-statement"
	| "applied-migration-changed";

export interface Refusal {
	readonly path: string;
	readonly line: number;
	/** The statement (one line, shortened), or the declaration comment. */
	readonly statement: string;
	readonly rule: Rule;
	readonly reason: string;
	readonly instead: string;
}

/** A removal or rename the running code could notice: the name is the one that code would use. */
export interface ContractChange {
	readonly verb: "drops" | "renames";
	readonly object: "table" | "view" | "column";
	/** `table` for tables and views, `table.column` for columns. */
	readonly name: string;
	/** Lost in a table rebuild: a declaration may call it dropped or renamed. */
	readonly byRebuild?: boolean;
	readonly statement: Statement;
	readonly note?: string;
}

export interface MigrationVerdict {
	readonly path: string;
	readonly status: "ok" | "contract" | "refused";
	/** The declared contract changes (status "contract"), as `drops column orders.legacy_note`. */
	readonly contracts: readonly string[];
	/** Tables rebuilt with every column kept: expand steps, said so the reader knows they were seen. */
	readonly rebuilds: readonly string[];
	readonly refusals: readonly Refusal[];
}

interface Table {
	readonly name: string;
	readonly columns: readonly ColumnDefinition[];
}

/** Tables and views by lower-cased name (SQLite names are case-insensitive). */
interface Schema {
	tables: Map<string, Table>;
	views: Set<string>;
}

const key = (name: string) => name.toLowerCase();
const hasColumn = (table: Table, column: string) => table.columns.some((known) => key(known.name) === key(column));

const TWO_RELEASES =
	"add the new column, ship code that writes both and reads the new one, backfill; drop the old one in a later release, after one whose code no longer mentions it";

/**
 * Checks one set of migrations (all of migrations/global, say) in order. The
 * schema each file starts from is what the files before it built, so a
 * rebuild can be told from a drop. Only the files named in `check` are judged
 * (all when absent); the lookup, when given, refuses a declared contract
 * change whose name the running version still mentions.
 */
export function checkMigrationSet(
	files: readonly MigrationFile[],
	options: { check?: ReadonlySet<string>; runningCode?: RunningCodeLookup } = {},
): MigrationVerdict[] {
	const schema: Schema = { tables: new Map(), views: new Set() };
	const verdicts: MigrationVerdict[] = [];
	for (const file of files) {
		const verdict = checkMigration(file, schema, options.runningCode);
		if (options.check === undefined || options.check.has(file.path)) verdicts.push(verdict);
	}
	return verdicts;
}

/** Judges one file against the schema before it, and moves that schema on to after it. */
function checkMigration(file: MigrationFile, schema: Schema, runningCode?: RunningCodeLookup): MigrationVerdict {
	const before: Schema = { tables: new Map(schema.tables), views: new Set(schema.views) };
	const refusals: Refusal[] = [];
	const changes: ContractChange[] = [];
	const createdHere = new Set<string>();
	const droppedTables = new Map<string, { table: Table; statement: Statement }>();
	const refuse = (statement: Statement, rule: Rule, reason: string, instead: string) =>
		refusals.push({
			path: file.path,
			line: statement.line,
			statement: summarise(statement.text),
			rule,
			reason,
			instead,
		});
	// Whether the running code could know this table: it existed before the file and this file has not replaced it.
	const isOriginal = (table: string) =>
		before.tables.has(key(table)) && !createdHere.has(key(table)) && !droppedTables.has(key(table));

	for (const statement of splitStatements(file.sql)) {
		const effect = classifyStatement(statement.text);
		switch (effect.kind) {
			case "create-table": {
				const columns = effect.columns ?? [];
				schema.tables.set(key(effect.table), { name: effect.table, columns });
				createdHere.add(key(effect.table));
				break;
			}
			case "create-view":
				schema.views.add(key(effect.name));
				createdHere.add(key(effect.name));
				break;
			case "drop-table": {
				const table = schema.tables.get(key(effect.table));
				if (table === undefined) break;
				if (isOriginal(effect.table)) droppedTables.set(key(effect.table), { table, statement });
				schema.tables.delete(key(effect.table));
				createdHere.delete(key(effect.table));
				break;
			}
			case "drop-view":
				if (before.views.has(key(effect.name)) && !createdHere.has(key(effect.name))) {
					changes.push({ verb: "drops", object: "view", name: effect.name, statement });
				}
				schema.views.delete(key(effect.name));
				createdHere.delete(key(effect.name));
				break;
			case "rename-table": {
				const table = schema.tables.get(key(effect.from));
				if (table === undefined) break;
				// drizzle's rebuild renames its `__new_x` into place: a table made in this file, which no running code knows.
				if (isOriginal(effect.from)) changes.push({ verb: "renames", object: "table", name: table.name, statement });
				schema.tables.delete(key(effect.from));
				schema.tables.set(key(effect.to), { name: effect.to, columns: table.columns });
				createdHere.add(key(effect.to));
				break;
			}
			case "add-column": {
				const table = schema.tables.get(key(effect.table));
				if (effect.column.notNull && !effect.column.hasDefault && isOriginal(effect.table)) {
					refuse(
						statement,
						"not-null-without-default",
						`adds ${effect.table}.${effect.column.name} NOT NULL without a DEFAULT: the running version's inserts leave it out and fail`,
						"add it nullable or with a DEFAULT, ship code that writes it, backfill; make it NOT NULL (a rebuild) in a later release",
					);
				}
				if (table !== undefined) {
					schema.tables.set(key(effect.table), { ...table, columns: [...table.columns, effect.column] });
				}
				break;
			}
			case "drop-column": {
				const table = schema.tables.get(key(effect.table));
				if (table === undefined) break;
				if (isOriginal(effect.table) && hasColumn(before.tables.get(key(effect.table)) as Table, effect.column)) {
					changes.push({ verb: "drops", object: "column", name: `${table.name}.${effect.column}`, statement });
				}
				const columns = table.columns.filter((column) => key(column.name) !== key(effect.column));
				schema.tables.set(key(effect.table), { ...table, columns });
				break;
			}
			case "rename-column": {
				const table = schema.tables.get(key(effect.table));
				if (table === undefined) break;
				if (isOriginal(effect.table) && hasColumn(before.tables.get(key(effect.table)) as Table, effect.from)) {
					changes.push({ verb: "renames", object: "column", name: `${table.name}.${effect.from}`, statement });
				}
				const columns = table.columns.map((column) =>
					key(column.name) === key(effect.from) ? { ...column, name: effect.to } : column,
				);
				schema.tables.set(key(effect.table), { ...table, columns });
				break;
			}
			case "unrecognised":
				refuse(
					statement,
					"unrecognised-statement",
					"the check cannot tell what this statement does to the schema",
					"write it as one of the statements docs/migrations.md lists, one per statement-breakpoint",
				);
				break;
			default:
				// Indexes, triggers, data and maintenance: nothing the running code reads goes away.
				break;
		}
	}

	const rebuilds: string[] = [];
	for (const { table, statement } of droppedTables.values()) {
		const after = schema.tables.get(key(table.name));
		if (after === undefined) {
			const note = schema.views.has(key(table.name))
				? "replaced by a view: the running version's writes to it fail"
				: undefined;
			changes.push({ verb: "drops", object: "table", name: table.name, statement, note });
			continue;
		}
		const lost = table.columns.filter((column) => !hasColumn(after, column.name));
		for (const column of lost) {
			changes.push({
				verb: "drops",
				object: "column",
				name: `${table.name}.${column.name}`,
				byRebuild: true,
				statement,
				note: "the table is rebuilt without it",
			});
		}
		for (const column of after.columns.filter((column) => !hasColumn(table, column.name))) {
			if (column.notNull && !column.hasDefault) {
				refuse(
					statement,
					"not-null-without-default",
					`rebuilds ${table.name} with ${column.name} NOT NULL without a DEFAULT: the running version's inserts leave it out and fail`,
					"give it a DEFAULT or leave it nullable in this release; tighten it in a later one",
				);
			}
		}
		if (lost.length === 0) rebuilds.push(table.name);
	}

	const declared = readDeclarations(file, refusals);
	const contracts: string[] = [];
	for (const change of changes) {
		const declaration = declared.find((candidate) => matches(candidate, change));
		const described = `${change.verb} ${change.object} ${change.name}`;
		if (declaration === undefined) {
			refuse(
				change.statement,
				"undeclared-contract",
				`${described}${change.note ? ` (${change.note})` : ""}, which the running version may still use, and the file does not declare it`,
				change.object === "column"
					? `${TWO_RELEASES}; declare the drop with \`-- contract: ${change.verb} column ${change.name}; <why nothing uses it>\``
					: `ship code that no longer reads or writes ${change.name} first; ${change.verb.replace(/s$/, "")} it in a later release with \`-- contract: ${change.verb} ${change.object} ${change.name}; <why nothing uses it>\``,
			);
			continue;
		}
		declaration.matched = true;
		contracts.push(described);
		if (runningCode === undefined) continue;
		const unqualified = change.name.split(".").pop() as string;
		const mentions = [...new Set(namesInCode(unqualified).flatMap((name) => runningCode(name)))].sort();
		if (mentions.length > 0) {
			refuse(
				change.statement,
				"still-used-by-running-version",
				`${described}, but the running version still mentions ${unqualified} in ${listed(mentions)}`,
				`ship a release whose code no longer mentions ${unqualified} first; this migration can go in the one after it`,
			);
		}
	}
	for (const declaration of declared.filter((candidate) => !candidate.matched)) {
		refusals.push({
			path: file.path,
			line: declaration.line,
			statement: declaration.text,
			rule: "unmatched-declaration",
			reason: `declares ${declaration.verb} ${declaration.object} ${declaration.name}, but no statement in the file does that`,
			instead: "name exactly what the statements drop or rename (table.column for a column), or remove the declaration",
		});
	}

	const status = refusals.length > 0 ? "refused" : contracts.length > 0 ? "contract" : "ok";
	return { path: file.path, status, contracts, rebuilds, refusals };
}

interface Declaration {
	readonly verb: "drops" | "renames";
	readonly object: "table" | "view" | "column";
	readonly name: string;
	readonly line: number;
	readonly text: string;
	matched: boolean;
}

const DECLARATION = /^--\s*contract\s*:(.*)$/i;
const DECLARATION_BODY = /^\s*(drops|renames)\s+(tables?|views?|columns?)\s+([^;]+?)\s*;\s*(\S.*)$/i;

/**
 * The file's `-- contract: drops column orders.legacy_note; <why nothing uses it>`
 * lines; a plural object takes a comma-separated list. A malformed one is refused.
 */
function readDeclarations(file: MigrationFile, refusals: Refusal[]): Declaration[] {
	const declarations: Declaration[] = [];
	file.sql.split("\n").forEach((text, index) => {
		const declaration = DECLARATION.exec(text.trim());
		if (declaration === null) return;
		const body = DECLARATION_BODY.exec(declaration[1]);
		const names = body?.[3].split(",").map((name) => name.trim().replace(/[`"]/g, "")) ?? [];
		const object = body?.[2].toLowerCase().replace(/s$/, "") as Declaration["object"] | undefined;
		if (body === null || object === undefined || names.some((name) => !isDeclaredName(object, name))) {
			refusals.push({
				path: file.path,
				line: index + 1,
				statement: text.trim(),
				rule: "invalid-declaration",
				reason:
					"a contract declaration reads `-- contract: drops|renames table|view|column <names>; <why nothing uses them>`",
				instead:
					"write it in that form: a column as table.column, names separated by commas, and the reason after the semicolon",
			});
			return;
		}
		for (const name of names) {
			const verb = body[1].toLowerCase() as Declaration["verb"];
			declarations.push({ verb, object, name, line: index + 1, text: text.trim(), matched: false });
		}
	});
	return declarations;
}

function isDeclaredName(object: string, name: string): boolean {
	return object === "column" ? /^[^.\s]+\.[^.\s]+$/.test(name) : /^[^.\s]+$/.test(name);
}

function matches(declaration: Declaration, change: ContractChange): boolean {
	const verbMatches = declaration.verb === change.verb || change.byRebuild === true;
	return verbMatches && declaration.object === change.object && key(declaration.name) === key(change.name);
}

/** The SQL name and, for snake_case, the camelCase property drizzle's schema would give it. */
export function namesInCode(name: string): string[] {
	const camel = name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
	return camel === name ? [name] : [name, camel];
}

/** A few file names, then how many more: enough to start looking. */
function listed(files: readonly string[], shown = 4): string {
	const more = files.length - shown;
	return more > 0 ? `${files.slice(0, shown).join(", ")} and ${more} more` : files.join(", ");
}

/**
 * A migration the running version already has is never applied again (wrangler
 * tracks them by file name), so a statement changed in it would never reach a
 * deployed database. Comments may change; statements may not.
 */
export function checkAppliedMigration(file: MigrationFile, appliedSql: string): MigrationVerdict | null {
	const statements = (sql: string) => splitStatements(sql).map((statement) => statement.text.replace(/\s+/g, " "));
	const applied = statements(appliedSql);
	const current = statements(file.sql);
	const changed = current.findIndex((statement, index) => statement !== applied[index]);
	if (changed === -1 && current.length === applied.length) return null;
	const statement = splitStatements(file.sql)[changed === -1 ? current.length - 1 : changed];
	const refusal: Refusal = {
		path: file.path,
		line: statement?.line ?? 1,
		statement: statement === undefined ? "(no statements)" : summarise(statement.text),
		rule: "applied-migration-changed",
		reason:
			"the running version already applied this file, and its statements have changed since: the change would never be applied",
		instead: "restore the file's statements and put the change in a new migration",
	};
	return { path: file.path, status: "refused", contracts: [], rebuilds: [], refusals: [refusal] };
}
