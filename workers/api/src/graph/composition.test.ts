/**
 * The committed schema.graphql is a Federation 2 subgraph a router can
 * compose: alone, and beside another subgraph that adds fields to each of our
 * entities by their `@key`, which only composes (satisfiability included) if
 * this subgraph can resolve those entities by that key.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { composeServices } from "@apollo/composition";
import { type DocumentNode, Kind, type ObjectTypeDefinitionNode, parse, print } from "graphql";
import { describe, expect, it } from "vitest";

const committedSdl = readFileSync(path.join(import.meta.dirname, "schema.graphql"), "utf8");
const goodfood = { name: "goodfood", url: "https://goodfood.test/api/v1/graphql", typeDefs: parse(committedSdl) };

interface Entity {
	type: string;
	keyFields: { name: string; type: string }[];
}

/** Our entities and their key fields' types, read from the SDL: `type X @key(fields: "a b")`. */
function entitiesOf(document: DocumentNode): Entity[] {
	return document.definitions
		.filter((definition): definition is ObjectTypeDefinitionNode => definition.kind === Kind.OBJECT_TYPE_DEFINITION)
		.flatMap((definition) => {
			const key = definition.directives?.find((directive) => directive.name.value === "key");
			const fields = key?.arguments?.find((argument) => argument.name.value === "fields")?.value;
			if (!fields || fields.kind !== Kind.STRING) return [];
			const keyFields = fields.value.split(/\s+/).map((name) => {
				const field = definition.fields?.find((candidate) => candidate.name.value === name);
				if (!field) throw new Error(`${definition.name.value}'s @key names ${name}, which it does not have`);
				return { name, type: print(field.type) };
			});
			return [{ type: definition.name.value, keyFields }];
		});
}

/** Another team's subgraph: each of our entities, by its key, with a field of theirs. */
function extendingSubgraph(entities: Entity[]) {
	const types = entities.map(
		({ type, keyFields }) => `
		type ${type} @key(fields: "${keyFields.map((field) => field.name).join(" ")}") {
			${keyFields.map((field) => `${field.name}: ${field.type}`).join("\n")}
			reviewScore: Float
		}`,
	);
	return {
		name: "reviews",
		url: "https://reviews.test/graphql",
		typeDefs: parse(`
			extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
			${types.join("\n")}
			type Query { reviewedLocations: [Location!]! }
		`),
	};
}

function messages(errors: readonly { message: string }[] | undefined): string[] {
	return (errors ?? []).map((error) => error.message);
}

describe("the committed subgraph schema", () => {
	const entities = entitiesOf(goodfood.typeDefs);

	it("declares Location an entity keyed by slug", () => {
		expect(entities).toContainEqual({ type: "Location", keyFields: [{ name: "slug", type: "ID!" }] });
	});

	it("composes alone into a supergraph", () => {
		const result = composeServices([goodfood]);
		expect(messages(result.errors)).toEqual([]);
		expect(result.supergraphSdl).toContain('@join__type(graph: GOODFOOD, key: "slug")');
	});

	it("composes beside a subgraph that extends each of its entities by key", () => {
		const result = composeServices([goodfood, extendingSubgraph(entities)]);
		expect(messages(result.errors)).toEqual([]);
		const supergraph = parse(result.supergraphSdl ?? "");
		const location = supergraph.definitions.find(
			(definition): definition is ObjectTypeDefinitionNode =>
				definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === "Location",
		);
		const fields = location?.fields?.map((field) => field.name.value);
		expect(fields).toEqual(expect.arrayContaining(["slug", "name", "reviewScore"]));
	});

	it("fails to compose when the other subgraph keys an entity by a field we do not have", () => {
		const wrongKey = extendingSubgraph([{ type: "Location", keyFields: [{ name: "code", type: "ID!" }] }]);
		const result = composeServices([goodfood, wrongKey]);
		expect(messages(result.errors).join("\n")).toContain(
			'cannot move to subgraph "reviews" using @key(fields: "code") of "Location"',
		);
	});
});
