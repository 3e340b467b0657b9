/**
 * A region's order database's schema: the order read models, projected from
 * the order-events queue (`ordering/projections.ts`), and what hangs off them.
 * Every region's database has the same tables; an order's rows live in the
 * database of the region its id names. `npm run db:generate` turns a change
 * here into a migration under `migrations/regional/`.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, sqliteView, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { NotificationChannel, NotificationStatus } from "../notifications/domain/jobs";
import type { OrderStatus } from "../ordering/domain/order";
import type {
	DeliveryAddress,
	Fulfilment,
	OrderEventType,
	OrderLineSnapshot,
	PaymentMethodKind,
} from "../ordering/events";
import type { PaymentStatus } from "../payments/domain/payment";

const timestamps = {
	createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
	updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
};

/**
 * Order read models, projected from the order-events queue (`ordering/projections.ts`).
 * The Cart Durable Object's event stream is the record; these tables can be rebuilt from it.
 */
export const orders = sqliteTable(
	"orders",
	{
		id: text("id").primaryKey(),
		locationSlug: text("location_slug").notNull(),
		status: text("status").$type<OrderStatus>().notNull(),
		fulfilment: text("fulfilment").$type<Fulfilment>().notNull(),
		/** `customer:<id>` for account holders, `email:<lower-cased email>` for guests. */
		customerRef: text("customer_ref"),
		contactName: text("contact_name").notNull(),
		contactEmail: text("contact_email").notNull(),
		contactPhone: text("contact_phone").notNull(),
		deliveryAddress: text("delivery_address", { mode: "json" }).$type<DeliveryAddress>(),
		requestedFor: text("requested_for"),
		currency: text("currency").notNull(),
		subtotalMinor: integer("subtotal_minor").notNull(),
		taxMinor: integer("tax_minor").notNull(),
		taxIncluded: integer("tax_included", { mode: "boolean" }).notNull(),
		deliveryFeeMinor: integer("delivery_fee_minor").notNull(),
		tipMinor: integer("tip_minor").notNull(),
		totalMinor: integer("total_minor").notNull(),
		placedAt: text("placed_at").notNull(),
		/** The location's local date at placement; daily sales are counted on it. */
		businessDate: text("business_date").notNull(),
		/** The kitchen's load-based prediction at placement, which the kitchen's confirm dialog starts from. */
		predictedReadyAt: text("predicted_ready_at"),
		estimatedReadyAt: text("estimated_ready_at"),
		confirmedAt: text("confirmed_at"),
		readyAt: text("ready_at"),
		completedAt: text("completed_at"),
		cancelReason: text("cancel_reason"),
		/** Whether the order's lines are still in the daily sales; cleared when a cancellation subtracts them. */
		countedInSales: integer("counted_in_sales", { mode: "boolean" }).notNull().default(true),
		/** Sequence of the latest status event applied; older ones arriving late must not regress the status. */
		lastSequence: integer("last_sequence").notNull(),
		updatedAt: text("updated_at").notNull(),
		/** How it is paid (`card`, `pay_at_pickup`); null for orders placed before payments. */
		paymentMethod: text("payment_method").$type<PaymentMethodKind>(),
		/** The payment's state as its events left it (payments/domain/payment.ts), for the board and reconciliation. */
		paymentStatus: text("payment_status").$type<PaymentStatus>(),
		paymentIntentId: text("payment_intent_id"),
		capturedMinor: integer("captured_minor").notNull().default(0),
		refundedMinor: integer("refunded_minor").notNull().default(0),
	},
	(table) => [
		index("orders_location_status_idx").on(table.locationSlug, table.status, table.placedAt),
		// Nightly payment reconciliation: orders whose payment is still only authorised.
		index("orders_payment_status_idx").on(table.paymentStatus, table.updatedAt),
		// The back office's daily figures: a range of local days, for one location or every one.
		index("orders_business_date_idx").on(table.businessDate, table.locationSlug),
	],
);

