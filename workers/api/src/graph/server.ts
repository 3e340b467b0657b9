/**
 * `POST /api/v1/graphql` (and GET for queries): graphql-yoga over the
 * composed schema, behind the same gateway as REST (request ids, logs, CORS,
 * body limit, authentication, rate limits, D1 sessions).
 */
import type { AppEnv } from "@goodfood/platform/app";
import { ApiError } from "@goodfood/platform/errors";
import { GraphQLError } from "graphql";
import { createYoga } from "graphql-yoga";
import type { Context } from "hono";
import type { GraphContext, ServerContext } from "./context";
import { schema } from "./schema";

export const GRAPHQL_PATH = "/api/v1/graphql";

/** A refusal from the domain keeps its REST code; anything else is masked as internal_error. */
function maskError(error: unknown): Error {
	const original = error instanceof GraphQLError && error.originalError ? error.originalError : error;
	if (original instanceof ApiError) {
		return new GraphQLError(original.message, {
			path: error instanceof GraphQLError ? error.path : undefined,
			extensions: { code: original.code, ...(original.details === undefined ? {} : { details: original.details }) },
		});
	}
	if (error instanceof GraphQLError && !error.originalError) return error;
	return new GraphQLError("Unexpected error", {
		path: error instanceof GraphQLError ? error.path : undefined,
		extensions: { code: "internal_error" },
	});
}

export const yoga = createYoga<ServerContext, GraphContext>({
	schema,
	graphqlEndpoint: GRAPHQL_PATH,
	landingPage: false,
	graphiql: (_request, context) => context.hono.env.ENVIRONMENT !== "production",
	maskedErrors: { maskError },
	context: ({ hono }) => ({
		c: hono,
		env: hono.env,
		principal: hono.var.principal,
		memo: new Map(),
	}),
});

/** The Hono handler: yoga answers with the request's own context. */
export function serveGraph(c: Context<AppEnv>): Response | Promise<Response> {
	return yoga.fetch(c.req.raw, { hono: c });
}
