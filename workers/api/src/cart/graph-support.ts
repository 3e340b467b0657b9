/**
 * What the cart and ordering graph parts share: arguments checked with the
 * REST routes' own zod schemas (their refusals named by the GraphQL argument),
 * and a location completed from its slug as the menu's Location type expects.
 */
import { ApiError, validationError } from "@goodfood/platform/errors";
import type { z } from "@hono/zod-openapi";
import DataLoader from "dataloader";
import { database } from "../db/client";
import { type GraphContext, perOperation } from "../graph/context";
import { findLocation } from "../menu/repository";
import { describeLocation } from "../menu/routes";

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
function graphField(field: string, prefix: string | undefined): string {
	const renamed = field
		.split(".")
		.map((segment) => GRAPH_NAMES[segment] ?? segment)
		.join(".");
	return prefix ? (renamed === "(root)" ? prefix : `${prefix}.${renamed}`) : renamed;
}

interface ValidationOptions {
	/** The argument holding the value (`input`), when it is one input object. */
	argument?: string;
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
		field: graphField(issue.field, options.argument),
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

type DescribedLocation = ReturnType<typeof describeLocation>;

/** The location as the menu's `Location` type resolves it, read once per operation per slug. */
export function locationBySlug(context: GraphContext, slug: string): Promise<DescribedLocation> {
	const loader = perOperation(
		context,
		"cart:locations",
		() =>
			new DataLoader<string, DescribedLocation>(async (slugs) => {
				const now = new Date();
				const db = database(context.c.var.d1);
				return Promise.all(
					slugs.map(async (each) => {
						const row = await findLocation(db, each);
						return row ? describeLocation(row, now) : ApiError.notFound("Location");
					}),
				);
			}),
	);
	return loader.load(slug);
}
