/**
 * The graph's errors in the REST API's terms: every error leaves with a REST
 * code in `extensions.code`, and only bugs are logged.
 */
import { ApiError } from "@goodfood/platform/errors";
import { errorText, writeLog } from "@goodfood/platform/log";
import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { GraphQLError } from "graphql";
import { requestErrorCode, withCode } from "./limits";

/**
 * Every error leaves with a REST code in `extensions.code`: a domain refusal
 * (ApiError) keeps its own; what graphql-js or yoga refuse about the request
 * (syntax, validation, variables) gets the code its REST twin would; anything
 * else, a bug, is masked as internal_error.
 */
export function maskError(error: unknown): Error {
	const path = error instanceof GraphQLError ? error.path : undefined;
	let cause = rootCause(error);
	// A rule broken inside a Durable Object crosses RPC as a violation, exactly as REST meets it.
	if (cause instanceof RuleViolationError) cause = ApiError.fromViolation(cause.violation);
	if (cause instanceof ApiError) {
		return new GraphQLError(cause.message, {
			nodes: error instanceof GraphQLError ? error.nodes : undefined,
			path,
			extensions: { code: cause.code, ...(cause.details === undefined ? {} : { details: cause.details }) },
		});
	}
	// A GraphQLError all the way down, raised before any resolver ran (no path): the request's own fault.
	if (error instanceof GraphQLError && cause instanceof GraphQLError && path === undefined) {
		return withCode(error, requestErrorCode(cause === error ? error : mergeExtensions(error, cause)));
	}
	return new GraphQLError("Unexpected error", { path, extensions: { code: "internal_error" } });
}

/** What an error wraps, unwrapped: graphql-js wraps what resolvers and scalars throw. */
function rootCause(error: unknown): unknown {
	let cause = error;
	while (cause instanceof GraphQLError && cause.originalError) cause = cause.originalError;
	return cause;
}

/** A bug rather than a refusal: neither the domain's (ApiError, a violation) nor graphql-js's. */
function isUnexpected(error: unknown): boolean {
	const cause = rootCause(error);
	return !(cause instanceof ApiError || cause instanceof RuleViolationError || cause instanceof GraphQLError);
}

/**
 * yoga logs every error it masks; refusals are answers, not faults, so only
 * bugs are logged, as REST's error handler logs them.
 */
export const graphLog = {
	debug: () => {},
	info: () => {},
	warn: (...args: unknown[]) => writeLog("warn", "graphql warning", { error: errorText(args[0]) }),
	error: (...args: unknown[]) => {
		if (!isUnexpected(args[0])) return;
		const cause = rootCause(args[0]);
		writeLog("error", "unhandled graphql error", {
			error: errorText(cause),
			stack: cause instanceof Error ? cause.stack : undefined,
			path: args[0] instanceof GraphQLError ? args[0].path?.join(".") : undefined,
		});
	},
};

/** The outer error's extensions over its cause's, so a code set on either is seen. */
function mergeExtensions(error: GraphQLError, cause: GraphQLError): GraphQLError {
	return new GraphQLError(error.message, { extensions: { ...cause.extensions, ...error.extensions } });
}
