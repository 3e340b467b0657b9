/**
 * The menu editor's own calls: the menu in one language, every translation
 * of it as stored, and an item's photo upload and removal.
 */
import { request, V1 } from "./http";
import type { Menu } from "./types";

const enc = encodeURIComponent;

export type MenuLanguage = Menu["language"];
/** Text in one language other than the default; a field left out reads in the default language. */
export interface Texts {
	name?: string;
	description?: string;
}
export type Translations = Partial<Record<MenuLanguage, Texts>>;

/** Every translation of a menu, by the id of what it translates. */
export type MenuTranslations = Map<string, Translations>;

/** The staff menu in one language, from the origin so each write shows at once. */
export function fetchMenuIn(slug: string, language: MenuLanguage): Promise<Menu> {
	return request(`${V1}/locations/${enc(slug)}/menu?lang=${enc(language)}`);
}

const editablePath = (slug: string) => `${V1}/locations/${enc(slug)}/menu/editable`;

interface Translated {
	id: string;
	translations?: Translations;
}
interface EditableMenu {
	categories: (Translated & {
		items: (Translated & { modifierGroups: (Translated & { options: Translated[] })[] })[];
	})[];
}

function collect(menu: EditableMenu): MenuTranslations {
	const byId = new Map<string, Translations>();
	const keep = (node: Translated) => byId.set(node.id, node.translations ?? {});
	for (const category of menu.categories) {
		keep(category);
		for (const item of category.items) {
			keep(item);
			for (const group of item.modifierGroups) {
				keep(group);
				for (const option of group.options) keep(option);
			}
		}
	}
	return byId;
}

/** Every translation of the location's menu, as stored (the presented menu has one language only). */
export async function fetchMenuTranslations(slug: string): Promise<MenuTranslations> {
	return collect(await request<EditableMenu>(editablePath(slug)));
}

/** A photo as the upload answers it. */
export interface UploadedImage {
	id: string;
	width: number;
	height: number;
	contentType: string;
	bytes: number;
}

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;

const imagePath = (slug: string, itemId: string) => `${V1}/locations/${enc(slug)}/items/${enc(itemId)}/image`;

/** Stores the file as the item's photo; the server checks its content, type and size. */
export function uploadItemImage(
	slug: string,
	itemId: string,
	file: Blob,
): Promise<{ image: UploadedImage; menuVersion: number }> {
	return request(imagePath(slug, itemId), { method: "PUT", body: file });
}

/** Takes the item's photo off the menu. */
export function removeItemImage(slug: string, itemId: string): Promise<unknown> {
	return request(imagePath(slug, itemId), { method: "DELETE" });
}

/** Where the edge serves a photo, at a width it offers (160, 320, 640). */
export function imageUrl(id: string, width: 160 | 320 | 640 = 160): string {
	return `/images/${enc(id)}?w=${width}`;
}
