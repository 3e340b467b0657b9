/**
 * Turning a cached menu document into a response body for this moment. The
 * body depends only on the document version and which availability windows
 * are open, so bodies are kept per (version, availability key) and the ETag
 * names both.
 */
import { availabilityKey, type MenuDocument, presentMenu } from "../../api/src/menu/domain/document";

export interface RenderedMenu {
	body: string;
	etag: string;
	/** The body gzipped once, on first demand; most clients accept it and it is a fraction of the size. */
	gzipped(): Promise<Uint8Array>;
	/** The gzipped body once `gzipped()` has finished, so later requests need not await it. */
	gzippedReady?: Uint8Array;
}

async function gzip(text: string): Promise<Uint8Array> {
	const compressed = new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"));
	return new Uint8Array(await new Response(compressed).arrayBuffer());
}

/** A strong ETag names one encoding of the body, so the gzipped representation gets its own. */
export function gzipEtag(etag: string): string {
	return etag.replace(/"$/, '-gz"');
}

const MAX_RENDERED = 256;
const rendered = new Map<string, RenderedMenu>();

/** Availability windows are in whole local minutes, so a document's key holds for the rest of the minute. */
const keysThisMinute = new WeakMap<MenuDocument, { minute: number; key: string }>();

function availabilityKeyAt(document: MenuDocument, now: Date): string {
	const minute = Math.floor(now.getTime() / 60_000);
	let known = keysThisMinute.get(document);
	if (known?.minute !== minute) {
		known = { minute, key: availabilityKey(document, now) };
		keysThisMinute.set(document, known);
	}
	return known.key;
}

export function menuEtag(document: MenuDocument, now: Date): string {
	return `"menu.${document.location.slug}.v${document.version}.${availabilityKeyAt(document, now)}"`;
}

export function renderMenu(document: MenuDocument, now: Date): RenderedMenu {
	const etag = menuEtag(document, now);
	let menu = rendered.get(etag);
	if (!menu) {
		if (rendered.size >= MAX_RENDERED) rendered.clear();
		const body = JSON.stringify(presentMenu(document, now));
		let compressed: Promise<Uint8Array> | undefined;
		const rendering: RenderedMenu = {
			body,
			etag,
			gzipped: () =>
				(compressed ??= gzip(body).then((bytes) => {
					rendering.gzippedReady = bytes;
					return bytes;
				})),
		};
		menu = rendering;
		rendered.set(etag, menu);
	}
	return menu;
}

export function clearRendered(): void {
	rendered.clear();
}

/** The highest menu version of `slug` named by an If-None-Match header: what the client has already seen. */
export function versionSeenByClient(ifNoneMatch: string | undefined, slug: string): number {
	if (!ifNoneMatch) return 0;
	let highest = 0;
	for (const match of ifNoneMatch.matchAll(/"menu\.([a-z0-9-]+)\.v(\d+)\.[a-z0-9]*(?:-gz)?"/g)) {
		if (match[1] === slug) highest = Math.max(highest, Number(match[2]));
	}
	return highest;
}

export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
	if (!ifNoneMatch) return false;
	return ifNoneMatch
		.split(",")
		.map((tag) => tag.trim().replace(/^W\//, ""))
		.some((tag) => tag === etag || tag === "*");
}
