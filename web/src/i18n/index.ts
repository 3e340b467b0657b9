/**
 * The web app's languages. Strings live in message files (ICU MessageFormat,
 * one file per area and language under `messages/`) and are formatted by
 * FormatJS, which also does plurals, numbers, money and dates for the chosen
 * locale. English is complete by definition; a test holds every other
 * language to the same keys and placeholders.
 */
import { createIntl, createIntlCache, type IntlShape } from "@formatjs/intl";
import { type ComponentChildren, toChildArray, type VNode } from "preact";
import { createStore, useStore } from "../state/store";
import enAdmin from "./messages/en/admin.json";
import enCommon from "./messages/en/common.json";
import enKitchen from "./messages/en/kitchen.json";
import enOperations from "./messages/en/operations.json";
import enStorefront from "./messages/en/storefront.json";
import jaAdmin from "./messages/ja/admin.json";
import jaCommon from "./messages/ja/common.json";
import jaKitchen from "./messages/ja/kitchen.json";
import jaOperations from "./messages/ja/operations.json";
import jaStorefront from "./messages/ja/storefront.json";

/** The languages the app's own screens are written in. Menus may offer more (a location's `languages`). */
export const UI_LANGUAGES = ["en", "ja"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

export const LANGUAGE_NAMES: Record<UiLanguage, string> = { en: "English", ja: "日本語" };

const english = { ...enCommon, ...enStorefront, ...enKitchen, ...enAdmin, ...enOperations };
export type MessageId = keyof typeof english;
export type Messages = Record<MessageId, string>;

export const MESSAGES: Record<UiLanguage, Messages> = {
	en: english,
	ja: { ...jaCommon, ...jaStorefront, ...jaKitchen, ...jaAdmin, ...jaOperations } as Messages,
};

/** The locale each language formats numbers, money and dates in. */
const LOCALES: Record<UiLanguage, string> = { en: "en-GB", ja: "ja-JP" };

const STORAGE_KEY = "goodfood.language";

export function isUiLanguage(value: unknown): value is UiLanguage {
	return typeof value === "string" && (UI_LANGUAGES as readonly string[]).includes(value);
}

/** The language picked with the switcher (or taken from the account), kept in this browser; null when none was. */
function savedChoice(): UiLanguage | null {
	try {
		const saved = localStorage.getItem(STORAGE_KEY);
		return isUiLanguage(saved) ? saved : null;
	} catch {
		return null;
	}
}

/** The first of the browser's languages the app speaks, else English. */
export function browserLanguage(preferred: readonly string[] = globalThis.navigator?.languages ?? []): UiLanguage {
	for (const tag of preferred) {
		const primary = tag.toLowerCase().split("-")[0];
		if (isUiLanguage(primary)) return primary;
	}
	return "en";
}

interface LanguageState {
	language: UiLanguage;
	/** Whether the customer chose it (switcher or account); if not, menus follow the browser's Accept-Language. */
	chosen: boolean;
}

const initialChoice = savedChoice();
export const languageState = createStore<LanguageState>({
	language: initialChoice ?? browserLanguage(),
	chosen: initialChoice !== null,
});

const cache = createIntlCache();
const intls = new Map<UiLanguage, IntlShape<string>>();

export function intlFor(language: UiLanguage): IntlShape<string> {
	let intl = intls.get(language);
	if (!intl) {
		intl = createIntl({ locale: LOCALES[language], messages: MESSAGES[language], defaultLocale: "en-GB" }, cache);
		intls.set(language, intl);
	}
	return intl;
}

/** The current language's formatter, for code outside components (formatting helpers, announcements). */
export function currentIntl(): IntlShape<string> {
	return intlFor(languageState.get().language);
}

/** The language the menu should be asked for with `?lang=`, or undefined to let Accept-Language decide. */
export function menuLanguage(): UiLanguage | undefined {
	const { language, chosen } = languageState.get();
	return chosen ? language : undefined;
}

/** Switches the app's language and remembers the choice in this browser. */
export function chooseLanguage(language: UiLanguage): void {
	try {
		localStorage.setItem(STORAGE_KEY, language);
	} catch {
		// Without storage the choice lasts as long as the page.
	}
	languageState.set({ language, chosen: true });
}

languageState.subscribe(() => {
	if (typeof document !== "undefined") document.documentElement.lang = languageState.get().language;
});
if (typeof document !== "undefined") document.documentElement.lang = languageState.get().language;

export interface Translator {
	language: UiLanguage;
	intl: IntlShape<string>;
	/** The message in the current language, its ICU placeholders filled from `values`. */
	t(id: MessageId, values?: Record<string, string | number | Date>): string;
	/**
	 * A message with markup: each `<tag>…</tag>` in it is rendered by the
	 * function of that name (a link, say), so a translation can put the link
	 * where its grammar wants it.
	 */
	rich(id: MessageId, values: Record<string, RichValue>): ComponentChildren;
}

export type RichValue = string | number | Date | VNode | ((chunks: ComponentChildren[]) => ComponentChildren);

const translators = new Map<UiLanguage, Translator>();

/** One translator per language, made once: components ask for it on every render. */
function translator(language: UiLanguage): Translator {
	let known = translators.get(language);
	if (!known) {
		known = makeTranslator(language);
		translators.set(language, known);
	}
	return known;
}

function makeTranslator(language: UiLanguage): Translator {
	const intl = intlFor(language);
	return {
		language,
		intl,
		t: (id, values) => intl.formatMessage({ id }, values),
		rich(id, values) {
			// The formatter is typed for text; with element values it returns the parts, elements among them.
			const format = intl.formatMessage as unknown as (
				descriptor: { id: string },
				values: Record<string, RichValue>,
			) => ComponentChildren;
			const parts = format({ id }, values);
			return Array.isArray(parts) ? toChildArray(parts) : parts;
		},
	};
}

/** The current language in a component, which re-renders when it changes. */
export function useI18n(): Translator {
	return translator(useStore(languageState).language);
}

/** The current language outside components. */
export function i18n(): Translator {
	return translator(languageState.get().language);
}
