/**
 * The menu's cache layers, fastest first: isolate memory → Cache API → KV →
 * origin. Documents are immutable per version, so only the small "current
 * version" pointer can go stale; it lives in memory for a few seconds and in
 * KV, and never moves backwards in an isolate. A location the origin does not
 * know is remembered as missing for as long as a pointer is trusted, so a burst
 * for a made-up slug costs one origin trip rather than one D1 read each.
 */

import type { CallContext } from "@goodfood/platform/trace";
import { menuKeys } from "../../api/src/menu/contract";
import type { MenuDocument } from "../../api/src/menu/domain/document";

export type CacheLayer = "memory" | "cache" | "kv" | "origin";

/** How long an isolate trusts its idea of a location's current menu version. */
export const POINTER_TTL_MS = 2_000;
/** KV's own edge caching of the pointer; 30 s is the minimum KV accepts. */
export const POINTER_KV_CACHE_TTL_SECONDS = 30;
const MAX_DOCUMENTS_IN_MEMORY = 64;
/** How many slugs the origin said it does not know an isolate remembers (the oldest go first). */
export const MAX_MISSING_IN_MEMORY = 256;
const CACHE_API_ORIGIN = "https://menu-edge.cache";

/** The Cache API key of one immutable menu document version. */
export function documentCacheKey(slug: string, version: number): Request {
	return new Request(`${CACHE_API_ORIGIN}/${encodeURIComponent(menuKeys.document(slug, version))}`);
}

export interface MenuSource {
	/** The current document from the origin, which also writes it to KV; `call` carries the request's trace. */
	fetchFromOrigin(slug: string, call: CallContext): Promise<MenuDocument | null>;
}

interface Pointer {
	version: number;
	checkedAt: number;
}

export interface Lookup {
	document: MenuDocument;
	layer: CacheLayer;
}

export class MenuLayers {
	private readonly pointers = new Map<string, Pointer>();
	/** When the origin was last asked for each location's current menu. */
	private readonly originAskedAt = new Map<string, number>();
	private readonly documents = new Map<string, MenuDocument>();
	private readonly inFlight = new Map<string, Promise<Lookup | null>>();
	/** When the origin last said it has no such location, per slug, oldest first; trusted for `POINTER_TTL_MS`. */
	private readonly missingSince = new Map<string, number>();

	constructor(
		private readonly kv: KVNamespace,
		private readonly cache: Cache,
		private readonly origin: MenuSource,
	) {}

	/**
	 * The location's current menu, never older than any version this isolate
	 * has seen, nor than `atLeastVersion` (a version the client claims to have
	 * seen) once the origin has been asked. The claim comes from the client's
	 * ETag and may be made up, so a claim beyond what is known sends at most one
	 * trip per location per pointer TTL to the origin, whose answer then stands.
	 * A trip to the origin joins the trace in `call` (the first caller's, when
	 * concurrent misses share one trip). A location the origin said it does not
	 * know is null without asking again until the pointer TTL is up, so a
	 * location created meanwhile shows within that window. `beforeOrigin` runs
	 * only when no cache can answer, and may throw to refuse the trip.
	 */
	async current(
		slug: string,
		atLeastVersion = 0,
		call: CallContext = {},
		beforeOrigin?: () => Promise<void>,
	): Promise<Lookup | null> {
		if (this.knownMissing(slug)) return null;
		const inMemory = this.memoryHit(slug, atLeastVersion);
		if (inMemory) return { document: inMemory, layer: "memory" };
		const version = await this.currentVersion(slug);
		if (version !== undefined && (version >= atLeastVersion || this.askedOriginRecently(slug))) {
			const found = await this.byVersion(slug, version);
			if (found) return found;
		}
		await beforeOrigin?.();
		return this.singleFlight(`origin:${slug}`, () => this.fromOrigin(slug, call));
	}

	/**
	 * The current document when isolate memory alone can answer, with the same
	 * rules as `current()`: a pointer still trusted, not older than what the
	 * client has seen (unless the origin was just asked), no "missing" mark.
	 * Synchronous, so the edge's hottest path needs no await.
	 */
	memoryHit(slug: string, atLeastVersion = 0): MenuDocument | undefined {
		const known = this.pointers.get(slug);
		if (!known || Date.now() - known.checkedAt >= POINTER_TTL_MS || this.missingSince.has(slug)) return undefined;
		if (known.version < atLeastVersion && !this.askedOriginRecently(slug)) return undefined;
		return this.documents.get(menuKeys.document(slug, known.version));
	}

