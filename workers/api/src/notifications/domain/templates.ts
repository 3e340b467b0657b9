/**
 * The customer e-mails about an order, as plain text and HTML built from the
 * same content. Amounts are in the location's currency, times on its clock;
 * everything a customer or the kitchen typed is escaped in the HTML.
 */
import type { DeliveryAddress, Fulfilment } from "../../ordering/events";
import type { CustomerEmailKind } from "./jobs";

export interface OrderEmailLine {
	name: string;
	quantity: number;
	lineTotal: number;
	options: string[];
	note: string | null;
}

export interface OrderEmailInput {
	kind: CustomerEmailKind;
	orderId: string;
	customerName: string;
	location: {
		name: string;
		addressLine: string;
		city: string;
		postcode: string;
		/** ISO 3166 alpha-2; picks the number and date conventions. */
		country: string;
		timeZone: string;
	};
	fulfilment: Fulfilment;
	deliveryAddress: DeliveryAddress | null;
	/** ISO 4217; every amount below is in its minor units. */
	currency: string;
	lines: OrderEmailLine[];
	totals: { subtotal: number; tax: number; taxIncluded: boolean; deliveryFee: number; tip: number; total: number };
	placedAt: string;
	requestedFor: string | null;
	estimatedReadyAt: string | null;
	cancellation: { reason: string; by: "customer" | "restaurant" } | null;
	/** On a `refunded` e-mail: what was refunded, in minor units of its currency, and why. */
	refund?: { amount: number; currency: string; reason: string };
	/** Where the customer follows the order (its tracking link); shown on a `refunded` e-mail. */
	orderUrl?: string;
}

export interface RenderedEmail {
	subject: string;
	text: string;
	html: string;
}

/** English, with the location country's conventions for numbers and dates (en-GB, en-US, en-JP). */
export function localeFor(country: string): string {
	return /^[A-Z]{2}$/.test(country) ? `en-${country}` : "en-GB";
}

/**
 * Intl formatters by their options. Building one is the costly part (about
 * 0.7 ms of CPU per order e-mail in a profile, for three of them); a location
 * has one locale, currency and time zone, so an isolate needs only a few.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, build: () => F): F {
	let formatter = formatters.get(key) as F | undefined;
	if (!formatter) {
		formatter = build();
		formatters.set(key, formatter);
	}
	return formatter;
}

/**
 * Formats integer minor units as money. The currency's own number of decimals
 * scales the amount, so 1180 JPY is ¥1,180 while 1180 GBP is £11.80.
 */
export function formatMoney(minor: number, currency: string, locale: string): string {
	const format = cached(
		`money ${locale} ${currency}`,
		() => new Intl.NumberFormat(locale, { style: "currency", currency }),
	);
	return format.format(minor / minorUnitsPerMajor(format));
}

/** A currency format's minor units per major unit, kept with it: `resolvedOptions()` builds a new object on every call. */
const minorUnits = new WeakMap<Intl.NumberFormat, number>();

function minorUnitsPerMajor(format: Intl.NumberFormat): number {
	let units = minorUnits.get(format);
	if (units === undefined) {
		units = 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2);
		minorUnits.set(format, units);
	}
	return units;
}

/** A day and time on the location's clock, with its zone named: "Mon 1 Jul, 12:20 BST". */
export function formatLocalDateTime(iso: string, timeZone: string, locale: string): string {
	return cached(
		`date-time ${locale} ${timeZone}`,
		() =>
			new Intl.DateTimeFormat(locale, {
				timeZone,
				weekday: "short",
				day: "numeric",
				month: "short",
				hour: "2-digit",
				minute: "2-digit",
				timeZoneName: "short",
			}),
	).format(new Date(iso));
}

