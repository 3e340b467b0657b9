/**
 * fast-check arbitraries from zod 4 schemas: values the schema should accept,
 * and near-misses it should refuse (wrong types, missing or extra fields,
 * numbers and lengths just out of range, huge and odd strings).
 *
 * Written here because the maintained bridge, zod-fast-check, supports only
 * zod 3 and fast-check 3. It reads zod 4's own definitions (`_zod.def`), so
 * it sees the same checks the API validates with. Refinements cannot be
 * inverted, so a "valid" value may still fail one: the properties hold for
 * any input, and the mix only decides how deep requests get.
 */
import fc from "fast-check";
import type { z } from "zod";

export type Schema = z.core.$ZodType;

/** Known good values by field or parameter name (e.g. `itemId`), so valid requests reach existing things. */
export type Hints = Readonly<Record<string, readonly unknown[]>>;

interface Check {
	check: string;
	value?: number;
	inclusive?: boolean;
	minimum?: number;
	maximum?: number;
	length?: number;
	format?: string;
	pattern?: RegExp;
}

interface Def {
	type: string;
	checks?: { _zod: { def: Check } }[];
	format?: string;
	pattern?: RegExp;
	shape?: Record<string, Schema>;
	element?: Schema;
	innerType?: Schema;
	options?: Schema[];
	items?: Schema[];
	left?: Schema;
	right?: Schema;
	in?: Schema;
	out?: Schema;
	keyType?: Schema;
	valueType?: Schema;
	values?: unknown[];
	entries?: Record<string, string | number>;
	getter?: () => Schema;
	defaultValue?: unknown;
}

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;
const checksOf = (schema: Schema) => (defOf(schema).checks ?? []).map((check) => check._zod.def);

/** Whether an object may leave the key out (optional, or filled in by a default). */
export function isOptional(schema: Schema): boolean {
	return schema._zod.optin === "optional";
}

/** Longest string or array a valid value gets, so bodies stay small unless a near-miss wants them big. */
const VALID_LENGTH_SPREAD = 24;
const VALID_ARRAY_SPREAD = 4;
const UNBOUNDED = 100_000;

interface Bounds {
	min?: number;
	max?: number;
	integer: boolean;
}

function numberBounds(schema: Schema): Bounds {
	const bounds: Bounds = { integer: defOf(schema).format === "safeint" || defOf(schema).format === "int32" };
	for (const check of checksOf(schema)) {
		if (check.check === "number_format") bounds.integer = check.format !== "float32" && check.format !== "float64";
		if (check.check === "greater_than" && check.value !== undefined)
			bounds.min = check.inclusive ? check.value : check.value + (bounds.integer ? 1 : Number.EPSILON);
		if (check.check === "less_than" && check.value !== undefined)
			bounds.max = check.inclusive ? check.value : check.value - (bounds.integer ? 1 : Number.EPSILON);
	}
	return bounds;
}

function lengthBounds(schema: Schema): { min: number; max: number | undefined } {
	let min = 0;
	let max: number | undefined;
	for (const check of checksOf(schema)) {
		if (check.check === "min_length" && check.minimum !== undefined) min = check.minimum;
		if (check.check === "max_length" && check.maximum !== undefined) max = check.maximum;
		if (check.check === "length_equals" && check.length !== undefined) min = max = check.length;
	}
	return { min, max };
}

function patternOf(schema: Schema): RegExp | undefined {
	const def = defOf(schema);
	if (def.format === "regex" && def.pattern) return def.pattern;
	return checksOf(schema).find((check) => check.check === "string_format" && check.format === "regex")?.pattern;
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/);

function validString(schema: Schema): fc.Arbitrary<string> {
	const { min, max } = lengthBounds(schema);
	const format = defOf(schema).format;
	if (format === "email") return fc.tuple(word, word).map(([user, domain]) => `${user}@${domain}.example`);
	if (format === "datetime")
		return fc
			.date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2035-01-01T00:00:00Z"), noInvalidDate: true })
			.map((date) => date.toISOString());
	if (format === "uuid" || format === "guid") return fc.uuid();
	if (format === "url") return fc.webUrl();
	const pattern = patternOf(schema);
	if (pattern) {
		// Where a minimum length asks for it, longer draws, kept only when long enough (the API's
		// patterns all reach their minimum, so the filter ends quickly); too long is cut.
		const matching = min > 0 ? fc.stringMatching(pattern, { size: "medium" }) : fc.stringMatching(pattern);
		const cut = max === undefined ? matching : matching.map((value) => value.slice(0, max));
		return min > 0 ? cut.filter((value) => value.length >= min) : cut;
	}
	return fc.string({ minLength: min, maxLength: Math.min(max ?? UNBOUNDED, min + VALID_LENGTH_SPREAD) });
}

