import { describe, expect, it } from "vitest";
import { distinctPng, GIF_2x2, JPEG_320x240, PNG_320x240, SVG, WEBP_320x240 } from "./fixtures";
import { inspectPhoto, MAX_PHOTO_BYTES, refuseDeclaredLength } from "./photo";

describe("a photo is what its bytes say", () => {
	it.each([
		["PNG", PNG_320x240, "image/png"],
		["JPEG", JPEG_320x240, "image/jpeg"],
		["WebP", WEBP_320x240, "image/webp"],
	])("takes a %s with its width and height", (_name, bytes, contentType) => {
		expect(inspectPhoto(bytes)).toEqual({
			ok: true,
			photo: { contentType, width: 320, height: 240, bytes: bytes.byteLength },
		});
	});

	it("takes a PNG with an extra private chunk: the same picture, other bytes", () => {
		expect(inspectPhoto(distinctPng("another"))).toMatchObject({ ok: true, photo: { width: 320, height: 240 } });
	});

	it.each([
		["a GIF", GIF_2x2],
		["an SVG", SVG],
	])("refuses %s as a type the menu does not take", (_name, bytes) => {
		const inspection = inspectPhoto(bytes);
		expect(inspection).toMatchObject({ ok: false, refusal: { code: "image_type_unsupported" } });
	});

	it("refuses text as no image at all", () => {
		const inspection = inspectPhoto(new TextEncoder().encode("hello, this is not a photo"));
		expect(inspection).toMatchObject({ ok: false, refusal: { code: "image_unreadable" } });
	});

	it("refuses a PNG cut off before its size", () => {
		expect(inspectPhoto(PNG_320x240.subarray(0, 12))).toMatchObject({
			ok: false,
			refusal: { code: "image_unreadable" },
		});
	});

	it("refuses an empty body", () => {
		expect(inspectPhoto(new Uint8Array())).toMatchObject({ ok: false, refusal: { code: "image_empty" } });
	});

	it("refuses more than 5 MB, even of a real image", () => {
		const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
		big.set(PNG_320x240);
		expect(inspectPhoto(big)).toMatchObject({ ok: false, refusal: { code: "image_too_large" } });
		const exactly = new Uint8Array(MAX_PHOTO_BYTES);
		exactly.set(PNG_320x240);
		expect(inspectPhoto(exactly)).toMatchObject({ ok: true, photo: { contentType: "image/png" } });
	});

	it("refuses a declared Content-Length over 5 MB before reading", () => {
		expect(refuseDeclaredLength(String(MAX_PHOTO_BYTES + 1))).toMatchObject({ code: "image_too_large" });
		expect(refuseDeclaredLength(String(MAX_PHOTO_BYTES))).toBeUndefined();
		expect(refuseDeclaredLength(undefined)).toBeUndefined();
		expect(refuseDeclaredLength("not a number")).toBeUndefined();
	});
});
