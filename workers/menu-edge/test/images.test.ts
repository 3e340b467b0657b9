/**
 * Menu photos through the edge: uploaded through the edge's relay to the api
 * worker, then served at /images/{id} from R2 and the Cache API with a year's
 * immutable caching, a strong ETag and 304s, and in the widths a page asks for.
 */
import { env, exports } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { imageSize } from "image-size";
import { describe, expect, it } from "vitest";
import { distinctPng, JPEG_320x240, WEBP_320x240 } from "../../api/src/menu/images/domain/fixtures";

const SLUG = "london-soho";
const ADMIN = `Bearer ${await issueAccessToken({ JWT_SECRET: env.TEST_JWT_SECRET } as Env, {
	id: "acc-demo-admin",
	role: "admin",
	locations: [],
})}`;

function edge(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, init));
}

/** Uploads a photo through the edge, as the menu editor does, onto a new item; the stored image's id. */
async function uploadThroughEdge(bytes: Uint8Array): Promise<string> {
	const created = await edge(`/api/v1/locations/${SLUG}/items`, {
		method: "POST",
		headers: { authorization: ADMIN, "content-type": "application/json" },
		body: JSON.stringify({
			categoryId: "cat-ldn-drinks",
			name: `Pictured tea ${crypto.randomUUID()}`,
			price: { amount: 250, currency: "GBP" },
		}),
	});
	expect(created.status).toBe(201);
	const { id: itemId } = (await created.json()) as { id: string };
	const uploaded = await edge(`/api/v1/locations/${SLUG}/items/${itemId}/image`, {
		method: "PUT",
		headers: { authorization: ADMIN, "content-type": "application/octet-stream" },
		body: bytes,
	});
	expect(uploaded.status).toBe(200);
	return ((await uploaded.json()) as { image: { id: string } }).image.id;
}

async function error(response: Response) {
	return ((await response.json()) as { error: { code: string; details?: { field: string }[] } }).error;
}