function validNumber(schema: Schema): fc.Arbitrary<number> {
	const { min, max, integer } = numberBounds(schema);
	if (integer) {
		const low = Math.ceil(min ?? -1000);
		return fc.integer({ min: low, max: Math.floor(max ?? Math.max(low, 0) + 10_000) });
	}
	return fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true, noDefaultInfinity: true });
}

/** Values `schema` should accept; string fields named in `hints` mostly take a known value. */
export function validValue(schema: Schema, hints: Hints = {}, key?: string): fc.Arbitrary<unknown> {
	const def = defOf(schema);
	const known = key === undefined ? undefined : hints[key];
	const withHints = <T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
		known && known.length > 0
			? fc.oneof({ arbitrary: fc.constantFrom(...known), weight: 4 }, { arbitrary, weight: 1 })
			: arbitrary;
	switch (def.type) {
		case "string":
			return withHints(validString(schema));
		case "number":
			return withHints(validNumber(schema));
		case "boolean":
			return fc.boolean();
		case "null":
			return fc.constant(null);
		case "undefined":
			return fc.constant(undefined);
		case "literal":
			return fc.constantFrom(...(def.values ?? []));
		case "enum":
			return fc.constantFrom(...Object.values(def.entries ?? {}));
		case "object": {
			const shape = def.shape ?? {};
			const model = Object.fromEntries(
				Object.entries(shape).map(([name, field]) => [name, validValue(field, hints, name)]),
			);
			const requiredKeys = Object.keys(shape).filter((name) => !isOptional(shape[name]));
			return fc.record(model, { requiredKeys });
		}
		case "array": {
			const { min, max } = lengthBounds(schema);
			return fc.array(validValue(def.element as Schema, hints, key), {
				minLength: min,
				maxLength: Math.min(max ?? UNBOUNDED, min + VALID_ARRAY_SPREAD),
			});
		}
		case "tuple":
			return fc.tuple(...(def.items ?? []).map((item) => validValue(item, hints)));
		case "record": {
			const keyDef = defOf(def.keyType as Schema);
			const value = validValue(def.valueType as Schema, hints);
			// A record over an enum must hold every key.
			if (keyDef.type === "enum")
				return fc.record(Object.fromEntries(Object.values(keyDef.entries ?? {}).map((name) => [name, value])));
			return fc.dictionary(word, value, { maxKeys: 4 });
		}
		case "optional":
			return fc.option(validValue(def.innerType as Schema, hints, key), { nil: undefined, freq: 4 });
		case "nullable":
			return fc.option(validValue(def.innerType as Schema, hints, key), { nil: null, freq: 4 });
		case "default":
		case "prefault":
		case "readonly":
		case "catch":
		case "nonoptional":
			return validValue(def.innerType as Schema, hints, key);
		case "union":
			return fc.oneof(...(def.options ?? []).map((option) => validValue(option, hints, key)));
		case "intersection":
			return fc
				.tuple(validValue(def.left as Schema, hints), validValue(def.right as Schema, hints))
				.map(([left, right]) => ({ ...(left as object), ...(right as object) }));
		case "pipe":
			// A preprocess is a transform piped into the real schema; otherwise the input side is what is sent.
			return defOf(def.in as Schema).type === "transform"
				? validValue(def.out as Schema, hints, key)
				: validValue(def.in as Schema, hints, key);
		case "lazy":
			return validValue((def.getter as () => Schema)(), hints, key);
		case "date":
			return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
		default:
			// unknown, any, transform and anything newer: any JSON at all.
			return fc.jsonValue({ maxDepth: 2 });
	}
}

/** A string far over any field's limit, up to just past the 64 KiB body limit once encoded. */
export const hugeString = fc
	.tuple(fc.constantFrom("a", "é", "😀", "\u0000", "<"), fc.integer({ min: 1_000, max: 70_000 }))
	.map(([unit, count]) => unit.repeat(Math.ceil(count / unit.length)));

const oddString = fc.oneof(
	fc.string({ unit: "binary", maxLength: 40 }),
	fc.constantFrom("", " ", "null", "0", "-1", "../../etc/passwd", "' OR 1=1 --", "%00", "\u202e", "a\nb", "{}", "[]"),
);

