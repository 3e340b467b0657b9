/**
 * Arguments as the REST routes accept them: checked with the routes' own zod
 * schemas, refused as REST refuses them, with `details[].field` naming the
 * GraphQL argument rather than the REST field.
 */
import { ApiError, validationError } from "@goodfood/platform/errors";
import type { z } from "@hono/zod-openapi";

/** REST field names whose GraphQL argument is called otherwise. */
const GRAPH_NAMES: Record<string, string> = {
	itemId: "item",
	locationSlug: "location",
	cartId: "cart",
	lineId: "line",
	orderId: "order",
	"idempotency-key": "idempotencyKey",
};

/** A REST field path (`items.0.itemId`) as the GraphQL argument path (`input.items.0.item`). */
function graphField(field: string, prefix: string | undefined, rename: Record<string, string> = {}): string {
	const renamed = field
		.split(".")
		.map((segment) => rename[segment] ?? GRAPH_NAMES[segment] ?? segment)
		.join(".");
	return prefix ? (renamed === "(root)" ? prefix : `${prefix}.${renamed}`) : renamed;
}

interface ValidationOptions {
	/** The argument holding the value (`input`), when it is one input object. */
	argument?: string;
	/** This query's own REST-to-graph names, beside the common ones (REST's `q` is the graph's `query`). */
	rename?: Record<string, string>;
	/** How the REST route words a refusal of this input: `orderInputError` for order inputs, plain validation otherwise. */
	refusal?: (error: z.ZodError) => ApiError;
}

/**
 * The value as the REST schema accepts it, or the same refusal REST gives,
 * with `details[].field` naming the GraphQL argument.
 */
export function validated<S extends z.ZodType>(schema: S, value: unknown, options: ValidationOptions = {}): z.infer<S> {
	const result = schema.safeParse(value);
	if (result.success) return result.data;
	const refusal = (options.refusal ?? validationError)(result.error);
	const details = (refusal.details as { field: string; message: string }[]).map((issue) => ({
		...issue,
		field: graphField(issue.field, options.argument, options.rename),
	}));
	const fields = [...new Set(details.map((issue) => issue.field))].join(", ");
	throw new ApiError(refusal.code, `Invalid ${fields}`, details);
}

/**
 * GraphQL's null for an optional argument or input field means "not given",
 * as an absent JSON field does for REST: dropped, so the schema's defaults apply.
 */
export function withoutNulls(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(withoutNulls);
	if (value === null || typeof value !== "object") return value;
	return Object.fromEntries(
		Object.entries(value)
			.filter(([, field]) => field !== null && field !== undefined)
			.map(([key, field]) => [key, withoutNulls(field)]),
	);
}
