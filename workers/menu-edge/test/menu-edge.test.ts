/**
 * The menu edge in front of the real api worker: each cache layer in turn,
 * conditional requests, invalidation, monotonic versions, local-time
 * availability on cached documents, and input errors.
 */
import { env, exports } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { menuKeys } from "../../api/src/menu/contract";
import { clearIsolateMemory } from "../src/index";
import { documentCacheKey, POINTER_TTL_MS } from "../src/layers";

const SLUG = "london-soho";
const ADMIN = `Bearer ${await issueAccessToken({ JWT_SECRET: env.TEST_JWT_SECRET } as Env, {
	id: "acc-demo-admin",
	role: "admin",
	locations: [],
})}`;

function edge(path: string, init: RequestInit & { cf?: Record<string, unknown> } = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, init));
}

interface Menu {
	version: number;
	location: { slug: string; region: string };
	categories: { id: string; availableNow: boolean; items: { id: string; name: string; availableNow: boolean }[] }[];
}

async function menu(path = `/menu?location=${SLUG}`, headers: Record<string, string> = {}) {
	const response = await edge(path, { headers });
	return {
		response,
		layer: response.headers.get("x-cache-layer"),
		body: response.status === 200 ? ((await response.json()) as Menu) : undefined,
	};
}

/** A staff write straight at the api worker, as if made through another edge. */
function writeAtOrigin(method: string, path: string, body: unknown): Promise<Response> {
	return env.API.fetch(
		new Request(`https://goodfood.test${path}`, {
			method,
			headers: { authorization: ADMIN, "content-type": "application/json" },
			body: JSON.stringify(body),
		}),
	);
}

async function forgetEverythingButKv(version: number) {
	clearIsolateMemory();
	await caches.default.delete(documentCacheKey(SLUG, version));
}

beforeEach(() => clearIsolateMemory());
afterEach(() => vi.useRealTimers());

describe("cache layers", () => {
	it("serves from the origin, then memory, then the Cache API, then KV", async () => {
		const first = await menu();
		expect(first.response.status).toBe(200);
		expect(first.body?.location.slug).toBe(SLUG);
		// An earlier test file may have filled KV already; the first answer comes from KV or the origin.
		expect(["origin", "kv"]).toContain(first.layer);
		const version = first.body?.version ?? 0;

		expect((await menu()).layer).toBe("memory");

		clearIsolateMemory();
		expect((await menu()).layer).toBe("cache");

		await forgetEverythingButKv(version);
		expect((await menu()).layer).toBe("kv");
	});

	it("goes to the origin, which fills KV, when KV does not hold the document", async () => {
		const { body } = await menu();
		const version = body?.version ?? 0;
		await forgetEverythingButKv(version);
		await env.MENU_KV.delete(menuKeys.document(SLUG, version));

		expect((await menu()).layer).toBe("origin");
		expect(await env.MENU_KV.get(menuKeys.document(SLUG, version))).not.toBeNull();
	});

	it("sends ETag and Cache-Control, and answers a matching If-None-Match with 304", async () => {
		const { response } = await menu();
		const etag = response.headers.get("etag");
		expect(etag).toMatch(/^"menu\.london-soho\.v\d+\.en\.[a-z0-9]+"$/);
		expect(response.headers.get("cache-control")).toBe("public, no-cache");

		const revalidated = await edge(`/menu?location=${SLUG}`, { headers: { "if-none-match": etag ?? "" } });
		expect(revalidated.status).toBe(304);
		expect(revalidated.headers.get("etag")).toBe(etag);
		expect(await revalidated.text()).toBe("");
	});
});

describe("invalidation", () => {
	it("shows a staff change relayed through this edge at once", async () => {
		const before = (await menu()).body?.version ?? 0;
		const write = await edge(`/api/v1/locations/${SLUG}/items/itm-ldn-flat-white`, {
			method: "PATCH",
			headers: { authorization: ADMIN, "content-type": "application/json" },
			body: JSON.stringify({ name: "Flat white (relayed)" }),
		});
		expect(write.status).toBe(200);

		const after = await menu();
		expect(after.body?.version).toBe(before + 1);
		const names = after.body?.categories.flatMap((category) => category.items.map((item) => item.name));
		expect(names).toContain("Flat white (relayed)");
	});

	it("shows a change made elsewhere once the version pointer's few seconds are up", async () => {
		const before = (await menu()).body?.version ?? 0;
		expect(
			(
				await writeAtOrigin("PATCH", `/api/v1/locations/${SLUG}/items/itm-ldn-flat-white`, {
					name: "Flat white (elsewhere)",
				})
			).status,
		).toBe(200);

		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		const after = await menu();
		expect(after.body?.version).toBe(before + 1);
		expect(after.layer).toBe("kv");
	});

	it("never serves a client an older version than one it has already seen", async () => {
		await menu(); // this isolate now believes in the current version for a few seconds
		const write = await writeAtOrigin("PATCH", `/api/v1/locations/${SLUG}/items/itm-ldn-flat-white`, {
			name: "Flat white (newer)",
		});
		const newVersion = ((await write.json()) as { menuVersion: number }).menuVersion;

		// The client saw the new version at another edge and sends its ETag here.
		const seen = `"menu.${SLUG}.v${newVersion}.o1"`;
		const { response, body } = await menu(`/menu?location=${SLUG}`, { "if-none-match": seen });
		expect(response.status).toBe(200);
		expect(body?.version).toBe(newVersion);
	});

	it("does not go back when KV's pointer lags behind a version this isolate has seen", async () => {
		const { body } = await menu();
		const version = body?.version ?? 0;
		await env.MENU_KV.put(menuKeys.current(SLUG), String(version - 1));
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(Date.now() + POINTER_TTL_MS + 1);
		expect((await menu()).body?.version).toBe(version);
		await env.MENU_KV.put(menuKeys.current(SLUG), String(version));
	});
});

