/**
 * What makes the graph an Apollo Federation 2 subgraph: the `@link` to the
 * federation spec, `@key` on the entities the contexts declare, and the two
 * fields a router asks a subgraph: `_service { sdl }` and
 * `_entities(representations:)`.
 *
 * Written here rather than taken from @apollo/subgraph, whose federation
 * internals need Node's util, fs and console and so do not bundle for
 * Workers; the subgraph spec is these few definitions, and a test composes
 * the SDL with @apollo/composition so a mistake fails the build.
 */
import { ApiError } from "@goodfood/platform/errors";
import { concatAST, type DocumentNode, Kind, parse, print } from "graphql";
import type { GraphContext } from "./context";
import type { GraphPart } from "./part";

const LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])`;

/** The spec's own definitions, which a router knows and `_service.sdl` leaves out. */
const SPEC_DEFINITIONS = `
	directive @link(url: String!, as: String, import: [link__Import], for: link__Purpose) repeatable on SCHEMA
	directive @key(fields: federation__FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
	directive @shareable repeatable on OBJECT | FIELD_DEFINITION
	scalar link__Import
	scalar federation__FieldSet
	enum link__Purpose { SECURITY EXECUTION }
	scalar _Any
	type _Service { sdl: String }
`;

/** The object types a part marks with `@key`: the entities a router may ask this subgraph to resolve. */
export function entityTypes(typeDefs: DocumentNode): string[] {
	return typeDefs.definitions.flatMap((definition) =>
		(definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
		definition.directives?.some((directive) => directive.name.value === "key")
			? [definition.name.value]
			: [],
	);
}

type Representation = { __typename: string } & Record<string, unknown>;
type ReferenceResolver = (representation: Representation, context: GraphContext, info: unknown) => unknown;

/**
 * The federation part, made from the other parts: an `_Entity` union of their
 * entities, and `_entities` resolving each representation with its type's
 * `__resolveReference`.
 */
export function federationPart(parts: GraphPart[]): { part: GraphPart; sdl: string } {
	const entities = parts.flatMap((part) => entityTypes(part.typeDefs));
	const sdl = `${LINK}\n\n${print(concatAST(parts.map((part) => part.typeDefs)))}`;
	const references = new Map<string, ReferenceResolver>();
	for (const part of parts) {
		for (const entity of entityTypes(part.typeDefs)) {
			const resolve = (part.resolvers[entity] as { __resolveReference?: ReferenceResolver } | undefined)
				?.__resolveReference;
			if (resolve) references.set(entity, resolve);
		}
	}
	const typeDefs = parse(`
		${LINK}
		${SPEC_DEFINITIONS}
		${entities.length > 0 ? `union _Entity = ${entities.join(" | ")}` : ""}
		extend type Query {
			${entities.length > 0 ? "_entities(representations: [_Any!]!): [_Entity]!" : ""}
			_service: _Service!
		}
	`);
	const part: GraphPart = {
		typeDefs,
		resolvers: {
			Query: {
				_service: () => ({ sdl }),
				_entities: (_: unknown, { representations }: { representations: Representation[] }, context, info) =>
					representations.map(async (representation, index) => {
						if (!entities.includes(representation?.__typename)) {
							throw new ApiError(
								"validation_failed",
								`representations.${index}.__typename must name an entity: ${entities.join(", ")}`,
								[{ field: `representations.${index}.__typename`, message: `must be one of ${entities.join(", ")}` }],
							);
						}
						const resolve = references.get(representation.__typename);
						const entity = resolve ? await resolve(representation, context, info) : representation;
						return entity && typeof entity === "object" ? { ...entity, __typename: representation.__typename } : entity;
					}),
			},
			_Entity: { __resolveType: (entity: { __typename: string }) => entity.__typename },
		},
	};
	return { part, sdl };
}
