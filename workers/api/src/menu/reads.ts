/**
 * The menu's public reads, as REST and the graph both answer them: a
 * location's menu as it can be ordered at a moment, and full-text search over
 * the items, each hit with the menu it is on.
 */
import { ApiError } from "@goodfood/platform/errors";
import { database } from "../db/client";
import { type PresentedMenu, presentMenu } from "./domain/document";
import { findLocation, loadMenuDocument, loadMenuDocuments, searchItems } from "./repository";

export type PresentedCategory = PresentedMenu["categories"][number];
export type PresentedMenuItem = PresentedCategory["items"][number];

/** A location's menu with what can be ordered at `now`; undefined for an unknown location. */
export async function readMenu(
	d1: D1Database | D1DatabaseSession,
	slug: string,
	now = new Date(),
): Promise<PresentedMenu | undefined> {
	const document = await loadMenuDocument(database(d1), slug);
	return document && presentMenu(document, now);
}

export interface MenuSearchHit {
	menu: PresentedMenu;
	category: PresentedCategory;
	item: PresentedMenuItem;
}

export interface MenuSearch {
	q: string;
	location?: string;
	limit: number;
}

/** Items matching the text, best first, each as its menu presents it now; not_found for an unknown location. */
export async function searchMenu(
	d1: D1Database | D1DatabaseSession,
	{ q, location, limit }: MenuSearch,
	now = new Date(),
): Promise<MenuSearchHit[]> {
	const db = database(d1);
	if (location && !(await findLocation(db, location))) throw ApiError.notFound("Location");
	const hits = await searchItems(d1, q, location, limit);
	const documents = await loadMenuDocuments(
		db,
		hits.map((hit) => hit.locationSlug),
	);
	const menus = new Map([...documents].map(([slug, document]) => [slug, presentMenu(document, now)]));
	return hits.flatMap((hit) => {
		const menu = menus.get(hit.locationSlug);
		if (!menu) return [];
		for (const category of menu.categories) {
			const item = category.items.find((candidate) => candidate.id === hit.itemId);
			if (item) return [{ menu, category, item }];
		}
		return [];
	});
}
