/**
 * The menu editor's own calls: the menu in one language, every translation
 * of it (from the editable menu when the API offers it, else worked out from
 * one read per offered language), and an item's photo upload and removal.
 */
import { ApiFailure, currentAccessToken, request } from "./http";
import type { ErrorEnvelope, Menu } from "./types";

const V1 = "/api/v1";
const enc = encodeURIComponent;

export type MenuLanguage = Menu["language"];
/** Text in one language other than the default; a field left out reads in the default language. */
export interface Texts {
	name?: string;
	description?: string;
}
export type Translations = Partial<Record<MenuLanguage, Texts>>;

/** Every translation of a menu, by the id of what it translates. */
export interface MenuTranslations {
	byId: Map<string, Translations>;
	/**
	 * Whether the translations were read as stored. When they were worked out
	 * from the presented menus instead, a translation identical to the
	 * default's text reads as none, and languages the API did not answer in
	 * read as empty.
	 */
	exact: boolean;
	/** Languages whose texts could not be read at all. */
	unread: MenuLanguage[];
}

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

function collect(menu: EditableMenu): Map<string, Translations> {
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

/** A field's text in `language` when it differs from the default's; the presented menu has no other trace of it. */
function differences(base: Menu, other: Menu, language: MenuLanguage, into: Map<string, Translations>): void {
	const add = (id: string, texts: Texts) => {
		const entry = into.get(id) ?? {};
		if (Object.keys(texts).length > 0) entry[language] = texts;
		into.set(id, entry);
	};
	const diff = (a: { name: string; description?: string }, b: { name: string; description?: string } | undefined) => {
		const texts: Texts = {};
		if (b && b.name !== a.name) texts.name = b.name;
		if (b && a.description !== undefined && b.description !== a.description) texts.description = b.description;
		return texts;
	};
	const categories = new Map(other.categories.map((category) => [category.id, category]));
	for (const category of base.categories) {
		const translated = categories.get(category.id);
		add(category.id, diff(category, translated));
		const items = new Map((translated?.items ?? []).map((item) => [item.id, item]));
		for (const item of category.items) {
			const otherItem = items.get(item.id);
			add(item.id, diff(item, otherItem));
			const groups = new Map((otherItem?.modifierGroups ?? []).map((group) => [group.id, group]));
			for (const group of item.modifierGroups) {
				const otherGroup = groups.get(group.id);
				add(group.id, diff({ name: group.name }, otherGroup && { name: otherGroup.name }));
				const options = new Map((otherGroup?.options ?? []).map((option) => [option.id, option]));
				for (const option of group.options) {
					const otherOption = options.get(option.id);
					add(option.id, diff({ name: option.name }, otherOption && { name: otherOption.name }));
				}
			}
		}
	}
}

/**
 * Every translation of the menu `base` (read in the default language). The
 * editable menu has them as stored; where the API does not offer it (or the
 * account may not read it), each offered language is read and a text taken as
 * translated where it differs from the default's.
 */
export async function fetchMenuTranslations(slug: string, base: Menu): Promise<MenuTranslations> {
	try {
		const editable = await request<EditableMenu>(editablePath(slug));
		return { byId: collect(editable), exact: true, unread: [] };
	} catch {
		// Not offered (yet): work it out from the presented menus below.
	}
	const { defaultLanguage, languages } = base.location;
	const others = languages.filter((language) => language !== defaultLanguage);
	const byId = new Map<string, Translations>();
	const unread: MenuLanguage[] = [];
	const menus = await Promise.all(others.map((language) => fetchMenuIn(slug, language).catch(() => null)));
	others.forEach((language, index) => {
		const menu = menus[index];
		// A menu answered in another language than asked says nothing about this one.
		if (!menu || menu.language !== language) unread.push(language);
		else differences(base, menu, language, byId);
	});
	return { byId, exact: false, unread };
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

async function sendOnce(path: string, method: string, body?: Blob): Promise<Response> {
	const headers: Record<string, string> = { accept: "application/json" };
	if (body) headers["content-type"] = body.type || "application/octet-stream";
	const token = currentAccessToken();
	if (token) headers.authorization = `Bearer ${token}`;
	try {
		return await fetch(path, { method, headers, body });
	} catch {
		throw new ApiFailure(0, "network", "GoodFood cannot be reached. Check your connection and try again.");
	}
}

/**
 * Sends raw bytes (not JSON), so it cannot go through `request`; a refusal
 * becomes the same ApiFailure. An expired token is renewed once, as `request`
 * does, through a staff read that `request` makes (`renewVia`), then the write is sent again.
 */
async function sendRaw<T>(path: string, method: string, renewVia: string, body?: Blob): Promise<T> {
	let response = await sendOnce(path, method, body);
	if (response.status === 401 && currentAccessToken()) {
		const before = currentAccessToken();
		await request(renewVia).catch(() => undefined);
		if (currentAccessToken() !== before) response = await sendOnce(path, method, body);
	}
	if (response.ok) return response.status === 204 ? (undefined as T) : ((await response.json()) as T);
	try {
		const envelope = (await response.json()) as Partial<ErrorEnvelope>;
		if (envelope.error) {
			throw new ApiFailure(response.status, envelope.error.code, envelope.error.message, envelope.error.details);
		}
	} catch (failure) {
		if (failure instanceof ApiFailure) throw failure;
	}
	throw new ApiFailure(response.status, "unexpected", `Something went wrong (HTTP ${response.status}). Try again.`);
}

/** Stores the file as the item's photo; the server checks its content, type and size. */
export function uploadItemImage(
	slug: string,
	itemId: string,
	file: Blob,
): Promise<{ image: UploadedImage; menuVersion: number }> {
	return sendRaw(imagePath(slug, itemId), "PUT", editablePath(slug), file);
}

/** Takes the item's photo off the menu. */
export function removeItemImage(slug: string, itemId: string): Promise<unknown> {
	return sendRaw(imagePath(slug, itemId), "DELETE", editablePath(slug));
}

/** Where the edge serves a photo, at a width it offers (160, 320, 640). */
export function imageUrl(id: string, width: 160 | 320 | 640 = 160): string {
	return `/images/${enc(id)}?w=${width}`;
}
