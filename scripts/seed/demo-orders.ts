/**
 * Finished demo orders for `npm run dev`: a location's orders of one local
 * day, made from that day's item sales (`demo-history.ts`), so the back
 * office's daily figures (orders, revenue, baskets, cancellation and rejection
 * rates, preparation times, ETA accuracy) have four weeks to show.
 *
 * Each sold unit is on exactly one line of an order still counted in sales
 * (each item at most once an order, so the item's `orders` figure holds), and
 * a few percent more orders were cancelled or rejected, whose lines the
 * projections took back out of the sales. Rows are written as the projections
 * write them (`ordering/placed-projection.ts`, `projections.ts`,
 * `payment-projection.ts`), status history included, and every order is
 * finished, so no kitchen sees one as work to do. Guests only, at example.com.
 *
 * A day's orders follow from the seed, the location, the date and its sales
 * alone, so a reseed on a later day writes the same orders for the days both cover.
 */
import { createHash } from "node:crypto";
import { computeTotals, type Totals } from "../../workers/api/src/cart/domain/totals";
import { Random } from "../../workers/api/src/intelligence/domain/synthetic";
import {
	type AvailabilityWindow,
	localClock,
	minutesOf,
	WEEKDAYS,
	type Weekday,
} from "../../workers/api/src/menu/domain/availability";
import type { OrderStatus } from "../../workers/api/src/ordering/domain/order";
import type {
	DeliveryAddress,
	Fulfilment,
	OrderLineSnapshot,
	PaymentMethodKind,
} from "../../workers/api/src/ordering/events";
import type { PaymentStatus } from "../../workers/api/src/payments/domain/payment";
import { literal } from "./sql";
import type { SeedCategory, SeedItem, SeedLocation } from "./types";

/** Local days of orders, up to yesterday. */
export const DEMO_ORDER_DAYS = 28;

/** The statuses a demo order ends in: all finished. */
export const FINISHED_STATUSES = ["picked_up", "delivered", "cancelled", "rejected"] as const;
export type FinishedStatus = (typeof FINISHED_STATUSES)[number];

/** One item's sales of the day: `units` on `orders` lines, one line an order. */
export interface SoldItem {
	item: SeedItem;
	category: SeedCategory;
	units: number;
	orders: number;
}

/** An order line as the projection stores it, without a note (nobody writes one on a demo order). */
export type DemoLine = Omit<OrderLineSnapshot, "note">;

/** A row of `order_status_history`, as the projection of its event writes it. */
export interface DemoHistoryRow {
	sequence: number;
	status: OrderStatus;
	occurredAt: string;
	estimatedReadyAt: string | null;
	reason: string | null;
	eventId: string;
}

export interface DemoOrder {
	id: string;
	locationSlug: string;
	status: FinishedStatus;
	fulfilment: Fulfilment;
	customerRef: string;
	contactName: string;
	contactEmail: string;
	contactPhone: string;
	deliveryAddress: DeliveryAddress | null;
	totals: Totals;
	placedAt: string;
	businessDate: string;
	predictedReadyAt: string;
	estimatedReadyAt: string | null;
	confirmedAt: string | null;
	readyAt: string | null;
	completedAt: string | null;
	cancelReason: string | null;
	countedInSales: boolean;
	lastSequence: number;
	updatedAt: string;
	paymentMethod: PaymentMethodKind;
	paymentStatus: PaymentStatus;
	paymentIntentId: string | null;
	capturedMinor: number;
	lines: DemoLine[];
	history: DemoHistoryRow[];
}

const CUSTOMER_CANCEL_REASONS = ["Ordered by mistake", "Changed my mind", "Wrong pickup time chosen"];
const STAFF_CANCEL_REASONS = ["Customer asked to cancel by phone", "Ran out of an ingredient while preparing"];
const REJECT_REASONS = ["Kitchen is at capacity", "Out of a main ingredient", "Closing early today"];

/** Fictional numbers: Ofcom's drama range, the US 555-01xx range, and an unassigned Tokyo block. */
const PHONE_PREFIX: Record<string, string> = {
	"london-soho": "+44 7700 900",
	"new-york-chelsea": "+1 212 555 01",
};

function sha256(text: string): string {
	return createHash("sha256").update(text).digest("hex");
}

