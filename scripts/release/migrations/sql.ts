/**
 * Just enough SQLite to judge a migration: split a file into statements and
 * say what each one does to the schema. Pure text work, no database.
 */

/** One statement of a migration file, comments removed, with the line it starts on. */
export interface Statement {
	readonly text: string;
	readonly line: number;
}

/** A column as a CREATE TABLE or ADD COLUMN declares it. */
export interface ColumnDefinition {
	readonly name: string;
	readonly notNull: boolean;
	/** A DEFAULT, or a generated column: either way an INSERT may leave it out. */
	readonly hasDefault: boolean;
}

/** What a statement does to the schema (data statements change rows only). */
export type StatementEffect =
	| { kind: "create-table"; table: string; columns: ColumnDefinition[] | null }
	| { kind: "create-index"; name: string; table: string; unique: boolean }
	| { kind: "create-view"; name: string }
	| { kind: "create-trigger"; name: string }
	| { kind: "drop-table"; table: string }
	| { kind: "drop-view"; name: string }
	| { kind: "drop-index"; name: string }
	| { kind: "drop-trigger"; name: string }
	| { kind: "add-column"; table: string; column: ColumnDefinition }
	| { kind: "drop-column"; table: string; column: string }
	| { kind: "rename-column"; table: string; from: string; to: string }
	| { kind: "rename-table"; from: string; to: string }
	| { kind: "data" }
	| { kind: "maintenance" }
	| { kind: "unrecognised" };

const BREAKPOINT = "> statement-breakpoint";

/**
 * Splits SQL into statements at top-level semicolons and at drizzle's
 * `--> statement-breakpoint`. A trigger's body (BEGIN … END) and CASE … END
 * stay inside their statement; quotes and comments are respected.
 */
export function splitStatements(sql: string): Statement[] {
	const statements: Statement[] = [];
	let text = "";
	let startLine = 0;
	let line = 1;
	let depth = 0;
	let word = "";

	const endWord = () => {
		const upper = word.toUpperCase();
		if (upper === "BEGIN" || upper === "CASE") depth++;
		else if (upper === "END" && depth > 0) depth--;
		word = "";
	};
	const flush = () => {
		endWord();
		const trimmed = text.trim();
		if (trimmed !== "") statements.push({ text: trimmed, line: startLine });
		text = "";
		depth = 0;
	};
	const append = (chunk: string) => {
		if (text.trim() === "" && chunk.trim() !== "") startLine = line;
		text += chunk;
	};

	let index = 0;
	while (index < sql.length) {
		const char = sql[index];
		const next = sql[index + 1];
		if (char === "-" && next === "-") {
			const end = sql.indexOf("\n", index);
			const comment = sql.slice(index + 2, end === -1 ? sql.length : end);
			endWord();
			if (comment.trim().startsWith(BREAKPOINT) && depth === 0) flush();
			else text += " ";
			index = end === -1 ? sql.length : end;
			continue;
		}
		if (char === "/" && next === "*") {
			const end = sql.indexOf("*/", index + 2);
			const comment = sql.slice(index, end === -1 ? sql.length : end + 2);
			line += comment.split("\n").length - 1;
			endWord();
			text += " ";
			index += comment.length;
			continue;
		}
		const closing = QUOTES[char];
		if (closing !== undefined) {
			endWord();
			let end = index + 1;
			while (end < sql.length) {
				if (sql[end] === closing) {
					// A doubled quote is an escaped one, inside the same literal.
					if (closing !== "]" && sql[end + 1] === closing) end += 2;
					else break;
				} else end++;
			}
			const quoted = sql.slice(index, end + 1);
			append(quoted);
			line += quoted.split("\n").length - 1;
			index = end + 1;
			continue;
		}
		if (/[A-Za-z0-9_$]/.test(char)) word += char;
		else endWord();
		if (char === ";" && depth === 0) {
			flush();
		} else {
			append(char);
		}
		if (char === "\n") line++;
		index++;
	}
	flush();
	return statements;
}

const QUOTES: Record<string, string> = { "'": "'", '"': '"', "`": "`", "[": "]" };

interface Token {
	/** An identifier without its quotes, a word, a string literal (quotes kept) or one punctuation character. */
	readonly value: string;
	/** Upper-cased for an unquoted word (which may be a keyword), else null. */
	readonly keyword: string | null;
	readonly kind: "word" | "quoted" | "string" | "punctuation";
}

