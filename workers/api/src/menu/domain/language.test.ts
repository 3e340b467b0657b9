/** Choosing a menu's language: Accept-Language parsing, the order of wishes, and fallback field by field. */
import { describe, expect, it } from "vitest";
import { isLanguage, negotiateLanguage, parseAcceptLanguage, type Translations, translated } from "./language";

describe("parseAcceptLanguage", () => {
	it("ranks by q-value, ties in the header's order, and reads regional tags as their language", () => {
		expect(parseAcceptLanguage("ja-JP,ja;q=0.9,en;q=0.8")).toEqual(["ja", "en"]);
		expect(parseAcceptLanguage("en;q=0.5, es-MX;q=0.7, ja")).toEqual(["ja", "es", "en"]);
		expect(parseAcceptLanguage("es, en")).toEqual(["es", "en"]);
		expect(parseAcceptLanguage("EN-us")).toEqual(["en"]);
	});

	it("leaves out q=0 (not acceptable) and entries it cannot read", () => {
		expect(parseAcceptLanguage("ja;q=0, en")).toEqual(["en"]);
		expect(parseAcceptLanguage("*, en;q=0.1")).toEqual(["en"]);
		expect(parseAcceptLanguage("ja;q=abc, en;q=2, es;q=-1, x")).toEqual([]);
		expect(parseAcceptLanguage(";;;,,,=")).toEqual([]);
		expect(parseAcceptLanguage("")).toEqual([]);
		expect(parseAcceptLanguage(undefined)).toEqual([]);
		expect(parseAcceptLanguage(null)).toEqual([]);
	});
});

describe("negotiateLanguage", () => {
	const offered = ["en", "ja"] as const;

	it("takes ?lang= first, then the customer's preference, then Accept-Language, then the default", () => {
		const all = { query: "ja", preference: "en", acceptLanguage: "en" };
		expect(negotiateLanguage(offered, "en", all)).toBe("ja");
		expect(negotiateLanguage(offered, "en", { ...all, query: null })).toBe("en");
		expect(negotiateLanguage(offered, "en", { preference: "ja", acceptLanguage: "en" })).toBe("ja");
		expect(negotiateLanguage(offered, "en", { acceptLanguage: "ja-JP,ja;q=0.9,en;q=0.8" })).toBe("ja");
		expect(negotiateLanguage(offered, "ja", {})).toBe("ja");
		expect(negotiateLanguage(offered, "en", { query: "", preference: undefined, acceptLanguage: "" })).toBe("en");
	});

	it("passes over a language not supported or not offered to the next wish, and at last to the default", () => {
		expect(negotiateLanguage(offered, "en", { query: "fr", acceptLanguage: "ja" })).toBe("ja");
		// Spanish is supported but this location does not offer it.
		expect(negotiateLanguage(offered, "en", { query: "es" })).toBe("en");
		expect(negotiateLanguage(offered, "ja", { query: "fr", preference: "de", acceptLanguage: "fr-FR, es;q=0.8" })).toBe(
			"ja",
		);
		expect(negotiateLanguage(["en"], "en", { query: "ja", acceptLanguage: "ja" })).toBe("en");
	});

	it("reads a regional or upper-case ?lang= and preference as their language, and garbage as nothing", () => {
		expect(negotiateLanguage(offered, "en", { query: "JA-jp" })).toBe("ja");
		expect(negotiateLanguage(offered, "en", { preference: " ja " })).toBe("ja");
		expect(negotiateLanguage(offered, "ja", { query: "\u0000<script>", acceptLanguage: "💥;q=1" })).toBe("ja");
	});
});

describe("translated", () => {
	const base = { name: "Egg sandwich", description: "Soft egg salad" };

	it("reads the translation, and the default language's text where a field has none or it is empty", () => {
		const translations: Translations<"name" | "description"> = {
			ja: { name: "たまごサンド", description: "" },
			es: { description: "Ensalada de huevo" },
		};
		expect(translated(base, translations, "name", "ja")).toBe("たまごサンド");
		expect(translated(base, translations, "description", "ja")).toBe("Soft egg salad");
		expect(translated(base, translations, "name", "es")).toBe("Egg sandwich");
		expect(translated(base, translations, "description", "es")).toBe("Ensalada de huevo");
		expect(translated(base, undefined, "name", "ja")).toBe("Egg sandwich");
	});

	it("knows only the supported languages", () => {
		expect(["en", "ja", "es"].every(isLanguage)).toBe(true);
		expect(isLanguage("fr")).toBe(false);
		expect(isLanguage(undefined)).toBe(false);
	});
});
