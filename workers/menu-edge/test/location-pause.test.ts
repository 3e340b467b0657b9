/**
 * A location paused, closed for the day or resumed in the back office, as the
 * menu edge shows it: the write relayed through this edge tells it the new menu
 * version (x-menu-version), so its very next menu read shows the change; a
 * write made through another edge shows here once the version pointer's few
 * seconds are up, the document coming from KV, where the api published it.
 */
import { env, exports } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { localClock } from "../../api/src/menu/domain/availability";
import { clearIsolateMemory } from "../src/index";
import { POINTER_TTL_MS } from "../src/layers";

const ADMIN = `Bearer ${await issueAccessToken({ JWT_SECRET: env.TEST_JWT_SECRET } as Env, {
	id: "acc-demo-admin",
	role: "admin",
	locations: [],
})}`;

const ALL_DAY = [{ opens: "00:00", closes: "24:00" }];

interface EdgeMenu {
	version: number;
	openNow: boolean;
	location: {
		slug: string;
		ordering: { paused: boolean; reason: string | null; since: string | null };
		closures: { id: string; from: string; to: string; reason: string }[];
	};
}

function edge(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, init));
}

/** An admin write relayed through this edge, as the back office makes it. */
function throughEdge(method: string, path: string, body?: unknown): Promise<Response> {
	return edge(path, {
		method,
		headers: { authorization: ADMIN, "content-type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

/** The same write straight at the api worker, as if made through another edge. */
function elsewhere(method: string, path: string, body?: unknown): Promise<Response> {
	return env.API.fetch(
		new Request(`https://goodfood.test${path}`, {
			method,
			headers: { authorization: ADMIN, "content-type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		}),
	);
}

async function menuOf(slug: string): Promise<{ layer: string | null; body: EdgeMenu }> {
	const response = await edge(`/menu?location=${slug}`);
	expect(response.status).toBe(200);
	return { layer: response.headers.get("x-cache-layer"), body: (await response.json()) as EdgeMenu };
}

/** A location open round the clock, created through the edge. */
async function openLocation(): Promise<string> {
	const slug = `edge-pause-${crypto.randomUUID().slice(0, 8)}`;
	const response = await throughEdge("POST", "/api/v1/locations", {
		slug,
		name: "GoodFood Edge",
		address: { line: "1 Edge Street", city: "London", postcode: "EC1A 1AA", country: "GB" },
		coordinates: { latitude: 51.52, longitude: -0.1 },
		timeZone: "Europe/London",
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
		fulfilment: { pickup: true, delivery: null },
	});
	expect(response.status).toBe(201);
	return slug;
}

beforeEach(() => clearIsolateMemory());
afterEach(() => vi.useRealTimers());

describe("pausing ordering, seen at the edge", () => {
	it("shows a pause relayed through this edge on the very next menu read, and the resume after it", async () => {
		const slug = await openLocation();
		// Warm every layer: this isolate now trusts the running location's version for a few seconds.
		const before = await menuOf(slug);
		expect(before.body.location.ordering.paused).toBe(false);
		expect((await menuOf(slug)).layer).toBe("memory");

		const pause = await throughEdge("POST", `/api/v1/locations/${slug}/pause`, { reason: "Kitchen overwhelmed" });
		expect(pause.status).toBe(200);
		expect(pause.headers.get("x-menu-version")).toBe(`${slug}=${before.body.version + 1}`);

		const paused = await menuOf(slug);
		expect(paused.body.version).toBe(before.body.version + 1);
		expect(paused.body.location.ordering).toMatchObject({ paused: true, reason: "Kitchen overwhelmed" });

		expect((await throughEdge("POST", `/api/v1/locations/${slug}/resume`)).status).toBe(200);
		expect((await menuOf(slug)).body.location.ordering).toEqual({ paused: false, reason: null, since: null });
	});

	it("shows a pause made through another edge once the version pointer's few seconds are up", async () => {
		const slug = await openLocation();
		await menuOf(slug);
		expect((await elsewhere("POST", `/api/v1/locations/${slug}/pause`, { reason: "Oven broken" })).status).toBe(200);

		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		const after = await menuOf(slug);
		expect(after.layer).toBe("kv");
		expect(after.body.location.ordering).toMatchObject({ paused: true, reason: "Oven broken" });
	});
});

describe("a closure, seen at the edge", () => {
	it("closes the menu for today at once, naming the closure", async () => {
		const slug = await openLocation();
		expect((await menuOf(slug)).body.openNow).toBe(true);
		const today = localClock(new Date(), "Europe/London").date;
		const added = await throughEdge("POST", `/api/v1/locations/${slug}/closures`, {
			from: today,
			reason: "Burst pipe",
		});
		expect(added.status).toBe(201);

		const closed = await menuOf(slug);
		expect(closed.body.openNow).toBe(false);
		expect(closed.body.location.closures).toEqual([await added.json()]);
	});
});
