/**
 * The API document (OpenAPI 3.1) generated from the routes' own zod
 * declarations, and an interactive reference over it.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./app";
import { MAX_BODY_BYTES } from "./gateway";

export const DOCUMENT_PATH = "/openapi.json";
export const REFERENCE_PATH = "/docs";

type ApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;

const DESCRIPTION = `Order food from GoodFood's locations: browse a location's menu, fill a cart, check out and follow the order.

- **Errors** answer \`{ "error": { "code", "message", "details"?, "requestId" } }\`; validation errors list \`details: [{ field, message }]\`.
- **Request ids**: send \`X-Request-Id\` or get a fresh one; every response carries it.
- **Rate limits**: per client IP when anonymous, per account when signed in; registrations and requests with an invalid bearer token have stricter limits per client IP. Over the limit: \`429 rate_limited\` with \`Retry-After\` in seconds.
- **Bodies** are JSON (\`415 unsupported_media_type\` otherwise) of at most ${MAX_BODY_BYTES / 1024} KiB (\`413 payload_too_large\`).
- **Read your writes**: send back the \`x-d1-bookmark\` of a response to read at least that fresh. It holds a bookmark per database, each named (\`global:…,eu:…\`); keep the latest header whole, entries this API does not know are ignored.
- **Regions**: every location names its \`region\`, where its new orders are kept; an order's id names the region it stays in for good.
- **Orders** need an \`Idempotency-Key\`: a retry with the same key and body replays the first answer.
- **GraphQL**: the same domain, rules, authorization and error codes at \`POST /api/v1/graphql\` (GET for queries; each error's \`extensions.code\` is one of the codes here). It is an Apollo Federation 2 subgraph; its SDL is \`{ _service { sdl } }\` and is committed as \`workers/api/src/graph/schema.graphql\` (see docs/graphql.md).`;

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;
type OperationMethod = (typeof OPERATION_METHODS)[number];
type Operation = NonNullable<NonNullable<NonNullable<ApiDocument["paths"]>[string]>[OperationMethod]>;
/** Methods whose requests may carry a body, so the gateway's body limit can refuse them whatever the route reads. */
const BODY_METHODS = new Set<OperationMethod>(["post", "put", "patch", "delete"]);

const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

/**
 * What the gateway, the router and the error handler may answer on an
 * operation, whatever the route itself declares: each a shared response in
 * `components.responses`, added to the operations it applies to unless the
 * route already describes that status in its own words.
 */
const GATEWAY_RESPONSES: {
	status: string;
	name: string;
	description: string;
	appliesTo: (operation: Operation, method: OperationMethod, path: string) => boolean;
	headers?: Record<string, { description: string; schema: { type: "integer" } }>;
}[] = [
	{
		status: "400",
		name: "BadRequest",
		description:
			"Malformed input (`validation_failed` or `bad_request`; details name the fields), or an `x-d1-bookmark` this API did not give out (`invalid_bookmark`)",
		appliesTo: () => true,
	},
	{
		status: "401",
		name: "Unauthorized",
		description:
			"A bearer token was sent (Authorization header or WebSocket subprotocol) and is invalid or expired (`unauthorized`)",
		appliesTo: () => true,
	},
	{
		status: "404",
		name: "NotFound",
		description: "What the path names does not exist (`not_found` or a more specific code)",
		appliesTo: (_operation, _method, path) => path.includes("{"),
	},
	{
		status: "413",
		name: "PayloadTooLarge",
		description: `The body is over ${MAX_BODY_BYTES / 1024} KiB (\`payload_too_large\`)`,
		appliesTo: (operation, method) => Boolean(operation.requestBody) || BODY_METHODS.has(method),
	},
	{
		status: "415",
		name: "UnsupportedMediaType",
		description: "The body is not sent as `application/json` (`unsupported_media_type`)",
		appliesTo: (operation) => Boolean(operation.requestBody),
	},
	{
		status: "429",
		name: "RateLimited",
		description:
			"Too many requests from this IP or account, or too many registrations or invalid tokens from this IP (`rate_limited`); retry after the given seconds",
		headers: { "Retry-After": { description: "Seconds until the window resets", schema: { type: "integer" } } },
		appliesTo: () => true,
	},
	{
		status: "500",
		name: "InternalError",
		description:
			"A failure on our side (`internal_error`), or a deployment whose configuration cannot work (`configuration_invalid`, refused on every request until it is fixed); the request id finds it in the logs",
		appliesTo: () => true,
	},
	{
		status: "503",
		name: "Unavailable",
		description:
			"A service the operation needs is unavailable for now, or a location whose region this deployment does not serve yet takes no carts or orders (`unavailable`); try again shortly",
		appliesTo: () => true,
	},
];

/** Adds the gateway's answers to every operation they apply to, so the document lists every status it can give. */
function withGatewayResponses(document: ApiDocument): ApiDocument {
	document.components ??= {};
	document.components.responses = {
		...document.components.responses,
		...Object.fromEntries(
			GATEWAY_RESPONSES.map(({ name, description, headers }) => [
				name,
				{ description, ...(headers ? { headers } : {}), content: errorContent },
			]),
		),
	};
	for (const [path, pathItem] of Object.entries(document.paths ?? {})) {
		for (const method of OPERATION_METHODS) {
			const operation = pathItem?.[method];
			if (!operation) continue;
			operation.responses ??= {};
			for (const { status, name, appliesTo } of GATEWAY_RESPONSES) {
				if (appliesTo(operation, method, path))
					operation.responses[status] ??= { $ref: `#/components/responses/${name}` };
			}
			// Statuses in ascending order, as a reader expects them.
			operation.responses = Object.fromEntries(
				Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)),
			);
		}
	}
	return document;
}

/**
 * Serves `GET {prefix}/openapi.json` and the Scalar reference at `{prefix}/docs`
 * on `api`. Call it once every route is on `api`: the document is generated
 * on first request and kept for the isolate's life, as routes never change.
 */
export function serveApiDocument(api: OpenAPIHono<AppEnv>, prefix: string): void {
	let document: ApiDocument | undefined;
	api.get(DOCUMENT_PATH, (c) => {
		try {
			document ??= withGatewayResponses(
				api.getOpenAPI31Document({
					openapi: "3.1.0",
					info: { title: "GoodFood API", version: "1.0.0", description: DESCRIPTION },
					servers: [{ url: prefix, description: "This deployment" }],
				}),
			);
		} catch (error) {
			// The generator throws plain objects, which Hono's onError would let escape unlogged.
			throw error instanceof Error ? error : new Error(`API document: ${JSON.stringify(error)}`);
		}
		return c.json(document);
	});
	api.get(REFERENCE_PATH, Scalar<AppEnv>({ url: `${prefix}${DOCUMENT_PATH}`, pageTitle: "GoodFood API reference" }));
}
