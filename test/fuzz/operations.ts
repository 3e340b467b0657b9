/**
 * The API's operations as the fuzzers see them: each route's request zod
 * schemas and documented responses from the app's OpenAPI registry (the same
 * declarations the worker validates with and the document is generated
 * from), the statuses the served document lists for it, and an arbitrary of
 * requests for it: valid and near-miss parameters, queries, headers and
 * bodies, odd content types and oversized bodies, from several principals.
 */
import { MAX_BODY_BYTES } from "@goodfood/platform/gateway";
import fc from "fast-check";
import { type Hints, hugeString, inputValue, isOptional, nearMiss, type Schema, validValue } from "./arbitraries";

type ObjectSchema = Schema & { _zod: { def: { shape: Record<string, Schema> } } };

interface RegistryRoute {
	method: string;
	path: string;
	request?: {
		params?: ObjectSchema;
		query?: ObjectSchema;
		headers?: ObjectSchema;
		body?: { content: Record<string, { schema: Schema }> };
	};
	responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}

/** What `app.openAPIRegistry.definitions` holds, as far as the fuzzers read it. */
export type RegistryDefinitions = readonly ({ type: "route"; route: RegistryRoute } | { type: string })[];

/** The OpenAPI registry of an app built with @hono/zod-openapi (its chained type no longer says so). */
export function registryOf(app: object): RegistryDefinitions {
	const registry = (app as { openAPIRegistry?: { definitions: RegistryDefinitions } }).openAPIRegistry;
	if (!registry) throw new Error("the app has no OpenAPI registry: is it an OpenAPIHono?");
	return registry.definitions;
}

/** The served OpenAPI document, as far as the fuzzers read it. */
export interface ApiDocument {
	servers?: { url: string }[];
	paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

export interface FuzzOperation {
	/** `METHOD /api/v1/path/{param}`, the key every report uses. */
	name: string;
	method: string;
	path: string;
	params?: ObjectSchema;
	query?: ObjectSchema;
	headers?: ObjectSchema;
	body?: Schema;
	/** Response schemas the route declares, by status and media type. */
	responses: Record<string, Record<string, Schema | undefined>>;
	/** Every status the served document lists for the operation (the gateway's 429 and 413 included). */
	documentedStatuses: Set<string>;
}

export interface FuzzRequest {
	operation: string;
	principal: string;
	method: string;
	/** Path and query string, e.g. `/api/v1/carts/crt_…?tip=5`. */
	url: string;
	headers: Record<string, string>;
	body?: string;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"];

/** The operations of the registry, each with the statuses `document` lists for it; fails on a route the document lacks. */
export function fuzzOperations(definitions: RegistryDefinitions, document: ApiDocument): FuzzOperation[] {
	const prefix = document.servers?.[0]?.url ?? "";
	const documented = new Map<string, Set<string>>();
	for (const [path, item] of Object.entries(document.paths)) {
		for (const [method, operation] of Object.entries(item)) {
			if (!HTTP_METHODS.includes(method)) continue;
			documented.set(`${method.toUpperCase()} ${prefix}${path}`, new Set(Object.keys(operation.responses ?? {})));
		}
	}
	return definitions
		.filter((definition): definition is { type: "route"; route: RegistryRoute } => definition.type === "route")
		.map(({ route }) => {
			const name = `${route.method.toUpperCase()} ${route.path}`;
			const statuses = documented.get(name);
			if (!statuses) throw new Error(`${name} is registered but not in the served document`);
			return {
				name,
				method: route.method.toUpperCase(),
				path: route.path,
				params: route.request?.params,
				query: route.request?.query,
				headers: route.request?.headers,
				body: route.request?.body?.content["application/json"]?.schema,
				responses: Object.fromEntries(
					Object.entries(route.responses).map(([status, response]) => [
						status,
						Object.fromEntries(Object.entries(response.content ?? {}).map(([media, { schema }]) => [media, schema])),
					]),
				),
				documentedStatuses: statuses,
			};
		});
}

/** A value as it travels in a path segment, query string or header. */
function asText(value: unknown): string {
	if (typeof value === "string") return value;
	if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
	return JSON.stringify(value) ?? "";
}

/** Header values are bytes without line breaks: anything else a client cannot send at all. */
function asHeaderValue(value: string): string {
	return value.replace(/[^\x20-\x7e]/g, "?").trim();
}

const fieldsOf = (schema: ObjectSchema | undefined) => schema?._zod.def.shape ?? {};

/**
 * Longest parameter or header value sent. Cloudflare refuses URLs over 16 KB before any Worker
 * runs (and workerd answers 414 in plain text), so longer ones would test the runtime, not the API.
 */
const MAX_TEXT_VALUE = 300;

/** One parameter or header value: valid mostly, sometimes a near-miss or a long string. */
function textValue(schema: Schema, hints: Hints, name: string): fc.Arbitrary<string> {
	return fc
		.oneof(
			{ arbitrary: validValue(schema, hints, name), weight: 12 },
			{ arbitrary: nearMiss(schema, hints), weight: 2 },
			{ arbitrary: hugeString, weight: 1 },
		)
		.map((value) => asText(value).slice(0, MAX_TEXT_VALUE));
}

/**
 * A path segment of "." or ".." is resolved away by every URL parser before the request leaves
 * the client, so it would reach another route, not this operation with an odd value.
 */
function isDotSegment(value: string): boolean {
	return value === "." || value === "..";
}

function pathArbitrary(operation: FuzzOperation, hints: Hints): fc.Arbitrary<string> {
	const params = fieldsOf(operation.params);
	const names = [...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
	return fc
		.tuple(
			...names.map((name) =>
				(params[name] ? textValue(params[name], hints, name) : fc.string()).filter((value) => !isDotSegment(value)),
			),
		)
		.map((values) =>
			names.reduce((path, name, index) => path.replace(`{${name}}`, encodeURIComponent(values[index])), operation.path),
		);
}

function queryArbitrary(operation: FuzzOperation, hints: Hints): fc.Arbitrary<string> {
	const fields = fieldsOf(operation.query);
	const entries = Object.entries(fields).map(([name, schema]) => {
		const pair = textValue(schema, hints, name).map((value): [string, string] => [name, value]);
		// Optional parameters are left out now and then; required ones only as the rare near-miss.
		return fc.option(pair, { nil: undefined, freq: isOptional(schema) ? 3 : 20 });
	});
	// A parameter the operation does not know, now and then.
	entries.push(
		fc.option(fc.tuple(fc.constantFrom("x", "limit", "__proto__", "token"), fc.string({ maxLength: 8 })), {
			nil: undefined,
			freq: 8,
		}),
	);
	return fc.tuple(...entries).map((pairs) => {
		const query = new URLSearchParams(pairs.filter((pair): pair is [string, string] => pair !== undefined));
		const text = query.toString();
		return text === "" ? "" : `?${text}`;
	});
}

function declaredHeaders(operation: FuzzOperation, hints: Hints): fc.Arbitrary<Record<string, string>> {
	const fields = fieldsOf(operation.headers);
	return fc.record(
		Object.fromEntries(
			Object.entries(fields).map(([name, schema]) => [name, textValue(schema, hints, name).map(asHeaderValue)]),
		),
		{ requiredKeys: [] },
	) as fc.Arbitrary<Record<string, string>>;
}

const JSON_TYPE = "application/json";

/** The body and its content type: JSON from the schema mostly, else odd types, broken JSON, none, or too big. */
function bodyArbitrary(schema: Schema, hints: Hints): fc.Arbitrary<{ contentType?: string; body?: string }> {
	const json = inputValue(schema, hints).map((value) => JSON.stringify(value) ?? "null");
	return fc.oneof(
		{ arbitrary: json.map((body) => ({ contentType: JSON_TYPE, body })), weight: 12 },
		{
			arbitrary: fc
				.tuple(
					fc.constantFrom(
						"text/plain",
						"application/x-www-form-urlencoded",
						"multipart/form-data; boundary=x",
						"application/json; charset=utf-16",
						"application/xml",
					),
					json,
				)
				.map(([contentType, body]) => ({ contentType, body })),
			weight: 1,
		},
		{
			arbitrary: fc
				.constantFrom("{", "", "nul", '{"a":}', "[1,", "\u0000", '"just a string"')
				.map((body) => ({ contentType: JSON_TYPE, body })),
			weight: 1,
		},
		{ arbitrary: fc.constant({}), weight: 1 },
		{
			arbitrary: fc.constant({ contentType: JSON_TYPE, body: JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) }) }),
			weight: 1,
		},
	);
}

