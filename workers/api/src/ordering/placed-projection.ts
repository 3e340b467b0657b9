/**
 * The OrderPlaced projection as hand-written SQL. It runs in the request of
 * every placement (read-your-writes) and again wherever the queue projects
 * one, and building its statements with drizzle cost 0.3–0.6 ms of CPU per
 * order (a Node loop over `projectOrderEvent` + `toSQL()`), several times
 * what binding these fixed strings costs. The SQL for a number of rows is
 * built once and kept.
 */
import { ERASED_LINE_COLUMNS, ERASED_ORDER_COLUMNS } from "./domain/erasure";
import type { OrderEventEnvelope, OrderLineSnapshot } from "./events";
import { placedPaymentStatus } from "./payment-projection";

type OrderPlacedEnvelope = Extract<OrderEventEnvelope, { type: "OrderPlaced" }>;
type D1 = D1Database | D1DatabaseSession;
type Value = string | number | null;

/** D1 binds at most 100 parameters per statement, so multi-row inserts are cut to fit. */
const MAX_BOUND_PARAMETERS = 100;

function chunks<T>(rows: T[], parametersPerRow: number): T[][] {
	const size = Math.max(1, Math.floor(MAX_BOUND_PARAMETERS / parametersPerRow));
	const result: T[][] = [];
	for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
	return result;
}

/** How the read models name a customer: by account, else by e-mail for guests. */
export function customerRefOf(customerId: string | null, email: string): string {
	return customerId ? `customer:${customerId}` : `email:${email.trim().toLowerCase()}`;
}

/** Every unordered pair of distinct items, each as [a, b] with a < b. */
export function itemPairsOf(itemIds: string[]): [string, string][] {
	const distinct = [...new Set(itemIds)].sort();
	const pairs: [string, string][] = [];
	for (let i = 0; i < distinct.length; i++) {
		for (let j = i + 1; j < distinct.length; j++) pairs.push([distinct[i], distinct[j]]);
	}
	return pairs;
}

function totalsBy(lines: OrderLineSnapshot[], key: (line: OrderLineSnapshot) => string) {
	const totals = new Map<string, { quantity: number; revenueMinor: number; line: OrderLineSnapshot }>();
	for (const line of lines) {
		const current = totals.get(key(line)) ?? { quantity: 0, revenueMinor: 0, line };
		current.quantity += line.quantity;
		current.revenueMinor += line.lineTotal;
		totals.set(key(line), current);
	}
	return totals;
}

/**
 * A value kept only while the customer's account is not erased, else its
 * erased form, decided inside the statement that writes it: binds the account
 * id, the value and the erased value. The region's `erased_accounts` says so
 * (erasure writes it in every region; accounts live in the global database,
 * which a regional statement cannot read).
 */
const WHILE_NOT_ERASED = "CASE WHEN NOT EXISTS (SELECT 1 FROM erased_accounts WHERE account_id = ?) THEN ? ELSE ? END";

/** `(?, ?, …)` for a row whose columns are each `?` or, where `kept`, the guarded CASE. */
function rowPlaceholders(kept: boolean[]): string {
	return `(${kept.map((guarded) => (guarded ? WHILE_NOT_ERASED : "?")).join(", ")})`;
}

const ORDER_COLUMNS = [
	"id",
	"location_slug",
	"status",
	"fulfilment",
	"customer_ref",
	"contact_name",
	"contact_email",
	"contact_phone",
	"delivery_address",
	"requested_for",
	"currency",
	"subtotal_minor",
	"tax_minor",
	"tax_included",
	"delivery_fee_minor",
	"tip_minor",
	"total_minor",
	"placed_at",
	"business_date",
	"counted_in_sales",
	"last_sequence",
	"updated_at",
	"payment_method",
	"payment_status",
	"predicted_ready_at",
];
/** The columns that name the person, erased for a deleted account. */
const PERSONAL_ORDER_COLUMNS = new Set([
	"customer_ref",
	"contact_name",
	"contact_email",
	"contact_phone",
	"delivery_address",
]);

