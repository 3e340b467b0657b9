/**
 * Full-text search over the menus' items, each hit with the menu it is on as
 * that menu presents it now.
 */
import { ApiError } from "@goodfood/platform/errors";
import { database } from "../db/client";
import type { PresentedMenu } from "./domain/document";
import { presentMenu } from "./domain/document";
import type { PresentedCategory, PresentedMenuItem } from "./reads";
import { findLocation, loadMenuDocuments } from "./repository";

export interface SearchHit {
	itemId: string;
	locationSlug: string;
	rank: number;
}

/** Turns free text into an FTS5 query of quoted prefix terms, so no input is FTS syntax. */
export function ftsQuery(text: string): string | undefined {
	const terms = text
		.toLowerCase()
		.split(/[^\p{L}\p{N}]+/u)
		.filter(Boolean)
		.slice(0, 8);
	if (terms.length === 0) return undefined;
	return terms.map((term) => `"${term}"*`).join(" ");
}

export async function searchItems(
	d1: D1Database | D1DatabaseSession,
	text: string,
	locationSlug: string | undefined,
	limit: number,
): Promise<SearchHit[]> {
	const match = ftsQuery(text);
	if (!match) return [];
	const where = locationSlug ? "items_fts MATCH ?1 AND location_slug = ?2" : "items_fts MATCH ?1";
	const statement = d1
		.prepare(
			`SELECT item_id AS itemId, location_slug AS locationSlug, bm25(items_fts, 0, 0, 10.0, 2.0, 1.0) AS rank
			 FROM items_fts WHERE ${where} ORDER BY rank LIMIT ?3`,
		)
		.bind(match, locationSlug ?? null, limit);
	const { results } = await statement.all<SearchHit>();
	return results;
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
