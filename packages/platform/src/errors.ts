/**
 * The one error envelope: `{ error: { code, message, details?, requestId } }`.
 * Handlers throw `ApiError`; `handleError` writes every failure in this shape.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { ERROR_CODE_NAMES, ERROR_CODES, type ErrorCode } from "./error-codes";
import { requestLogger } from "./request-log";
import { type RuleViolation, RuleViolationError } from "./rule-violation";

export { ERROR_CODES, type ErrorCode };

export interface FieldIssue {
	field: string;
	message: string;
}

export interface ErrorBody {
	error: { code: ErrorCode; message: string; details?: unknown; requestId: string };
}

export class ApiError extends Error {
	readonly status: ContentfulStatusCode;

	constructor(
		readonly code: ErrorCode,
		message: string,
		readonly details?: unknown,
		status?: ContentfulStatusCode,
	) {
		super(message);
		// The fallback only guards data typed as a code without being checked, such as a violation read back over RPC.
		this.status = status ?? ERROR_CODES[code] ?? 400;
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

/** 415: the body is not JSON, the only media type the API's operations accept (the route's validator refused it). */
function unsupportedMediaType(): ApiError {
	return new ApiError("unsupported_media_type", "The body must be JSON, sent with Content-Type: application/json", [
		{ field: "content-type", message: "must be application/json" },
	]);
}

/** Expected failures answer in the envelope; anything else is a bug, logged and answered 500. */
export function handleError(error: Error, c: Context): Response {
	if (error instanceof ApiError) return errorResponse(c, error);
	if (error instanceof RuleViolationError) return errorResponse(c, ApiError.fromViolation(error.violation));
	if (error instanceof SyntaxError && /JSON/i.test(error.message)) {
		return errorResponse(c, new ApiError("bad_request", "Request body is not valid JSON"));
	}
	const status = (error as { status?: unknown }).status;
	if (status === 415) return errorResponse(c, unsupportedMediaType());
	if (typeof status === "number" && status >= 400 && status < 500) {
		// A library's HTTPException carries only a status: answer the set's code for it, so code and status agree.
		const code = ERROR_CODE_NAMES.find((name) => ERROR_CODES[name] === status) ?? "bad_request";
		return errorResponse(c, new ApiError(code, error.message, undefined, status as ContentfulStatusCode));
	}
	requestLogger(c).error("unhandled error", { error: error.message, stack: error.stack });
	return errorResponse(c, new ApiError("internal_error", "Something went wrong on our side"));
}