describe("availability in local time on a cached document", () => {
	it("stops offering breakfast at 11:00 London time without a new document", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date("2026-07-01T09:59:00Z")); // 10:59 in London (BST)
		const before = await menu();
		const breakfastBefore = before.body?.categories.find((category) => category.id === "cat-ldn-breakfast");
		expect(breakfastBefore?.availableNow).toBe(true);

		vi.setSystemTime(new Date("2026-07-01T10:00:00Z")); // 11:00 in London
		const after = await menu();
		expect(after.layer).toBe("memory");
		expect(after.body?.version).toBe(before.body?.version);
		const breakfastAfter = after.body?.categories.find((category) => category.id === "cat-ldn-breakfast");
		expect(breakfastAfter?.availableNow).toBe(false);
		expect(breakfastAfter?.items.every((item) => !item.availableNow)).toBe(true);
		expect(after.response.headers.get("etag")).not.toBe(before.response.headers.get("etag"));
	});

	it("judges each location by its own clock at the same instant", async () => {
		vi.useFakeTimers({ toFake: ["Date"] });
		vi.setSystemTime(new Date("2026-07-01T13:00:00Z")); // 09:00 New York, 14:00 London
		const newYork = await menu("/menu?location=new-york-chelsea");
		const london = await menu();
		expect(newYork.body?.categories.find((category) => category.id === "cat-nyc-breakfast")?.availableNow).toBe(true);
		expect(london.body?.categories.find((category) => category.id === "cat-ldn-breakfast")?.availableNow).toBe(false);
	});
});

describe("choosing the location", () => {
	it("serves the legacy /api/menu/{slug} path", async () => {
		const { response, body } = await menu("/api/menu/tokyo-shibuya");
		expect(response.status).toBe(200);
		expect(body?.location.slug).toBe("tokyo-shibuya");
	});

	it("relays the legacy /api/menu/search to the search, not to a location called search", async () => {
		const response = await edge("/api/menu/search?q=flat%20white&location=london-soho");
		expect(response.status).toBe(200);
		expect(response.headers.get("x-cache-layer")).toBeNull();
		const body = (await response.json()) as { query: string; results: { item: { id: string } }[] };
		expect(body.query).toBe("flat white");
		expect(body.results.map((result) => result.item.id)).toContain("itm-ldn-flat-white");
	});

	it("picks the location nearest to the caller without ?location=", async () => {
		const response = await edge("/menu", { cf: { latitude: "35.66", longitude: "139.70" } });
		expect(response.headers.get("x-menu-location")).toBe("tokyo-shibuya");
	});

	it("falls back to the default location without coordinates", async () => {
		const response = await edge("/menu");
		expect(response.headers.get("x-menu-location")).toBe(env.DEFAULT_LOCATION);
	});

	it("answers an unknown location with 404 in the envelope", async () => {
		const { response } = await menu("/menu?location=atlantis");
		expect(response.status).toBe(404);
		expect(((await response.json()) as { error: { code: string } }).error.code).toBe("not_found");
	});

	it("answers a malformed location with 400 naming it", async () => {
		const { response } = await menu("/menu?location=Not%20A%20Slug");
		expect(response.status).toBe(400);
		const body = (await response.json()) as { error: { details: { field: string }[] } };
		expect(body.error.details[0].field).toBe("location");
	});
});

describe("the front door", () => {
	it("answers /health itself", async () => {
		expect(await (await edge("/health")).json()).toEqual({ status: "ok", worker: "menu-edge" });
	});

	it("relays API calls to the api worker with the request id", async () => {
		const response = await edge("/api/v1/locations/london-soho", { headers: { "x-request-id": "edge-req-1" } });
		expect(response.status).toBe(200);
		expect(((await response.json()) as { slug: string }).slug).toBe("london-soho");
	});
});

