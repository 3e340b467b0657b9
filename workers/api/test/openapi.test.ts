/**
 * The API document and its reference page: served, complete against the routes
 * the worker registered (a route missing from the document fails here),
 * consistent in its security schemes; and the typed client front ends use.
 * Validation against the OpenAPI 3.1 schema runs in Node: src/app.test.ts.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import { API_PREFIX, app } from "../src/app";
import { createClient } from "../src/client";
import { call, json } from "./helpers";

interface Operation {
	tags?: string[];
	summary?: string;
	security?: Record<string, string[]>[];
	requestBody?: { content: Record<string, { schema?: unknown }> };
	responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

interface ApiDocument {
	openapi: string;
	info: { title: string; version: string; description?: string };
	servers: { url: string }[];
	paths: Record<string, Record<string, Operation>>;
	components: {
		securitySchemes: Record<string, unknown>;
		responses: Record<string, unknown>;
		schemas: Record<string, { required?: string[]; properties?: Record<string, unknown> }>;
	};
}

const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
// Served beside the document rather than described in it.
// The document itself, its reference page, and GraphQL, whose own schema (the committed SDL) documents it.
const UNDOCUMENTED = new Set([`${API_PREFIX}/openapi.json`, `${API_PREFIX}/docs`, `${API_PREFIX}/graphql`]);

async function apiDocument(): Promise<ApiDocument> {
	const response = await call(`${API_PREFIX}/openapi.json`, { headers: { "cf-connecting-ip": "198.51.100.20" } });
	expect(response.status).toBe(200);
	return json<ApiDocument>(response);
}

function operations(document: ApiDocument): [string, Operation][] {
	return Object.entries(document.paths).flatMap(([path, item]) =>
		Object.entries(item)
			.filter(([method]) => HTTP_METHODS.includes(method))
			.map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
	);
}

describe("GET /api/v1/openapi.json", () => {
	it("is an OpenAPI 3.1 document that says what the API is and where it is served", async () => {
		const document = await apiDocument();
		expect(document.openapi).toBe("3.1.0");
		expect(document.info).toMatchObject({ title: "GoodFood API", version: "1.0.0" });
		expect(document.info.description).toContain("rate_limited");
		expect(document.servers).toEqual([{ url: API_PREFIX, description: "This deployment" }]);
		expect(document.components.securitySchemes).toHaveProperty("trackingToken");
	});

	it("documents every route the worker registered, and nothing else", async () => {
		const registered = new Set(
			app.routes
				.filter((route) => route.method !== "ALL" && route.path.startsWith(`${API_PREFIX}/`))
				.filter((route) => !UNDOCUMENTED.has(route.path))
				.map(
					(route) => `${route.method} ${route.path.slice(API_PREFIX.length).replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`,
				),
		);
		const documented = operations(await apiDocument()).map(([operation]) => operation);

		expect(registered.size).toBeGreaterThan(20);
		expect(documented.sort()).toEqual([...registered].sort());
	});

	it("gives every operation a tag, a summary, a success answer and schemas for its JSON", async () => {
		for (const [name, operation] of operations(await apiDocument())) {
			expect(operation.tags?.length, name).toBeGreaterThan(0);
			expect(operation.summary, name).toBeTruthy();
			// 101 is the success of a WebSocket route.
			expect(
				Object.keys(operation.responses).some((status) => /^(101|2\d\d)$/.test(status)),
				name,
			).toBe(true);
			for (const [status, response] of Object.entries(operation.responses)) {
				for (const media of Object.values(response.content ?? {}))
					expect(media.schema, `${name} ${status}`).toBeDefined();
			}
			for (const media of Object.values(operation.requestBody?.content ?? {})) expect(media.schema, name).toBeDefined();
		}
	});

	it("names only security schemes it declares", async () => {
		const document = await apiDocument();
		const declared = Object.keys(document.components.securitySchemes);
		for (const [name, operation] of operations(document)) {
			for (const requirement of operation.security ?? []) {
				for (const scheme of Object.keys(requirement)) expect(declared, name).toContain(scheme);
			}
		}
	});

	it("declares the gateway's answers on every operation they apply to", async () => {
		const document = await apiDocument();
		for (const [name, operation] of operations(document)) {
			const statuses = Object.keys(operation.responses);
			expect(statuses, name).toEqual(expect.arrayContaining(["400", "401", "429", "500", "503"]));
			expect(operation.responses["429"], name).toEqual({ $ref: "#/components/responses/RateLimited" });
			if (/^(POST|PUT|PATCH|DELETE) /.test(name)) expect(statuses, name).toContain("413");
			if (operation.requestBody) expect(statuses, name).toContain("415");
			if (name.includes("{")) expect(statuses, name).toContain("404");
			// Listed in ascending order, as a reader expects them.
			expect(statuses, name).toEqual([...statuses].sort());
		}
		const shared = document.components.responses as Record<string, { description: string }>;
		expect(shared.BadRequest.description).toContain("invalid_bookmark");
		expect(shared.UnsupportedMediaType.description).toContain("unsupported_media_type");
	});
});

describe("locations and their region", () => {
	it("documents the region on every location and the admin route that sets it, with its refusals", async () => {
		const document = await apiDocument();
		const { Location, LocationInput } = document.components.schemas;
		expect(Location.required).toContain("region");
		expect(LocationInput.required).toContain("region");
		const put = document.paths["/locations/{slug}"].put;
		expect(put.security).toEqual([{ bearerAuth: [] }]);
		expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(["200", "201", "400", "403", "409", "422"]));
		expect(JSON.stringify(put)).toContain("location_has_open_orders");
	});
});

describe("GET /api/v1/docs", () => {
	it("serves the interactive reference over the document, allowed to load its UI", async () => {
		const response = await call(`${API_PREFIX}/docs`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(/^text\/html/);
		const html = await response.text();
		expect(html).toContain(`"url": "${API_PREFIX}/openapi.json"`);
		expect(html).toContain("https://cdn.jsdelivr.net/npm/@scalar/api-reference");

		const policy = response.headers.get("content-security-policy") ?? "";
		expect(policy).toMatch(/script-src [^;]*https:\/\/cdn\.jsdelivr\.net/);
		expect(policy).toContain("frame-ancestors 'none'");
		expect(response.headers.get("x-frame-options")).toBe("DENY");
	});

	it("relaxes the content security policy for that page only", async () => {
		const document = await call(`${API_PREFIX}/openapi.json`);
		expect(document.headers.get("content-security-policy")).toContain("default-src 'none'");
		expect(document.headers.get("content-security-policy")).not.toContain("cdn.jsdelivr.net");
	});
});

describe("the typed client", () => {
	const client = createClient("https://goodfood.test", {
		fetch: (input: RequestInfo | URL, init?: RequestInit) => exports.default.fetch(new Request(input, init)),
	});

	it("calls the worker with typed paths, inputs and answers", async () => {
		expectTypeOf(client.api.v1.locations.$get).toBeFunction();
		// @ts-expect-error the API has no such path
		expect(client.api.v1.nowhere.$get).toBeTypeOf("function");

		const response = await client.api.v1.locations.$get({ query: { lat: "35.68", lng: "139.76" } });
		if (!response.ok) throw new Error(`locations: ${response.status}`);
		const { locations } = await response.json();
		expectTypeOf(locations[0].slug).toBeString();
		expect(locations[0].slug).toBe("tokyo-shibuya");
	});

	it("fills path parameters", async () => {
		const response = await client.api.v1.locations[":slug"].menu.$get({
			param: { slug: "new-york-chelsea" },
			query: {},
		});
		expect(response.status).toBe(200);
		if (!response.ok) return;
		expect((await response.json()).location.currency).toBe("USD");
	});
});
