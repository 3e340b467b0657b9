/**
 * A business rule said no. Domain code returns or throws these with a stable
 * code; the HTTP layer maps each code to its status in the error envelope.
 * Plain data, so it also crosses Durable Object RPC intact. The code is one
 * of the API's closed set, so the HTTP layer answers it without a cast.
 */
import type { ErrorCode } from "./error-codes";

export interface RuleViolation {
	code: ErrorCode;
	message: string;
	details?: unknown;
}

export class RuleViolationError extends Error {
	constructor(readonly violation: RuleViolation) {
		super(violation.message);
	}
}

export function violation(code: ErrorCode, message: string, details?: unknown): RuleViolationError {
	return new RuleViolationError({ code, message, ...(details === undefined ? {} : { details }) });
}

/** The outcome of a command that can be refused by a rule. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; violation: RuleViolation };
