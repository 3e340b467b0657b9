/**
 * The menu version a client claims in If-None-Match is only a claim: a made-up
 * ETag naming a far-future version must not send every request to the origin
 * (which would hammer D1 and KV), yet a version the client really saw elsewhere
 * is still served once the origin has it.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import type { CallContext } from "@goodfood/platform/trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import edge, { clearIsolateMemory } from "../src/index";
import { POINTER_TTL_MS } from "../src/layers";

const SLUG = "london-soho";
const BOGUS_ETAG = `"menu.${SLUG}.v999999.x"`;

// Every request of this file goes through one counting origin, so the edge's layers are built on it.
const originTrips: string[] = [];
const countingOrigin = {
	menuDocument: (slug: string, call: CallContext) => {
		originTrips.push(slug);
		return env.MENU_ORIGIN.menuDocument(slug, call);
	},
	locationIndex: (call: CallContext) => env.MENU_ORIGIN.locationIndex(call),
};

async function edgeFetch(path: string, headers: Record<string, string> = {}): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await edge.fetch(
		new Request(`https://goodfood.test${path}`, { headers }),
		{ ...env, MENU_ORIGIN: countingOrigin as unknown as EdgeEnv["MENU_ORIGIN"] },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

async function menuVersion(response: Response): Promise<number> {
	return ((await response.json()) as { version: number }).version;
}

beforeEach(() => {
	clearIsolateMemory();
	originTrips.length = 0;
});
afterEach(() => vi.useRealTimers());

describe("a claimed version beyond any known one", () => {
	it("sends a burst with a made-up ETag to the origin at most once, and answers each with the current menu", async () => {
		const current = await menuVersion(await edgeFetch(`/menu?location=${SLUG}`));
		originTrips.length = 0;

		const concurrent = await Promise.all(
			Array.from({ length: 5 }, () => edgeFetch(`/menu?location=${SLUG}`, { "if-none-match": BOGUS_ETAG })),
		);
		const sequential: Response[] = [];
		for (let i = 0; i < 10; i++) {
			sequential.push(await edgeFetch(`/api/menu/${SLUG}`, { "if-none-match": BOGUS_ETAG }));
		}

		for (const response of [...concurrent, ...sequential]) {
			expect(response.status).toBe(200);
			expect(await menuVersion(response)).toBe(current);
		}
		expect(originTrips.length).toBeLessThanOrEqual(1);
	});

	it("asks the origin again only once the pointer's few seconds are up", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		for (let i = 0; i < 5; i++) {
			expect((await edgeFetch(`/menu?location=${SLUG}`, { "if-none-match": BOGUS_ETAG })).status).toBe(200);
		}
		expect(originTrips).toEqual([SLUG]);

		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		for (let i = 0; i < 5; i++) {
			expect((await edgeFetch(`/menu?location=${SLUG}`, { "if-none-match": BOGUS_ETAG })).status).toBe(200);
		}
		expect(originTrips).toEqual([SLUG, SLUG]);
	});

	it("still serves a newer version the client really saw elsewhere, once the last origin answer has aged", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		await edgeFetch(`/menu?location=${SLUG}`, { "if-none-match": BOGUS_ETAG });

		const admin = await issueAccessToken({ JWT_SECRET: env.TEST_JWT_SECRET } as Env, {
			id: "acc-demo-admin",
			role: "admin",
			locations: [],
		});
		const write = await env.API.fetch(
			new Request(`https://goodfood.test/api/v1/locations/${SLUG}/items/itm-ldn-flat-white`, {
				method: "PATCH",
				headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
				body: JSON.stringify({ name: "Flat white (seen elsewhere)" }),
			}),
		);
		const written = ((await write.json()) as { menuVersion: number }).menuVersion;

		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		const response = await edgeFetch(`/menu?location=${SLUG}`, { "if-none-match": `"menu.${SLUG}.v${written}.o1"` });
		expect(response.status).toBe(200);
		expect(await menuVersion(response)).toBe(written);
	});
});
