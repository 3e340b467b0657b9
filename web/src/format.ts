/** How money, times and tags read on screen. Amounts arrive in minor units with their currency. */
import type { AvailabilityWindow, Money } from "./api/types";

const moneyFormats = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string): Intl.NumberFormat {
	let format = moneyFormats.get(currency);
	if (!format) {
		format = new Intl.NumberFormat(undefined, { style: "currency", currency });
		moneyFormats.set(currency, format);
	}
	return format;
}

/** The currency's own number of decimals: 2 for GBP and USD, 0 for JPY. */
export function minorDigits(currency: string): number {
	return moneyFormat(currency).resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney({ amount, currency }: Money): string {
	return moneyFormat(currency).format(amount / 10 ** minorDigits(currency));
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
	return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(
		new Date(instant),
	);
}

export function formatDayTime(instant: string | Date, timeZone: string): string {
	return new Intl.DateTimeFormat("en-GB", {
		timeZone,
		weekday: "short",
		day: "numeric",
		month: "short",
		hour: "2-digit",
		minute: "2-digit",
		hourCycle: "h23",
	}).format(new Date(instant));
}

export function formatWindows(windows: AvailabilityWindow[]): string {
	return windows.map((window) => `${window.from}–${window.until}`).join(", ");
}

const TAG_LABELS: Record<string, string> = {
	cereals_containing_gluten: "Gluten (cereals)",
	tree_nuts: "Tree nuts",
	sulphur_dioxide: "Sulphites",
	soybeans: "Soya",
	gluten_free: "Gluten-free",
	dairy_free: "Dairy-free",
	nut_free: "Nut-free",
};

/** "tree_nuts" → "Tree nuts". */
export function tagLabel(tag: string): string {
	const label = TAG_LABELS[tag] ?? tag.replaceAll("_", " ");
	return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The short reference staff and customers say out loud. */
export function shortOrderId(orderId: string): string {
	return orderId.slice(-6).toUpperCase();
}

export const STATUS_LABELS: Record<string, string> = {
	awaiting_payment: "Awaiting payment",
	payment_failed: "Payment failed",
	placed: "Placed",
	confirmed: "Confirmed",
	preparing: "Preparing",
	ready: "Ready",
	picked_up: "Picked up",
	out_for_delivery: "Out for delivery",
	delivered: "Delivered",
	rejected: "Rejected",
	cancelled: "Cancelled",
};

export function distanceLabel(meters: number): string {
	return meters < 1000 ? `${Math.round(meters)} m away` : `${(meters / 1000).toFixed(1)} km away`;
}
