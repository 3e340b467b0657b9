/**
 * A location slug the origin does not know: the edge remembers "no such
 * location" in isolate memory for the pointer's few seconds, so a burst for a
 * made-up slug costs one origin trip (one D1 read) instead of one per request,
 * and a location created meanwhile is served once that window is up.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { CallContext } from "@goodfood/platform/trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "../../api/src/db/client";
import * as schema from "../../api/src/db/schema";
import edge, { clearIsolateMemory } from "../src/index";
import { MAX_MISSING_IN_MEMORY, POINTER_TTL_MS } from "../src/layers";

const KNOWN = "london-soho";

const originTrips: string[] = [];
const countingOrigin = {
	menuDocument: (slug: string, call: CallContext) => {
		originTrips.push(slug);
		return env.MENU_ORIGIN.menuDocument(slug, call);
	},
	locationIndex: (call: CallContext) => env.MENU_ORIGIN.locationIndex(call),
};

async function edgeFetch(path: string): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await edge.fetch(
		new Request(`https://goodfood.test${path}`),
		{ ...env, MENU_ORIGIN: countingOrigin as unknown as EdgeEnv["MENU_ORIGIN"] },
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}

function bogusSlug(): string {
	return `nowhere-${crypto.randomUUID().slice(0, 8)}`;
}

function tripsFor(slug: string): number {
	return originTrips.filter((trip) => trip === slug).length;
}

async function createLocation(slug: string): Promise<void> {
	await database(env.TEST_DB)
		.insert(schema.locations)
		.values({
			slug,
			name: "GoodFood New Opening",
			addressLine: "1 Test Street",
			city: "London",
			postcode: "W1 1AA",
			country: "GB",
			latitude: 51.5,
			longitude: -0.12,
			timeZone: "Europe/London",
			region: "eu",
			currency: "GBP",
			taxRateBps: 2000,
			pricesIncludeTax: true,
			openingHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
		});
}

beforeEach(() => {
	clearIsolateMemory();
	originTrips.length = 0;
	// The clock stands still unless a test moves it, so a slow run cannot outlast the window by accident.
	vi.useFakeTimers({ toFake: ["Date"] });
});
afterEach(() => vi.useRealTimers());

describe("an unknown location", () => {
	it("sends a burst for a made-up slug to the origin once, answering each request 404", async () => {
		const slug = bogusSlug();
		const concurrent = await Promise.all(Array.from({ length: 5 }, () => edgeFetch(`/menu?location=${slug}`)));
		const sequential: Response[] = [];
		for (let i = 0; i < 10; i++) sequential.push(await edgeFetch(`/api/menu/${slug}`));

		for (const response of [...concurrent, ...sequential]) {
			expect(response.status).toBe(404);
			expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
		}
		expect(originTrips).toEqual([slug]);
	});

	it("remembers each slug on its own, and leaves known locations alone", async () => {
		const [first, second] = [bogusSlug(), bogusSlug()];
		for (let i = 0; i < 3; i++) {
			expect((await edgeFetch(`/menu?location=${first}`)).status).toBe(404);
			expect((await edgeFetch(`/menu?location=${second}`)).status).toBe(404);
			expect((await edgeFetch(`/menu?location=${KNOWN}`)).status).toBe(200);
		}
		expect(tripsFor(first)).toBe(1);
		expect(tripsFor(second)).toBe(1);
	});

	it("asks the origin again once the pointer's few seconds are up, and serves a location created meanwhile", async () => {
		const slug = bogusSlug();
		expect((await edgeFetch(`/menu?location=${slug}`)).status).toBe(404);

		await createLocation(slug);
		// Within the window the edge still trusts the origin's "no such location".
		expect((await edgeFetch(`/menu?location=${slug}`)).status).toBe(404);
		expect(originTrips).toEqual([slug]);

		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		const response = await edgeFetch(`/menu?location=${slug}`);
		expect(response.status).toBe(200);
		expect(response.headers.get("x-menu-location")).toBe(slug);
		expect(response.headers.get("x-cache-layer")).toBe("origin");
		expect(originTrips).toEqual([slug, slug]);
	});

	it("keeps a bounded number of unknown slugs, forgetting the oldest first", async () => {
		const slugs = Array.from({ length: MAX_MISSING_IN_MEMORY + 1 }, bogusSlug);
		for (const slug of slugs) expect((await edgeFetch(`/menu?location=${slug}`)).status).toBe(404);
		expect(originTrips).toHaveLength(slugs.length);
		originTrips.length = 0;

		// The newest are still remembered; the first one was pushed out and goes to the origin again.
		expect((await edgeFetch(`/menu?location=${slugs[slugs.length - 1]}`)).status).toBe(404);
		expect((await edgeFetch(`/menu?location=${slugs[1]}`)).status).toBe(404);
		expect(originTrips).toEqual([]);
		expect((await edgeFetch(`/menu?location=${slugs[0]}`)).status).toBe(404);
		expect(originTrips).toEqual([slugs[0]]);
	});
});
