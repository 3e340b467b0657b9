/**
 * Every answer is documented: each operation in the API document is driven
 * with the inputs that provoke the gateway's and the router's refusals (an
 * invalid token, a bookmark this API never gave out, a body too large or not
 * JSON, an exhausted rate limit) and plain calls as each kind of caller. Every
 * status seen must be listed for that operation, never a 5xx, and every error
 * body must match the documented envelope, its code agreeing with its status.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { ERROR_CODES } from "@goodfood/platform/error-codes";
import { ErrorSchema } from "@goodfood/platform/openapi";
import { describe, expect, it } from "vitest";
import { API_PREFIX } from "../src/app";
import worker from "../src/index";
import { MAX_PHOTO_BYTES } from "../src/menu/images/domain/photo";
import { PAYMENT_WEBHOOKS_PATH } from "../src/payments/routes";
import { json, registerCustomer, STAFF } from "./helpers";

interface Operation {
	requestBody?: { content?: Record<string, unknown> };
	responses: Record<string, unknown>;
}

/** A photo upload takes its bytes up to MAX_PHOTO_BYTES; every other body is held to 64 KiB. */
const takesPhoto = (operation: Operation) => Object.keys(operation.requestBody?.content ?? {}).includes("image/jpeg");

interface Probe {
	/** What the probe sends, for the failure message. */
	name: string;
	headers?: Record<string, string>;
	body?: string;
	bindings?: Record<string, unknown>;
	/** The status the probe must get, when it decides the answer whatever the route. */
	expected?: number;
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch"];
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const CLIENT_IP = "198.51.100.61";
const INVALID_TOKEN = { authorization: "Bearer not-a-token" };
const JSON_TYPE = { "content-type": "application/json" };
const exhausted: RateLimit = { limit: async () => ({ success: false }) };

/**
 * Path parameters that pass validation, so a probe reaches the checks behind
 * it: a real location, so staff pass the location check, and well-formed ids
 * of nothing. Any other parameter is free text that names nothing.
 */
const PARAMETERS: Record<string, string> = {
	slug: "london-soho",
	cartId: `crt_eu_${"0".repeat(32)}`,
	lineId: `ln_${"0".repeat(16)}`,
	orderId: `ord_eu_${"0".repeat(32)}`,
};

function concretePath(template: string): string {
	return `${API_PREFIX}${template.replace(/\{(\w+)\}/g, (_, name: string) => PARAMETERS[name] ?? "not-there")}`;
}

async function send(method: string, path: string, probe: Probe): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`https://goodfood.test${path}`, {
			method,
			headers: { "cf-connecting-ip": CLIENT_IP, ...probe.headers },
			body: probe.body,
		}),
		{ ...env, ...probe.bindings } as Env,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

const documented = await json<{ paths: Record<string, Record<string, Operation>> }>(
	await send("GET", `${API_PREFIX}/openapi.json`, { name: "document" }),
);
const operations = Object.entries(documented.paths).flatMap(([template, item]) =>
	Object.entries(item)
		.filter(([method]) => HTTP_METHODS.includes(method))
		.map(([method, operation]) => ({ name: `${method.toUpperCase()} ${template}`, template, operation })),
);

/** A payment provider's webhooks are not rate-limited (gateway.test.ts): the signature decides their answer. */
const isUnlimited = (template: string) => template.startsWith(PAYMENT_WEBHOOKS_PATH);

