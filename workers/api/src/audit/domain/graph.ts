/**
 * What a GraphQL request wrote, for the audit log: a POST to the graph is a
 * write only when it runs a mutation, and its entry is named by the mutation
 * fields that succeeded (`graphql mutation changeOrderStatus`), not by the
 * one path every operation shares.
 */
import { Kind, type OperationDefinitionNode, parse } from "graphql";

/** One operation as a client posts it (a batch posts a list of them). */
export interface GraphRequest {
	query?: unknown;
	operationName?: unknown;
	variables?: unknown;
}

/** A mutation field an operation runs, and the key its result has in `data` (its alias, if it has one). */
export interface GraphMutation {
	field: string;
	responseKey: string;
}

/**
 * The mutation fields the operation the request names runs, in order; none
 * for a query or a subscription, and none for a document that does not parse
 * or does not say which operation to run (the server refuses those).
 */
export function mutationsOf(request: GraphRequest): GraphMutation[] {
	if (typeof request.query !== "string") return [];
	let operations: OperationDefinitionNode[];
	try {
		operations = parse(request.query, { noLocation: true }).definitions.filter(
			(definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION,
		);
	} catch {
		return [];
	}
	const operation =
		typeof request.operationName === "string"
			? operations.find((candidate) => candidate.name?.value === request.operationName)
			: operations.length === 1
				? operations[0]
				: undefined;
	if (operation?.operation !== "mutation") return [];
	return operation.selectionSet.selections.flatMap((selection) =>
		selection.kind === Kind.FIELD
			? [{ field: selection.name.value, responseKey: selection.alias?.value ?? selection.name.value }]
			: [],
	);
}

/**
 * The mutations whose result came back: every mutation of the graph returns a
 * non-null type, so a refused one leaves `null` (or no `data`) in its place.
 * An answer that cannot be read is taken as success, so a write is never
 * left out for want of reading its answer.
 */
export function succeeded(mutations: GraphMutation[], result: unknown): GraphMutation[] {
	if (result === undefined) return mutations;
	const data = (result as { data?: Record<string, unknown> | null } | null)?.data;
	return mutations.filter((mutation) => data?.[mutation.responseKey] != null);
}

/**
 * The writes of a GraphQL request (one operation or a batch) and the answer
 * it got: the action naming them and the variables they ran with, or
 * undefined when nothing was written.
 */
export function graphWrite(body: unknown, answer: unknown): { action: string; after: unknown } | undefined {
	const requests = (Array.isArray(body) ? body : [body]).filter(
		(request): request is GraphRequest => typeof request === "object" && request !== null,
	);
	const results: unknown[] = Array.isArray(answer) ? answer : [answer];
	const writes = requests
		.map((request, index) => ({
			mutations: succeeded(mutationsOf(request), answer === undefined ? undefined : results[index]),
			variables: request.variables ?? null,
		}))
		.filter((write) => write.mutations.length > 0);
	if (writes.length === 0) return undefined;
	const fields = writes.flatMap((write) => write.mutations.map((mutation) => mutation.field));
	return {
		action: `graphql mutation ${fields.join(", ")}`,
		after: Array.isArray(body) ? writes.map((write) => write.variables) : writes[0]?.variables,
	};
}
