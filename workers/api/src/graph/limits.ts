/**
 * What the graph refuses before running anything, and the REST code each
 * refusal carries in `extensions.code`: too deep, too costly, too many
 * aliases, too many operations in one batch, introspection in production, and
 * what graphql-js and yoga refuse themselves (syntax, validation, a mutation
 * over GET). The gateway's own limits (body size, rate limits) apply first.
 */
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { ERROR_CODES, type ErrorCode } from "@goodfood/platform/error-codes";
import { type ASTVisitor, GraphQLError, type ValidationContext } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ServerContext } from "./context";

export const GRAPH_LIMITS = {
	/** Nested selections; introspection's `__schema` is not counted (it is refused in production). */
	depth: 10,
	/** graphql-armor's estimate: 1 a scalar, 2 an object, children weigh 1.5× per level, `first`/`last` multiply. */
	cost: 5_000,
	/** Aliased fields in one operation (`__typename` is free). */
	aliases: 30,
	/** Operations in one batched request (a JSON array of them). */
	operationsPerRequest: 5,
} as const;

function isErrorCode(code: unknown): code is ErrorCode {
	return typeof code === "string" && Object.hasOwn(ERROR_CODES, code);
}

/** A refusal of the whole request, with the HTTP status the REST code has. */
export function refusal(code: ErrorCode, message: string, options: { nodes?: GraphQLError["nodes"] } = {}) {
	return new GraphQLError(message, {
		nodes: options.nodes,
		extensions: { code, http: { status: ERROR_CODES[code] } },
	});
}

/** graphql-armor reports through callbacks; report its finding as a validation error with our code. */
function reportAs(code: ErrorCode) {
	return [
		(context: ValidationContext | null, error: GraphQLError) => {
			// armor prefixes every finding with "Syntax Error: ", which it is not.
			const message = error.message.replace(/^Syntax Error: /, "");
			if (!context) throw refusal(code, message);
			context.reportError(refusal(code, message));
		},
	];
}

const INTROSPECTION_FIELDS = new Set(["__schema", "__type"]);

/** Production publishes the schema as schema.graphql and to routers through `_service`, not by introspection. */
function introspectionDisabled(context: ValidationContext): ASTVisitor {
	return {
		Field(node) {
			if (!INTROSPECTION_FIELDS.has(node.name.value)) return;
			context.reportError(
				refusal(
					"introspection_disabled",
					`Introspection (${node.name.value}) is disabled in production; the schema is published as schema.graphql and as _service { sdl }`,
					{ nodes: [node] },
				),
			);
		},
	};
}

/** The codes yoga gives what it refuses itself, as REST codes. */
const YOGA_CODES: Record<string, ErrorCode> = {
	GRAPHQL_PARSE_FAILED: "bad_request",
	GRAPHQL_VALIDATION_FAILED: "validation_failed",
	BAD_REQUEST: "bad_request",
	OPERATION_RESOLUTION_FAILURE: "bad_request",
	REQUEST_ENTITY_TOO_LARGE: "payload_too_large",
};

/**
 * The REST code of an error graphql-js or yoga raised about the request
 * itself. graphql-js gives no code to what it refuses while coercing
 * variables or picking the operation: those are the client's input too.
 */
export function requestErrorCode(error: GraphQLError): ErrorCode {
	const { code, http } = error.extensions as { code?: unknown; http?: { status?: number } };
	if (isErrorCode(code)) return code;
	// yoga refuses a mutation sent with GET with 405 and `Allow: POST`.
	if (http?.status === 405) return "method_not_allowed";
	if (typeof code === "string") return YOGA_CODES[code] ?? "bad_request";
	return "validation_failed";
}

/** The same error with `extensions.code` set to a REST code, keeping its locations, path and HTTP hints. */
export function withCode(error: GraphQLError, code: ErrorCode): GraphQLError {
	return new GraphQLError(error.message, {
		nodes: error.nodes,
		source: error.source,
		positions: error.positions,
		path: error.path,
		extensions: { ...error.extensions, code },
	});
}

/** The limits, as yoga plugins. */
export function graphLimits(): Plugin<ServerContext>[] {
	return [
		maxDepthPlugin({ n: GRAPH_LIMITS.depth, propagateOnRejection: false, onReject: reportAs("query_too_deep") }),
		costLimitPlugin({
			maxCost: GRAPH_LIMITS.cost,
			propagateOnRejection: false,
			onReject: reportAs("query_too_costly"),
		}),
		maxAliasesPlugin({
			n: GRAPH_LIMITS.aliases,
			propagateOnRejection: false,
			onReject: reportAs("too_many_aliases"),
		}),
		{
			// Before yoga's own batching limit (the same number), so the refusal carries our code.
			onRequestParse: () => ({
				onRequestParseDone({ requestParserResult }) {
					if (Array.isArray(requestParserResult) && requestParserResult.length > GRAPH_LIMITS.operationsPerRequest) {
						throw refusal(
							"too_many_operations",
							`A batch may hold at most ${GRAPH_LIMITS.operationsPerRequest} operations; this one has ${requestParserResult.length}`,
						);
					}
				},
			}),
			onValidate({ addValidationRule, context }) {
				if (context.hono.env.ENVIRONMENT === "production") addValidationRule(introspectionDisabled);
				// Validation errors never reach maskError: give each its REST code here.
				return ({ valid, result, setResult }) => {
					if (!valid) setResult(result.map((error) => withCode(error, requestErrorCode(error))));
				};
			},
		},
	];
}
