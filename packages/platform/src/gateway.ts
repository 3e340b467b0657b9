/**
 * The gateway's HTTP hygiene around every route: CORS for the allowed browser
 * origins, security headers, a request body limit, and 405 for a known path
 * called with the wrong method. Each answers in the error envelope.
 */
import type { Hono, Schema } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app";
import { BOOKMARK_HEADER } from "./d1-session";
import { ApiError, errorResponse } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;
export const REQUEST_ID_HEADER = "x-request-id";

/** Browser origins allowed to call the API, from the comma-separated `CORS_ORIGINS` var. */
let parsedOrigins: { setting: string | undefined; origins: Set<string> } | undefined;

export function allowedOrigins(setting: string | undefined): Set<string> {
	// Asked on every request; the setting only changes with a deploy.
	const known = parsedOrigins;
	if (known && known.setting === setting) return known.origins;
	const origins = new Set(
		(setting ?? "")
			.split(",")
			.map((origin) => origin.trim())
			.filter(Boolean),
	);
	parsedOrigins = { setting, origins };
	return origins;
}

const corsForAllowedOrigin = cors({
	origin: (origin, c) => (allowedOrigins(c.env.CORS_ORIGINS).has(origin) ? origin : null),
	allowMethods: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"],
	allowHeaders: [
		"authorization",
		"content-type",
		"idempotency-key",
		"x-tracking-token",
		BOOKMARK_HEADER,
		REQUEST_ID_HEADER,
	],
	exposeHeaders: [REQUEST_ID_HEADER, BOOKMARK_HEADER, "etag", "retry-after", "x-menu-version"],
	maxAge: 600,
});

/**
 * CORS for the allowlisted origins only. Other origins get no CORS headers at
 * all, so their preflight fails (it reaches routing and answers 405).
 */
export const corsAllowlist = createMiddleware<AppEnv>(async (c, next) => {
	const origin = c.req.header("origin");
	if (origin && allowedOrigins(c.env.CORS_ORIGINS).has(origin)) return corsForAllowedOrigin(c, next);
	await next();
	// The answer differs by Origin, so shared caches must keep them apart.
	c.header("vary", "Origin", { append: true });
});

const STRICT_TRANSPORT = "max-age=63072000; includeSubDomains";

const apiSecureHeaders = secureHeaders({
	contentSecurityPolicy: {
		defaultSrc: ["'none'"],
		frameAncestors: ["'none'"],
		baseUri: ["'none'"],
		formAction: ["'none'"],
	},
	xFrameOptions: "DENY",
	referrerPolicy: "no-referrer",
	strictTransportSecurity: STRICT_TRANSPORT,
});

/** Where a page served by the API (not its JSON) may load each kind of resource from, besides itself. */
interface PageSources {
	script: string[];
	style: string[];
	font: string[];
	img: string[];
	connect: string[];
}

/** The headers of an HTML page the API serves: its own sources, framed by nobody. */
function pageSecureHeaders(sources: PageSources) {
	return secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'self'"],
			scriptSrc: ["'self'", "'unsafe-inline'", ...sources.script],
			styleSrc: ["'self'", "'unsafe-inline'", ...sources.style],
			fontSrc: ["'self'", "data:", ...sources.font],
			imgSrc: ["'self'", "data:", ...sources.img],
			connectSrc: ["'self'", ...sources.connect],
			workerSrc: ["'self'", "blob:"],
			objectSrc: ["'none'"],
			frameAncestors: ["'none'"],
			baseUri: ["'none'"],
		},
		xFrameOptions: "DENY",
		referrerPolicy: "no-referrer",
		strictTransportSecurity: STRICT_TRANSPORT,
	});
}

// The API reference page loads Scalar's script from jsDelivr and runs an inline bootstrap script.
const referenceSecureHeaders = pageSecureHeaders({
	script: ["https://cdn.jsdelivr.net"],
	style: ["https://cdn.jsdelivr.net", "https://fonts.scalar.com"],
	font: ["https://cdn.jsdelivr.net", "https://fonts.scalar.com"],
	img: ["https:"],
	connect: [],
});

// GraphiQL (development only) loads its page's scripts, styles and fonts from unpkg and runs inline bootstrap code.
const graphiqlSecureHeaders = pageSecureHeaders({
	script: ["https://unpkg.com"],
	style: ["https://unpkg.com"],
	font: ["https://unpkg.com"],
	img: ["https://raw.githubusercontent.com"],
	connect: ["https://unpkg.com"],
});

/** Whether a response's headers can still be set: deleting an absent header throws only on immutable ones. */
export function headersAreMutable(response: Response): boolean {
	try {
		response.headers.delete("x-goodfood-mutable-probe");
		return true;
	} catch {
		return false;
	}
}

/**
 * Security headers for a JSON API on every response; `relaxedPaths` (the HTML
 * reference) may load its UI, and so may GraphiQL: a browser's GET for HTML at
 * `graphiqlPath` (the endpoint serves it only outside production).
 */
export function securityHeaders(relaxedPaths: string[], graphiqlPath?: string) {
	return createMiddleware<AppEnv>((c, next) => {
		const graphiql =
			c.req.path === graphiqlPath && c.req.method === "GET" && (c.req.header("accept") ?? "").includes("text/html");
		const secure = graphiql
			? graphiqlSecureHeaders
			: relaxedPaths.includes(c.req.path)
				? referenceSecureHeaders
				: apiSecureHeaders;
		return secure(c, async () => {
			await next();
			// A response passed through from a fetch (a Durable Object's event stream or WebSocket) has immutable
			// headers. Copying every response instead cost two Response objects and a header copy per request.
			if (!headersAreMutable(c.res)) c.res = new Response(c.res.body, c.res);
		});
	});
}

/** A caller's request id is kept when it is short and plain (as hono's `requestId` allowed); else one is made. */
const CALLER_REQUEST_ID = /^[\w\-=]{1,255}$/;

/**
 * The request's id, the caller's or a new one, as `requestId` and on every
 * response, one passed through from a fetch included. Replaces hono's
 * `requestId` and a second middleware that echoed the id: setting a header
 * with `c.header` once the response exists makes Hono copy the whole response
 * first, on every request.
 */
export const requestIdentity = createMiddleware<{ Variables: { requestId: string } }>(async (c, next) => {
	const given = c.req.raw.headers.get(REQUEST_ID_HEADER);
	const requestId = given !== null && CALLER_REQUEST_ID.test(given) ? given : crypto.randomUUID();
	c.set("requestId", requestId);
	await next();
	// A response passed through from a fetch has immutable headers; only that one is copied.
	if (!headersAreMutable(c.res)) c.res = new Response(c.res.body, c.res);
	c.res.headers.set(REQUEST_ID_HEADER, requestId);
});

/** Refuses request bodies over `MAX_BODY_BYTES` with 413, declared or streamed. */
export const limitBody = bodyLimit({
	maxSize: MAX_BODY_BYTES,
	onError: (c) =>
		errorResponse(c, new ApiError("payload_too_large", `The request body is over ${MAX_BODY_BYTES / 1024} KiB`)),
});

/**
 * Turns the 404 for a known path called with another method into 405 with an
 * `Allow` header. Mount it after every route: it then runs only when none matched.
 */
export function answerMethodNotAllowed(app: Hono<AppEnv, Schema, string>) {
	return methodNotAllowed<AppEnv>({
		app,
		onMethodNotAllowed: (c, methods) => {
			const allow = methods.join(", ");
			c.header("allow", allow);
			return errorResponse(
				c,
				new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allow}`),
			);
		},
	});
}
