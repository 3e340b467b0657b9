/**
 * Item photos: a manager uploads the bytes, the type is read from them (not
 * from the Content-Type or a file name), each refusal has its own code, the
 * photo is stored once by its content hash, and the menu names it.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { formatMenuVersionHeader, MENU_VERSION_HEADER } from "../src/menu/contract";
import { distinctPng, GIF_2x2, JPEG_320x240, PNG_320x240, SVG, WEBP_320x240 } from "../src/menu/images/domain/fixtures";
import { MAX_PHOTO_BYTES } from "../src/menu/images/domain/photo";
import { contentId } from "../src/menu/images/store";
import { bearer, call, errorOf, PRINCIPALS, STAFF, send } from "./helpers";

const LOCATION = "london-soho";
const MANAGER = await bearer(PRINCIPALS.manager);
const OTHER_MANAGER = await bearer({
	id: "acc-demo-manager-chelsea",
	role: "manager",
	locations: ["new-york-chelsea"],
});

interface Upload {
	image: { id: string; width: number; height: number; contentType: string; bytes: number };
	menuVersion: number;
}

async function newItem(): Promise<string> {
	const response = await send(
		"POST",
		`/api/v1/locations/${LOCATION}/items`,
		{ categoryId: "cat-ldn-drinks", name: `Photo tea ${crypto.randomUUID()}`, price: { amount: 250, currency: "GBP" } },
		STAFF,
	);
	expect(response.status).toBe(201);
	return ((await response.json()) as { id: string }).id;
}

const photoPath = (itemId: string, slug = LOCATION) => `/api/v1/locations/${slug}/items/${itemId}/image`;

function upload(
	itemId: string,
	body: BodyInit | null,
	headers: Record<string, string> = { ...MANAGER, "content-type": "application/octet-stream" },
	slug = LOCATION,
): Promise<Response> {
	return call(photoPath(itemId, slug), { method: "PUT", headers, body });
}

async function menuItem(itemId: string) {
	const menu = (await (await call(`/api/v1/locations/${LOCATION}/menu`)).json()) as {
		version: number;
		categories: { items: { id: string; image: { id: string; width: number; height: number } | null }[] }[];
	};
	const item = menu.categories.flatMap((category) => category.items).find((candidate) => candidate.id === itemId);
	return { version: menu.version, item };
}

describe("uploading an item's photo", () => {
	it.each([
		["PNG", PNG_320x240, "image/png"],
		["JPEG", JPEG_320x240, "image/jpeg"],
		["WebP", WEBP_320x240, "image/webp"],
	])("stores a %s by its content hash and the menu names it with its size", async (_name, bytes, contentType) => {
		const itemId = await newItem();
		const response = await upload(itemId, bytes);
		expect(response.status).toBe(200);
		const body = (await response.json()) as Upload;
		const id = await contentId(bytes);
		expect(body.image).toEqual({ id, width: 320, height: 240, contentType, bytes: bytes.byteLength });
		expect(response.headers.get(MENU_VERSION_HEADER)).toBe(formatMenuVersionHeader(LOCATION, body.menuVersion));

		const stored = await env.MENU_IMAGES.get(`images/${id}`);
		expect(stored?.httpMetadata?.contentType).toBe(contentType);
		expect(new Uint8Array((await stored?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);

		const { version, item } = await menuItem(itemId);
		expect(version).toBe(body.menuVersion);
		expect(item?.image).toEqual({ id, width: 320, height: 240 });
	});

	it("goes by the bytes, whatever Content-Type and file name the upload claims", async () => {
		const itemId = await newItem();
		const response = await upload(itemId, PNG_320x240, {
			...MANAGER,
			"content-type": "image/gif",
			"content-disposition": 'attachment; filename="holiday.gif"',
		});
		expect(response.status).toBe(200);
		expect(((await response.json()) as Upload).image.contentType).toBe("image/png");

		const lyingGif = await upload(itemId, GIF_2x2, {
			...MANAGER,
			"content-type": "image/png",
			"content-disposition": 'attachment; filename="photo.png"',
		});
		expect(lyingGif.status).toBe(415);
		expect((await errorOf(lyingGif)).code).toBe("image_type_unsupported");
	});

	it("gives the same bytes the same id, stored once", async () => {
		const bytes = distinctPng(`same-${crypto.randomUUID()}`);
		const first = (await (await upload(await newItem(), bytes)).json()) as Upload;
		const object = await env.MENU_IMAGES.head(`images/${first.image.id}`);
		const second = (await (await upload(await newItem(), bytes)).json()) as Upload;
		expect(second.image).toEqual(first.image);
		// Not written again: the object is the one the first upload put.
		expect((await env.MENU_IMAGES.head(`images/${first.image.id}`))?.uploaded).toEqual(object?.uploaded);
		expect((await env.MENU_IMAGES.list({ prefix: `images/${first.image.id}` })).objects).toHaveLength(1);
	});

	it("takes a photo of exactly 5 MB", async () => {
		const bytes = new Uint8Array(MAX_PHOTO_BYTES);
		bytes.set(distinctPng(`five-${crypto.randomUUID()}`));
		const response = await upload(await newItem(), bytes);
		expect(response.status).toBe(200);
		expect(((await response.json()) as Upload).image.bytes).toBe(MAX_PHOTO_BYTES);
	});
});

describe("refusals, each with its own code", () => {
	it.each([
		["a GIF", GIF_2x2, 415, "image_type_unsupported"],
		["an SVG", SVG, 415, "image_type_unsupported"],
		["a text file", new TextEncoder().encode("not a photo at all"), 415, "image_unreadable"],
		["a PNG cut short", PNG_320x240.subarray(0, 20), 415, "image_unreadable"],
		["an empty body", new Uint8Array(), 400, "image_empty"],
	])("refuses %s", async (_name, bytes, status, code) => {
		const itemId = await newItem();
		const response = await upload(itemId, bytes);
		expect(response.status).toBe(status);
		expect(await errorOf(response)).toMatchObject({ code, details: [{ field: "body" }] });
		expect((await menuItem(itemId)).item?.image).toBeNull();
	});

	it("refuses no body at all as empty", async () => {
		const response = await upload(await newItem(), null);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("image_empty");
	});

	it("refuses more than 5 MB with 413, declared or streamed", async () => {
		const itemId = await newItem();
		const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
		big.set(PNG_320x240);
		const declared = await upload(itemId, big);
		expect(declared.status).toBe(413);
		expect((await errorOf(declared)).code).toBe("image_too_large");

		// No Content-Length: the body is counted as it arrives, and refused once past the limit.
		const chunk = new Uint8Array(1024 * 1024);
		let sent = 0;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (sent >= 8) return controller.close();
				sent++;
				controller.enqueue(chunk);
			},
		});
		const streamed = await upload(itemId, stream);
		expect(streamed.status).toBe(413);
		expect((await errorOf(streamed)).code).toBe("image_too_large");
		expect(sent).toBeLessThan(8);
	});

	it("answers 404 for an item that is not on the location's menu", async () => {
		const response = await upload("itm-not-there", PNG_320x240);
		expect(response.status).toBe(404);
		expect((await errorOf(response)).code).toBe("not_found");
		// An item of another location is not found at this one.
		const elsewhere = await upload("itm-ldn-flat-white", PNG_320x240, STAFF, "new-york-chelsea");
		expect(elsewhere.status).toBe(404);
	});
});

describe("who may upload", () => {
	it("refuses anonymous callers with 401", async () => {
		const response = await upload(await newItem(), PNG_320x240, {});
		expect(response.status).toBe(401);
	});

	it("refuses customers and kitchen staff with 403 for their role", async () => {
		const itemId = await newItem();
		for (const principal of [PRINCIPALS.customer, PRINCIPALS.kitchen]) {
			const response = await upload(itemId, PNG_320x240, await bearer(principal));
			expect(response.status).toBe(403);
			expect(await errorOf(response)).toMatchObject({ code: "forbidden", details: { reason: "role" } });
		}
	});

	it("refuses a manager of another location with 403", async () => {
		const itemId = await newItem();
		const response = await upload(itemId, PNG_320x240, OTHER_MANAGER);
		expect(response.status).toBe(403);
		expect(await errorOf(response)).toMatchObject({ code: "forbidden", details: { reason: "location" } });
		expect((await call(photoPath(itemId), { method: "DELETE", headers: OTHER_MANAGER })).status).toBe(403);
	});
});

describe("taking a photo off an item", () => {
	it("clears the item's image in a new menu version and keeps the bytes", async () => {
		const itemId = await newItem();
		const uploaded = (await (await upload(itemId, distinctPng(`delete-${crypto.randomUUID()}`))).json()) as Upload;

		const response = await call(photoPath(itemId), { method: "DELETE", headers: MANAGER });
		expect(response.status).toBe(200);
		const body = (await response.json()) as { id: string; menuVersion: number };
		expect(body).toEqual({ id: itemId, menuVersion: uploaded.menuVersion + 1 });
		expect(response.headers.get(MENU_VERSION_HEADER)).toBe(formatMenuVersionHeader(LOCATION, body.menuVersion));
		expect((await menuItem(itemId)).item?.image).toBeNull();
		// Other items, or a menu version still cached somewhere, may name the same image.
		expect(await env.MENU_IMAGES.head(`images/${uploaded.image.id}`)).not.toBeNull();
	});

	it("answers 404 for an unknown item", async () => {
		expect((await call(photoPath("itm-not-there"), { method: "DELETE", headers: MANAGER })).status).toBe(404);
	});
});

describe("an item naming an image by id", () => {
	it("refuses an imageId no upload gave out, naming the field", async () => {
		const itemId = await newItem();
		const unknown = "0".repeat(64);
		const patched = await send("PATCH", `/api/v1/locations/${LOCATION}/items/${itemId}`, { imageId: unknown }, MANAGER);
		expect(patched.status).toBe(422);
		expect(await errorOf(patched)).toMatchObject({ code: "unknown_image", details: [{ field: "imageId" }] });

		const created = await send(
			"POST",
			`/api/v1/locations/${LOCATION}/items`,
			{ categoryId: "cat-ldn-drinks", name: "Ghost latte", price: { amount: 300, currency: "GBP" }, imageId: unknown },
			MANAGER,
		);
		expect(created.status).toBe(422);
		expect(await errorOf(created)).toMatchObject({ code: "unknown_image", details: [{ field: "imageId" }] });
	});

	it("sets an uploaded image on another item by its id, and clears it with null", async () => {
		const uploaded = (await (await upload(await newItem(), JPEG_320x240)).json()) as Upload;
		const itemId = await newItem();
		const path = `/api/v1/locations/${LOCATION}/items/${itemId}`;
		expect((await send("PATCH", path, { imageId: uploaded.image.id }, MANAGER)).status).toBe(200);
		expect((await menuItem(itemId)).item?.image).toEqual({ id: uploaded.image.id, width: 320, height: 240 });
		expect((await send("PATCH", path, { imageId: null }, MANAGER)).status).toBe(200);
		expect((await menuItem(itemId)).item?.image).toBeNull();
	});
});
