/** The menu's public read, as REST and the graph both answer it: a location's menu as it can be ordered at a moment. */
import { database } from "../db/client";
import { type PresentedMenu, presentMenu } from "./domain/document";
import { type LanguageWishes, negotiateLanguage } from "./domain/language";
import { loadMenuDocument } from "./repository";

export type PresentedCategory = PresentedMenu["categories"][number];
export type PresentedMenuItem = PresentedCategory["items"][number];

/**
 * A location's menu as it can be ordered at `now`, in the language its caller
 * wishes for (`?lang=`, the customer's preference, Accept-Language; see
 * `negotiateLanguage`): the first the location offers, else its default.
 * Undefined for an unknown location.
 */
export async function readMenu(
	d1: D1Database | D1DatabaseSession,
	slug: string,
	wishes: LanguageWishes = {},
	now = new Date(),
): Promise<PresentedMenu | undefined> {
	const document = await loadMenuDocument(database(d1), slug);
	if (!document) return undefined;
	const { languages, defaultLanguage } = document.location;
	return presentMenu(document, now, negotiateLanguage(languages, defaultLanguage, wishes));
}