	/** Records a version learned from a write relayed through this edge. */
	observeVersion(slug: string, version: number): void {
		const known = this.pointers.get(slug);
		if (!known || version >= known.version) this.pointers.set(slug, { version, checkedAt: Date.now() });
		// A version means the location exists, whatever the origin said before.
		this.missingSince.delete(slug);
	}

	/** Drops everything held in isolate memory (the other layers stay). */
	clearMemory(): void {
		this.pointers.clear();
		this.originAskedAt.clear();
		this.documents.clear();
		this.missingSince.clear();
	}

	private knownMissing(slug: string): boolean {
		const since = this.missingSince.get(slug);
		if (since === undefined) return false;
		if (Date.now() - since < POINTER_TTL_MS) return true;
		this.missingSince.delete(slug);
		return false;
	}

	private rememberMissing(slug: string): void {
		// Re-inserted so that the Map's order stays oldest first.
		this.missingSince.delete(slug);
		while (this.missingSince.size >= MAX_MISSING_IN_MEMORY) {
			const oldest = this.missingSince.keys().next().value;
			if (oldest === undefined) break;
			this.missingSince.delete(oldest);
		}
		this.missingSince.set(slug, Date.now());
	}

	private askedOriginRecently(slug: string): boolean {
		const askedAt = this.originAskedAt.get(slug);
		return askedAt !== undefined && Date.now() - askedAt < POINTER_TTL_MS;
	}

	private async currentVersion(slug: string): Promise<number | undefined> {
		const known = this.pointers.get(slug);
		if (known && Date.now() - known.checkedAt < POINTER_TTL_MS) return known.version;
		const stored = await this.kv.get(menuKeys.current(slug), { cacheTtl: POINTER_KV_CACHE_TTL_SECONDS });
		if (stored === null) return known?.version;
		this.observeVersion(slug, Number(stored));
		// Never move backwards: a lagging KV replica must not undo a newer version seen here.
		return Math.max(Number(stored), known?.version ?? 0);
	}

	private async byVersion(slug: string, version: number): Promise<Lookup | null> {
		const key = menuKeys.document(slug, version);
		const inMemory = this.documents.get(key);
		if (inMemory) return { document: inMemory, layer: "memory" };
		return this.singleFlight(key, async () => {
			const cacheKey = documentCacheKey(slug, version);
			const cached = await this.cache.match(cacheKey);
			if (cached) return { document: this.remember(key, await cached.json<MenuDocument>()), layer: "cache" };
			const stored = await this.kv.get<MenuDocument>(key, { type: "json", cacheTtl: 3600 });
			if (!stored) return null;
			await this.putInCache(cacheKey, stored);
			return { document: this.remember(key, stored), layer: "kv" };
		});
	}

	private async fromOrigin(slug: string, call: CallContext): Promise<Lookup | null> {
		const document = await this.origin.fetchFromOrigin(slug, call);
		if (!document) {
			this.rememberMissing(slug);
			return null;
		}
		this.originAskedAt.set(slug, Date.now());
		const key = menuKeys.document(slug, document.version);
		this.observeVersion(slug, document.version);
		await this.putInCache(documentCacheKey(slug, document.version), document);
		return { document: this.remember(key, document), layer: "origin" };
	}

	private async putInCache(cacheKey: Request, document: MenuDocument): Promise<void> {
		// A versioned document never changes, so the Cache API may keep it for a day.
		const response = new Response(JSON.stringify(document), {
			headers: { "content-type": "application/json", "cache-control": "public, max-age=86400" },
		});
		await this.cache.put(cacheKey, response);
	}

	private remember(key: string, document: MenuDocument): MenuDocument {
		if (this.documents.size >= MAX_DOCUMENTS_IN_MEMORY) {
			const oldest = this.documents.keys().next().value;
			if (oldest !== undefined) this.documents.delete(oldest);
		}
		this.documents.set(key, document);
		return document;
	}

	/** One lookup per key at a time in this isolate, so a burst of misses makes one call. */
	private singleFlight(key: string, load: () => Promise<Lookup | null>): Promise<Lookup | null> {
		let pending = this.inFlight.get(key);
		if (!pending) {
			pending = load().finally(() => this.inFlight.delete(key));
			this.inFlight.set(key, pending);
		}
		return pending;
	}
}
