/**
 * Paths of the old monolith's gateway that older clients still call. They are
 * rewritten before routing, so each is handled, limited and logged as the
 * /api/v1 route it now is.
 */
const LEGACY_ORDERS = /^\/api\/orders(\/.*)?$/;
const LEGACY_MENU = /^\/api\/menu(?:\/([^/]+))?\/?$/;
const LEGACY_MENU_SEARCH = /^\/api\/menu\/search\/?$/;

/** The /api/v1 path serving a legacy path, or undefined when the path is not a legacy one. */
export function legacyPathTarget(path: string): string | undefined {
	const orders = LEGACY_ORDERS.exec(path);
	if (orders) return `/api/v1/orders${orders[1] ?? ""}`;
	// Search was /api/menu/search in the monolith, so "search" is never a location there.
	if (LEGACY_MENU_SEARCH.test(path)) return "/api/v1/menu/search";
	const menu = LEGACY_MENU.exec(path);
	if (menu) return menu[1] ? `/api/v1/locations/${menu[1]}/menu` : "/api/v1/locations";
	return undefined;
}

/** The request at its /api/v1 path, with method, headers, body and query unchanged; others as they are. */
export function rewriteLegacyPaths(request: Request): Request {
	const url = new URL(request.url);
	const target = legacyPathTarget(url.pathname);
	if (target === undefined) return request;
	url.pathname = target;
	return new Request(url, request);
}
