/**
 * Menu languages: which languages a menu may be offered in, how a request's
 * language is chosen, and how translated text falls back. A location writes
 * its menu in its default language; translations add other languages field by
 * field, and a field without a translation reads as the default's.
 */

/** Every language a menu may be offered in (ISO 639-1). Adding one is an entry here and in the web app's messages. */
export const LANGUAGES = ["en", "ja", "es"] as const;
export type Language = (typeof LANGUAGES)[number];

export function isLanguage(value: unknown): value is Language {
	return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Translated values of some text fields, per language; any field or language may be missing. */
export type Translations<Field extends string> = Partial<Record<Language, Partial<Record<Field, string>>>>;

/** Where a request's language may come from, strongest first; each may be absent or not offered. */
export interface LanguageWishes {
	/** `?lang=`, the caller's explicit choice. */
	query?: string | null;
	/** The signed-in customer's saved preference. */
	preference?: string | null;
	/** The Accept-Language header. */
	acceptLanguage?: string | null;
}

/**
 * The languages an Accept-Language header asks for, most wanted first, as
 * primary subtags (`ja-JP` is `ja`); `q=0` and malformed entries are left out.
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
	if (!header) return [];
	const ranked: { tag: string; q: number; index: number }[] = [];
	for (const [index, part] of header.split(",").entries()) {
		const [range, ...params] = part.trim().split(";");
		const tag = range.trim().toLowerCase().split("-")[0];
		if (!/^[a-z]{2,3}$/.test(tag)) continue;
		let q = 1;
		for (const param of params) {
			const [key, value] = param.trim().split("=");
			if (key === "q") q = Number(value);
		}
		if (Number.isFinite(q) && q > 0 && q <= 1) ranked.push({ tag, q, index });
	}
	ranked.sort((a, b) => b.q - a.q || a.index - b.index);
	return [...new Set(ranked.map((entry) => entry.tag))];
}

/**
 * The language to answer in: the first wish the location offers, in the order
 * `?lang=`, the customer's preference, Accept-Language; else the location's
 * default. A language nobody offers is passed over, never refused.
 */
export function negotiateLanguage(
	offered: readonly Language[],
	defaultLanguage: Language,
	wishes: LanguageWishes,
): Language {
	const candidates = [wishes.query, wishes.preference, ...parseAcceptLanguage(wishes.acceptLanguage)];
	for (const candidate of candidates) {
		const tag = candidate?.trim().toLowerCase().split("-")[0];
		if (isLanguage(tag) && offered.includes(tag)) return tag;
	}
	return defaultLanguage;
}

/**
 * The field in `language`, falling back to the default language's value (the
 * base text) when that language has no translation of this field.
 */
export function translated<Field extends string>(
	base: Record<Field, string>,
	translations: Translations<Field> | undefined,
	field: Field,
	language: Language,
): string {
	const value = translations?.[language]?.[field];
	return value !== undefined && value !== "" ? value : base[field];
}
