/**
 * A D1 binding that counts the statements run through it, by phase: each
 * `first`/`run`/`all`/`raw` of a prepared statement counts one, each statement
 * of a `batch()` counts one, and sessions from `withSession()` count into the
 * same ledger. The SQL of each is kept, so a test failing on a count can say
 * which statement was added.
 */

export interface CountedStatement {
	phase: string;
	sql: string;
}

export interface D1Counter {
	/** The phase statements run from now on are counted under. */
	phase: string;
	readonly statements: CountedStatement[];
	/** How many statements ran in each phase. */
	byPhase(): Record<string, number>;
	/** The SQL of one phase's statements, in order. */
	sqlOf(phase: string): string[];
}

export function d1Counter(initialPhase = "setup"): D1Counter {
	const statements: CountedStatement[] = [];
	return {
		phase: initialPhase,
		statements,
		byPhase() {
			const counts: Record<string, number> = {};
			for (const { phase } of statements) counts[phase] = (counts[phase] ?? 0) + 1;
			return counts;
		},
		sqlOf(phase) {
			return statements.filter((statement) => statement.phase === phase).map((statement) => statement.sql);
		},
	};
}

/** The real statement behind each counting wrapper, and its SQL, for `batch()`. */
const realStatements = new WeakMap<object, { real: D1PreparedStatement; sql: string }>();

function countingStatement(real: D1PreparedStatement, sql: string, counter: D1Counter): D1PreparedStatement {
	const wrapper = new Proxy(real, {
		get(target, property) {
			if (property === "bind") {
				return (...values: unknown[]) => countingStatement(target.bind(...values), sql, counter);
			}
			const value = Reflect.get(target, property, target);
			if (typeof value !== "function") return value;
			if (property === "first" || property === "run" || property === "all" || property === "raw") {
				return (...args: unknown[]) => {
					counter.statements.push({ phase: counter.phase, sql });
					return (value as (...a: unknown[]) => unknown).apply(target, args);
				};
			}
			return value.bind(target);
		},
	});
	realStatements.set(wrapper, { real, sql });
	return wrapper;
}

/** `d1` (the database or a session) with every statement it runs counted in `counter`. */
export function countingD1<T extends D1Database | D1DatabaseSession>(d1: T, counter: D1Counter): T {
	return new Proxy(d1, {
		get(target, property) {
			const value = Reflect.get(target, property, target);
			if (property === "prepare") {
				return (sql: string) => countingStatement((target as D1Database).prepare(sql), sql, counter);
			}
			if (property === "batch") {
				return (batch: D1PreparedStatement[]) => {
					const real = batch.map((statement) => {
						const known = realStatements.get(statement);
						if (!known) throw new Error("a statement prepared outside the counting binding reached batch()");
						counter.statements.push({ phase: counter.phase, sql: known.sql });
						return known.real;
					});
					return (target as D1Database).batch(real);
				};
			}
			if (property === "withSession") {
				return (constraint?: string) =>
					countingD1((target as D1Database).withSession(constraint as D1SessionConstraint), counter);
			}
			if (property === "exec") {
				return (sql: string) => {
					counter.statements.push({ phase: counter.phase, sql });
					return (target as D1Database).exec(sql);
				};
			}
			return typeof value === "function" ? value.bind(target) : value;
		},
	});
}

const COUNTED_METHODS = ["prepare", "batch", "withSession", "exec"] as const;

/**
 * Counts the statements run through a D1 binding object itself, for whoever
 * holds it: its methods are replaced on the object (a swap of the env's
 * property would not reach code that already holds the binding, such as the
 * regions parsed once per env). Returns the undo.
 */
export function countInPlace(d1: D1Database, counter: D1Counter): () => void {
	const target = d1 as unknown as Record<string, unknown>;
	const real = Object.fromEntries(
		COUNTED_METHODS.map((name) => [name, (target[name] as (...args: unknown[]) => unknown).bind(d1)]),
	);
	const counting = countingD1(real as unknown as D1Database, counter) as unknown as Record<string, unknown>;
	for (const name of COUNTED_METHODS) target[name] = counting[name];
	return () => {
		for (const name of COUNTED_METHODS) delete target[name];
	};
}