/** Refunds, one row per PaymentRefunded, for the manager's list and the books. */
export const orderRefunds = sqliteTable(
	"order_refunds",
	{
		refundId: text("refund_id").primaryKey(),
		orderId: text("order_id").notNull(),
		locationSlug: text("location_slug").notNull(),
		amountMinor: integer("amount_minor").notNull(),
		currency: text("currency").notNull(),
		reason: text("reason").notNull(),
		refundedAt: text("refunded_at").notNull(),
	},
	(table) => [index("order_refunds_location_idx").on(table.locationSlug, table.refundedAt)],
);

export const orderLines = sqliteTable(
	"order_lines",
	{
		orderId: text("order_id").notNull(),
		lineId: text("line_id").notNull(),
		position: integer("position").notNull(),
		itemId: text("item_id").notNull(),
		categoryId: text("category_id").notNull(),
		name: text("name").notNull(),
		quantity: integer("quantity").notNull(),
		unitPriceMinor: integer("unit_price_minor").notNull(),
		lineTotalMinor: integer("line_total_minor").notNull(),
		options: text("options", { mode: "json" }).$type<OrderLineSnapshot["options"]>().notNull(),
		note: text("note"),
	},
	(table) => [primaryKey({ columns: [table.orderId, table.lineId] })],
);

/**
 * One row per order event applied, which makes it the projections' idempotency
 * ledger too: its key admits each stream position once, and `event_id` (null
 * only on rows older than migration 0010 that had no ledger row) each event once.
 */
export const orderStatusHistory = sqliteTable(
	"order_status_history",
	{
		orderId: text("order_id").notNull(),
		sequence: integer("sequence").notNull(),
		status: text("status").$type<OrderStatus>().notNull(),
		occurredAt: text("occurred_at").notNull(),
		estimatedReadyAt: text("estimated_ready_at"),
		reason: text("reason"),
		eventId: text("event_id"),
	},
	(table) => [
		primaryKey({ columns: [table.orderId, table.sequence] }),
		uniqueIndex("order_status_history_event_idx").on(table.eventId),
	],
);

export const customerOrderHistory = sqliteTable(
	"customer_order_history",
	{
		customerRef: text("customer_ref").notNull(),
		orderId: text("order_id").notNull(),
		locationSlug: text("location_slug").notNull(),
		placedAt: text("placed_at").notNull(),
		status: text("status").$type<OrderStatus>().notNull(),
		totalMinor: integer("total_minor").notNull(),
		currency: text("currency").notNull(),
	},
	(table) => [
		primaryKey({ columns: [table.customerRef, table.orderId] }),
		index("customer_order_history_recent_idx").on(table.customerRef, table.placedAt),
		index("customer_order_history_order_idx").on(table.orderId),
	],
);

/** Sales per item and local business date, for forecasting; revenue is the sum of line totals. */
export const dailyItemSales = sqliteTable(
	"daily_item_sales",
	{
		locationSlug: text("location_slug").notNull(),
		businessDate: text("business_date").notNull(),
		itemId: text("item_id").notNull(),
		categoryId: text("category_id").notNull(),
		quantity: integer("quantity").notNull(),
		orders: integer("orders").notNull(),
		revenueMinor: integer("revenue_minor").notNull(),
		currency: text("currency").notNull(),
	},
	(table) => [primaryKey({ columns: [table.locationSlug, table.businessDate, table.itemId] })],
);

export const dailyCategorySales = sqliteTable(
	"daily_category_sales",
	{
		locationSlug: text("location_slug").notNull(),
		businessDate: text("business_date").notNull(),
		categoryId: text("category_id").notNull(),
		quantity: integer("quantity").notNull(),
		orders: integer("orders").notNull(),
		revenueMinor: integer("revenue_minor").notNull(),
		currency: text("currency").notNull(),
	},
	(table) => [primaryKey({ columns: [table.locationSlug, table.businessDate, table.categoryId] })],
);

/**
 * Orders and revenue per location and local business date, derived from the
 * orders themselves (a cancelled or rejected order stops counting when
 * `counted_in_sales` is cleared), so placing an order writes no row here.
 */
