/**
 * Publishing menu documents to KV, the edge's shared cache. KV is a cache,
 * never the record: each version of a location's menu is stored under its own
 * key, and a small pointer key names the current version.
 */

import { menuKeys } from "./contract";
import type { MenuDocument } from "./domain/document";
import { catalogueDb, loadMenuDocument } from "./repository";

export const MENU_DOCUMENT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Writes the location's current menu to KV and points `current` at it. Reads
 * the primary so the document is never older than the write that triggered it;
 * if another write bumped the version meanwhile, publishes again so the pointer
 * never ends on an older version.
 */
export async function publishMenu(env: Env, slug: string): Promise<MenuDocument | undefined> {
	const db = catalogueDb(env.DB.withSession("first-primary"));
	for (let attempt = 0; attempt < 3; attempt++) {
		const document = await loadMenuDocument(db, slug);
		if (!document) return undefined;
		await env.MENU_KV.put(menuKeys.document(slug, document.version), JSON.stringify(document), {
			expirationTtl: MENU_DOCUMENT_TTL_SECONDS,
		});
		await env.MENU_KV.put(menuKeys.current(slug), String(document.version));
		const latest = await env.DB.withSession("first-primary")
			.prepare("SELECT menu_version AS version FROM locations WHERE slug = ?")
			.bind(slug)
			.first<{ version: number }>();
		if (!latest || latest.version <= document.version) return document;
	}
	return undefined;
}