describe("serving a photo", () => {
	it("serves the original from R2, then from the Cache API, with immutable caching and a strong ETag", async () => {
		const bytes = distinctPng(`edge-${crypto.randomUUID()}`);
		const id = await uploadThroughEdge(bytes);

		const first = await edge(`/images/${id}`);
		expect(first.status).toBe(200);
		expect(first.headers.get("x-cache-layer")).toBe("r2");
		expect(first.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(first.headers.get("content-type")).toBe("image/png");
		const etag = first.headers.get("etag");
		expect(etag).toBe(`"${id}"`);
		expect(new Uint8Array(await first.arrayBuffer())).toEqual(bytes);

		// The Cache API put runs after the answer (waitUntil); the next request finds it once it has landed.
		await expect.poll(async () => (await edge(`/images/${id}`)).headers.get("x-cache-layer")).toBe("cache");
		const second = await edge(`/images/${id}`);
		expect(second.status).toBe(200);
		expect(second.headers.get("etag")).toBe(etag);
		expect(second.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
		expect(second.headers.get("content-type")).toBe("image/png");
		expect(new Uint8Array(await second.arrayBuffer())).toEqual(bytes);
	});

	it("answers 304 to a client holding the ETag, with no body", async () => {
		const id = await uploadThroughEdge(distinctPng(`etag-${crypto.randomUUID()}`));
		const etag = (await edge(`/images/${id}`)).headers.get("etag") ?? "";
		const revalidated = await edge(`/images/${id}`, { headers: { "if-none-match": etag } });
		expect(revalidated.status).toBe(304);
		expect(revalidated.headers.get("etag")).toBe(etag);
		expect(await revalidated.text()).toBe("");
		expect((await edge(`/images/${id}`, { headers: { "if-none-match": '"something-else"' } })).status).toBe(200);
	});

	it("answers HEAD with the headers and no body", async () => {
		const id = await uploadThroughEdge(WEBP_320x240);
		const head = await edge(`/images/${id}`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe("image/webp");
		expect(head.headers.get("etag")).toBe(`"${id}"`);
		expect(await head.text()).toBe("");
	});
});

describe("sizes", () => {
	it("makes ?w=160 narrower, in the original's type, with its own ETag and cache entry", async () => {
		const id = await uploadThroughEdge(JPEG_320x240);
		const sized = await edge(`/images/${id}?w=160`);
		expect(sized.status).toBe(200);
		expect(sized.headers.get("content-type")).toBe("image/jpeg");
		expect(sized.headers.get("x-image-width")).toBe("160");
		expect(sized.headers.get("etag")).toBe(`"${id}-w160"`);
		const size = imageSize(new Uint8Array(await sized.arrayBuffer()));
		expect(size).toMatchObject({ type: "jpg", width: 160, height: 120 });

		await expect.poll(async () => (await edge(`/images/${id}?w=160`)).headers.get("x-cache-layer")).toBe("cache");
		const original = await edge(`/images/${id}`);
		expect(imageSize(new Uint8Array(await original.arrayBuffer()))).toMatchObject({ width: 320, height: 240 });
		const revalidated = await edge(`/images/${id}?w=160`, { headers: { "if-none-match": `"${id}-w160"` } });
		expect(revalidated.status).toBe(304);
	});

	it("never enlarges: ?w=640 of a 320-wide photo stays 320 wide", async () => {
		const id = await uploadThroughEdge(distinctPng(`wide-${crypto.randomUUID()}`));
		const sized = await edge(`/images/${id}?w=640`);
		expect(sized.status).toBe(200);
		expect(imageSize(new Uint8Array(await sized.arrayBuffer()))).toMatchObject({ type: "png", width: 320 });
	});

	it("serves the original, marked, where the Images binding fails", async () => {
		const id = await uploadThroughEdge(distinctPng(`fallback-${crypto.randomUUID()}`));
		const { serveImage } = await import("../src/images");
		const { Hono } = await import("hono");
		const broken = {
			input: () => {
				throw new Error("Images is not available here");
			},
		};
		const app = new Hono<{ Bindings: { MENU_IMAGES: R2Bucket; IMAGES?: unknown } }>().get("/images/:id", serveImage);
		const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} } as unknown as ExecutionContext;
		for (const IMAGES of [broken, undefined]) {
			const response = await app.fetch(
				new Request(`https://goodfood.test/images/${id}?w=160`),
				{ MENU_IMAGES: env.MENU_IMAGES, IMAGES },
				ctx,
			);
			expect(response.status).toBe(200);
			expect(response.headers.get("x-image-width")).toBe("original");
			expect(response.headers.get("etag")).toBe(`"${id}"`);
			expect(imageSize(new Uint8Array(await response.arrayBuffer()))).toMatchObject({ width: 320 });
		}
	});
});

describe("bad requests", () => {
	it("refuses an id that is not 64 lower-case hex digits with 400 naming id", async () => {
		for (const id of ["abc", "A".repeat(64), `${"0".repeat(63)}g`]) {
			const response = await edge(`/images/${id}`);
			expect(response.status).toBe(400);
			expect(await error(response)).toMatchObject({ code: "validation_failed", details: [{ field: "id" }] });
		}
	});

	it("refuses a width other than 160, 320 or 640 with 400 naming w", async () => {
		for (const w of ["100", "abc", ""]) {
			const response = await edge(`/images/${"a".repeat(64)}?w=${w}`);
			expect(response.status).toBe(400);
			expect(await error(response)).toMatchObject({ code: "validation_failed", details: [{ field: "w" }] });
		}
	});

	it("answers 404 for an image nobody uploaded", async () => {
		const response = await edge(`/images/${"0".repeat(64)}`);
		expect(response.status).toBe(404);
		expect((await error(response)).code).toBe("not_found");
	});
});
