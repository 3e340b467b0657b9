/**
 * The menu origin the edge calls over its service binding (RPC) when neither
 * its memory, the Cache API nor KV holds the current document.
 */
import { WorkerEntrypoint } from "cloudflare:workers";
import { type CallSpan, type RpcTarget, tracedCall } from "@goodfood/platform/rpc-span";
import type { CallContext } from "@goodfood/platform/trace";
import { database } from "../db/client";
import type { MenuDocument } from "./domain/document";
import { publishMenu } from "./publication";
import { listLocations } from "./repository";

export class MenuOrigin extends WorkerEntrypoint<Env> {
	/**
	 * The location's current menu, written to KV on the way out where KV lacks
	 * it (edges call this on every miss, and KV takes ~1 write/s per key); null
	 * for an unknown location. `call` joins the edge request's trace.
	 */
	async menuDocument(slug: string, call: CallContext = {}): Promise<MenuDocument | null> {
		return this.traced(
			"menuDocument",
			call,
			async () => (await publishMenu(this.env, slug)) ?? null,
			(document) => ({ location: slug, version: document?.version ?? null }),
		);
	}

	/** Where each location is, for picking the nearest one at the edge. */
	async locationIndex(call: CallContext = {}): Promise<{ slug: string; latitude: number; longitude: number }[]> {
		return this.traced("locationIndex", call, async () => {
			const rows = await listLocations(database(this.env.DB.withSession("first-unconstrained")));
			return rows.map(({ slug, latitude, longitude }) => ({ slug, latitude, longitude }));
		});
	}

	private traced<T>(
		method: string,
		call: CallContext,
		run: (span: CallSpan) => Promise<T>,
		outcomeFields?: (result: T) => Record<string, unknown>,
	): Promise<T> {
		const target: RpcTarget = { service: "goodfood-api", object: "MenuOrigin", settings: this.env, ctx: this.ctx };
		return tracedCall(target, method, call, run, outcomeFields);
	}
}