/** The probes for one operation: each caller over the rate limit, the route's own answers as each caller, then each refusal the gateway makes. */
function probesFor(
	method: string,
	template: string,
	operation: Operation,
	callers: Record<string, Record<string, string>>,
): Probe[] {
	const emptyBody = operation.requestBody ? { body: "{}" } : {};
	const overTheLimit = { RATE_LIMIT_ANONYMOUS: exhausted, RATE_LIMIT_ACCOUNT: exhausted };
	// Over the limit first: a plain call may end the session it signs in with (deletion, a password change).
	const probes: Probe[] = [
		...Object.entries(callers).map(([caller, auth]) => ({
			name: `as ${caller}, over the rate limit`,
			headers: auth,
			bindings: overTheLimit,
			...(isUnlimited(template) ? {} : { expected: 429 }),
		})),
		...Object.entries(callers).map(([caller, auth]) => ({
			name: `as ${caller}`,
			headers: { ...auth, ...JSON_TYPE },
			...emptyBody,
		})),
	];
	probes.push(
		{ name: "with an invalid bearer token", headers: INVALID_TOKEN, expected: 401 },
		{
			name: "with an invalid token offered as a WebSocket subprotocol",
			headers: { upgrade: "websocket", "sec-websocket-protocol": "goodfood.v1, bearer.not-a-token" },
		},
		{
			name: "with invalid tokens over the address's failure limit",
			headers: INVALID_TOKEN,
			bindings: { RATE_LIMIT_AUTH_FAILURES: exhausted },
			expected: 429,
		},
		{ name: "with a bookmark this API never gave out", headers: { "x-d1-bookmark": "b".repeat(600) }, expected: 400 },
	);
	if (BODY_METHODS.has(method)) {
		const limit = takesPhoto(operation) ? MAX_PHOTO_BYTES : 64 * 1024;
		probes.push({
			name: `with a body over its ${limit / 1024} KiB limit`,
			headers: { ...STAFF, ...JSON_TYPE },
			body: JSON.stringify({ padding: "x".repeat(limit + 36 * 1024) }),
			expected: 413,
		});
	}
	if (operation.requestBody) {
		for (const [caller, auth] of Object.entries(callers)) {
			// With the headers a route requires, so only the body's type is wrong.
			const headers = { ...auth, "idempotency-key": crypto.randomUUID() };
			probes.push(
				{
					name: `as ${caller}, a text/plain body`,
					headers: { ...headers, "content-type": "text/plain" },
					body: "{}",
				},
				{ name: `as ${caller}, a body with no content type`, headers, body: "{}" },
			);
		}
	}
	return probes;
}

/** What is wrong with one answer, if anything: a status off the document or unexpected, or a body off the envelope. */
async function problemsWith(response: Response, probe: Probe, operation: Operation): Promise<string[]> {
	const status = response.status;
	const problems: string[] = [];
	if (!(String(status) in operation.responses)) problems.push(`${status} is not documented`);
	if (status >= 500) problems.push(`${status} is a server error`);
	if (probe.expected && status !== probe.expected) problems.push(`${status} instead of ${probe.expected}`);
	if (status < 400) {
		await response.body?.cancel();
		response.webSocket?.accept();
		response.webSocket?.close();
		return problems;
	}
	const body = ErrorSchema.safeParse(await response.json());
	if (!body.success) return [...problems, `${status} body is off the error schema`];
	const { code } = body.data.error;
	if (ERROR_CODES[code] !== status) problems.push(`${status} carries ${code}, a ${ERROR_CODES[code]} code`);
	if (probe.expected === 400 && code !== "invalid_bookmark") problems.push(`${code} instead of invalid_bookmark`);
	return problems;
}

describe("every status an operation gives is in its document", () => {
	it("covers the whole document", () => {
		expect(operations.length).toBeGreaterThan(40);
		expect(operations.filter(({ operation }) => operation.requestBody).length).toBeGreaterThan(15);
	});

	it.each(operations)("$name", async ({ name, template, operation }) => {
		// A customer of the operation's own: a probe may change or delete the account it signs in as.
		const callers = { anonymous: {}, customer: (await registerCustomer()).headers, staff: STAFF };
		const method = name.split(" ")[0];
		const seen = new Set<number>();
		const problems: string[] = [];
		for (const probe of probesFor(method, template, operation, callers)) {
			const response = await send(method, concretePath(template), probe);
			seen.add(response.status);
			for (const problem of await problemsWith(response, probe, operation)) problems.push(`${probe.name}: ${problem}`);
		}
		expect(problems).toEqual([]);
		// The probes reach what they are for: an operation taking a body refuses one that is not JSON.
		if (operation.requestBody) expect([...seen]).toContain(415);
	});

	it("answers 415 with its own code, naming the content type", async () => {
		const response = await send("POST", `${API_PREFIX}/carts`, {
			name: "text body",
			headers: { "content-type": "text/plain" },
			body: '{"locationSlug":"london-soho"}',
		});
		expect(response.status).toBe(415);
		expect((await json<{ error: unknown }>(response)).error).toMatchObject({
			code: "unsupported_media_type",
			details: [{ field: "content-type", message: "must be application/json" }],
		});
	});
});
