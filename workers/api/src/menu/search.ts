/**
 * Full-text search over the menus' items, each hit with the menu it is on as
 * that menu presents it now, in the language the caller asked for.
 *
 * The index (`items_fts`, migration 0017) holds each item's name and
 * description in every language it is written in, tokenized into trigrams, so
 * a term matches anywhere inside a word: `サンド` finds `たまごサンド` and
 * `cap` finds Cappuccino. A term of fewer than three characters has no
 * trigram, and FTS5 matches nothing for it; those terms are matched with LIKE
 * on the indexed columns instead (a scan of the index's rows, cheap at a
 * menu's size), which is what lets a two-character Japanese word such as
 * `寿司` find its item.
 */
import { ApiError } from "@goodfood/platform/errors";
import { database } from "../db/client";
import { SYNTHETIC_LOCATION_SLUGS_SQL } from "../db/synthetic";
import type { PresentedMenu } from "./domain/document";
import { presentMenu } from "./domain/document";
import { type Language, type LanguageWishes, negotiateLanguage } from "./domain/language";
import type { PresentedCategory, PresentedMenuItem } from "./reads";
import { findLocation, loadMenuDocuments } from "./repository";

export interface SearchHit {
	itemId: string;
	locationSlug: string;
	rank: number;
}

/** The most terms a query keeps; more words add cost, not precision. */
const MAX_TERMS = 8;

/** The shortest term the trigram index can match. */
const TRIGRAM = 3;

/** How a query is run: terms the trigram index matches, and terms too short for it, matched by substring. */
export interface SearchPlan {
	/** An FTS5 query of quoted terms (every term must occur), or undefined when every term is short. */
	match?: string;
	/** Terms of one or two characters, each a `%term%` LIKE pattern on the indexed columns. */
	contains: string[];
}

/**
 * The terms of free text: NFKC-normalised (full-width Latin and half-width
 * kana read as their usual forms), lower-cased, split at anything that is not
 * a letter, digit or combining mark. What is left can hold no FTS5 syntax (no
 * quotes, stars, parentheses or colons) and no LIKE wildcard (`%`, `_`).
 */
export function searchTerms(text: string): string[] {
	const terms = text
		.normalize("NFKC")
		.toLowerCase()
		.split(/[^\p{L}\p{N}\p{M}]+/u)
		.filter(Boolean);
	return [...new Set(terms)].slice(0, MAX_TERMS);
}

/**
 * Turns free text into a search plan: each term of three or more characters
 * a quoted trigram phrase (a substring match; words like OR or NEAR are
 * quoted, so they are only words), shorter ones substring patterns. Undefined
 * when the text has no term at all.
 */
export function searchPlan(text: string): SearchPlan | undefined {
	const terms = searchTerms(text);
	if (terms.length === 0) return undefined;
	const long = terms.filter((term) => [...term].length >= TRIGRAM);
	const short = terms.filter((term) => [...term].length < TRIGRAM);
	return {
		match: long.length > 0 ? long.map((term) => `"${term}"`).join(" ") : undefined,
		contains: short.map((term) => `%${term}%`),
	};
}

/** Column weights, as bm25 weighs them: a hit in the name counts most, then the description, then a dietary tag. */
const WEIGHTS = { name: 10, description: 2, tags: 1 } as const;

export async function searchItems(
	d1: D1Database | D1DatabaseSession,
	text: string,
	locationSlug: string | undefined,
	limit: number,
): Promise<SearchHit[]> {
	const plan = searchPlan(text);
	if (!plan) return [];
	const bindings: unknown[] = [];
	const bind = (value: unknown) => {
		bindings.push(value);
		return `?${bindings.length}`;
	};
	const conditions: string[] = [];
	// Short terms' own score orders what bm25 cannot (it has nothing to weigh without a MATCH).
	const shortScores: string[] = [];
	if (plan.match) conditions.push(`items_fts MATCH ${bind(plan.match)}`);
	for (const pattern of plan.contains) {
		const p = bind(pattern);
		conditions.push(`(name LIKE ${p} OR description LIKE ${p} OR tags LIKE ${p})`);
		shortScores.push(
			`(${WEIGHTS.name} * (name LIKE ${p}) + ${WEIGHTS.description} * (description LIKE ${p}) + ${WEIGHTS.tags} * (tags LIKE ${p}))`,
		);
	}
	if (locationSlug) conditions.push(`location_slug = ${bind(locationSlug)}`);
	else conditions.push(`location_slug NOT IN (${SYNTHETIC_LOCATION_SLUGS_SQL})`);
	const rank = plan.match
		? `bm25(items_fts, 0, 0, ${WEIGHTS.name}.0, ${WEIGHTS.description}.0, ${WEIGHTS.tags}.0)`
		: `-(${shortScores.join(" + ")})`;
	const tieBreak = plan.match && shortScores.length > 0 ? `${shortScores.join(" + ")} DESC, ` : "";
	const statement = d1
		.prepare(
			`SELECT item_id AS itemId, location_slug AS locationSlug, ${rank} AS rank
			 FROM items_fts WHERE ${conditions.join(" AND ")}
			 ORDER BY rank, ${tieBreak}item_id LIMIT ${bind(limit)}`,
		)
		.bind(...bindings);
	const { results } = await statement.all<SearchHit>();
	return results;
}

export interface MenuSearchHit {
	menu: PresentedMenu;
	category: PresentedCategory;
	item: PresentedMenuItem;
}

export interface MenuSearch {
	q: string;
	location?: string;
	limit: number;
}

export interface MenuSearchResult {
	hits: MenuSearchHit[];
	/**
	 * The one language the answer is in: for a search at one location, the
	 * language negotiated with that location (hits or none); for a search
	 * everywhere, the language every hit shares, else undefined (hits from
	 * locations that answered in different languages, or no hits).
	 */
	language?: Language;
}

/**
 * Items matching the text, best first, each as its menu presents it now in
 * the language negotiated with its location (`?lang=`, the customer's
 * preference, Accept-Language, else the location's default); not_found for
 * an unknown location.
 */
export async function searchMenu(
	d1: D1Database | D1DatabaseSession,
	{ q, location, limit }: MenuSearch,
	wishes: LanguageWishes = {},
	now = new Date(),
): Promise<MenuSearchResult> {
	const db = database(d1);
	let scopeLanguage: Language | undefined;
	if (location) {
		const row = await findLocation(db, location);
		if (!row) throw ApiError.notFound("Location");
		scopeLanguage = negotiateLanguage(row.languages, row.defaultLanguage, wishes);
	}
	const hits = await searchItems(d1, q, location, limit);
	const documents = await loadMenuDocuments(
		db,
		hits.map((hit) => hit.locationSlug),
	);
	const menus = new Map(
		[...documents].map(([slug, document]) => {
			const { languages, defaultLanguage } = document.location;
			return [slug, presentMenu(document, now, negotiateLanguage(languages, defaultLanguage, wishes))];
		}),
	);
	const found = hits.flatMap((hit) => {
		const menu = menus.get(hit.locationSlug);
		if (!menu) return [];
		for (const category of menu.categories) {
			const item = category.items.find((candidate) => candidate.id === hit.itemId);
			if (item) return [{ menu, category, item }];
		}
		return [];
	});
	const languages = new Set(found.map((hit) => hit.menu.language));
	const language = scopeLanguage ?? (languages.size === 1 ? [...languages][0] : undefined);
	return { hits: found, language };
}
