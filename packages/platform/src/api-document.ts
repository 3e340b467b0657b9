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
- **Rate limits**: per client IP when anonymous, per account when signed in. Over the limit: \`429 rate_limited\` with \`Retry-After\` in seconds.
- **Bodies** are at most ${MAX_BODY_BYTES / 1024} KiB (\`413 payload_too_large\`).
- **Read your writes**: send back the \`x-d1-bookmark\` of a response to read at least that fresh.
- **Orders** need an \`Idempotency-Key\`: a retry with the same key and body replays the first answer.`;

const OPERATION_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

const errorContent = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

/** What the gateway may answer on any route, whatever the route declares. */
function withGatewayResponses(document: ApiDocument): ApiDocument {
	document.components ??= {};
	document.components.responses = {
		...document.components.responses,
		RateLimited: {
			description: "Too many requests from this IP or account; retry after the given seconds",
			headers: { "Retry-After": { description: "Seconds until the window resets", schema: { type: "integer" } } },
			content: errorContent,
		},
		PayloadTooLarge: { description: `The body is over ${MAX_BODY_BYTES / 1024} KiB`, content: errorContent },
	};
	for (const pathItem of Object.values(document.paths ?? {})) {
		for (const method of OPERATION_METHODS) {
			const operation = pathItem[method];
			if (!operation) continue;
			operation.responses ??= {};
			operation.responses["429"] ??= { $ref: "#/components/responses/RateLimited" };
			if (operation.requestBody) operation.responses["413"] ??= { $ref: "#/components/responses/PayloadTooLarge" };
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
