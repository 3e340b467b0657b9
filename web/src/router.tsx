/** Client-side routes over the History API; the edge answers every page path with index.html. */
import type { ComponentChildren } from "preact";
import { createStore, useStore } from "./state/store";

const path = createStore(window.location.pathname + window.location.search);

window.addEventListener("popstate", () => path.set(window.location.pathname + window.location.search));

export function navigate(to: string, options: { replace?: boolean } = {}): void {
	if (options.replace) history.replaceState(null, "", to);
	else history.pushState(null, "", to);
	path.set(to);
	window.scrollTo(0, 0);
}

/** Follows a URL: within the app for this site's own, by loading the page for another site's (a bank's, say). */
export function goTo(url: string): void {
	const target = new URL(url, window.location.origin);
	if (target.origin === window.location.origin) navigate(target.pathname + target.search);
	else window.location.assign(target.toString());
}

/** The current path and query, re-rendering on navigation. */
export function useRoute(): { pathname: string; query: URLSearchParams } {
	const current = useStore(path);
	const url = new URL(current, window.location.origin);
	return { pathname: url.pathname, query: url.searchParams };
}

/** Matches `/locations/:slug/checkout` style patterns; answers the parameters or null. */
export function match(pattern: string, pathname: string): Record<string, string> | null {
	const want = pattern.split("/");
	const got = pathname.replace(/\/$/, "").split("/");
	if (want.length !== got.length) return null;
	const params: Record<string, string> = {};
	for (let index = 0; index < want.length; index++) {
		if (want[index].startsWith(":")) params[want[index].slice(1)] = decodeURIComponent(got[index]);
		else if (want[index] !== got[index]) return null;
	}
	return params;
}

interface LinkProps {
	href: string;
	children: ComponentChildren;
	class?: string;
	"aria-current"?: "page";
}

/** An ordinary link that navigates without reloading, unless modified (new tab and so on). */
export function Link({ href, children, ...rest }: LinkProps) {
	const onClick = (event: MouseEvent) => {
		if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
		event.preventDefault();
		navigate(href);
	};
	return (
		<a href={href} onClick={onClick} {...rest}>
			{children}
		</a>
	);
}
