/**
 * The menu answer, and the edge's hottest path: a menu isolate memory can
 * serve, answered before the router and its middleware run. A profile of the
 * edge under load had Hono's dispatch, its placeholder response and the header
 * copies between middleware at about half of a hit's CPU; this path does the
 * same work by hand: the ETag and 304, cache headers, `X-Cache-Layer`, CORS for
 * allowed origins, the request id, the data point and the sampled log line.
 * Anything else (a miss, HEAD, no location, a gzipped body not made yet)
 * returns undefined and goes through the router as before.
 */
import { allowedOrigins } from "@goodfood/platform/gateway";
import { coloOf, recordRequest } from "@goodfood/platform/request-log";
import { continueTrace, TRACEPARENT_HEADER } from "@goodfood/platform/trace";
import type { CacheLayer, MenuLayers } from "./layers";
import { etagMatches, gzipEtag, menuLanguage, type RenderedMenu, renderMenu, versionSeenByClient } from "./render";

export const SLUG = /^[a-z0-9-]{1,64}$/;
export const MENU_EXPOSED_HEADERS = ["etag", "x-cache-layer", "x-menu-location", "x-request-id"];
const EXPOSED_HEADERS = MENU_EXPOSED_HEADERS.join(",");
const LEGACY_MENU_PREFIX = "/api/menu/";
/** As hono's request-id middleware: a caller's id is kept when it is short and plain. */
const PLAIN_REQUEST_ID = /^[\w\-=]{1,255}$/;

/** Whether the client takes a gzipped body. */
export function acceptsGzip(acceptEncoding: string | null | undefined): boolean {
	return acceptEncoding ? /\bgzip\b/.test(acceptEncoding) : false;
}

/**
 * What a menu body depends on besides its URL: the encoding, and the language,
 * chosen from Accept-Language and from the bearer token's `lng` claim. The
 * menu is `public`, so a shared cache may keep it: without Authorization here
 * it could hand one customer's Japanese menu to the next caller on the same
 * URL. Menus are revalidated on every use anyway (`no-cache`), so the extra key
 * costs a cache little more than a 304.
 */
export const MENU_VARY = "accept-encoding, accept-language, authorization";
/** As above, with the Origin that hono's cors middleware appends on the router path. */
const MENU_VARY_WITH_ORIGIN = `${MENU_VARY}, Origin`;

/** The headers of every menu answer; `vary` names the encoding and language's sources, and CORS adds Origin. */
export function menuHeaders(etag: string, layer: CacheLayer, slug: string, language: string): Record<string, string> {
	return {
		etag,
		// Clients keep the menu but ask again each time; the ETag makes that a cheap 304.
		"cache-control": "public, no-cache",
		"content-language": language,
		vary: MENU_VARY,
		"x-cache-layer": layer,
		"x-menu-location": slug,
		"content-type": "application/json; charset=utf-8",
	};
}

/** 304 when the client has this body, else the body in the encoding it takes (already gzipped: sent as is). */
export function menuAnswer(
	menu: RenderedMenu,
	gzipped: Uint8Array | undefined,
	ifNoneMatch: string | null | undefined,
	headers: Record<string, string>,
): Response {
	if (etagMatches(ifNoneMatch ?? undefined, headers.etag)) return new Response(null, { status: 304, headers });
	if (!gzipped) return new Response(menu.body, { status: 200, headers });
	return new Response(gzipped, {
		status: 200,
		headers: { ...headers, "content-encoding": "gzip" },
		encodeBody: "manual",
	});
}

/** The location a menu request names and its route pattern, or undefined for any other request. */
function menuRequest(url: URL): { slug: string; route: string } | undefined {
	const path = url.pathname;
	let slug: string | null;
	let route: string;
	if (path === "/menu") {
		slug = url.searchParams.get("location");
		route = "/menu";
	} else if (path.startsWith(LEGACY_MENU_PREFIX)) {
		slug = path.slice(LEGACY_MENU_PREFIX.length);
		route = "/api/menu/:slug";
		// The legacy search is relayed to the api worker, not a location called "search".
		if (slug === "search") return undefined;
	} else {
		return undefined;
	}
	return slug && SLUG.test(slug) ? { slug, route } : undefined;
}

/** The answer to a GET for a menu isolate memory holds; undefined when the router must handle it. */
export function answerFromMemory(
	request: Request,
	env: EdgeEnv,
	ctx: ExecutionContext,
	layers: MenuLayers | undefined,
): Response | undefined {
	if (!layers || request.method !== "GET") return undefined;
	const url = new URL(request.url);
	const wanted = menuRequest(url);
	if (!wanted) return undefined;
	const ifNoneMatch = request.headers.get("if-none-match");
	const document = layers.memoryHit(wanted.slug, versionSeenByClient(ifNoneMatch ?? undefined, wanted.slug));
	if (!document) return undefined;
	const startedMs = Date.now();
	const location = document.location;
	// A location in one language has nothing to negotiate: no header is read for it.
	const language =
		location.languages.length > 1
			? menuLanguage(
					location,
					url.searchParams.get("lang"),
					request.headers.get("authorization"),
					request.headers.get("accept-language"),
				)
			: location.defaultLanguage;
	const menu = renderMenu(document, new Date(startedMs), language);
	const gzipped = acceptsGzip(request.headers.get("accept-encoding"));
	if (gzipped && !menu.gzippedReady) return undefined;

	const given = request.headers.get("x-request-id");
	const requestId = given && PLAIN_REQUEST_ID.test(given) ? given : crypto.randomUUID();
	const headers = menuHeaders(gzipped ? gzipEtag(menu.etag) : menu.etag, "memory", wanted.slug, language);
	// As hono's cors middleware answers: the allowed origin echoed, exposed headers always, and Vary: Origin.
	const origin = request.headers.get("origin");
	if (origin && allowedOrigins(env.CORS_ORIGINS).has(origin)) headers["access-control-allow-origin"] = origin;
	headers["access-control-expose-headers"] = EXPOSED_HEADERS;
	headers.vary = MENU_VARY_WITH_ORIGIN;
	headers["x-request-id"] = requestId;
	const response = menuAnswer(menu, gzipped ? menu.gzippedReady : undefined, ifNoneMatch, headers);

	recordRequest("menu-edge", env, ctx, {
		method: "GET",
		route: wanted.route,
		status: response.status,
		startedMs,
		endedMs: Date.now(),
		requestId,
		trace: continueTrace(request.headers.get(TRACEPARENT_HEADER)),
		cacheLayer: "memory",
		location: wanted.slug,
		colo: coloOf(request),
		routine: true,
	});
	return response;
}
