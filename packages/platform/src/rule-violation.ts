/**
 * A business rule said no. Domain code returns or throws these with a stable
 * code; the HTTP layer maps each code to its status in the error envelope.
 * Plain data, so it also crosses Durable Object RPC intact.
 */
export interface RuleViolation {
	code: string;
	message: string;
	details?: unknown;
}

export class RuleViolationError extends Error {
	constructor(readonly violation: RuleViolation) {
		super(violation.message);
	}
}

export function violation(code: string, message: string, details?: unknown): RuleViolationError {
	return new RuleViolationError({ code, message, ...(details === undefined ? {} : { details }) });
}

/** The outcome of a command that can be refused by a rule. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; violation: RuleViolation };
