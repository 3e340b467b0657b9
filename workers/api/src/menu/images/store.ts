/**
 * Where photos live: the bytes in R2 under `images/{id}`, their type and size
 * in D1's `images`, with id = the SHA-256 of the bytes. The same bytes always
 * get the same id, so an upload sent twice is stored once, and an id served
 * at /images/{id} never changes meaning (which is why the edge may cache it
 * for a year).
 */
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import * as schema from "../../db/schema";
import { writeWithVersion } from "../repository";
import type { Photo } from "./domain/photo";

export interface StoredImage extends Photo {
	id: string;
}

/** The R2 key of an image's bytes; the edge reads the same key. */
export const imageObjectKey = (id: string) => `images/${id}`;

/** Lower-case hex of the SHA-256 of the bytes. */
export async function contentId(bytes: Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Puts the bytes in R2 unless they are there already: the same key always holds the same bytes. */
export async function putImageBytes(bucket: R2Bucket, id: string, bytes: Uint8Array, photo: Photo): Promise<void> {
	const key = imageObjectKey(id);
	if (await bucket.head(key)) return;
	await bucket.put(key, bytes, { httpMetadata: { contentType: photo.contentType } });
}

/** Whether an upload gave out this id (an item may only name a photo that exists). */
export async function imageExists(db: Database, id: string): Promise<boolean> {
	const row = await db.select({ id: schema.images.id }).from(schema.images).where(eq(schema.images.id, id)).get();
	return row !== undefined;
}

/**
 * Sets an item's photo (or clears it, with null) and bumps the location's menu
 * version in one batch, recording the image's row on the way (ignored when the
 * same bytes were uploaded before). Returns the new menu version.
 */
export async function setItemImage(
	db: Database,
	slug: string,
	itemId: string,
	image: StoredImage | null,
): Promise<number> {
	const updateItem = db
		.update(schema.items)
		.set({ imageKey: image?.id ?? null, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
		.where(and(eq(schema.items.id, itemId), eq(schema.items.locationSlug, slug)));
	if (!image) return writeWithVersion(db, slug, [updateItem]);
	const { id, contentType, width, height, bytes } = image;
	return writeWithVersion(db, slug, [
		db.insert(schema.images).values({ id, contentType, width, height, bytes }).onConflictDoNothing(),
		updateItem,
	]);
}