describe("browsers", () => {
	it("may read menus from an allowed origin, and only from one", async () => {
		const allowed = await edge(`/menu?location=${SLUG}`, { headers: { origin: "http://localhost:5173" } });
		expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
		expect(allowed.headers.get("access-control-expose-headers")).toContain("etag");
		const other = await edge(`/menu?location=${SLUG}`, { headers: { origin: "https://evil.example" } });
		expect(other.headers.get("access-control-allow-origin")).toBeNull();
	});
});

describe("memory hits", () => {
	const headersOf = (response: Response) => {
		const { "x-cache-layer": _, "x-request-id": __, ...rest } = Object.fromEntries(response.headers);
		return rest;
	};

	it("answer with the same headers as the layers behind them, for each encoding and origin", async () => {
		const variants: Record<string, string>[] = [
			{ origin: "http://localhost:5173" },
			{ origin: "http://localhost:5173", "accept-encoding": "gzip" },
			{ origin: "https://evil.example" },
		];
		for (const headers of variants) {
			clearIsolateMemory();
			const fromOrigin = await edge(`/menu?location=${SLUG}`, { headers });
			const first = await fromOrigin.text();
			// The second builds the gzipped body if it is wanted; the third is answered from memory at once.
			await (await edge(`/menu?location=${SLUG}`, { headers })).text();
			const fromMemory = await edge(`/menu?location=${SLUG}`, { headers });
			expect(fromMemory.headers.get("x-cache-layer")).toBe("memory");
			expect(headersOf(fromMemory)).toEqual(headersOf(fromOrigin));
			expect(await fromMemory.text()).toBe(first);
		}
	});

	it("keep the caller's request id, or give a new one", async () => {
		await menu();
		const given = await edge(`/menu?location=${SLUG}`, { headers: { "x-request-id": "client-req-1" } });
		expect(given.headers.get("x-cache-layer")).toBe("memory");
		expect(given.headers.get("x-request-id")).toBe("client-req-1");
		const made = await edge(`/api/menu/${SLUG}`, { headers: { "x-request-id": "not a plain id" } });
		expect(made.headers.get("x-cache-layer")).toBe("memory");
		expect(made.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
	});
});

describe("the location's region", () => {
	it("is in the menu from every layer, so a client knows where its order will be kept", async () => {
		const first = await menu();
		expect(first.body?.location.region).toBe("eu");
		const version = first.body?.version ?? 0;
		expect((await menu()).body?.location.region).toBe("eu");
		await forgetEverythingButKv(version);
		const fromKv = await menu();
		expect(fromKv.layer).toBe("kv");
		expect(fromKv.body?.location.region).toBe("eu");
	});

	it("is never missing because KV still holds a document stored before regions", async () => {
		const { body } = await menu();
		const version = body?.version ?? 0;
		await forgetEverythingButKv(version);
		const withoutRegion = structuredClone(body) as unknown as { location: Record<string, unknown> };
		delete withoutRegion.location.region;
		// Where documents were kept before the location had a region.
		await env.MENU_KV.put(`menu:${SLUG}:v${version}`, JSON.stringify(withoutRegion));

		const served = await menu();
		expect(served.body?.version).toBe(version);
		expect(served.body?.location.region).toBe("eu");
	});
});

describe("readiness", () => {
	it("answers /ready with KV and the api worker checked", async () => {
		const response = await edge("/ready");
		expect(response.status).toBe(200);
		const body = (await response.json()) as { status: string; checks: Record<string, { ok: boolean }> };
		expect(body.status).toBe("ready");
		expect(Object.keys(body.checks).sort()).toEqual(["api", "kv"]);
	});
});

describe("compression", () => {
	it("serves the same menu gzipped to clients that accept it, with its own ETag", async () => {
		const plain = await edge(`/menu?location=${SLUG}`);
		const plainBody = await plain.text();
		const zipped = await edge(`/menu?location=${SLUG}`, { headers: { "accept-encoding": "gzip, br" } });
		expect(zipped.headers.get("content-encoding")).toBe("gzip");
		expect(zipped.headers.get("vary")).toContain("accept-encoding");
		expect(zipped.headers.get("etag")).toBe(plain.headers.get("etag")?.replace(/"$/, '-gz"'));
		// The runtime's fetch decodes the gzip body on the way in, as a browser would.
		expect(await zipped.text()).toBe(plainBody);

		const revalidated = await edge(`/menu?location=${SLUG}`, {
			headers: { "accept-encoding": "gzip", "if-none-match": zipped.headers.get("etag") ?? "" },
		});
		expect(revalidated.status).toBe(304);
	});
});
