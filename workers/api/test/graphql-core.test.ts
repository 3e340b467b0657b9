/**
 * The graph's front door: what it refuses before running anything (depth,
 * cost, aliases, batches, body size, rate limits), with the REST code of each
 * refusal in `extensions.code` and never a 5xx; introspection and GraphiQL
 * outside production only; GET for queries only; the committed SDL is what
 * `_service { sdl }` serves; `_entities` resolves a Location by its key.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { parse, print } from "graphql";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { GRAPH_LIMITS } from "../src/graph/limits";
import committedSdl from "../src/graph/schema.graphql?raw";
import { EXAMPLE_OPERATIONS } from "../src/graph/server";
import { call, errorOf } from "./helpers";

const GRAPHQL_PATH = "/api/v1/graphql";

interface GraphError {
	message: string;
	extensions?: { code?: string };
}

interface GraphResult<T = Record<string, unknown>> {
	data?: T | null;
	errors?: GraphError[];
}

/**
 * As a current client sends it: with the GraphQL-over-HTTP media type, a
 * request refused before it runs answers 4xx (with plain application/json,
 * the spec's legacy type, it answers 200 in the same shape).
 */
const GRAPHQL_HEADERS = { "content-type": "application/json", accept: "application/graphql-response+json" };

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
	return call(GRAPHQL_PATH, {
		method: "POST",
		headers: { ...GRAPHQL_HEADERS, ...headers },
		body: JSON.stringify(body),
	});
}

async function graphql<T = Record<string, unknown>>(
	query: string,
	variables?: Record<string, unknown>,
	operationName?: string,
): Promise<{ status: number; body: GraphResult<T> }> {
	const response = await post({ query, variables, operationName });
	return { status: response.status, body: (await response.json()) as GraphResult<T> };
}

function codesOf(body: GraphResult): (string | undefined)[] {
	return (body.errors ?? []).map((error) => error.extensions?.code);
}

