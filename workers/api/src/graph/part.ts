/**
 * A bounded context's share of the graph: its SDL and its resolvers, kept next
 * to its REST routes (`menu/graph.ts`, `cart/graph.ts`, …) and composed by
 * `graph/schema.ts` into one Apollo Federation 2 subgraph. An entity (`@key`)
 * resolves a router's reference with `__resolveReference` on its type.
 */
import type { IResolvers } from "@graphql-tools/utils";
import type { DocumentNode } from "graphql";
import type { GraphContext } from "./context";

export interface GraphPart {
	typeDefs: DocumentNode;
	resolvers: IResolvers<unknown, GraphContext>;
}
