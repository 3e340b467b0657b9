/**
 * Limits where a request costs the most, per client address: registrations
 * (each hashes a password with 100,000 PBKDF2 iterations) and requests whose
 * access token fails, which authentication refuses before the general limit
 * can run. Both answer 429 `rate_limited` with `Retry-After` once used up,
 * leave other addresses alone, and let requests through when the limiter fails.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../src/index";
import { bearer, errorOf, PRINCIPALS } from "./helpers";

const REGISTRATIONS_PER_MINUTE = 5;
/** The small test limiter (3 a minute) stands in for the failed-authentication one. */
const FAILURES_PER_MINUTE = 3;

afterEach(() => {
	vi.restoreAllMocks();
});

/** A fresh address per test and run, so no window is shared with another test. */
function freshIp(): string {
	return `2001:db8:12::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
}

/** Calls the real worker with some bindings swapped, as a client at `ip`. */
async function fetchAs(
	ip: string,
	path: string,
	init: { method?: string; body?: string; headers?: Record<string, string> } = {},
	bindings: Partial<Record<string, unknown>> = {},
): Promise<Response> {
	const headers = new Headers(init.headers);
	headers.set("cf-connecting-ip", ip);
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`https://goodfood.test${path}`, { method: init.method, body: init.body, headers }),
		{ ...env, ...bindings } as Env,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

/** Sends until the first 429, or gives up after `maxCalls`; windows are clock-aligned, so one may roll over mid-test. */
async function untilLimited(send: () => Promise<Response>, maxCalls: number): Promise<Response[]> {
	const responses: Response[] = [];
	do responses.push(await send());
	while (responses.at(-1)?.status !== 429 && responses.length < maxCalls);
	return responses;
}

const failingLimiter: RateLimit = { limit: () => Promise.reject(new Error("limiter down")) };

describe("registration", () => {
	const registrationLimit = env.TEST_REGISTER_LIMIT;

	function register(ip: string, email: string, limiter: RateLimit = registrationLimit): Promise<Response> {
		return fetchAs(
			ip,
			"/api/v1/auth/register",
			{
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ email, password: "correct horse 42", name: "Grace" }),
			},
			{ RATE_LIMIT_REGISTER: limiter },
		);
	}

	async function accountsWithEmail(email: string): Promise<number> {
		const row = await env.DB.prepare("SELECT count(*) AS n FROM accounts WHERE email = ?").bind(email).first<{
			n: number;
		}>();
		return row?.n ?? 0;
	}

	it("answers 429 after the 5th registration from one address a minute, creating no account, and serves another address", async () => {
		const ip = freshIp();
		const emails: string[] = [];
		const responses = await untilLimited(
			() => {
				emails.push(`${crypto.randomUUID()}@example.com`);
				return register(ip, emails.at(-1) ?? "");
			},
			2 * REGISTRATIONS_PER_MINUTE + 1,
		);

		expect(responses.slice(0, REGISTRATIONS_PER_MINUTE).map((response) => response.status)).toEqual(
			Array(REGISTRATIONS_PER_MINUTE).fill(201),
		);
		const refused = responses.at(-1) as Response;
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe("60");
		expect(await errorOf(refused)).toMatchObject({ code: "rate_limited" });
		expect(await accountsWithEmail(emails.at(-1) ?? "")).toBe(0);

		const elsewhere = `${crypto.randomUUID()}@example.com`;
		expect((await register(freshIp(), elsewhere)).status).toBe(201);
		expect(await accountsWithEmail(elsewhere)).toBe(1);
	});

	it("registers, with a warning, when the limiter itself fails", async () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		expect((await register(freshIp(), `${crypto.randomUUID()}@example.com`, failingLimiter)).status).toBe(201);
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({
			message: "rate limiter unavailable",
			binding: "RATE_LIMIT_REGISTER",
		});
	});
});

describe("sign-in", () => {
	it("signs in, with a warning, when its limiter itself fails", async () => {
		const email = `${crypto.randomUUID()}@example.com`;
		const registered = await fetchAs(freshIp(), "/api/v1/auth/register", {
			method: "POST",
			headers: { "content-type": "application/json" },
			body: JSON.stringify({ email, password: "correct horse 42", name: "Grace" }),
		});
		expect(registered.status).toBe(201);
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const signedIn = await fetchAs(
			freshIp(),
			"/api/v1/auth/login",
			{
				method: "POST",
				headers: { "content-type": "application/json" },
				body: JSON.stringify({ email, password: "correct horse 42" }),
			},
			{ RATE_LIMIT_SIGN_IN: failingLimiter },
		);
		expect(signedIn.status).toBe(200);
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({
			message: "rate limiter unavailable",
			binding: "RATE_LIMIT_SIGN_IN",
		});
	});
});

describe("failed authentication", () => {
	const failureLimit = env.TEST_RATE_LIMIT;

	function withToken(ip: string, headers: Record<string, string>, limiter: RateLimit = failureLimit) {
		return fetchAs(ip, "/api/v1/customers/me", { headers }, { RATE_LIMIT_AUTH_FAILURES: limiter });
	}

	it("counts invalid bearer tokens against the address: 401 until the window is used up, then 429", async () => {
		const ip = freshIp();
		const responses = await untilLimited(
			() => withToken(ip, { authorization: "Bearer not-a-token" }),
			2 * FAILURES_PER_MINUTE + 1,
		);

		expect(responses.length).toBeGreaterThan(FAILURES_PER_MINUTE);
		for (const response of responses.slice(0, -1)) expect(response.status).toBe(401);
		const refused = responses.at(-1) as Response;
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe("60");
		expect(await errorOf(refused)).toMatchObject({ code: "rate_limited" });

		// Only failures count: a valid token from the same address still works, and other addresses still get 401.
		expect((await withToken(ip, await bearer(PRINCIPALS.customer))).status).toBe(200);
		expect((await withToken(freshIp(), { authorization: "Bearer not-a-token" })).status).toBe(401);
	});

	it("counts tokens offered as a WebSocket subprotocol the same way", async () => {
		const ip = freshIp();
		const headers = { upgrade: "websocket", "sec-websocket-protocol": "goodfood.v1, bearer.not-a-token" };
		const responses = await untilLimited(
			() =>
				fetchAs(
					ip,
					"/api/v1/locations/london-soho/orders/live",
					{ headers },
					{ RATE_LIMIT_AUTH_FAILURES: failureLimit },
				),
			2 * FAILURES_PER_MINUTE + 1,
		);

		for (const response of responses.slice(0, -1)) expect(response.status).toBe(401);
		expect(responses.at(-1)?.status).toBe(429);
	});

	it("answers 401, with a warning, when the limiter itself fails", async () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const response = await withToken(freshIp(), { authorization: "Bearer not-a-token" }, failingLimiter);
		expect(response.status).toBe(401);
		expect(await errorOf(response)).toMatchObject({ code: "unauthorized" });
		expect(warn).toHaveBeenCalled();
	});
});