function tokenize(text: string): Token[] {
	const tokens: Token[] = [];
	let index = 0;
	while (index < text.length) {
		const char = text[index];
		if (/\s/.test(char)) {
			index++;
			continue;
		}
		const closing = QUOTES[char];
		if (closing !== undefined) {
			let end = index + 1;
			let value = "";
			while (end < text.length) {
				if (text[end] === closing && closing !== "]" && text[end + 1] === closing) {
					value += closing;
					end += 2;
				} else if (text[end] === closing) break;
				else value += text[end++];
			}
			tokens.push(
				char === "'"
					? { value: `'${value}'`, keyword: null, kind: "string" }
					: { value, keyword: null, kind: "quoted" },
			);
			index = end + 1;
			continue;
		}
		const word = /^[A-Za-z0-9_$]+/.exec(text.slice(index));
		if (word) {
			tokens.push({ value: word[0], keyword: word[0].toUpperCase(), kind: "word" });
			index += word[0].length;
			continue;
		}
		tokens.push({ value: char, keyword: null, kind: "punctuation" });
		index++;
	}
	return tokens;
}

const isPunctuation = (token: Token | undefined, value: string) =>
	token?.kind === "punctuation" && token.value === value;

/** A cursor over tokens, with the few moves the grammar below needs. */
class Tokens {
	private position = 0;
	constructor(private readonly tokens: Token[]) {}

	peek(offset = 0): Token | undefined {
		return this.tokens[this.position + offset];
	}
	/** Consumes the keywords given, in order, when they all come next. */
	accept(...keywords: string[]): boolean {
		if (!keywords.every((keyword, offset) => this.peek(offset)?.keyword === keyword)) return false;
		this.position += keywords.length;
		return true;
	}
	/** A possibly schema-qualified name (`main.items`): the object's own name. */
	name(): string | null {
		const isName = (token: Token | undefined) => token?.kind === "word" || token?.kind === "quoted";
		if (!isName(this.peek())) return null;
		if (isPunctuation(this.peek(1), ".") && isName(this.peek(2))) this.position += 2;
		return this.tokens[this.position++].value;
	}
	/** Everything not yet consumed. */
	rest(): Token[] {
		return this.tokens.slice(this.position);
	}
	/** The tokens inside the parentheses that come next (null when none do), split at top-level commas. */
	parenthesised(): Token[][] | null {
		if (!isPunctuation(this.peek(), "(")) return null;
		this.position++;
		const items: Token[][] = [[]];
		let depth = 0;
		while (this.position < this.tokens.length) {
			const token = this.tokens[this.position++];
			if (isPunctuation(token, "(")) depth++;
			if (isPunctuation(token, ")")) {
				if (depth === 0) return items;
				depth--;
			}
			if (depth === 0 && isPunctuation(token, ",")) items.push([]);
			else items[items.length - 1].push(token);
		}
		return null;
	}
}

const TABLE_CONSTRAINTS = new Set(["CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK"]);

/** A column definition's name and the constraints that decide whether an INSERT may omit it. */
function parseColumnDefinition(tokens: Token[]): ColumnDefinition | null {
	const first = tokens[0];
	if (first === undefined || (first.kind !== "word" && first.kind !== "quoted")) return null;
	if (first.keyword !== null && TABLE_CONSTRAINTS.has(first.keyword)) return null;
	let depth = 0;
	let notNull = false;
	let hasDefault = false;
	for (let index = 1; index < tokens.length; index++) {
		const token = tokens[index];
		if (isPunctuation(token, "(")) depth++;
		else if (isPunctuation(token, ")")) depth--;
		if (depth > 0 || token.keyword === null) continue;
		if (token.keyword === "NOT" && tokens[index + 1]?.keyword === "NULL") notNull = true;
		if (token.keyword === "DEFAULT" || token.keyword === "GENERATED" || token.keyword === "AS") hasDefault = true;
	}
	return { name: first.value, notNull, hasDefault };
}

/** Columns of `CREATE VIRTUAL TABLE … USING fts5(…)`: every argument that is not an `option = value`. */
function virtualTableColumns(items: Token[][]): ColumnDefinition[] {
	return items
		.filter((item) => item.length > 0 && !item.some((token) => isPunctuation(token, "=")))
		.map((item) => ({ name: item[0].value, notNull: false, hasDefault: false }));
}

