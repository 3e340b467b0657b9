/**
 * Menu requests no cache can answer cost the origin a D1 read, so they count
 * against the caller's address (RATE_LIMIT_MENU_ORIGIN); once an address has
 * used its window it gets 429 for those, while menus any cache layer holds
 * stay unlimited, for that address too. The limiter fails open.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CallContext } from "@goodfood/platform/trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import edge, { clearIsolateMemory } from "../src/index";

const KNOWN = "london-soho";
/** The small test limiter (3 a minute) stands in for the edge's own. */
const ORIGIN_TRIPS_PER_MINUTE = 3;

const originTrips: string[] = [];
const countingOrigin = {
	menuDocument: (slug: string, call: CallContext) => {
		originTrips.push(slug);
		return env.MENU_ORIGIN.menuDocument(slug, call);
	},
	locationIndex: (call: CallContext) => env.MENU_ORIGIN.locationIndex(call),
};

async function edgeFetch(ip: string, path: string, limiter: RateLimit = env.TEST_RATE_LIMIT): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await edge.fetch(
		new Request(`https://goodfood.test${path}`, { headers: { "cf-connecting-ip": ip } }),
		{
			...env,
			MENU_ORIGIN: countingOrigin as unknown as EdgeEnv["MENU_ORIGIN"],
			RATE_LIMIT_MENU_ORIGIN: limiter,
		},
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

/** A fresh address per test and run, so no window is shared with another test. */
function freshIp(): string {
	return `2001:db8:ed::${crypto.randomUUID().slice(0, 4)}:${crypto.randomUUID().slice(0, 4)}`;
}

/** A location no cache holds, so its request must go to the origin. */
function bogusSlug(): string {
	return `nowhere-${crypto.randomUUID().slice(0, 8)}`;
}

beforeEach(() => {
	clearIsolateMemory();
	originTrips.length = 0;
});
afterEach(() => vi.restoreAllMocks());

describe("origin-bound menu requests", () => {
	it("are limited per address once the window is used up, with Retry-After, and never reach the origin then", async () => {
		const ip = freshIp();
		const responses: Response[] = [];
		// Windows are aligned to the clock; should one roll over mid-test, the next fills within 2 × limit + 1 calls.
		do responses.push(await edgeFetch(ip, `/menu?location=${bogusSlug()}`));
		while (responses.at(-1)?.status !== 429 && responses.length <= 2 * ORIGIN_TRIPS_PER_MINUTE + 1);

		expect(responses.length).toBeGreaterThan(ORIGIN_TRIPS_PER_MINUTE);
		for (const response of responses.slice(0, -1)) expect(response.status).toBe(404);
		const refused = responses.at(-1) as Response;
		expect(refused.status).toBe(429);
		expect(refused.headers.get("retry-after")).toBe("60");
		expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limited");
		expect(originTrips).toHaveLength(responses.length - 1);

		// Another address still reaches the origin.
		expect((await edgeFetch(freshIp(), `/api/menu/${bogusSlug()}`)).status).toBe(404);
	});

	it("leave cache hits unlimited, even for an address that used up its origin trips", async () => {
		const ip = freshIp();
		// The first request fills the caches (from KV or the origin, whichever an earlier test left).
		expect((await edgeFetch(freshIp(), `/menu?location=${KNOWN}`)).status).toBe(200);
		let refused: Response | undefined;
		for (let i = 0; i <= 2 * ORIGIN_TRIPS_PER_MINUTE + 1 && !refused; i++) {
			const response = await edgeFetch(ip, `/menu?location=${bogusSlug()}`);
			if (response.status === 429) refused = response;
		}
		expect(refused?.status).toBe(429);

		const trips = originTrips.length;
		for (let i = 0; i < 4 * ORIGIN_TRIPS_PER_MINUTE; i++) {
			const hit = await edgeFetch(ip, i % 2 ? `/api/menu/${KNOWN}` : `/menu?location=${KNOWN}`);
			expect(hit.status).toBe(200);
			expect(hit.headers.get("x-cache-layer")).toBe("memory");
		}
		expect(originTrips).toHaveLength(trips);
	});

	it("go to the origin, with a warning, when the limiter itself fails", async () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const down: RateLimit = { limit: () => Promise.reject(new Error("limiter down")) };
		const slug = bogusSlug();
		expect((await edgeFetch(freshIp(), `/menu?location=${slug}`, down)).status).toBe(404);
		expect(originTrips).toEqual([slug]);
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({
			message: "rate limiter unavailable",
			binding: "RATE_LIMIT_MENU_ORIGIN",
		});
	});
});