/** An event id shaped like the Cart object's `crypto.randomUUID()`. */
function uuidOf(text: string): string {
	const hex = sha256(text);
	const variant = ((Number.parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

type Interval = [start: number, end: number];

function weekdayOf(date: string): Weekday {
	return WEEKDAYS[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7];
}

/** A day's ranges in minutes from midnight; one that crosses midnight is cut there (the night's tail is left out). */
function intervalsOf(ranges: { from: string; until: string }[]): Interval[] {
	return ranges.map(({ from, until }) => {
		const start = minutesOf(from);
		const end = minutesOf(until);
		return [start, end <= start ? 24 * 60 : end];
	});
}

function windowsOn(windows: readonly AvailabilityWindow[], weekday: Weekday): Interval[] {
	if (windows.length === 0) return [[0, 24 * 60]];
	return intervalsOf(windows.filter((window) => !window.days || window.days.includes(weekday)));
}

function intersect(a: Interval[], b: Interval[]): Interval[] {
	const overlaps: Interval[] = [];
	for (const [aStart, aEnd] of a) {
		for (const [bStart, bEnd] of b) {
			const start = Math.max(aStart, bStart);
			const end = Math.min(aEnd, bEnd);
			if (end > start) overlaps.push([start, end]);
		}
	}
	return overlaps;
}

const span = (intervals: Interval[]) => intervals.reduce((sum, [start, end]) => sum + end - start, 0);

/** Orders by minute of the day: a breakfast rush, a bigger lunch and an evening peak over a steady trickle. */
function demand(minute: number): number {
	const peak = (centre: number, width: number, height: number) =>
		height * Math.exp(-0.5 * ((minute - centre) / width) ** 2);
	return 0.25 + peak(8.5 * 60, 50, 0.6) + peak(12.75 * 60, 70, 1) + peak(19 * 60, 80, 0.8);
}
const DEMAND_BOUND = 2.65;

/** A placement minute within the intervals, following the day's demand. */
function placementMinute(random: Random, intervals: Interval[]): number {
	for (let attempt = 0; attempt < 200; attempt++) {
		let offset = random.next() * span(intervals);
		for (const [start, end] of intervals) {
			if (offset < end - start) {
				const minute = start + offset;
				if (random.next() * DEMAND_BOUND < demand(minute)) return minute;
				break;
			}
			offset -= end - start;
		}
	}
	return intervals[0][0] + random.next() * (intervals[0][1] - intervals[0][0]);
}

/** The instant the local wall clock of `timeZone` reads `minute` minutes after midnight on `date`. */
export function instantAt(date: string, minute: number, timeZone: string): Date {
	const wall = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
	let instant = wall;
	// Twice: the second pass settles a guess that landed across a change of offset.
	for (let pass = 0; pass < 2; pass++) {
		const clock = localClock(new Date(instant), timeZone);
		const seen = Date.parse(`${clock.date}T00:00:00Z`) + clock.minutes * 60_000 + (instant % 60_000);
		instant += wall - seen;
	}
	return new Date(instant);
}

function plus(instant: Date, seconds: number): Date {
	return new Date(instant.getTime() + Math.round(seconds * 1000));
}

function pick<T>(random: Random, values: readonly T[]): T {
	return values[random.int(values.length)];
}

/** A draw from an exponential distribution of the given mean, clamped. */
function exponential(random: Random, mean: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, -mean * Math.log(1 - random.next())));
}

/** Options as a customer picks them: the included first choice of a required group mostly, an extra now and then. */
function chooseOptions(random: Random, item: SeedItem): DemoLine["options"] {
	const chosen: DemoLine["options"] = [];
	for (const group of item.modifierGroups) {
		const count = group.minSelections > 0 ? group.minSelections : random.chance(0.25) ? 1 : 0;
		const pool = [...group.options];
		for (let pick = 0; pick < Math.min(count, group.maxSelections, pool.length); pick++) {
			const index = pick === 0 && group.minSelections > 0 && random.chance(0.7) ? 0 : random.int(pool.length);
			const [option] = pool.splice(index, 1);
			chosen.push({ groupId: group.id, optionId: option.id, name: option.name, priceDelta: option.priceDeltaMinor });
		}
	}
	return chosen;
}

interface Draft {
	lines: { sold: SoldItem; quantity: number }[];
	intervals: Interval[];
	counted: boolean;
}

/** When a line's item may be ordered that day: opening hours, its category's and its own windows. */
function lineIntervals(location: SeedLocation, sold: SoldItem, weekday: Weekday): Interval[] {
	// Last orders a quarter of an hour before closing.
	const open = intervalsOf(
		(location.openingHours[weekday] ?? []).map(({ opens, closes }) => ({ from: opens, until: closes })),
	).map(([start, end]): Interval => [start, end - 15]);
	const windows = intersect(
		intersect(open, windowsOn(sold.category.availability, weekday)),
		windowsOn(sold.item.availability ?? [], weekday),
	);
	// An item sold outside its windows (the sales do not look at times) is placed in opening hours.
	return windows.length > 0 ? windows : open;
}

/**
 * Packs the day's sold lines into orders: each line starts an order or joins
 * one open at a time that suits it (never twice the same item, at most four
 * lines, preferring an order without its category), so baskets of 1–4 lines
 * mix a main, a drink and a side.
 */
function packLines(random: Random, location: SeedLocation, sold: SoldItem[], weekday: Weekday): Draft[] {
	const lines: { sold: SoldItem; quantity: number }[] = [];
	for (const entry of sold) {
		// `units` over `orders` lines: one each, the rest spread at random.
		const quantities = Array.from({ length: entry.orders }, () => 1);
		for (let extra = entry.units - entry.orders; extra > 0; extra--) quantities[random.int(entry.orders)] += 1;
		for (const quantity of quantities) lines.push({ sold: entry, quantity });
	}
	for (let index = lines.length - 1; index > 0; index--) {
		const other = random.int(index + 1);
		[lines[index], lines[other]] = [lines[other], lines[index]];
	}
	const drafts: Draft[] = [];
	for (const line of lines) {
		const intervals = lineIntervals(location, line.sold, weekday);
		// Only the last few orders are still open to join.
		const fits = random.chance(0.55)
			? drafts
					.slice(-12)
					.filter(
						(draft) =>
							draft.lines.length < 4 &&
							!draft.lines.some((other) => other.sold.item.id === line.sold.item.id) &&
							span(intersect(draft.intervals, intervals)) >= 30,
					)
			: [];
		const joined = random.weighted(fits, (draft) =>
			draft.lines.some((other) => other.sold.category.id === line.sold.category.id) ? 1 : 4,
		);
		if (joined) {
			joined.lines.push(line);
			joined.intervals = intersect(joined.intervals, intervals);
		} else {
			drafts.push({ lines: [line], intervals, counted: true });
		}
	}
	return drafts;
}

/** Orders that never made it into the sales: 1–3 of the day's items, mostly one of each. */
function unsoldDrafts(random: Random, location: SeedLocation, sold: SoldItem[], weekday: Weekday, count: number) {
	const drafts: Draft[] = [];
	for (let index = 0; index < count && sold.length > 0; index++) {
		const first = sold[random.int(sold.length)];
		const draft: Draft = {
			lines: [{ sold: first, quantity: 1 + (random.chance(0.15) ? 1 : 0) }],
			intervals: lineIntervals(location, first, weekday),
			counted: false,
		};
		for (let more = random.int(3); more > 0; more--) {
			const next = sold[random.int(sold.length)];
			const intervals = intersect(draft.intervals, lineIntervals(location, next, weekday));
			if (draft.lines.some((line) => line.sold.item.id === next.item.id) || span(intervals) < 30) continue;
			draft.lines.push({ sold: next, quantity: 1 });
			draft.intervals = intervals;
		}
		drafts.push(draft);
	}
	return drafts;
}

/**
 * The location's finished orders placed on `date` (its local date), from the
 * day's sales: the counted orders hold exactly `sold`; cancelled and rejected
 * ones come on top. In order of placement.
 */
export function demoDayOrders(location: SeedLocation, date: string, sold: SoldItem[], seed: number): DemoOrder[] {
	const random = new Random(Number.parseInt(sha256(`${seed}:orders:${location.slug}:${date}`).slice(0, 8), 16));
	const weekday = weekdayOf(date);
	const counted = packLines(random, location, sold, weekday);
	// A few percent cancelled, fewer rejected; some days worse than others.
	const cancelled = random.poisson(counted.length * 0.03 * Math.exp(0.4 * random.normal()));
	const rejected = random.poisson(counted.length * 0.015 * Math.exp(0.5 * random.normal()));
	const unsold = unsoldDrafts(random, location, sold, weekday, cancelled + rejected);
	const drafts = [...counted, ...unsold]
		.map((draft, index) => ({
			draft,
			outcome: (!draft.counted
				? index - counted.length < cancelled
					? "cancelled"
					: "rejected"
				: "finished") as Outcome,
			placed: instantAt(date, placementMinute(random, draft.intervals), location.timeZone),
		}))
		.sort((a, b) => a.placed.getTime() - b.placed.getTime());

	// The kitchen's load: orders placed in the 20 minutes before, against the day's average for 20 minutes.
	const openMinutes = span(
		intervalsOf((location.openingHours[weekday] ?? []).map(({ opens, closes }) => ({ from: opens, until: closes }))),
	);
	const usual = Math.max(1, (drafts.length * 20) / Math.max(60, openMinutes));
	const guests = Math.max(40, Math.round(drafts.length * 3));
	return drafts.map(({ draft, outcome, placed }, index) => {
		let recent = 0;
		for (let before = index - 1; before >= 0; before--) {
			if (placed.getTime() - drafts[before].placed.getTime() > 20 * 60_000) break;
			recent += 1;
		}
		const units = draft.lines.reduce((sum, line) => sum + line.quantity, 0);
		// Bigger orders and busier kitchens take longer: 6–20 minutes mostly.
		const load = 0.7 + 0.3 * (recent / usual);
		const prepMinutes = (7.5 + 0.5 * units) * load * Math.exp(0.15 * random.normal());
		const prepSeconds = 60 * Math.min(26, Math.max(6, prepMinutes));
		return buildOrder(random, location, date, draft, outcome, placed, prepSeconds, index, seed, guests);
	});
}

type Outcome = "finished" | "cancelled" | "rejected";

function buildOrder(
	random: Random,
	location: SeedLocation,
	date: string,
	draft: Draft,
	outcome: Outcome,
	placed: Date,
	prepSeconds: number,
	index: number,
	seed: number,
	guests: number,
): DemoOrder {
	const id = `ord_${location.region}_${sha256(`demo-order:${seed}:${location.slug}:${date}:${index}`).slice(0, 32)}`;
	const lines: DemoLine[] = draft.lines.map(({ sold, quantity }, position) => {
		const options = chooseOptions(random, sold.item);
		const unitPrice = sold.item.priceMinor + options.reduce((sum, option) => sum + option.priceDelta, 0);
		return {
			lineId: `ln_${sha256(`${id}:line:${position}`).slice(0, 16)}`,
			itemId: sold.item.id,
			categoryId: sold.category.id,
			name: sold.item.name,
			quantity,
			unitPrice,
			lineTotal: unitPrice * quantity,
			options,
		};
	});
	const delivery = location.deliveryEnabled && random.chance(0.35);
	const fulfilment: Fulfilment = delivery ? "delivery" : "pickup";
	const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0);
	// Tips where tipping is usual, rounded to a tidy amount; none in Japan.
	const tipping = location.currency !== "JPY" && random.chance(delivery ? 0.6 : 0.25);
	const tip = tipping ? Math.round((subtotal * (0.08 + 0.1 * random.next())) / 50) * 50 : 0;
	const totals = computeTotals({
		currency: location.currency,
		lineTotals: lines.map((line) => line.lineTotal),
		taxRateBps: location.taxRateBps,
		pricesIncludeTax: location.pricesIncludeTax,
		deliveryFee: delivery ? location.deliveryFeeMinor : 0,
		tip,
	});
	const paymentMethod: PaymentMethodKind =
		!delivery && location.payAtPickup && random.chance(0.3) ? "pay_at_pickup" : "card";

	const guest = random.int(guests);
	const email = `guest-${location.slug}-${String(guest).padStart(4, "0")}@example.com`;
	const phone = `${PHONE_PREFIX[location.slug] ?? "+81 3 0000 "}${String(guest % 100).padStart(2, "0")}`;
	const deliveryAddress: DeliveryAddress | null = delivery
		? {
				line1: `${1 + (guest % 90)} Example Street`,
				line2: guest % 3 === 0 ? `Flat ${1 + (guest % 12)}` : null,
				city: location.city,
				postcode: location.postcode,
				latitude: Math.round((location.latitude + (random.next() - 0.5) * 0.03) * 1e5) / 1e5,
				longitude: Math.round((location.longitude + (random.next() - 0.5) * 0.04) * 1e5) / 1e5,
			}
		: null;

	// The kitchen's prediction at placement: near the real time, sometimes well off.
	const predictedSeconds = Math.max(
		240,
		prepSeconds * Math.exp(0.12 * random.normal()) + 90 * random.normal() + (random.chance(0.08) ? 420 : 0),
	);
	const predictedReadyAt = plus(placed, Math.round(predictedSeconds / 60) * 60);

	const history: DemoHistoryRow[] = [];
	const event = (
		status: OrderStatus,
		at: Date,
		extra: Partial<Pick<DemoHistoryRow, "estimatedReadyAt" | "reason">> = {},
	) =>
		history.push({
			sequence: history.length + 1,
			status,
			occurredAt: at.toISOString(),
			estimatedReadyAt: extra.estimatedReadyAt ?? null,
			reason: extra.reason ?? null,
			eventId: uuidOf(`${id}:event:${history.length + 1}`),
		});
	const card = paymentMethod === "card";
	const intentId = card ? `pi_sim_${sha256(`${id}:intent`).slice(0, 24)}` : null;
	event("placed", placed);
	let clock = placed;
	if (card) event("placed", plus(placed, 3 + random.int(15))); // PaymentAuthorised

	let status: FinishedStatus;
	let confirmedAt: Date | null = null;
	let estimatedReadyAt: string | null = null;
	let readyAt: Date | null = null;
	let completedAt: Date | null = null;
	let cancelReason: string | null = null;
	let lastStatusSequence = 1;
	let lastStatusAt = placed;
	const step = (status: OrderStatus, at: Date, extra?: Parameters<typeof event>[2]) => {
		event(status, at, extra);
		lastStatusSequence = history.length;
		lastStatusAt = at;
		clock = at;
	};

	const byCustomer = outcome === "cancelled" && random.chance(0.6);
	if (outcome === "rejected" || byCustomer) {
		// Turned down, or withdrawn by the customer, before the kitchen confirmed it.
		cancelReason = pick(random, outcome === "rejected" ? REJECT_REASONS : CUSTOMER_CANCEL_REASONS);
		step(outcome, plus(placed, 40 + random.int(200)), { reason: cancelReason });
		status = outcome;
	} else {
		confirmedAt = plus(placed, 20 + random.int(130));
		const etaMinutes = Math.max(1, Math.ceil((predictedReadyAt.getTime() - confirmedAt.getTime()) / 60_000));
		estimatedReadyAt = plus(confirmedAt, etaMinutes * 60).toISOString();
		step("confirmed", confirmedAt, { estimatedReadyAt });
		const ready = plus(placed, prepSeconds);
		const started = new Date(Math.min(confirmedAt.getTime() + (10 + random.int(110)) * 1000, ready.getTime() - 60_000));
		step("preparing", new Date(Math.max(started.getTime(), confirmedAt.getTime() + 1000)), { estimatedReadyAt });
		if (outcome === "cancelled") {
			cancelReason = pick(random, STAFF_CANCEL_REASONS);
			step("cancelled", plus(clock, 60 + random.int(Math.max(1, prepSeconds / 2))), { reason: cancelReason });
			status = "cancelled";
		} else {
			readyAt = ready;
			step("ready", ready);
			if (delivery) {
				step("out_for_delivery", plus(ready, exponential(random, 180, 45, 600)));
				completedAt = plus(clock, 480 + random.int(1200));
				step("delivered", completedAt);
				status = "delivered";
			} else {
				completedAt = plus(ready, exponential(random, 240, 30, 1500));
				step("picked_up", completedAt);
				status = "picked_up";
			}
		}
	}
	const finished = status === "picked_up" || status === "delivered";
	let paymentStatus: PaymentStatus;
	if (card) {
		// The capture or the release follows the handover or the cancellation by a few seconds; its
		// history row takes the order's status when projected.
		event(status, plus(clock, 1 + random.int(5)), finished ? {} : { reason: cancelReason });
		paymentStatus = finished ? "captured" : "voided";
	} else if (finished) {
		// Collected at the counter, with the handover.
		event(status, clock);
		paymentStatus = "collected";
	} else {
		paymentStatus = "due_at_pickup";
	}

	return {
		id,
		locationSlug: location.slug,
		status,
		fulfilment,
		customerRef: `email:${email}`,
		contactName: `Guest ${String(guest).padStart(4, "0")}`,
		contactEmail: email,
		contactPhone: phone,
		deliveryAddress,
		totals,
		placedAt: placed.toISOString(),
		businessDate: date,
		predictedReadyAt: predictedReadyAt.toISOString(),
		estimatedReadyAt,
		confirmedAt: confirmedAt?.toISOString() ?? null,
		readyAt: readyAt?.toISOString() ?? null,
		completedAt: completedAt?.toISOString() ?? null,
		cancelReason,
		countedInSales: finished,
		lastSequence: lastStatusSequence,
		// The projection stamps its own time; a second after the last status change.
		updatedAt: plus(lastStatusAt, 1).toISOString(),
		paymentMethod,
		paymentStatus,
		paymentIntentId: intentId,
		capturedMinor: finished ? totals.total : 0,
		lines,
		history,
	};
}