/** Signed in as a principal mostly; sometimes with a broken or foreign credential. */
function authorization(principals: Readonly<Record<string, Record<string, string>>>) {
	const names = Object.keys(principals);
	return fc.oneof(
		{
			arbitrary: fc.constantFrom(...names).map((name) => ({ principal: name, headers: principals[name] })),
			weight: 12,
		},
		{
			arbitrary: fc
				.constantFrom(
					"Bearer not-a-token",
					"Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJhY2MtZGVtby1hZG1pbiJ9.",
					"Basic YWRtaW46YWRtaW4=",
					"Bearer",
				)
				.map((value) => ({ principal: "forged", headers: { authorization: value } })),
			weight: 1,
		},
	);
}

/** Requests for `operation` from the given principals (name → headers; `{}` for anonymous). */
export function requestArbitrary(
	operation: FuzzOperation,
	principals: Readonly<Record<string, Record<string, string>>>,
	hints: Hints,
): fc.Arbitrary<FuzzRequest> {
	const noBody = fc.constant<{ contentType?: string; body?: string }>({});
	const tracking = hints.trackingToken?.length
		? fc.option(fc.constantFrom(...(hints.trackingToken as string[])), { nil: undefined, freq: 2 })
		: fc.constant(undefined);
	// Ask for what the operation answers (an event stream, say) mostly, else for anything.
	const answered = Object.entries(operation.responses)
		.filter(([status]) => status.startsWith("2"))
		.flatMap(([, media]) => Object.keys(media));
	const accept = fc.constantFrom(...answered, "*/*");
	return fc
		.record({
			path: pathArbitrary(operation, hints),
			accept,
			query: queryArbitrary(operation, hints),
			declared: declaredHeaders(operation, hints),
			body: operation.body ? bodyArbitrary(operation.body, hints) : noBody,
			auth: authorization(principals),
			tracking,
		})
		.map(({ path, accept, query, declared, body, auth, tracking }) => {
			const headers: Record<string, string> = { accept, ...declared, ...auth.headers };
			if (body.contentType) headers["content-type"] = body.contentType;
			if (tracking) headers["x-tracking-token"] = tracking;
			return {
				operation: operation.name,
				principal: auth.principal,
				method: operation.method,
				url: `${path}${query}`,
				headers,
				body: body.body,
			};
		});
}
