/**
 * Turning a cached menu document into a response body for this moment and a
 * language. The body depends only on the document version, which availability
 * windows are open and the language, so bodies are kept per (version,
 * availability key, language) and the ETag names all three.
 */
import { languageOfBearer } from "@goodfood/platform/access-token";
import {
	availabilityKey,
	type LocationSummary,
	type MenuDocument,
	presentMenu,
} from "../../api/src/menu/domain/document";
import { type Language, negotiateLanguage } from "../../api/src/menu/domain/language";

export interface RenderedMenu {
	body: string;
	etag: string;
	language: Language;
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

/**
 * Per document, this minute's availability key and the bodies already looked
 * up for it per language. Availability windows are in whole local minutes, so
 * a document's key holds for the rest of the minute, and a hit reads two maps
 * without building its ETag string again.
 */
interface ThisMinute {
	minute: number;
	key: string;
	menus: Map<Language, RenderedMenu>;
}
let thisMinute = new WeakMap<MenuDocument, ThisMinute>();

function thisMinuteOf(document: MenuDocument, now: Date): ThisMinute {
	const minute = Math.floor(now.getTime() / 60_000);
	let known = thisMinute.get(document);
	if (known?.minute !== minute) {
		known = { minute, key: availabilityKey(document, now), menus: new Map() };
		thisMinute.set(document, known);
	}
	return known;
}

export function menuEtag(document: MenuDocument, now: Date, language = document.location.defaultLanguage): string {
	return `"menu.${document.location.slug}.v${document.version}.${language}.${thisMinuteOf(document, now).key}"`;
}

/** The body for `document` at `now` in `language` (one the location offers; its default when not given). */
export function renderMenu(
	document: MenuDocument,
	now: Date,
	language = document.location.defaultLanguage,
): RenderedMenu {
	const minute = thisMinuteOf(document, now);
	const known = minute.menus.get(language);
	if (known) return known;
	const etag = menuEtag(document, now, language);
	let menu = rendered.get(etag);
	if (!menu) {
		if (rendered.size >= MAX_RENDERED) rendered.clear();
		const body = JSON.stringify(presentMenu(document, now, language));
		let compressed: Promise<Uint8Array> | undefined;
		const rendering: RenderedMenu = {
			body,
			etag,
			language,
			gzipped: () =>
				(compressed ??= gzip(body).then((bytes) => {
					rendering.gzippedReady = bytes;
					return bytes;
				})),
		};
		menu = rendering;
		rendered.set(etag, menu);
	}
	minute.menus.set(language, menu);
	return menu;
}

export function clearRendered(): void {
	rendered.clear();
	thisMinute = new WeakMap();
	negotiated = new WeakMap();
}

/**
 * Negotiations already made, per location (one document version's): the
 * Accept-Language header alone is the key of the common request (no `?lang=`,
 * no bearer), so a hit builds no string; any other combination is joined into
 * one. Each map is small and starts over when full, so made-up headers cannot
 * grow it.
 */
const MAX_NEGOTIATED_PER_LOCATION = 64;
let negotiated = new WeakMap<LocationSummary, Map<string, Language>>();

/**
 * The language to answer in, as the api's `negotiateLanguage` decides it:
 * `?lang=`, then the bearer token's `lng` claim (read unverified: a language is
 * no privilege, and the hot path spends no signature check on it), then
 * Accept-Language, then the location's default. Memoised, as this runs on every
 * menu request.
 */
export function menuLanguage(
	location: LocationSummary,
	query: string | null,
	authorization: string | null,
	acceptLanguage: string | null,
): Language {
	// A location with one language (or a request that wishes for none) has nothing to choose.
	if (location.languages.length <= 1 || (!query && !authorization && !acceptLanguage)) {
		return location.defaultLanguage;
	}
	// `?lang=` naming an offered language wins outright (as in negotiateLanguage): no key to build.
	if (query && (location.languages as readonly string[]).includes(query)) return query as Language;
	let known = negotiated.get(location);
	if (!known) {
		known = new Map();
		negotiated.set(location, known);
	}
	const key =
		query || authorization ? `${query ?? ""}\n${authorization ?? ""}\n${acceptLanguage ?? ""}` : acceptLanguage;
	let language = known.get(key ?? "");
	if (language === undefined) {
		language = negotiateLanguage(location.languages, location.defaultLanguage, {
			query,
			preference: authorization ? languageOfBearer(authorization) : undefined,
			acceptLanguage,
		});
		if (known.size >= MAX_NEGOTIATED_PER_LOCATION) known.clear();
		known.set(key ?? "", language);
	}
	return language;
}

/**
 * The highest menu version of `slug` named by an If-None-Match header: what the
 * client has already seen. ETags name the language since menus came in several
 * (`"menu.tokyo-shibuya.v7.ja.o1"`); one from before (`"menu.tokyo-shibuya.v7.o1"`)
 * still tells its version, and matches no current ETag, so it gets a full answer.
 */
export function versionSeenByClient(ifNoneMatch: string | undefined, slug: string): number {
	if (!ifNoneMatch) return 0;
	let highest = 0;
	for (const match of ifNoneMatch.matchAll(/"menu\.([a-z0-9-]+)\.v(\d+)(?:\.[a-z]{2,3})?\.[a-z0-9]*(?:-gz)?"/g)) {
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
