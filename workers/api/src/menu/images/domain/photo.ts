/**
 * What a menu photo upload must be, decided by its bytes alone: a file's name
 * and the Content-Type it was sent with are claims, the bytes are the fact.
 * JPEG, PNG or WebP, at most 5 MB, with a width and height that can be read.
 */
import { imageSize } from "image-size";

export const MAX_PHOTO_BYTES = 5 * 1024 * 1024;

export const PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type PhotoType = (typeof PHOTO_TYPES)[number];

export interface Photo {
	contentType: PhotoType;
	width: number;
	height: number;
	bytes: number;
}

/** Each refusal has its own code (and status, in error-codes.ts), so a client can say what was wrong. */
export type PhotoRefusal =
	| { code: "image_empty"; message: string }
	| { code: "image_too_large"; message: string }
	| { code: "image_type_unsupported"; message: string }
	| { code: "image_unreadable"; message: string };

export type PhotoInspection = { ok: true; photo: Photo } | { ok: false; refusal: PhotoRefusal };

/** image-size's name for a format, to the media type it is served as. */
const ACCEPTED: Record<string, PhotoType> = { jpg: "image/jpeg", png: "image/png", webp: "image/webp" };

export function tooLarge(bytes: number): PhotoRefusal {
	return {
		code: "image_too_large",
		message: `The photo is over 5 MB (${bytes} bytes); send one of at most ${MAX_PHOTO_BYTES} bytes`,
	};
}

/** A declared Content-Length over the limit is refused before a byte is read. */
export function refuseDeclaredLength(contentLength: string | undefined): PhotoRefusal | undefined {
	if (contentLength === undefined) return undefined;
	const declared = Number(contentLength);
	if (!Number.isFinite(declared)) return undefined;
	if (declared > MAX_PHOTO_BYTES) return tooLarge(declared);
	return undefined;
}

/** Reads the type and size from the bytes, or says why they are not a photo the menu takes. */
export function inspectPhoto(bytes: Uint8Array): PhotoInspection {
	if (bytes.byteLength === 0) {
		return { ok: false, refusal: { code: "image_empty", message: "The body is empty; send the photo's bytes" } };
	}
	if (bytes.byteLength > MAX_PHOTO_BYTES) return { ok: false, refusal: tooLarge(bytes.byteLength) };
	let size: ReturnType<typeof imageSize>;
	try {
		size = imageSize(bytes);
	} catch {
		// image-size throws for bytes of no format it knows, and for a known header too short or broken to give a size.
		return {
			ok: false,
			refusal: { code: "image_unreadable", message: "The body is not an image: send a JPEG, PNG or WebP photo" },
		};
	}
	const contentType = size.type ? ACCEPTED[size.type] : undefined;
	if (!contentType) {
		return {
			ok: false,
			refusal: {
				code: "image_type_unsupported",
				message: `The photo is ${size.type?.toUpperCase() ?? "of an unknown type"}; send a JPEG, PNG or WebP`,
			},
		};
	}
	if (!(size.width > 0 && size.height > 0)) {
		return { ok: false, refusal: { code: "image_unreadable", message: "The photo's width and height cannot be read" } };
	}
	// A JPEG whose EXIF says to turn it a quarter turns shows with width and height swapped.
	const turned = size.orientation !== undefined && size.orientation >= 5;
	return {
		ok: true,
		photo: {
			contentType,
			width: turned ? size.height : size.width,
			height: turned ? size.width : size.height,
			bytes: bytes.byteLength,
		},
	};
}