/** What one statement (from splitStatements) does to the schema. */
export function classifyStatement(text: string): StatementEffect {
	const tokens = new Tokens(tokenize(text));
	const unrecognised: StatementEffect = { kind: "unrecognised" };
	const keyword = tokens.peek()?.keyword;
	if (keyword === "INSERT" || keyword === "REPLACE" || keyword === "UPDATE" || keyword === "DELETE") {
		return { kind: "data" };
	}
	if (keyword === "WITH" || keyword === "SELECT") return { kind: "data" };
	if (keyword === "PRAGMA" || keyword === "ANALYZE" || keyword === "REINDEX") return { kind: "maintenance" };

	if (tokens.accept("CREATE")) {
		tokens.accept("TEMP") || tokens.accept("TEMPORARY");
		if (tokens.accept("VIRTUAL", "TABLE")) {
			tokens.accept("IF", "NOT", "EXISTS");
			const table = tokens.name();
			if (table === null || !tokens.accept("USING")) return unrecognised;
			tokens.name();
			const items = tokens.parenthesised();
			return { kind: "create-table", table, columns: items === null ? [] : virtualTableColumns(items) };
		}
		if (tokens.accept("TABLE")) {
			tokens.accept("IF", "NOT", "EXISTS");
			const table = tokens.name();
			if (table === null) return unrecognised;
			const items = tokens.parenthesised();
			// CREATE TABLE … AS SELECT: the columns are whatever the query returns, which this does not work out.
			if (items === null) return { kind: "create-table", table, columns: null };
			const columns = items.map(parseColumnDefinition).filter((column) => column !== null);
			return { kind: "create-table", table, columns };
		}
		const unique = tokens.accept("UNIQUE");
		if (tokens.accept("INDEX")) {
			tokens.accept("IF", "NOT", "EXISTS");
			const name = tokens.name();
			if (name === null || !tokens.accept("ON")) return unrecognised;
			const table = tokens.name();
			return table === null ? unrecognised : { kind: "create-index", name, table, unique };
		}
		if (unique) return unrecognised;
		for (const [object, kind] of [
			["VIEW", "create-view"],
			["TRIGGER", "create-trigger"],
		] as const) {
			if (tokens.accept(object)) {
				tokens.accept("IF", "NOT", "EXISTS");
				const name = tokens.name();
				return name === null ? unrecognised : { kind, name };
			}
		}
		return unrecognised;
	}

	if (tokens.accept("DROP")) {
		for (const object of ["TABLE", "VIEW", "INDEX", "TRIGGER"] as const) {
			if (!tokens.accept(object)) continue;
			tokens.accept("IF", "EXISTS");
			const name = tokens.name();
			if (name === null) return unrecognised;
			if (object === "TABLE") return { kind: "drop-table", table: name };
			return { kind: `drop-${object.toLowerCase() as "view" | "index" | "trigger"}`, name };
		}
		return unrecognised;
	}

	if (tokens.accept("ALTER", "TABLE")) {
		const table = tokens.name();
		if (table === null) return unrecognised;
		if (tokens.accept("ADD")) {
			tokens.accept("COLUMN");
			const column = parseColumnDefinition(tokens.rest());
			return column === null ? unrecognised : { kind: "add-column", table, column };
		}
		if (tokens.accept("DROP")) {
			tokens.accept("COLUMN");
			const column = tokens.name();
			return column === null ? unrecognised : { kind: "drop-column", table, column };
		}
		if (tokens.accept("RENAME", "TO")) {
			const to = tokens.name();
			return to === null ? unrecognised : { kind: "rename-table", from: table, to };
		}
		if (tokens.accept("RENAME")) {
			tokens.accept("COLUMN");
			const from = tokens.name();
			if (from === null || !tokens.accept("TO")) return unrecognised;
			const to = tokens.name();
			return to === null ? unrecognised : { kind: "rename-column", table, from, to };
		}
	}
	return unrecognised;
}

/** A statement on one line, shortened, for messages. */
export function summarise(text: string, length = 110): string {
	const oneLine = text.replace(/\s+/g, " ").trim();
	return oneLine.length <= length ? oneLine : `${oneLine.slice(0, length - 1)}…`;
}