/** Through the whole app with some bindings swapped, as regions-config.test.ts does. */
async function fetchWith(bindings: Record<string, unknown>, init: RequestInit & { path?: string } = {}) {
	const ctx = createExecutionContext();
	const response = await app.fetch(
		new Request(`https://goodfood.test${init.path ?? GRAPHQL_PATH}`, init),
		{ ...env, ...bindings },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

/**
 * A valid selection `depth` levels deep on any schema: `__type` counts for the
 * depth limit (only `__schema` is exempt), and `ofType` nests without
 * graphql-js's own introspection-depth rule minding.
 */
function nestedTypeQuery(depth: number): string {
	let selection = "name";
	for (let level = 2; level < depth; level++) selection = `ofType { ${selection} }`;
	return `__type(name: "Query") { ${selection} }`;
}

const INTROSPECTION = "{ __schema { queryType { name } } }";

describe("limits", () => {
	it(`refuses an operation nested deeper than ${GRAPH_LIMITS.depth} with query_too_deep, running nothing`, async () => {
		const { status, body } = await graphql(`{ apiVersion ${nestedTypeQuery(GRAPH_LIMITS.depth + 1)} }`);
		expect(status).toBe(400);
		expect(codesOf(body)).toEqual(["query_too_deep"]);
		expect(body.errors?.[0].message).toContain(`depth limit of ${GRAPH_LIMITS.depth}`);
		expect(body.data).toBeUndefined();
	});

	it("lets an operation exactly at the depth limit run", async () => {
		const { status, body } = await graphql(`{ ${nestedTypeQuery(GRAPH_LIMITS.depth)} }`);
		expect(body.errors).toBeUndefined();
		expect(status).toBe(200);
	});

	it(`refuses an operation estimated over ${GRAPH_LIMITS.cost} with query_too_costly`, async () => {
		// The fragment costs 2 + 1.5 × 6 scalars = 11, and each spread of it 1 + 1.5 × that.
		const spreads = Array(Math.ceil(GRAPH_LIMITS.cost / 17))
			.fill("...Everywhere")
			.join(" ");
		const { status, body } = await graphql(
			`query { ${spreads} } fragment Everywhere on Query { locations { slug name timeZone region currency openNow } }`,
		);
		expect(status).toBe(400);
		expect(codesOf(body)).toEqual(["query_too_costly"]);
		expect(body.data).toBeUndefined();
	});

	it(`refuses more than ${GRAPH_LIMITS.aliases} aliases with too_many_aliases, and allows ${GRAPH_LIMITS.aliases}`, async () => {
		const aliases = (count: number) => Array.from({ length: count }, (_, index) => `v${index}: apiVersion`).join(" ");
		const refused = await graphql(`{ ${aliases(GRAPH_LIMITS.aliases + 1)} }`);
		expect(refused.status).toBe(400);
		expect(codesOf(refused.body)).toEqual(["too_many_aliases"]);

		const allowed = await graphql<Record<string, string>>(`{ ${aliases(GRAPH_LIMITS.aliases)} }`);
		expect(allowed.status).toBe(200);
		expect(allowed.body.data?.v0).toBe("v1");
	});

	it(`runs a batch of ${GRAPH_LIMITS.operationsPerRequest} operations and refuses a bigger one with too_many_operations`, async () => {
		const batch = (size: number) => Array.from({ length: size }, () => ({ query: "{ apiVersion }" }));

		const allowed = await post(batch(GRAPH_LIMITS.operationsPerRequest));
		expect(allowed.status).toBe(200);
		const results = (await allowed.json()) as GraphResult[];
		expect(results.map((result) => result.data)).toEqual(
			Array(GRAPH_LIMITS.operationsPerRequest).fill({ apiVersion: "v1" }),
		);

		const refused = await post(batch(GRAPH_LIMITS.operationsPerRequest + 1));
		expect(refused.status).toBe(400);
		const body = (await refused.json()) as GraphResult;
		expect(codesOf(body)).toEqual(["too_many_operations"]);
	});

	it("refuses a body over the gateway's limit with 413 payload_too_large, before parsing it", async () => {
		const response = await post({ query: `{ apiVersion } # ${"x".repeat(70 * 1024)}` });
		expect(response.status).toBe(413);
		expect(await errorOf(response)).toMatchObject({ code: "payload_too_large" });
	});

	it("answers 429 rate_limited once the client's window is used up: the gateway runs first", async () => {
		const ip = `2001:db8:17::${crypto.randomUUID().slice(0, 4)}`;
		const limited = { RATE_LIMIT_ANONYMOUS: env.TEST_RATE_LIMIT };
		const send = () =>
			fetchWith(limited, {
				method: "POST",
				headers: { "content-type": "application/json", "cf-connecting-ip": ip },
				body: JSON.stringify({ query: "{ apiVersion }" }),
			});
		const statuses: number[] = [];
		// The test limiter allows 3 a minute; its window may roll over once mid-test.
		do statuses.push((await send()).status);
		while (statuses.at(-1) !== 429 && statuses.length < 8);
		expect(statuses.at(-1)).toBe(429);
		expect(statuses.slice(0, -1).every((status) => status === 200)).toBe(true);
		const refused = await send();
		expect(refused.headers.get("retry-after")).toBeTruthy();
		expect(await errorOf(refused)).toMatchObject({ code: "rate_limited" });
	});
});

describe("malformed operations", () => {
	it("answers a syntax error with bad_request, in the GraphQL error shape, not 5xx", async () => {
		const { status, body } = await graphql("{ locations { slug ");
		expect(status).toBe(400);
		expect(codesOf(body)).toEqual(["bad_request"]);
		expect(body.errors?.[0].message).toContain("Syntax Error");
	});

	it("answers a client that accepts only application/json 200, in the same shape and with the same code", async () => {
		const response = await post({ query: "{ locations { slug " }, { accept: "application/json" });
		expect(response.status).toBe(200);
		expect(codesOf((await response.json()) as GraphResult)).toEqual(["bad_request"]);
	});

	it("answers an unknown field with validation_failed naming it", async () => {
		const { status, body } = await graphql("{ locations { slug flavour } }");
		expect(status).toBe(400);
		expect(codesOf(body)).toEqual(["validation_failed"]);
		expect(body.errors?.[0].message).toContain('"flavour"');
	});

	it("answers a variable of the wrong type with validation_failed naming it", async () => {
		const { status, body } = await graphql("query ($latitude: Float) { locations(latitude: $latitude) { slug } }", {
			latitude: "north",
		});
		expect(status).toBeLessThan(500);
		expect(codesOf(body)).toEqual(["validation_failed"]);
		expect(body.errors?.[0].message).toContain("$latitude");
		expect(body.data).toBeUndefined();
	});

	it("answers a missing required variable with validation_failed", async () => {
		const { status, body } = await graphql("query ($slug: ID!) { location(slug: $slug) { name } }");
		expect(status).toBeLessThan(500);
		expect(codesOf(body)).toEqual(["validation_failed"]);
		expect(body.errors?.[0].message).toContain("$slug");
	});

	it("answers a body that is no operation at all with bad_request", async () => {
		const response = await post({ variables: {} });
		expect(response.status).toBe(400);
		expect(codesOf((await response.json()) as GraphResult)).toEqual(["bad_request"]);
	});
});

describe("GET", () => {
	it("runs a query sent in the query string", async () => {
		const response = await call(`${GRAPHQL_PATH}?query=${encodeURIComponent("{ apiVersion }")}`, {
			headers: { accept: "application/json" },
		});
		expect(response.status).toBe(200);
		expect(await response.json()).toEqual({ data: { apiVersion: "v1" } });
	});

	it("refuses a mutation with 405 method_not_allowed and Allow: POST", async () => {
		const response = await call(`${GRAPHQL_PATH}?query=${encodeURIComponent("mutation { anything }")}`, {
			headers: { accept: "application/json" },
		});
		expect(response.status).toBe(405);
		expect(response.headers.get("allow")).toBe("POST");
		expect(codesOf((await response.json()) as GraphResult)).toEqual(["method_not_allowed"]);
	});
});

describe("introspection and GraphiQL", () => {
	const production = { ENVIRONMENT: "production" };

	it("answers introspection outside production", async () => {
		const { status, body } = await graphql(INTROSPECTION);
		expect(status).toBe(200);
		expect(body.data).toEqual({ __schema: { queryType: { name: "Query" } } });
	});

	it("refuses __schema and __type in production with introspection_disabled, and still answers queries", async () => {
		for (const query of [INTROSPECTION, '{ __type(name: "Location") { name } }']) {
			const response = await fetchWith(production, {
				method: "POST",
				headers: GRAPHQL_HEADERS,
				body: JSON.stringify({ query }),
			});
			expect(response.status).toBe(403);
			expect(codesOf((await response.json()) as GraphResult)).toEqual(["introspection_disabled"]);
		}
		const query = await fetchWith(production, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ query: "{ apiVersion __typename }" }),
		});
		expect(await query.json()).toEqual({ data: { apiVersion: "v1", __typename: "Query" } });
	});

	it("still answers introspection outside production after production refused the same query", async () => {
		await fetchWith(production, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ query: INTROSPECTION }),
		});
		expect((await graphql(INTROSPECTION)).body.data).toBeTruthy();
	});

	it("serves GraphiQL with example operations to a browser outside production", async () => {
		const response = await call(GRAPHQL_PATH, { headers: { accept: "text/html" } });
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toContain("text/html");
		const html = await response.text();
		expect(html).toContain("GoodFood GraphQL");
		expect(html).toContain("query Locations");
		// The page may load GraphiQL from unpkg and run its inline bootstrap; the API's own answers may not.
		const policy = response.headers.get("content-security-policy") ?? "";
		expect(policy).toContain("script-src 'self' 'unsafe-inline' https://unpkg.com");
		const answer = await call(GRAPHQL_PATH, {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ query: "{ apiVersion }" }),
		});
		expect(answer.headers.get("content-security-policy")).toContain("default-src 'none'");
	});

	it("opens with example operations that are valid against the schema and run", async () => {
		const { status, body } = await graphql(EXAMPLE_OPERATIONS, undefined, "Locations");
		expect(body.errors).toBeUndefined();
		expect(status).toBe(200);
		expect(body.data?.locations).toContainEqual(expect.objectContaining({ slug: "london-soho" }));

		const created = await graphql<{ createCart: { id: string } }>(EXAMPLE_OPERATIONS, undefined, "CreateCart");
		const cart = created.body.data?.createCart.id;
		expect(cart).toMatch(/^crt_eu_/);
		const added = await graphql<{ addCartItem: { cart: { itemCount: number } } }>(
			EXAMPLE_OPERATIONS,
			{ cart },
			"AddFlatWhite",
		);
		expect(added.body.errors).toBeUndefined();
		expect(added.body.data?.addCartItem.cart.itemCount).toBe(2);
	});

	it("serves no GraphiQL in production", async () => {
		const response = await fetchWith(production, { headers: { accept: "text/html" } });
		expect(response.status).not.toBe(200);
		expect(response.status).toBeLessThan(500);
		expect(await response.text()).not.toContain("GraphiQL");
	});
});

