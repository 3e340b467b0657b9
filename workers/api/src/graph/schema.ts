/**
 * The graph: every bounded context's part, composed into one schema that is
 * also an Apollo Federation 2 subgraph (`graph/federation.ts`), so a company
 * with a supergraph can compose GoodFood into it.
 */
import { type DocumentNode, Kind, parse } from "graphql";
import { createSchema } from "graphql-yoga";
import { accountsGraph } from "../accounts/graph";
import { cartGraph } from "../cart/graph";
import { intelligenceGraph } from "../intelligence/graph";
import { menuGraph } from "../menu/graph";
import { orderingGraph } from "../ordering/graph";
import { liveGraph } from "../ordering/live-graph";
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
export const GRAPH_PARTS: GraphPart[] = [
	root,
	menuGraph,
	accountsGraph,
	liveGraph,
	cartGraph,
	orderingGraph,
	intelligenceGraph,
];

const OPERATION_ROOTS = ["Mutation", "Subscription"];

/**
 * Parts add root fields with `extend type Mutation` / `extend type Subscription`.
 * GraphQL forbids an empty type, so rather than a placeholder field, the first
 * extension of a root nobody defines becomes its definition: a root exists once
 * a part gives it a field, and the parts stay order-independent.
 */
export function withOperationRoots(documents: DocumentNode[]): DocumentNode[] {
	const defined = new Set(
		documents.flatMap((document) =>
			document.definitions.flatMap((definition) =>
				definition.kind === Kind.OBJECT_TYPE_DEFINITION ? [definition.name.value] : [],
			),
		),
	);
	return documents.map((document) => ({
		...document,
		definitions: document.definitions.map((definition) => {
			if (
				definition.kind !== Kind.OBJECT_TYPE_EXTENSION ||
				!OPERATION_ROOTS.includes(definition.name.value) ||
				defined.has(definition.name.value)
			) {
				return definition;
			}
			defined.add(definition.name.value);
			return { ...definition, kind: Kind.OBJECT_TYPE_DEFINITION };
		}),
	}));
}

interface ComposedGraph {
	schema: ReturnType<typeof createSchema<ServerContext & GraphContext>>;
	sdl: string;
}

let composed: ComposedGraph | undefined;

/**
 * The schema and its SDL, composed on first use rather than when an isolate
 * starts: most requests never touch the graph, and building and validating
 * the schema is the costliest thing this module does.
 */
function composeGraph(): ComposedGraph {
	if (!composed) {
		const federation = federationPart(GRAPH_PARTS);
		const parts = [...GRAPH_PARTS, federation.part];
		composed = {
			sdl: federation.sdl,
			schema: createSchema<ServerContext & GraphContext>({
				typeDefs: withOperationRoots(parts.map((part) => part.typeDefs)),
				resolvers: parts.map((part) => part.resolvers),
			}),
		};
	}
	return composed;
}

/** The executable schema. */
export function graphSchema(): ComposedGraph["schema"] {
	return composeGraph().schema;
}

/** The subgraph's SDL, as `_service { sdl }` answers it (committed as schema.graphql and checked). */
export function subgraphSdl(): string {
	return composeGraph().sdl;
}
