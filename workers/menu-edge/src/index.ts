/**
 * The edge front door. Menus are served from layered caches keyed by location
 * and menu version; everything else is relayed to the api worker, and menu
 * writes relayed here update this isolate's idea of the current version at once.
 */

import { ApiError, errorResponse, handleError } from "@goodfood/platform/errors";
import { allowedOrigins } from "@goodfood/platform/gateway";
import { limitByAddress } from "@goodfood/platform/rate-limit";
import { checkReadiness } from "@goodfood/platform/readiness";
import { callContext, requestLog } from "@goodfood/platform/request-log";
import { type CallContext, TRACEPARENT_HEADER, type TraceContext } from "@goodfood/platform/trace";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { requestId } from "hono/request-id";
import { MENU_VERSION_HEADER, parseMenuVersionHeader } from "../../api/src/menu/contract";
import { serveImage } from "./images";
import { MenuLayers } from "./layers";
import { acceptsGzip, answerFromMemory, MENU_EXPOSED_HEADERS, menuAnswer, menuHeaders, SLUG } from "./memory-hit";
import { type LocationPoint, nearestLocation } from "./nearest";
import { clearRendered, gzipEtag, menuLanguage, renderMenu, versionSeenByClient } from "./render";

interface EdgeApp {
	Bindings: EdgeEnv;
	Variables: { requestId: string; trace: TraceContext };
}

let layers: MenuLayers | undefined;
let locationIndex: { points: LocationPoint[]; loadedAt: number } | undefined;
const LOCATION_INDEX_TTL_MS = 5 * 60_000;
/** Cache layers whose answers are routine (memory: menus; cache: photos, which never leave the Cache API once there). */
const ROUTINE_LAYERS = new Set<string | null>(["memory", "cache"]);

function menuLayers(env: EdgeEnv): MenuLayers {
	layers ??= new MenuLayers(env.MENU_KV, caches.default, {
		fetchFromOrigin: (slug, call) => env.MENU_ORIGIN.menuDocument(slug, call),
	});
	return layers;
}

/** Forgets everything this isolate holds in memory; the Cache API and KV keep theirs. */
export function clearIsolateMemory(): void {
	layers?.clearMemory();
	locationIndex = undefined;
	clearRendered();
}

async function locations(env: EdgeEnv, call: CallContext): Promise<LocationPoint[]> {
	if (!locationIndex || Date.now() - locationIndex.loadedAt > LOCATION_INDEX_TTL_MS) {
		locationIndex = { points: await env.MENU_ORIGIN.locationIndex(call), loadedAt: Date.now() };
	}
	return locationIndex.points;
}

/** The edge answers menus itself, so it applies the same origin allowlist as the api worker. */
const menuCors = cors({
	origin: (origin, c) => (allowedOrigins(c.env.CORS_ORIGINS).has(origin) ? origin : null),
	allowMethods: ["GET", "HEAD"],
	// Authorization may carry the customer's language (the `lng` claim); Accept-Language needs no permission.
	allowHeaders: ["if-none-match", "authorization"],
	exposeHeaders: MENU_EXPOSED_HEADERS,
	maxAge: 600,
});

async function serveMenu(c: import("hono").Context<EdgeApp>, requestedSlug: string | undefined): Promise<Response> {
	let slug: string | undefined = requestedSlug;
	if (slug !== undefined && !SLUG.test(slug)) {
		throw new ApiError("validation_failed", "Invalid location", [
			{ field: "location", message: "must be a location slug: lower-case letters, digits and dashes" },
		]);
	}
	if (slug === undefined) {
		const cf = c.req.raw.cf as { latitude?: string; longitude?: string } | undefined;
		slug =
			nearestLocation(await locations(c.env, callContext(c)), cf?.latitude, cf?.longitude) ?? c.env.DEFAULT_LOCATION;
	}

	const ifNoneMatch = c.req.header("if-none-match");
	// Only a request no cache can answer costs the origin a read, so only those count against the caller's address.
	const limitOriginTrip = () =>
		limitByAddress(
			c,
			"RATE_LIMIT_MENU_ORIGIN",
			"Too many menu requests that miss the cache; wait a minute and try again",
		);
	const seen = versionSeenByClient(ifNoneMatch, slug);
	const lookup = await menuLayers(c.env).current(slug, seen, callContext(c), limitOriginTrip);
	if (!lookup) throw ApiError.notFound("Location");

	const language = menuLanguage(
		lookup.document.location,
		c.req.query("lang") ?? null,
		c.req.header("authorization") ?? null,
		c.req.header("accept-language") ?? null,
	);
	const menu = renderMenu(lookup.document, new Date(), language);
	const gzipped = acceptsGzip(c.req.header("accept-encoding"));
	const headers = menuHeaders(gzipped ? gzipEtag(menu.etag) : menu.etag, lookup.layer, slug, language);
	// Hono's context merges the headers its middleware set (CORS, the request id) into this response.
	return menuAnswer(menu, gzipped ? await menu.gzipped() : undefined, ifNoneMatch, headers);
}

/** Relays a request to the api worker; a menu write it carries updates this isolate's current version. */
async function relayToApi(c: import("hono").Context<EdgeApp>): Promise<Response> {
	const request = new Request(c.req.raw);
	const call = callContext(c);
	request.headers.set("x-request-id", call.requestId);
	// The api worker's span becomes a child of this one; any tracestate from the client passes through.
	request.headers.set(TRACEPARENT_HEADER, call.traceparent);
	const response = await c.env.API.fetch(request);
	const written = parseMenuVersionHeader(response.headers.get(MENU_VERSION_HEADER));
	if (written) menuLayers(c.env).observeVersion(written.slug, written.version);
	return response;
}

const app = new Hono<EdgeApp>()
	.use(requestId({ headerName: "x-request-id" }))
	// A menu served from isolate memory and a photo from the Cache API are the hottest paths there are: their log lines are sampled.
	.use(requestLog<EdgeApp>("menu-edge", { isRoutine: (c) => ROUTINE_LAYERS.has(c.res.headers.get("x-cache-layer")) }))
	.get("/health", (c) => c.json({ status: "ok", worker: "menu-edge" }))
	.get("/ready", async (c) => {
		const readiness = await checkReadiness({
			kv: () => c.env.MENU_KV.get("readiness-probe"),
			api: async () => {
				const response = await c.env.API.fetch("https://api.internal/ready");
				if (!response.ok) throw new Error(`api worker answered ${response.status}`);
			},
		});
		return c.json({ worker: "menu-edge", ...readiness }, readiness.status === "ready" ? 200 : 503);
	})
	.use("/menu", menuCors)
	.use("/api/menu/*", menuCors)
	.get("/menu", (c) => serveMenu(c, c.req.query("location")))
	// The legacy search, not a location called "search": the api worker maps it to /api/v1/menu/search.
	.get("/api/menu/search", relayToApi)
	.get("/api/menu/:slug", (c) => serveMenu(c, c.req.param("slug")))
	// Menu photos (and HEAD, which Hono answers with the GET handler's headers); docs/images.md.
	.get("/images/:id", serveImage)
	.all("*", relayToApi);

app.notFound((c) => errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`)));
app.onError(handleError);

export default {
	fetch: (request: Request, env: EdgeEnv, ctx: ExecutionContext) =>
		answerFromMemory(request, env, ctx, layers) ?? app.fetch(request, env, ctx),
} satisfies ExportedHandler<EdgeEnv>;
