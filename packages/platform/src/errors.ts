/**
 * The one error envelope: `{ error: { code, message, details?, requestId } }`.
 * Handlers throw `ApiError`; `handleError` writes every failure in this shape.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { requestLogger } from "./request-log";
import { type RuleViolation, RuleViolationError } from "./rule-violation";

export const ERROR_CODES = {
	bad_request: 400,
	validation_failed: 400,
	idempotency_key_required: 400,
	quantity_out_of_range: 400,
	invalid_tip: 400,
	delivery_address_required: 400,
	unauthorized: 401,
	forbidden: 403,
	not_found: 404,
	cart_not_found: 404,
	line_not_found: 404,
	method_not_allowed: 405,
	conflict: 409,
	email_taken: 409,
	illegal_transition: 409,
	cart_checked_out: 409,
	cart_empty: 409,
	cart_full: 409,
	item_sold_out: 409,
	item_unavailable: 409,
	location_closed: 409,
	prices_changed: 409,
	idempotency_key_in_use: 409,
	payload_too_large: 413,
	unprocessable: 422,
	unknown_item: 422,
	item_not_at_location: 422,
	unknown_option: 422,
	option_required: 422,
	too_many_options: 422,
	quantity_exceeded: 422,
	currency_mismatch: 422,
	pickup_not_offered: 422,
	delivery_not_offered: 422,
	outside_delivery_radius: 422,
	slot_unavailable: 422,
	idempotency_key_reused: 422,
	rate_limited: 429,
	internal_error: 500,
	unavailable: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
	field: string;
	message: string;
}

export interface ErrorBody {
	error: { code: string; message: string; details?: unknown; requestId: string };
}

export class ApiError extends Error {
	readonly status: ContentfulStatusCode;

	constructor(
		readonly code: ErrorCode | (string & {}),
		message: string,
		readonly details?: unknown,
		status?: ContentfulStatusCode,
	) {
		super(message);
		this.status = status ?? ERROR_CODES[code as ErrorCode] ?? 400;
	}

	static notFound(what: string): ApiError {
		return new ApiError("not_found", `${what} not found`);
	}

	static fromViolation(violation: RuleViolation): ApiError {
		return new ApiError(violation.code, violation.message, violation.details);
	}
}

/** Names each failing field by its path, e.g. `modifierGroups.0.maxSelections`. */
export function fieldIssues(error: ZodError, prefix?: string): FieldIssue[] {
	return error.issues.map((issue) => ({
		field: [prefix, ...issue.path.map(String)].filter(Boolean).join(".") || "(root)",
		message: issue.message,
	}));
}

export function validationError(error: ZodError): ApiError {
	const issues = fieldIssues(error);
	const fields = [...new Set(issues.map((issue) => issue.field))].join(", ");
	return new ApiError("validation_failed", `Invalid ${fields}`, issues);
}

export function requestIdOf(c: Context): string {
	return c.get("requestId") ?? c.req.header("x-request-id") ?? "unknown";
}

export function errorResponse(c: Context, error: ApiError): Response {
	const body: ErrorBody = {
		error: {
			code: error.code,
			message: error.message,
			...(error.details === undefined ? {} : { details: error.details }),
			requestId: requestIdOf(c),
		},
	};
	return c.json(body, error.status);
}

/** Expected failures answer in the envelope; anything else is a bug, logged and answered 500. */
export function handleError(error: Error, c: Context): Response {
	if (error instanceof ApiError) return errorResponse(c, error);
	if (error instanceof RuleViolationError) return errorResponse(c, ApiError.fromViolation(error.violation));
	if (error instanceof SyntaxError && /JSON/i.test(error.message)) {
		return errorResponse(c, new ApiError("bad_request", "Request body is not valid JSON"));
	}
	const status = (error as { status?: unknown }).status;
	if (typeof status === "number" && status >= 400 && status < 500) {
		return errorResponse(c, new ApiError("bad_request", error.message, undefined, status as ContentfulStatusCode));
	}
	requestLogger(c).error("unhandled error", { error: error.message, stack: error.stack });
	return errorResponse(c, new ApiError("internal_error", "Something went wrong on our side"));
}