const INSERT_ORDER = {
	guest: `INSERT INTO orders (${ORDER_COLUMNS.join(", ")}) VALUES ${rowPlaceholders(ORDER_COLUMNS.map(() => false))}`,
	customer: `INSERT INTO orders (${ORDER_COLUMNS.join(", ")}) VALUES ${rowPlaceholders(ORDER_COLUMNS.map((column) => PERSONAL_ORDER_COLUMNS.has(column)))}`,
};

const LINE_COLUMNS =
	"order_id, line_id, position, item_id, category_id, name, quantity, unit_price_minor, line_total_minor, options, note";
const LINE_KEPT = [false, false, false, false, false, false, false, false, false, false, true];

/** SQL by row count, built on first use. */
function cachedBySize(build: (rows: number) => string): (rows: number) => string {
	const cache = new Map<number, string>();
	return (rows) => {
		let text = cache.get(rows);
		if (!text) {
			text = build(rows);
			cache.set(rows, text);
		}
		return text;
	};
}

function values(rows: number, row: string): string {
	return Array.from({ length: rows }, () => row).join(", ");
}

const insertLines = {
	guest: cachedBySize(
		(rows) =>
			`INSERT INTO order_lines (${LINE_COLUMNS}) VALUES ${values(rows, rowPlaceholders(LINE_KEPT.map(() => false)))}`,
	),
	customer: cachedBySize(
		(rows) => `INSERT INTO order_lines (${LINE_COLUMNS}) VALUES ${values(rows, rowPlaceholders(LINE_KEPT))}`,
	),
};

/** Adds the inserted row's counts to an existing one instead of failing on the primary key. */
const upsertItemSales = cachedBySize(
	(
		rows,
	) => `INSERT INTO daily_item_sales (location_slug, business_date, item_id, category_id, quantity, orders, revenue_minor, currency)
VALUES ${values(rows, "(?, ?, ?, ?, ?, 1, ?, ?)")}
ON CONFLICT (location_slug, business_date, item_id) DO UPDATE SET quantity = quantity + excluded.quantity,
	orders = orders + excluded.orders, revenue_minor = revenue_minor + excluded.revenue_minor`,
);
const upsertCategorySales = cachedBySize(
	(
		rows,
	) => `INSERT INTO daily_category_sales (location_slug, business_date, category_id, quantity, orders, revenue_minor, currency)
VALUES ${values(rows, "(?, ?, ?, ?, 1, ?, ?)")}
ON CONFLICT (location_slug, business_date, category_id) DO UPDATE SET quantity = quantity + excluded.quantity,
	orders = orders + excluded.orders, revenue_minor = revenue_minor + excluded.revenue_minor`,
);
const upsertPairs = cachedBySize(
	(
		rows,
	) => `INSERT INTO item_pairs (location_slug, item_a, item_b, orders_together) VALUES ${values(rows, "(?, ?, ?, 1)")}
ON CONFLICT (location_slug, item_a, item_b) DO UPDATE SET orders_together = orders_together + excluded.orders_together`,
);

/** An account holder's order history; INSERT … SELECT adds no row at all for an erased account. */
const INSERT_CUSTOMER_HISTORY = `INSERT INTO customer_order_history (customer_ref, order_id, location_slug, placed_at, status, total_minor, currency)
SELECT ?, ?, ?, ?, 'placed', ?, ? WHERE NOT EXISTS (SELECT 1 FROM erased_accounts WHERE account_id = ?)`;

/**
 * An account erased while its OrderPlaced was still on its way (queued, or
 * placed while the erasure ran): the erasure could not see the order, so it
 * is written anonymised (the guarded columns above) with no history row, and
 * joins this region's erasure to-do list, which the erasure's sweep scans in
 * every region, so the order's own event stream is rewritten too
 * (`accounts/erasure.ts`). All in the same batch as the inserts, so the
 * contact details are never visible, whichever runs first.
 */
const LIST_FOR_ERASURE = `INSERT INTO erasure_orders (account_id, order_id, forgotten_at)
SELECT ?, ?, NULL FROM erased_accounts WHERE account_id = ? ON CONFLICT DO NOTHING`;

