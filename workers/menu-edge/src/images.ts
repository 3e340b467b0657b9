/**
 * Menu photos at `GET /images/{id}[?w=160|320|640]`: the Cache API, then R2
 * (the bucket the api worker uploads into), else 404. An id is the SHA-256
 * of the original bytes, so an answer never changes: a year's `immutable`
 * caching and a strong ETag of id and width, which a client's If-None-Match
 * turns into a 304 without touching any storage.
 *
 * A width is made by the Cloudflare Images binding (sharp in local
 * development) in the original's format, never enlarged. Where the binding is
 * missing or fails, the original is served instead, marked
 * `X-Image-Width: original`, and not cached under the width, so a later
 * request tries again.
 */
import { ApiError } from "@goodfood/platform/errors";
import type { Context } from "hono";
import { etagMatches } from "./render";

const IMAGE_ID = /^[0-9a-f]{64}$/;
export const IMAGE_WIDTHS = ["160", "320", "640"] as const;
const CACHE_CONTROL = "public, max-age=31536000, immutable";
/** A made-up origin for Cache API keys; only the path and width matter. */
const CACHE_ORIGIN = "https://images.goodfood.internal/";

/** A deployment may leave the Images binding out; photos are then served at their original size. */
type ImageEnv = Pick<EdgeEnv, "MENU_IMAGES"> & { IMAGES?: ImagesBinding };

/** The ETag of one representation: the id alone for the original, with `-w{width}` for a size. */
export const imageEtag = (id: string, width: string | undefined) => `"${width ? `${id}-w${width}` : id}"`;

/** The Cache API key of one representation. */
export const imageCacheKey = (id: string, width: string | undefined) =>
	width ? `${CACHE_ORIGIN}${id}?w=${width}` : `${CACHE_ORIGIN}${id}`;

function invalid(field: string, message: string): ApiError {
	return new ApiError("validation_failed", `Invalid ${field}`, [{ field, message }]);
}

function headersFor(etag: string, contentType: string, servedWidth: string): Record<string, string> {
	return {
		"cache-control": CACHE_CONTROL,
		etag,
		"content-type": contentType,
		"x-image-width": servedWidth,
	};
}

/** The width made by the Images binding, or undefined when it is missing or fails (the caller serves the original). */
async function resize(
	env: ImageEnv,
	bytes: ArrayBuffer,
	width: number,
	format: ImageOutputOptions["format"],
): Promise<ArrayBuffer | undefined> {
	const images = env.IMAGES;
	if (!images) return undefined;
	try {
		const result = await images
			.input(new Response(bytes).body as ReadableStream<Uint8Array>)
			.transform({ width, fit: "scale-down" })
			.output({ format });
		const response = result.response();
		if (!response.ok) return undefined;
		return await response.arrayBuffer();
	} catch {
		return undefined;
	}
}

export async function serveImage(c: Context<{ Bindings: ImageEnv }>): Promise<Response> {
	const id = c.req.param("id") ?? "";
	if (!IMAGE_ID.test(id)) throw invalid("id", "must be an image id: 64 lower-case hex digits");
	const width = c.req.query("w");
	if (width !== undefined && !(IMAGE_WIDTHS as readonly string[]).includes(width)) {
		throw invalid("w", `must be one of ${IMAGE_WIDTHS.join(", ")}`);
	}

	// The id names the bytes for ever: a client holding this representation's ETag has it still.
	const etag = imageEtag(id, width);
	const ifNoneMatch = c.req.header("if-none-match");
	if (etagMatches(ifNoneMatch, etag) || (width && etagMatches(ifNoneMatch, imageEtag(id, undefined)))) {
		return new Response(null, { status: 304, headers: { etag, "cache-control": CACHE_CONTROL } });
	}

	const cacheKey = imageCacheKey(id, width);
	// Stored with `x-cache-layer: cache` already set, so a hit is answered as it comes out of the cache.
	const cached = await caches.default.match(cacheKey);
	if (cached) return cached;

	const object = await c.env.MENU_IMAGES.get(`images/${id}`);
	if (!object) throw ApiError.notFound("Image");
	const contentType = object.httpMetadata?.contentType ?? "application/octet-stream";
	const original = await object.arrayBuffer();

	let body = original;
	let headers = headersFor(imageEtag(id, undefined), contentType, "original");
	if (width) {
		// Uploads are JPEG, PNG or WebP only (menu/images/domain/photo.ts), each an output format of the binding.
		const resized = await resize(c.env, original, Number(width), contentType as ImageOutputOptions["format"]);
		if (resized) {
			body = resized;
			headers = headersFor(etag, contentType, width);
		}
	}
	// A width the binding could not make is not cached under that width: the next request tries again.
	if (!width || headers.etag === etag) {
		c.executionCtx.waitUntil(
			caches.default.put(cacheKey, new Response(body, { headers: { ...headers, "x-cache-layer": "cache" } })),
		);
	}
	return new Response(body, { headers: { ...headers, "x-cache-layer": "r2" } });
}