/** Multi-row INSERTs of up to ~90 KB each (D1's statement limit is 100 KB), leaving existing rows alone. */
function insertRows(table: string, rows: Record<string, unknown>[]): string[] {
	if (rows.length === 0) return [];
	const head = `INSERT INTO ${table} (${Object.keys(rows[0]).join(", ")}) VALUES `;
	const statements: string[] = [];
	let values: string[] = [];
	let size = head.length;
	for (const row of rows) {
		const tuple = `(${Object.values(row).map(literal).join(", ")})`;
		if (values.length > 0 && size + tuple.length > 90_000) {
			statements.push(`${head}${values.join(", ")} ON CONFLICT DO NOTHING;`);
			values = [];
			size = head.length;
		}
		values.push(tuple);
		size += tuple.length + 2;
	}
	statements.push(`${head}${values.join(", ")} ON CONFLICT DO NOTHING;`);
	return statements;
}

/**
 * The orders' rows in `orders`, `order_lines` and `order_status_history`.
 * An order already there (a reseed) is left as it is.
 */
export function demoOrderStatements(orders: readonly DemoOrder[]): string[] {
	return [
		...insertRows(
			"orders",
			orders.map((order) => ({
				id: order.id,
				location_slug: order.locationSlug,
				status: order.status,
				fulfilment: order.fulfilment,
				customer_ref: order.customerRef,
				contact_name: order.contactName,
				contact_email: order.contactEmail,
				contact_phone: order.contactPhone,
				delivery_address: order.deliveryAddress,
				requested_for: null,
				currency: order.totals.currency,
				subtotal_minor: order.totals.subtotal,
				tax_minor: order.totals.tax,
				tax_included: order.totals.taxIncluded,
				delivery_fee_minor: order.totals.deliveryFee,
				tip_minor: order.totals.tip,
				total_minor: order.totals.total,
				placed_at: order.placedAt,
				business_date: order.businessDate,
				predicted_ready_at: order.predictedReadyAt,
				estimated_ready_at: order.estimatedReadyAt,
				confirmed_at: order.confirmedAt,
				ready_at: order.readyAt,
				completed_at: order.completedAt,
				cancel_reason: order.cancelReason,
				counted_in_sales: order.countedInSales,
				last_sequence: order.lastSequence,
				updated_at: order.updatedAt,
				payment_method: order.paymentMethod,
				payment_status: order.paymentStatus,
				payment_intent_id: order.paymentIntentId,
				captured_minor: order.capturedMinor,
			})),
		),
		...insertRows(
			"order_lines",
			orders.flatMap((order) =>
				order.lines.map((line, position) => ({
					order_id: order.id,
					line_id: line.lineId,
					position,
					item_id: line.itemId,
					category_id: line.categoryId,
					name: line.name,
					quantity: line.quantity,
					unit_price_minor: line.unitPrice,
					line_total_minor: line.lineTotal,
					options: line.options,
					note: null,
				})),
			),
		),
		...insertRows(
			"order_status_history",
			orders.flatMap((order) =>
				order.history.map((row) => ({
					order_id: order.id,
					sequence: row.sequence,
					status: row.status,
					occurred_at: row.occurredAt,
					estimated_ready_at: row.estimatedReadyAt,
					reason: row.reason,
					event_id: row.eventId,
				})),
			),
		),
	];
}

/**
 * Recounts the locations' `item_pairs` from every order the region holds, as
 * the OrderPlaced projection counts them (each pair of distinct items once an
 * order, cancelled orders included), so the seeded orders and any placed
 * locally are counted once each, however often the seed runs.
 */
export function itemPairsStatement(slugs: readonly string[]): string {
	return `INSERT INTO item_pairs (location_slug, item_a, item_b, orders_together)
SELECT o.location_slug, a.item_id, b.item_id, count(DISTINCT o.id)
FROM orders o JOIN order_lines a ON a.order_id = o.id JOIN order_lines b ON b.order_id = o.id AND a.item_id < b.item_id
WHERE o.location_slug IN (${slugs.map(literal).join(", ")})
GROUP BY o.location_slug, a.item_id, b.item_id
ON CONFLICT (location_slug, item_a, item_b) DO UPDATE SET orders_together = excluded.orders_together;`;
}
