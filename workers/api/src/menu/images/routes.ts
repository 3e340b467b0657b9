/**
 * A manager's photo for a menu item: PUT the raw bytes (JPEG, PNG or WebP, at
 * most 5 MB; the type is read from the bytes, never from the name or the
 * Content-Type), and the item names the stored image in the next menu
 * version. DELETE takes the photo off the item; the bytes stay in R2, as other
 * items or older menu versions may name the same image.
 */
import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { ErrorSchema, errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditChange } from "../../audit/record";
import { database } from "../../db/client";
import * as catalogue from "../repository";
import { IdParam, SlugParam, WriteResultSchema } from "../schemas";
import { published } from "../staff-routes";
import {
	inspectPhoto,
	MAX_PHOTO_BYTES,
	PHOTO_TYPES,
	type PhotoRefusal,
	refuseDeclaredLength,
	tooLarge,
} from "./domain/photo";
import { contentId, putImageBytes, setItemImage } from "./store";

const ItemParams = SlugParam.extend({ itemId: IdParam });

/** The one route that takes more than the gateway's 64 KiB body: app.ts lets it through, and it reads at most 5 MB. */
const PHOTO_PATH = /^\/api\/v1\/locations\/[^/]+\/items\/[^/]+\/image$/;
export const isPhotoUpload = (c: Context) => c.req.method === "PUT" && PHOTO_PATH.test(c.req.path);

const ImageSchema = z
	.object({
		id: z.string().openapi({ description: "SHA-256 of the bytes, lower-case hex; served at /images/{id}" }),
		width: z.number().int(),
		height: z.number().int(),
		contentType: z.enum(PHOTO_TYPES),
		bytes: z.number().int(),
	})
	.openapi("MenuImage");

const UploadResultSchema = z
	.object({ image: ImageSchema, menuVersion: z.number().int() })
	.openapi("MenuImageUploadResult");

const errorContent = (description: string) => ({
	description,
	content: { "application/json": { schema: ErrorSchema } },
});

const binary = { schema: z.string().openapi({ type: "string", format: "binary" }) };

function refused(refusal: PhotoRefusal): ApiError {
	return new ApiError(refusal.code, refusal.message, [{ field: "body", message: refusal.message }]);
}

/**
 * Reads the body, refusing it as soon as it passes 5 MB: a declared length is
 * checked before reading, and a body without one is counted as it streams.
 */
async function readPhoto(request: Request): Promise<Uint8Array> {
	const declared = refuseDeclaredLength(request.headers.get("content-length") ?? undefined);
	if (declared) throw refused(declared);
	if (!request.body) return new Uint8Array();
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		total += value.byteLength;
		if (total > MAX_PHOTO_BYTES) {
			await reader.cancel();
			throw refused(tooLarge(total));
		}
		chunks.push(value);
	}
	const bytes = new Uint8Array(total);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.byteLength;
	}
	return bytes;
}

async function itemOr404(c: Context<AppEnv>, slug: string, itemId: string) {
	const item = await catalogue.findItem(database(c.var.d1), slug, itemId);
	if (!item) throw ApiError.notFound("Item");
	return item;
}

/** Managers of the item's location and admins, as for the other item writes (staff-routes.ts). */
function photoRoute<M extends "put" | "delete">(method: M, summary: string) {
	return {
		method,
		path: "/locations/{slug}/items/{itemId}/image" as const,
		summary,
		tags: ["Menu (staff)"],
		security: bearerSecurity,
		middleware: [staffAtLocation(["manager", "admin"])],
	};
}

export const menuImageRoutes = createRouter()
	.openapi(
		createRoute({
			...photoRoute("put", "Upload an item's photo"),
			description:
				"The body is the photo's bytes: JPEG, PNG or WebP, at most 5 MB. Its type is read from the bytes; the Content-Type and any file name are ignored. The same bytes always get the same id.",
			request: {
				params: ItemParams,
				body: {
					required: true,
					content: { "image/jpeg": binary, "image/png": binary, "image/webp": binary },
				},
			},
			responses: {
				200: jsonContent(UploadResultSchema, "Stored and set on the item; menuVersion is the location's new version"),
				...errorResponses(401, 403, 404),
				400: errorContent("Malformed path parameters (`validation_failed`), or an empty body (`image_empty`)"),
				413: errorContent("The photo is over 5 MB (`image_too_large`)"),
				415: errorContent(
					"The bytes are an image of another type, such as GIF or SVG (`image_type_unsupported`), or no image at all (`image_unreadable`)",
				),
			},
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			// The body is judged before the item is looked up, as a JSON body is validated before its route runs.
			const bytes = await readPhoto(c.req.raw);
			const inspection = inspectPhoto(bytes);
			if (!inspection.ok) throw refused(inspection.refusal);
			const item = await itemOr404(c, slug, itemId);
			const id = await contentId(bytes);
			const image = { id, ...inspection.photo };
			// The bytes first: a menu must never name an image the edge cannot find.
			await putImageBytes(c.env.MENU_IMAGES, id, bytes, inspection.photo);
			const version = await setItemImage(database(c.var.d1), slug, itemId, image);
			// The image's id, never its bytes.
			auditChange(c, { before: { imageId: item.imageKey }, after: { imageId: id } });
			return c.json({ image, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...photoRoute("delete", "Take an item's photo off it (the image itself is kept)"),
			request: { params: ItemParams },
			responses: {
				200: jsonContent(WriteResultSchema, "The item has no photo; menuVersion is the location's new version"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			const item = await itemOr404(c, slug, itemId);
			const version = await setItemImage(database(c.var.d1), slug, itemId, null);
			auditChange(c, { before: { imageId: item.imageKey }, after: { imageId: null } });
			return c.json({ id: itemId, menuVersion: await published(c, slug, version) }, 200);
		},
	);
