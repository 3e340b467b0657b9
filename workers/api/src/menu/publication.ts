/**
 * Publishing menu documents to KV, the edge's shared cache. KV is a cache,
 * never the record: each version of a location's menu is stored under its own
 * key, and a small pointer key names the current version.
 */

import { database } from "../db/client";
import { menuKeys } from "./contract";
import type { MenuDocument } from "./domain/document";
import { loadMenuDocument } from "./repository";

export const MENU_DOCUMENT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Writes the location's current menu to KV and points `current` at it. Reads
 * the primary so the document is never older than the write that triggered it;
 * if another write bumped the version meanwhile, publishes again so the pointer
 * never ends on an older version. Undefined only for an unknown location.
 */
export async function publishMenu(env: Env, slug: string): Promise<MenuDocument | undefined> {
	const db = database(env.DB.withSession("first-primary"));
	let document: MenuDocument | undefined;
	for (let attempt = 0; attempt < 3; attempt++) {
		const loaded = await loadMenuDocument(db, slug);
		if (!loaded) return undefined;
		document = loaded;
		await writeIfChanged(env.MENU_KV, slug, document);
		const latest = await env.DB.withSession("first-primary")
			.prepare("SELECT menu_version AS version FROM locations WHERE slug = ?")
			.bind(slug)
			.first<{ version: number }>();
		if (!latest || latest.version <= document.version) return document;
	}
	// Writes kept racing ours; the last document loaded is still a real menu of this location.
	return document;
}

/**
 * KV takes about one write per second per key, and the origin publishes on
 * every edge miss, so it writes only what KV lacks: a document is immutable
 * per version, and the pointer is rewritten only when it names another version.
 */
async function writeIfChanged(kv: KVNamespace, slug: string, document: MenuDocument): Promise<void> {
	const documentKey = menuKeys.document(slug, document.version);
	const [storedDocument, storedPointer] = await Promise.all([kv.get(documentKey), kv.get(menuKeys.current(slug))]);
	if (storedDocument === null) {
		await kv.put(documentKey, JSON.stringify(document), { expirationTtl: MENU_DOCUMENT_TTL_SECONDS });
	}
	if (storedPointer !== String(document.version)) await kv.put(menuKeys.current(slug), String(document.version));
}
