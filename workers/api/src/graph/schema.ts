/**
 * The graph: every bounded context's part, composed into one schema that is
 * also an Apollo Federation 2 subgraph (`graph/federation.ts`), so a company
 * with a supergraph can compose GoodFood into it.
 */
import { parse } from "graphql";
import { createSchema } from "graphql-yoga";
import { menuGraph } from "../menu/graph";
import type { GraphContext, ServerContext } from "./context";
import { federationPart } from "./federation";
import type { GraphPart } from "./part";

const root: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		type Query {
			"The version of the API this graph belongs to."
			apiVersion: String!
		}
	`),
	resolvers: { Query: { apiVersion: () => "v1" } },
};

/** Every context's part; a new one is added here and nowhere else. */
export const GRAPH_PARTS: GraphPart[] = [root, menuGraph];

const federation = federationPart(GRAPH_PARTS);

/** The subgraph's SDL, as `_service { sdl }` answers it (committed as schema.graphql and checked). */
export const SUBGRAPH_SDL = federation.sdl;

export const schema = createSchema<ServerContext & GraphContext>({
	typeDefs: [...GRAPH_PARTS, federation.part].map((part) => part.typeDefs),
	resolvers: [...GRAPH_PARTS, federation.part].map((part) => part.resolvers),
});