/** Values of the wrong JSON type for almost any field. */
const wrongType = fc.oneof(
	fc.constantFrom<unknown>(null, true, false, 0, -1, 1.5, "", "x", [], {}, [1, 2]),
	fc.jsonValue({ maxDepth: 2 }),
);

function nearMissString(schema: Schema): fc.Arbitrary<unknown> {
	const { min, max } = lengthBounds(schema);
	const misses: fc.Arbitrary<unknown>[] = [wrongType, oddString, hugeString];
	if (max !== undefined) misses.push(fc.constant("x".repeat(max + 1)));
	if (min > 0) misses.push(fc.constant("x".repeat(min - 1)));
	if (patternOf(schema) || defOf(schema).format) misses.push(validString(schema).map((value) => `${value}\u0000!`));
	return fc.oneof(...misses);
}

function nearMissNumber(schema: Schema): fc.Arbitrary<unknown> {
	const { min, max, integer } = numberBounds(schema);
	const edges: unknown[] = [1e308, -1e308, 2 ** 53, -(2 ** 53), "12", -0];
	if (min !== undefined) edges.push(min - 1);
	if (max !== undefined) edges.push(max + 1);
	if (integer) edges.push(0.5, (min ?? 0) + 0.25);
	return fc.oneof(fc.constantFrom(...edges), wrongType);
}

function nearMissObject(schema: Schema, hints: Hints): fc.Arbitrary<unknown> {
	const shape = defOf(schema).shape ?? {};
	const names = Object.keys(shape);
	const valid = validValue(schema, hints) as fc.Arbitrary<Record<string, unknown>>;
	const misses: fc.Arbitrary<unknown>[] = [
		wrongType,
		// An unknown extra field.
		fc.tuple(valid, word, wrongType).map(([value, name, extra]) => ({ ...value, [`x_${name}`]: extra })),
	];
	const required = names.filter((name) => !isOptional(shape[name]));
	if (required.length > 0) {
		// A required field left out.
		misses.push(
			fc.tuple(valid, fc.constantFrom(...required)).map(([value, name]) => {
				const { [name]: _, ...rest } = value;
				return rest;
			}),
		);
	}
	if (names.length > 0) {
		// One field just wrong, the rest valid.
		misses.push(
			fc
				.constantFrom(...names)
				.chain((name) =>
					fc.tuple(valid, nearMiss(shape[name], hints)).map(([value, miss]) => ({ ...value, [name]: miss })),
				),
		);
	}
	return fc.oneof(...misses);
}

/** Values `schema` should refuse, or that sit at its edges. */
export function nearMiss(schema: Schema, hints: Hints = {}): fc.Arbitrary<unknown> {
	const def = defOf(schema);
	switch (def.type) {
		case "string":
			return nearMissString(schema);
		case "number":
			return nearMissNumber(schema);
		case "literal":
		case "enum": {
			const members = def.type === "literal" ? (def.values ?? []) : Object.values(def.entries ?? {});
			return fc.oneof(
				fc.constantFrom(...members).map((member) => `${String(member).toUpperCase()}_`),
				wrongType,
			);
		}
		case "object":
			return nearMissObject(schema, hints);
		case "array": {
			const { max } = lengthBounds(schema);
			const element = def.element as Schema;
			const misses = [wrongType, fc.array(nearMiss(element, hints), { minLength: 1, maxLength: 3 })];
			if (max !== undefined)
				misses.push(fc.array(validValue(element, hints), { minLength: max + 1, maxLength: max + 1 }));
			return fc.oneof(...misses);
		}
		case "optional":
		case "nullable":
		case "default":
		case "prefault":
		case "readonly":
		case "catch":
		case "nonoptional":
			return nearMiss(def.innerType as Schema, hints);
		case "union":
			return fc.oneof(...(def.options ?? []).map((option) => nearMiss(option, hints)));
		case "intersection":
			return fc.oneof(nearMiss(def.left as Schema, hints), nearMiss(def.right as Schema, hints));
		case "pipe":
			return defOf(def.in as Schema).type === "transform"
				? nearMiss(def.out as Schema, hints)
				: nearMiss(def.in as Schema, hints);
		case "lazy":
			return nearMiss((def.getter as () => Schema)(), hints);
		default:
			return fc.oneof(wrongType, hugeString);
	}
}

/** Mostly valid values, with near-misses mixed in one time in `1 + validWeight`. */
export function inputValue(schema: Schema, hints: Hints = {}, validWeight = 3): fc.Arbitrary<unknown> {
	return fc.oneof(
		{ arbitrary: validValue(schema, hints), weight: validWeight },
		{ arbitrary: nearMiss(schema, hints), weight: 1 },
	);
}
