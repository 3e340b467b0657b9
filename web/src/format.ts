/**
 * How money, times and tags read on screen, in the chosen language's locale
 * (English as en-GB, Japanese as ja-JP). Amounts arrive in minor units with
 * their currency.
 */
import type { AvailabilityWindow, Money } from "./api/types";
import { currentIntl, i18n, MESSAGES, type MessageId } from "./i18n";

const digits = new Map<string, number>();

/** The currency's own number of decimals: 2 for GBP and USD, 0 for JPY (the same in every locale). */
export function minorDigits(currency: string): number {
	let count = digits.get(currency);
	if (count === undefined) {
		count = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
		digits.set(currency, count);
	}
	return count;
}

export function formatMoney({ amount, currency }: Money): string {
	return currentIntl().formatNumber(amount / 10 ** minorDigits(currency), { style: "currency", currency });
}

/** A price change such as an option's: "+£0.40", or nothing when it is free. */
export function formatDelta(delta: Money): string {
	return delta.amount === 0 ? "" : `+${formatMoney(delta)}`;
}

export function toMinor(major: number, currency: string): number {
	return Math.round(major * 10 ** minorDigits(currency));
}

export function toMajor({ amount, currency }: Money): number {
	return amount / 10 ** minorDigits(currency);
}

/** HH:MM on the given zone's clock. */
export function formatClock(instant: string | Date, timeZone: string): string {
	return currentIntl().formatTime(new Date(instant), {
		timeZone,
		hour: "2-digit",
		minute: "2-digit",
		hourCycle: "h23",
	});
}

/** A short day and time on the given zone's clock: "Mon 7 Dec, 09:30", "12月7日(月) 09:30". */
export function formatDayTime(instant: string | Date, timeZone: string): string {
	return currentIntl().formatDate(new Date(instant), {
		timeZone,
		weekday: "short",
		day: "numeric",
		month: "short",
		hour: "2-digit",
		minute: "2-digit",
		hourCycle: "h23",
	});
}

/** A date and time in the browser's zone, as an order history lists them. */
export function formatDateTime(instant: string | Date): string {
	return currentIntl().formatDate(new Date(instant), { dateStyle: "medium", timeStyle: "short" });
}

/**
 * A few values in a row: "07:00–11:00, 17:00–22:00" in English, 「卵、乳」 in
 * Japanese (whose unit lists separate with spaces, which reads as one word).
 */
function listOf(values: readonly string[]): string {
	const { intl, language } = i18n();
	return intl.formatList(values, language === "en" ? { type: "unit", style: "short" } : { type: "conjunction" });
}

export function formatWindows(windows: AvailabilityWindow[]): string {
	return listOf(windows.map((window) => `${window.from}–${window.until}`));
}

function messageOrNull(id: string): MessageId | null {
	return id in MESSAGES.en ? (id as MessageId) : null;
}

/** An allergen or dietary tag in words: "tree_nuts" → "Tree nuts", 「木の実」. */
export function tagLabel(tag: string): string {
	const id = messageOrNull(`tag.${tag}`);
	if (id) return i18n().t(id);
	const label = tag.replaceAll("_", " ");
	return label.charAt(0).toUpperCase() + label.slice(1);
}

/** Allergens as a phrase after "Contains": lower case in English, as they are nouns in a sentence. */
export function allergenList(allergens: readonly string[]): string {
	const labels = allergens.map(tagLabel);
	return listOf(i18n().language === "en" ? labels.map((label) => label.toLowerCase()) : labels);
}

/** The short reference staff and customers say out loud. */
export function shortOrderId(orderId: string): string {
	return orderId.slice(-6).toUpperCase();
}

/** An order status in words, in the current language; one the app has no words for reads as it is. */
export function statusLabel(status: string): string {
	const id = `status.${status}`;
	return id in MESSAGES.en ? i18n().t(id as MessageId) : status;
}

export function distanceLabel(meters: number): string {
	const { t, intl } = i18n();
	return meters < 1000
		? t("distance.meters", { distance: intl.formatNumber(Math.round(meters)) })
		: t("distance.kilometers", {
				distance: intl.formatNumber(meters / 1000, { maximumFractionDigits: 1, minimumFractionDigits: 1 }),
			});
}
