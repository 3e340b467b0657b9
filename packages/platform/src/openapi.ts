/** Pieces every route's OpenAPI declaration shares. */
import { z } from "@hono/zod-openapi";
import { ERROR_CODE_NAMES } from "./error-codes";

export const ErrorSchema = z
	.object({
		error: z.object({
			code: z.enum(ERROR_CODE_NAMES).openapi({
				description: "Why the request failed, one of a closed set of codes",
				example: "validation_failed",
			}),
			message: z.string(),
			details: z.unknown().optional(),
			requestId: z.string(),
		}),
	})
	.openapi("Error");

const errorMeanings = {
	400: "Malformed input (`validation_failed`, `bad_request`; details name the fields), or an `x-d1-bookmark` this API did not give out (`invalid_bookmark`)",
	401: "Missing or invalid credentials (`unauthorized`)",
	402: "The card was declined or its second step failed (`payment_declined`); the cart is open again",
	403: "Signed in, but not allowed",
	404: "Not found",
	409: "Conflicts with the current state",
	410: "An e-mailed link that has expired (`link_expired`) or was already used (`link_used`)",
	422: "Well-formed but not acceptable",
	502: "The payment provider did not answer (`payment_provider_unavailable`)",
} as const;

/** The error responses a route can give, all in the one envelope. */
export function errorResponses(...statuses: (keyof typeof errorMeanings)[]) {
	return Object.fromEntries(
		statuses.map((status) => [
			status,
			{ description: errorMeanings[status], content: { "application/json": { schema: ErrorSchema } } },
		]),
	) as Record<
		keyof typeof errorMeanings,
		{ description: string; content: { "application/json": { schema: typeof ErrorSchema } } }
	>;
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
	return { description, content: { "application/json": { schema } } };
}