/** A time on the location's clock, with its zone named: "12:20 BST". */
export function formatLocalTime(iso: string, timeZone: string, locale: string): string {
	return cached(
		`time ${locale} ${timeZone}`,
		() => new Intl.DateTimeFormat(locale, { timeZone, hour: "2-digit", minute: "2-digit", timeZoneName: "short" }),
	).format(new Date(iso));
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** The short reference customers and staff can read to each other: `ord_3fa2c91b…` → `3FA2C91B`. */
export function orderReference(orderId: string): string {
	return orderId.replace(/^ord_/, "").slice(0, 8).toUpperCase();
}

interface Content {
	subject: string;
	paragraphs: string[];
	/** Whether the itemised lines and totals follow the paragraphs. */
	itemised: boolean;
	/** A link after the paragraphs. */
	link?: { text: string; url: string };
}

function content(input: OrderEmailInput, locale: string): Content {
	const reference = `#${orderReference(input.orderId)}`;
	const at = input.location.name;
	const zone = input.location.timeZone;
	const pickup = input.fulfilment === "pickup";
	const money = (minor: number) => formatMoney(minor, input.currency, locale);
	switch (input.kind) {
		case "placed": {
			const when = input.requestedFor ? formatLocalDateTime(input.requestedFor, zone, locale) : "as soon as possible";
			const where = pickup ? `Pickup at ${at}` : `Delivery to ${addressText(input.deliveryAddress)}`;
			return {
				subject: `We've got your order ${reference} at ${at}`,
				paragraphs: [
					`Thanks for your order ${reference} at ${at}, placed ${formatLocalDateTime(input.placedAt, zone, locale)}. We'll e-mail you again when the kitchen confirms it.`,
					`${where}: ${when}.`,
				],
				itemised: true,
			};
		}
		case "confirmed": {
			const eta = input.estimatedReadyAt;
			return {
				subject: eta
					? `Order ${reference} confirmed: ready around ${formatLocalTime(eta, zone, locale)}`
					: `Order ${reference} confirmed`,
				paragraphs: [
					`${at} has confirmed your order ${reference} (${money(input.totals.total)}).`,
					eta
						? `It should be ready around ${formatLocalDateTime(eta, zone, locale)}.`
						: "We'll e-mail you when it is ready.",
				],
				itemised: false,
			};
		}
		case "ready":
			return {
				subject: pickup ? `Order ${reference} is ready to collect` : `Order ${reference} is ready`,
				paragraphs: pickup
					? [
							`Your order ${reference} is ready to collect at ${at}, ${input.location.addressLine}, ${input.location.city}.`,
						]
					: [`Your order ${reference} is ready and will be on its way to you shortly.`],
				itemised: false,
			};
		case "cancelled": {
			const cancellation = input.cancellation ?? { reason: "", by: "restaurant" };
			const who = cancellation.by === "customer" ? "As you asked, we have cancelled" : `${at} has cancelled`;
			return {
				subject: `Order ${reference} has been cancelled`,
				paragraphs: [
					`${who} your order ${reference} (${money(input.totals.total)}).`,
					...(cancellation.reason ? [`Reason: ${cancellation.reason}`] : []),
				],
				itemised: false,
			};
		}
		case "refunded": {
			const refund = input.refund ?? { amount: 0, currency: input.currency, reason: "" };
			const refunded = formatMoney(refund.amount, refund.currency, locale);
			return {
				subject: `Refund of ${refunded} for order ${reference}`,
				paragraphs: [
					`${at} has refunded ${refunded} of your order ${reference} (${money(input.totals.total)}) to the card you paid with.`,
					...(refund.reason ? [`Reason: ${refund.reason}`] : []),
					"Your bank may take a few working days to show it.",
				],
				itemised: false,
				...(input.orderUrl ? { link: { text: "See your order", url: input.orderUrl } } : {}),
			};
		}
	}
}

function addressText(address: DeliveryAddress | null): string {
	if (!address) return "your address";
	return [address.line1, address.line2, `${address.city} ${address.postcode}`].filter(Boolean).join(", ");
}

function totalRows(input: OrderEmailInput, money: (minor: number) => string): [string, string][] {
	const { totals } = input;
	const rows: [string, string][] = [["Subtotal", money(totals.subtotal)]];
	if (input.fulfilment === "delivery") rows.push(["Delivery", money(totals.deliveryFee)]);
	if (totals.tip > 0) rows.push(["Tip", money(totals.tip)]);
	rows.push([totals.taxIncluded ? "Includes tax" : "Tax", money(totals.tax)]);
	rows.push(["Total", money(totals.total)]);
	return rows;
}

function lineTitle(line: OrderEmailLine): string {
	const options = line.options.length > 0 ? ` (${line.options.join(", ")})` : "";
	return `${line.quantity} × ${line.name}${options}`;
}

function firstName(name: string): string {
	return name.trim().split(/\s+/)[0] || "there";
}

function footerText(input: OrderEmailInput): string {
	const { location } = input;
	return `${location.name}, ${location.addressLine}, ${location.city} ${location.postcode}\nOrder ${input.orderId}`;
}

function renderText(input: OrderEmailInput, body: Content, money: (minor: number) => string): string {
	const parts = [`Hi ${firstName(input.customerName)},`, ...body.paragraphs];
	if (body.link) parts.push(`${body.link.text}: ${body.link.url}`);
	if (body.itemised) {
		const lines = input.lines.map((line) => {
			const note = line.note ? `\n    Note: ${line.note}` : "";
			return `  ${lineTitle(line)}  ${money(line.lineTotal)}${note}`;
		});
		const totals = totalRows(input, money).map(([label, amount]) => `  ${label}: ${amount}`);
		parts.push([...lines, "", ...totals].join("\n"));
	}
	parts.push(footerText(input));
	return `${parts.join("\n\n")}\n`;
}

function renderHtml(input: OrderEmailInput, body: Content, money: (minor: number) => string): string {
	const paragraph = (text: string) => `<p>${escapeHtml(text)}</p>`;
	const cell = 'style="padding:4px 8px"';
	const right = 'style="padding:4px 8px;text-align:right"';
	let summary = "";
	if (body.itemised) {
		const lines = input.lines.map((line) => {
			const note = line.note ? `<br><small>Note: ${escapeHtml(line.note)}</small>` : "";
			return `<tr><td ${cell}>${escapeHtml(lineTitle(line))}${note}</td><td ${right}>${escapeHtml(money(line.lineTotal))}</td></tr>`;
		});
		const totals = totalRows(input, money).map(([label, amount]) => {
			const strong = (text: string) => (label === "Total" ? `<strong>${text}</strong>` : text);
			return `<tr><td ${cell}>${strong(escapeHtml(label))}</td><td ${right}>${strong(escapeHtml(amount))}</td></tr>`;
		});
		summary = `<table style="border-collapse:collapse">${[...lines, ...totals].join("")}</table>`;
	}
	const footer = footerText(input).split("\n").map(escapeHtml).join("<br>");
	return [
		'<!doctype html><html><body style="font-family:sans-serif;color:#222">',
		paragraph(`Hi ${firstName(input.customerName)},`),
		...body.paragraphs.map(paragraph),
		body.link ? `<p><a href="${escapeHtml(body.link.url)}">${escapeHtml(body.link.text)}</a></p>` : "",
		summary,
		`<p style="color:#777;font-size:12px">${footer}</p>`,
		"</body></html>",
	].join("\n");
}

/** The e-mail for one order event, in the location's currency, time zone and conventions. */
export function renderOrderEmail(input: OrderEmailInput): RenderedEmail {
	const locale = localeFor(input.location.country);
	const money = (minor: number) => formatMoney(minor, input.currency, locale);
	const body = content(input, locale);
	return { subject: body.subject, text: renderText(input, body, money), html: renderHtml(input, body, money) };
}
