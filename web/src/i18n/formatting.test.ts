/**
 * What a customer reads in each language: money, lists, plurals, order states
 * and refusals, through the same helpers the pages use.
 */
import { afterEach, describe, expect, it } from "vitest";
import { ApiFailure } from "../api/http";
import { allergenList, distanceLabel, formatClock, formatMoney, statusLabel, tagLabel } from "../format";
import { browserLanguage, chooseLanguage, i18n, menuLanguage } from ".";
import { errorText, fieldErrors } from "./errors";

afterEach(() => chooseLanguage("en"));

describe("in English (en-GB)", () => {
	it("formats money, allergens, distances and plurals as the storefront always has", () => {
		chooseLanguage("en");
		expect(formatMoney({ amount: 340, currency: "GBP" })).toBe("£3.40");
		expect(formatMoney({ amount: 480, currency: "JPY" })).toBe("JP¥480");
		expect(allergenList(["eggs", "milk", "cereals_containing_gluten"])).toBe("eggs, milk, gluten (cereals)");
		expect(tagLabel("gluten_free")).toBe("Gluten-free");
		expect(distanceLabel(420.4)).toBe("420 m away");
		expect(distanceLabel(1540)).toBe("1.5 km away");
		expect(i18n().t("cart.bar", { count: 1, total: "£3.40" })).toBe("Checkout · 1 item · £3.40");
		expect(i18n().t("cart.bar", { count: 3, total: "£9.00" })).toBe("Checkout · 3 items · £9.00");
		expect(statusLabel("out_for_delivery")).toBe("Out for delivery");
	});

	it("shows the API's own words for a refusal, and the app's own for no connection", () => {
		chooseLanguage("en");
		const soldOut = new ApiFailure(409, "item_sold_out", "Carrot Cake is sold out");
		expect(errorText(soldOut)).toBe("Carrot Cake is sold out");
		expect(errorText(new ApiFailure(0, "network", "x"))).toMatch(/cannot be reached/);
	});
});

describe("in Japanese (ja-JP)", () => {
	it("formats money, times, allergens and counts the Japanese way", () => {
		chooseLanguage("ja");
		expect(formatMoney({ amount: 480, currency: "JPY" })).toBe("￥480");
		expect(formatClock("2026-12-07T00:30:00Z", "Asia/Tokyo")).toBe("09:30");
		expect(allergenList(["eggs", "milk"])).toBe("卵、乳");
		expect(i18n().t("cart.bar", { count: 3, total: "￥1,440" })).toBe("注文手続き · 3点 · ￥1,440");
		expect(statusLabel("preparing")).toBe("調理中");
	});

	it("says a known refusal in Japanese, keeps an unknown one's words, and names a wrong field in Japanese", () => {
		chooseLanguage("ja");
		expect(errorText(new ApiFailure(409, "item_sold_out", "Carrot Cake is sold out"))).toBe(
			"申し訳ありません。この商品は売り切れです。",
		);
		expect(errorText(new ApiFailure(400, "invalid_bookmark", "Bookmark is not valid"))).toBe("Bookmark is not valid");
		const invalid = new ApiFailure(400, "validation_failed", "Invalid contact.email", [
			{ field: "contact.email", message: "Invalid email" },
		]);
		expect(fieldErrors(invalid)).toEqual({ "contact.email": "この項目を確認してください。" });
	});
});

describe("choosing a language", () => {
	it("asks menus for the chosen language, and takes the browser's first language the app speaks", () => {
		chooseLanguage("ja");
		expect(menuLanguage()).toBe("ja");
		expect(browserLanguage(["fr-FR", "ja-JP", "en"])).toBe("ja");
		expect(browserLanguage(["de"])).toBe("en");
	});
});
