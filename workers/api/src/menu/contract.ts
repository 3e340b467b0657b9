/**
 * What the api worker and the menu edge agree on: where menu documents live in
 * KV, and the header by which a relayed write announces a new menu version.
 * No imports, so the edge bundles nothing else of the api.
 */
/**
 * The shape of the stored document, in its key: a document stored before a
 * change of shape (shape 2 added the location's `region`, shape 3 translations
 * and photos, shape 4 its `ordering` pause and `closures`) is never read as the
 * new one; the edge misses it and the origin publishes the current shape.
 */
export const MENU_DOCUMENT_SHAPE = 4;

export const menuKeys = {
	document: (slug: string, version: number) => `menu:${slug}:s${MENU_DOCUMENT_SHAPE}:v${version}`,
	current: (slug: string) => `menu:${slug}:current`,
};

/** Header on a successful menu write, so the edge that relayed it learns the new version at once. */
export const MENU_VERSION_HEADER = "x-menu-version";

export function formatMenuVersionHeader(slug: string, version: number): string {
	return `${slug}=${version}`;
}

export function parseMenuVersionHeader(value: string | null): { slug: string; version: number } | undefined {
	const match = value?.match(/^([a-z0-9-]+)=(\d+)$/);
	return match ? { slug: match[1], version: Number(match[2]) } : undefined;
}