/**
 * The statements after the ledger row that apply an OrderPlaced: the order
 * (with how it is paid), an account holder's history, the lines, daily sales per item and category
 * (the location's are a view over the orders) and item pairs (the same item
 * on two lines counts once per order).
 */
export function projectOrderPlaced(d1: D1, event: OrderPlacedEnvelope, processedAt: string): D1PreparedStatement[] {
	const placed = event.payload;
	const { totals, lines, customerId } = placed;
	const orderId = event.orderId;
	const location = placed.locationSlug;
	const customerRef = customerRefOf(customerId, placed.contact.email);
	const personal = (value: Value, erased: Value): Value[] => (customerId ? [customerId, value, erased] : [value]);
	const paymentMethod = placed.payment?.method ?? null;

	const statements = [
		d1
			.prepare(customerId ? INSERT_ORDER.customer : INSERT_ORDER.guest)
			.bind(
				orderId,
				location,
				"placed",
				placed.fulfilment,
				...personal(customerRef, ERASED_ORDER_COLUMNS.customerRef),
				...personal(placed.contact.name, ERASED_ORDER_COLUMNS.contactName),
				...personal(placed.contact.email, ERASED_ORDER_COLUMNS.contactEmail),
				...personal(placed.contact.phone, ERASED_ORDER_COLUMNS.contactPhone),
				...personal(
					placed.deliveryAddress ? JSON.stringify(placed.deliveryAddress) : null,
					ERASED_ORDER_COLUMNS.deliveryAddress,
				),
				placed.requestedFor,
				totals.currency,
				totals.subtotal,
				totals.tax,
				totals.taxIncluded ? 1 : 0,
				totals.deliveryFee,
				totals.tip,
				totals.total,
				event.occurredAt,
				placed.businessDate,
				1,
				event.sequence,
				processedAt,
				paymentMethod,
				placedPaymentStatus(paymentMethod),
				placed.predictedReadyAt ?? null,
			),
	];
	if (customerId) {
		statements.push(
			d1
				.prepare(INSERT_CUSTOMER_HISTORY)
				.bind(customerRef, orderId, location, event.occurredAt, totals.total, totals.currency, customerId),
		);
	}

	const lineValues = lines.map((line, position): Value[] => [
		orderId,
		line.lineId,
		position,
		line.itemId,
		line.categoryId,
		line.name,
		line.quantity,
		line.unitPrice,
		line.lineTotal,
		JSON.stringify(line.options),
		...(customerId ? [customerId, line.note, ERASED_LINE_COLUMNS.note] : [line.note]),
	]);
	const insertLinesOf = customerId ? insertLines.customer : insertLines.guest;
	for (const rows of chunks(lineValues, customerId ? 13 : 11)) {
		statements.push(d1.prepare(insertLinesOf(rows.length)).bind(...rows.flat()));
	}

	const day = [location, placed.businessDate];
	const itemRows = [...totalsBy(lines, (line) => line.itemId).entries()].map(([itemId, sold]): Value[] => [
		...day,
		itemId,
		sold.line.categoryId,
		sold.quantity,
		sold.revenueMinor,
		totals.currency,
	]);
	for (const rows of chunks(itemRows, 7))
		statements.push(d1.prepare(upsertItemSales(rows.length)).bind(...rows.flat()));

	const categoryRows = [...totalsBy(lines, (line) => line.categoryId).entries()].map(([categoryId, sold]): Value[] => [
		...day,
		categoryId,
		sold.quantity,
		sold.revenueMinor,
		totals.currency,
	]);
	for (const rows of chunks(categoryRows, 6)) {
		statements.push(d1.prepare(upsertCategorySales(rows.length)).bind(...rows.flat()));
	}

	const pairRows = itemPairsOf(lines.map((line) => line.itemId)).map(([itemA, itemB]): Value[] => [
		location,
		itemA,
		itemB,
	]);
	for (const rows of chunks(pairRows, 3)) statements.push(d1.prepare(upsertPairs(rows.length)).bind(...rows.flat()));

	if (customerId) statements.push(d1.prepare(LIST_FOR_ERASURE).bind(customerId, orderId, customerId));
	return statements;
}