describe("federation", () => {
	it("serves the committed schema.graphql as _service { sdl }", async () => {
		const { body } = await graphql<{ _service: { sdl: string } }>("{ _service { sdl } }");
		const served = body.data?._service.sdl ?? "";
		expect(served.length).toBeGreaterThan(0);
		// Compared without layout: the file is formatted as biome formats GraphQL.
		expect(
			print(parse(served)) === print(parse(committedSdl)),
			"workers/api/src/graph/schema.graphql differs from the served SDL: run `npm run graphql:sdl` and commit it",
		).toBe(true);
	});

	it("resolves a Location by its key through _entities, and names an unknown one not_found", async () => {
		const query = "query ($r: [_Any!]!) { _entities(representations: $r) { ... on Location { slug name region } } }";
		const found = await graphql<{ _entities: unknown[] }>(query, {
			r: [{ __typename: "Location", slug: "london-soho" }],
		});
		expect(found.body.errors).toBeUndefined();
		expect(found.body.data?._entities).toEqual([{ slug: "london-soho", name: expect.any(String), region: "eu" }]);

		const missing = await graphql(query, { r: [{ __typename: "Location", slug: "atlantis" }] });
		expect(missing.status).toBe(200);
		expect(codesOf(missing.body)).toEqual(["not_found"]);
	});

	it("refuses a representation of a type that is no entity with validation_failed naming it", async () => {
		const { body } = await graphql("query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }", {
			r: [{ __typename: "Money", amount: 1 }],
		});
		expect(codesOf(body)).toEqual(["validation_failed"]);
		expect(body.errors?.[0].message).toContain("representations.0.__typename");
	});
});
