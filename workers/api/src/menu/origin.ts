/**
 * The menu origin the edge calls over its service binding (RPC) when neither
 * its memory, the Cache API nor KV holds the current document.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import type { MenuDocument } from "./domain/document";
import { publishMenu } from "./publication";
import { catalogueDb, listLocations } from "./repository";

export class MenuOrigin extends WorkerEntrypoint<Env> {
	/** The location's current menu, written to KV on the way out; null for an unknown location. */
	async menuDocument(slug: string): Promise<MenuDocument | null> {
		return (await publishMenu(this.env, slug)) ?? null;
	}

	/** Where each location is, for picking the nearest one at the edge. */
	async locationIndex(): Promise<{ slug: string; latitude: number; longitude: number }[]> {
		const rows = await listLocations(catalogueDb(this.env.DB.withSession("first-unconstrained")));
		return rows.map(({ slug, latitude, longitude }) => ({ slug, latitude, longitude }));
	}
}