export const dailyLocationSales = sqliteView("daily_location_sales", {
	locationSlug: text("location_slug").notNull(),
	businessDate: text("business_date").notNull(),
	orders: integer("orders").notNull(),
	revenueMinor: integer("revenue_minor").notNull(),
	currency: text("currency").notNull(),
}).as(
	sql`select ${orders.locationSlug} as location_slug, ${orders.businessDate} as business_date, sum(${orders.countedInSales}) as orders, sum(case when ${orders.countedInSales} then ${orders.subtotalMinor} else 0 end) as revenue_minor, max(${orders.currency}) as currency from ${orders} group by ${orders.locationSlug}, ${orders.businessDate}`,
);

/** How often two distinct items were ordered together; each pair is stored once, with itemA < itemB. */
export const itemPairs = sqliteTable(
	"item_pairs",
	{
		locationSlug: text("location_slug").notNull(),
		itemA: text("item_a").notNull(),
		itemB: text("item_b").notNull(),
		ordersTogether: integer("orders_together").notNull(),
	},
	(table) => [primaryKey({ columns: [table.locationSlug, table.itemA, table.itemB] })],
);

/**
 * Accounts erased, as this region needs to know them: an order of one whose
 * OrderPlaced is projected after the erasure joins the to-do list below in the
 * projection's own batch. The global `account_tombstones` is the record.
 */
export const erasedAccounts = sqliteTable("erased_accounts", {
	accountId: text("account_id").primaryKey(),
	erasedAt: text("erased_at").notNull(),
});

/** The erasure's to-do list in this region: each order of an erased account, until its Cart object has forgotten the customer. */
export const erasureOrders = sqliteTable(
	"erasure_orders",
	{
		accountId: text("account_id").notNull(),
		orderId: text("order_id").notNull(),
		forgottenAt: text("forgotten_at"),
	},
	(table) => [
		primaryKey({ columns: [table.accountId, table.orderId] }),
		index("erasure_orders_pending_idx").on(table.forgottenAt, table.accountId),
	],
);

/** One row per event, channel and recipient: the delivery record, and the claim that makes sending idempotent. */
export const notificationLog = sqliteTable(
	"notification_log",
	{
		eventId: text("event_id").notNull(),
		channel: text("channel").$type<NotificationChannel>().notNull(),
		/** An e-mail address, or a webhook id. */
		recipient: text("recipient").notNull(),
		orderId: text("order_id").notNull(),
		eventType: text("event_type").$type<OrderEventType>().notNull(),
		status: text("status").$type<NotificationStatus>().notNull(),
		attempts: integer("attempts").notNull().default(0),
		lastError: text("last_error"),
		providerMessageId: text("provider_message_id"),
		...timestamps,
	},
	(table) => [
		primaryKey({ columns: [table.eventId, table.channel, table.recipient] }),
		index("notification_log_order_idx").on(table.orderId),
		index("notification_log_status_idx").on(table.status, table.updatedAt),
		// A webhook's recent deliveries, newest first (the back office's webhooks screen).
		index("notification_log_recipient_idx").on(table.channel, table.recipient, table.updatedAt),
	],
);

/**
 * Order events whose queue retries ran out, kept by the order-events
 * dead-letter consumer so an operator can see why and replay them.
 */
export const deadLetters = sqliteTable(
	"dead_letters",
	{
		queue: text("queue").notNull(),
		messageId: text("message_id").notNull(),
		eventId: text("event_id"),
		orderId: text("order_id"),
		eventType: text("event_type").$type<OrderEventType>(),
		/** The message as it arrived, to replay as it was. */
		body: text("body").notNull(),
		reason: text("reason").notNull(),
		attempts: integer("attempts").notNull(),
		deadAt: text("dead_at").notNull(),
		replayedAt: text("replayed_at"),
	},
	(table) => [
		primaryKey({ columns: [table.queue, table.messageId] }),
		index("dead_letters_pending_idx").on(table.replayedAt, table.deadAt),
		index("dead_letters_order_idx").on(table.orderId),
	],
);
