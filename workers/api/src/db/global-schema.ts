/**
 * The global database's schema: what every region shares, read through D1
 * replicas everywhere (the catalogue, accounts, webhooks, forecasts and the
 * development e-mail sink). `npm run db:generate` turns a change here into a
 * migration under `migrations/global/`; the FTS5 index and its triggers live
 * in a hand-written migration because drizzle cannot express them.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ForecastModel } from "../intelligence/domain/forecast";
import type { AvailabilityWindow, WeeklyOpeningHours } from "../menu/domain/availability";
import type { Language, Translations } from "../menu/domain/language";
import type { OrderEventType } from "../ordering/events";

const timestamps = {
	createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
	updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`),
};

export const locations = sqliteTable("locations", {
	slug: text("slug").primaryKey(),
	name: text("name").notNull(),
	addressLine: text("address_line").notNull(),
	city: text("city").notNull(),
	postcode: text("postcode").notNull(),
	country: text("country").notNull(),
	latitude: real("latitude").notNull(),
	longitude: real("longitude").notNull(),
	timeZone: text("time_zone").notNull(),
	/** Where the location's orders are kept and its objects live: a name in wrangler.toml's REGIONS. */
	region: text("region").notNull(),
	/** ISO 4217 code; every price at this location is in this currency. */
	currency: text("currency").notNull(),
	/** Tax rate in basis points: 2000 = 20%. */
	taxRateBps: integer("tax_rate_bps").notNull(),
	/** Whether menu prices already include tax (VAT in the UK and Japan) or tax is added on top (US sales tax). */
	pricesIncludeTax: integer("prices_include_tax", { mode: "boolean" }).notNull().default(false),
	openingHours: text("opening_hours", { mode: "json" }).$type<WeeklyOpeningHours>().notNull(),
	pickupEnabled: integer("pickup_enabled", { mode: "boolean" }).notNull().default(true),
	/** Whether a pickup order may be paid at the counter instead of by card at checkout. */
	payAtPickup: integer("pay_at_pickup", { mode: "boolean" }).notNull().default(false),
	deliveryEnabled: integer("delivery_enabled", { mode: "boolean" }).notNull().default(false),
	deliveryRadiusMeters: integer("delivery_radius_m").notNull().default(0),
	deliveryFeeMinor: integer("delivery_fee_minor").notNull().default(0),
	/** The kitchen's capacity per 15-minute slot, in orders and in item units; null is no limit. */
	slotCapacityOrders: integer("slot_capacity_orders"),
	slotCapacityUnits: integer("slot_capacity_units"),
	/** The language the menu's own names and descriptions are written in. */
	defaultLanguage: text("default_language").$type<Language>().notNull().default("en"),
	/** Every language the menu is offered in, the default first. */
	languages: text("languages", { mode: "json" }).$type<Language[]>().notNull().default(sql`'["en"]'`),
	/** Days the location is closed whatever its weekly hours say (holidays, a one-off day), each with its reason. */
	closures: text("closures", { mode: "json" }).$type<LocationClosure[]>().notNull().default(sql`'[]'`),
	/** Set while staff have paused ordering ("kitchen overwhelmed"); checkout refuses until they resume. */
	orderingPausedAt: text("ordering_paused_at"),
	orderingPausedReason: text("ordering_paused_reason"),
	/** The synthetic probe's own test location: hidden from every list, figure and forecast (docs/synthetic-probe.md). */
	synthetic: integer("synthetic", { mode: "boolean" }).notNull().default(false),
	/** Bumped by every menu change; names the menu document in KV. */
	menuVersion: integer("menu_version").notNull().default(1),
	...timestamps,
});

/** A closure of one or more whole local days, `from` to `to` inclusive (YYYY-MM-DD in the location's time zone). */
export interface LocationClosure {
	id: string;
	from: string;
	to: string;
	reason: string;
}

/** Text fields of a menu row in languages other than the location's default: `{"ja":{"name":"…"}}`. */
const translations = <Field extends string>() =>
	text("translations", { mode: "json" }).$type<Translations<Field>>().notNull().default(sql`'{}'`);

export const categories = sqliteTable(
	"categories",
	{
		id: text("id").primaryKey(),
		locationSlug: text("location_slug")
			.notNull()
			.references(() => locations.slug, { onDelete: "cascade" }),
		name: text("name").notNull(),
		description: text("description").notNull().default(""),
		position: integer("position").notNull().default(0),
		/** Empty means available whenever the location is open. */
		availability: text("availability", { mode: "json" }).$type<AvailabilityWindow[]>().notNull().default(sql`'[]'`),
		translations: translations<"name" | "description">(),
		...timestamps,
	},
	(table) => [index("categories_location_idx").on(table.locationSlug, table.position)],
);

export const items = sqliteTable(
	"items",
	{
		id: text("id").primaryKey(),
		locationSlug: text("location_slug")
			.notNull()
			.references(() => locations.slug, { onDelete: "cascade" }),
		categoryId: text("category_id")
			.notNull()
			.references(() => categories.id, { onDelete: "cascade" }),
		name: text("name").notNull(),
		description: text("description").notNull().default(""),
		priceMinor: integer("price_minor").notNull(),
		/** The item's photo: an id in `images` (the SHA-256 of its bytes), or null for none. */
		imageKey: text("image_key"),
		allergens: text("allergens", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		dietaryTags: text("dietary_tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		calories: integer("calories"),
		availability: text("availability", { mode: "json" }).$type<AvailabilityWindow[]>().notNull().default(sql`'[]'`),
		soldOut: integer("sold_out", { mode: "boolean" }).notNull().default(false),
		position: integer("position").notNull().default(0),
		translations: translations<"name" | "description">(),
		...timestamps,
	},
	(table) => [
		index("items_location_idx").on(table.locationSlug),
		index("items_category_idx").on(table.categoryId, table.position),
	],
);

export const modifierGroups = sqliteTable(
	"modifier_groups",
	{
		id: text("id").primaryKey(),
		itemId: text("item_id")
			.notNull()
			.references(() => items.id, { onDelete: "cascade" }),
		name: text("name").notNull(),
		minSelections: integer("min_selections").notNull().default(0),
		maxSelections: integer("max_selections").notNull().default(1),
		position: integer("position").notNull().default(0),
		translations: translations<"name">(),
	},
	(table) => [index("modifier_groups_item_idx").on(table.itemId, table.position)],
);

export const modifierOptions = sqliteTable(
	"modifier_options",
	{
		id: text("id").primaryKey(),
		groupId: text("group_id")
			.notNull()
			.references(() => modifierGroups.id, { onDelete: "cascade" }),
		name: text("name").notNull(),
		priceDeltaMinor: integer("price_delta_minor").notNull().default(0),
		/** Allergens this option adds to the item (e.g. a cheese topping adds milk). */
		allergens: text("allergens", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		position: integer("position").notNull().default(0),
		translations: translations<"name">(),
	},
	(table) => [
		index("modifier_options_group_idx").on(table.groupId, table.position),
		uniqueIndex("modifier_options_group_name_idx").on(table.groupId, table.name),
	],
);

/** Customers and staff. Staff roles are limited to `locations`; customers keep their profile here. */
/**
 * Photos uploaded for menu items. The bytes live in R2 under `images/{id}`;
 * the id is their SHA-256, so an id always means the same picture and a photo
 * uploaded twice is stored once.
 */
export const images = sqliteTable("images", {
	id: text("id").primaryKey(),
	contentType: text("content_type", { enum: ["image/jpeg", "image/png", "image/webp"] }).notNull(),
	width: integer("width").notNull(),
	height: integer("height").notNull(),
	bytes: integer("bytes").notNull(),
	createdAt: timestamps.createdAt,
});

export const accounts = sqliteTable(
	"accounts",
	{
		id: text("id").primaryKey(),
		email: text("email").notNull(),
		role: text("role", { enum: ["customer", "kitchen", "manager", "admin"] }).notNull(),
		/** PBKDF2-SHA256: `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`. */
		passwordHash: text("password_hash").notNull(),
		name: text("name").notNull(),
		phone: text("phone"),
		locations: text("locations", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		addresses: text("addresses", { mode: "json" }).$type<SavedAddress[]>().notNull().default(sql`'[]'`),
		dietaryPreferences: text("dietary_preferences", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		avoidAllergens: text("avoid_allergens", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		favouriteLocation: text("favourite_location"),
		/** When the address was shown to be the holder's by a link sent to it; null until then (no saved addresses). */
		emailVerifiedAt: text("email_verified_at"),
		/** The synthetic probe's kitchen account: hidden from staff lists (docs/synthetic-probe.md). */
		synthetic: integer("synthetic", { mode: "boolean" }).notNull().default(false),
		/** The language the customer reads menus in when a request names none; null leaves it to the browser. */
		language: text("language").$type<Language>(),
		notificationPreferences: text("notification_preferences", { mode: "json" })
			.$type<NotificationPreferences>()
			.notNull()
			.default(sql`'{"orderUpdates":true,"marketing":false}'`),
		...timestamps,
	},
	(table) => [uniqueIndex("accounts_email_idx").on(table.email)],
);

export interface SavedAddress {
	label: string;
	line1: string;
	line2?: string | null;
	city: string;
	postcode: string;
	latitude: number;
	longitude: number;
}

export interface NotificationPreferences {
	orderUpdates: boolean;
	marketing: boolean;
}

/** Rotating refresh tokens, stored hashed; a family is one sign-in and dies whole when a used token comes back. */
export const refreshTokens = sqliteTable(
	"refresh_tokens",
	{
		id: text("id").primaryKey(),
		familyId: text("family_id").notNull(),
		accountId: text("account_id")
			.notNull()
			.references(() => accounts.id, { onDelete: "cascade" }),
		tokenHash: text("token_hash").notNull(),
		expiresAt: integer("expires_at").notNull(),
		usedAt: integer("used_at"),
		revokedAt: integer("revoked_at"),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		uniqueIndex("refresh_tokens_hash_idx").on(table.tokenHash),
		index("refresh_tokens_family_idx").on(table.familyId),
		// Ending every session of an account (password change, deletion, a staff change) finds its tokens here.
		index("refresh_tokens_account_idx").on(table.accountId, table.createdAt),
	],
);

/**
 * What is left of a deleted account: when it was erased and how many of its
 * orders were anonymised. Kept for good, so a projection that lands after the
 * deletion still knows the person is gone; `completed_at` is NULL while some
 * order's own event stream still holds their details.
 */
export const accountTombstones = sqliteTable("account_tombstones", {
	accountId: text("account_id").primaryKey(),
	erasedAt: text("erased_at").notNull(),
	/** Orders anonymised: those found at deletion and any whose OrderPlaced landed after it. */
	orders: integer("orders").notNull().default(0),
	completedAt: text("completed_at"),
});

/** Restaurant integrations that receive a location's order events, signed with their secret. */
export const webhooks = sqliteTable(
	"webhooks",
	{
		id: text("id").primaryKey(),
		locationSlug: text("location_slug")
			.notNull()
			.references(() => locations.slug, { onDelete: "cascade" }),
		url: text("url").notNull(),
		/** The HMAC key, shown once at registration; kept in clear because every delivery is signed with it. */
		secret: text("secret").notNull(),
		/** The event types delivered; null means every type, including ones added later. */
		events: text("events", { mode: "json" }).$type<OrderEventType[]>(),
		/** Set when the webhook is removed; the row stays so the notification log can name it. */
		disabled: integer("disabled", { mode: "boolean" }).notNull().default(false),
		createdAt: timestamps.createdAt,
	},
	(table) => [index("webhooks_location_idx").on(table.locationSlug, table.disabled)],
);

/** The development e-mail sink: every message the app would have sent, kept locally instead. */
export const devOutbox = sqliteTable(
	"dev_outbox",
	{
		id: text("id").primaryKey(),
		toAddress: text("to_address").notNull(),
		fromAddress: text("from_address").notNull(),
		subject: text("subject").notNull(),
		text: text("text").notNull(),
		html: text("html").notNull(),
		idempotencyKey: text("idempotency_key"),
		createdAt: text("created_at").notNull(),
	},
	(table) => [
		index("dev_outbox_to_idx").on(table.toAddress),
		// The sink looks a message up by its key on every send, twice; without this each send
		// scanned every message kept so far, so an order cost more the more orders came before.
		index("dev_outbox_idempotency_key_idx").on(table.idempotencyKey),
	],
);

/**
 * Daily demand forecasts per category and location-local date, precomputed
 * each night by the cron trigger (`intelligence/scheduled.ts`); units, with
 * 80% and 95% prediction intervals.
 */
export const demandForecasts = sqliteTable(
	"demand_forecasts",
	{
		locationSlug: text("location_slug").notNull(),
		categoryId: text("category_id").notNull(),
		date: text("date").notNull(),
		predicted: real("predicted").notNull(),
		lower80: real("lower80").notNull(),
		upper80: real("upper80").notNull(),
		lower95: real("lower95").notNull(),
		upper95: real("upper95").notNull(),
		model: text("model").$type<ForecastModel>().notNull(),
		/** The chosen model's backtest MASE; null when the history was too short to backtest. */
		mase: real("mase"),
		generatedAt: text("generated_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.locationSlug, table.categoryId, table.date] })],
);

/**
 * Daily demand forecasts per item, for the items whose own sales history
 * supports one (the others are the category's forecast split by their share);
 * what the kitchen's prep list is made from. Same units and intervals as above.
 */
export const itemDemandForecasts = sqliteTable(
	"item_demand_forecasts",
	{
		locationSlug: text("location_slug").notNull(),
		itemId: text("item_id").notNull(),
		date: text("date").notNull(),
		predicted: real("predicted").notNull(),
		lower80: real("lower80").notNull(),
		upper80: real("upper80").notNull(),
		lower95: real("lower95").notNull(),
		upper95: real("upper95").notNull(),
		/** The item's own model, or "category-share" when the item's history is too thin for one. */
		model: text("model").$type<ForecastModel | "category-share">().notNull(),
		mase: real("mase"),
		generatedAt: text("generated_at").notNull(),
	},
	(table) => [primaryKey({ columns: [table.locationSlug, table.itemId, table.date] })],
);

/**
 * Single-use links sent by e-mail: password resets, address verifications and
 * staff invitations. Only the token's SHA-256 is kept; a link works once and
 * until `expires_at` (epoch ms). An invitation has no account yet, so it names
 * the address and carries the role and locations it grants in `grant`.
 */
export const accountLinks = sqliteTable(
	"account_links",
	{
		id: text("id").primaryKey(),
		purpose: text("purpose", { enum: ["password_reset", "email_verification", "staff_invitation"] }).notNull(),
		accountId: text("account_id").references(() => accounts.id, { onDelete: "cascade" }),
		email: text("email").notNull(),
		tokenHash: text("token_hash").notNull(),
		grant: text("grant", { mode: "json" }).$type<StaffGrant>(),
		/** Who sent it: the inviting staff member's account id, for invitations. */
		createdBy: text("created_by"),
		expiresAt: integer("expires_at").notNull(),
		usedAt: integer("used_at"),
		createdAt: integer("created_at").notNull(),
	},
	(table) => [
		uniqueIndex("account_links_token_idx").on(table.tokenHash),
		index("account_links_email_idx").on(table.email, table.purpose),
	],
);

/** What a staff invitation grants when it is accepted. */
export interface StaffGrant {
	name: string;
	role: "kitchen" | "manager" | "admin";
	locations: string[];
}

/**
 * Every staff and admin write: who, what, when, and the state before and after.
 * Rows are only ever inserted; triggers in the migration refuse UPDATE and
 * DELETE, so not even the application can rewrite history.
 */
export const auditLog = sqliteTable(
	"audit_log",
	{
		/** Sortable by time: `aud_<epoch ms, 13 digits>_<random>`. */
		id: text("id").primaryKey(),
		at: text("at").notNull(),
		actorId: text("actor_id").notNull(),
		actorRole: text("actor_role").notNull(),
		/** What was done, as the route names it: `PATCH /staff/{accountId}`. */
		action: text("action").notNull(),
		/** What it was done to: the request path, e.g. `/api/v1/staff/acc_123`. */
		target: text("target").notNull(),
		/** The location the write concerned, when there is one: what a manager's filter uses. */
		locationSlug: text("location_slug"),
		status: integer("status").notNull(),
		before: text("before", { mode: "json" }),
		after: text("after", { mode: "json" }),
		requestId: text("request_id"),
	},
	(table) => [
		index("audit_log_at_idx").on(table.at),
		index("audit_log_actor_idx").on(table.actorId, table.at),
		index("audit_log_location_idx").on(table.locationSlug, table.at),
	],
);

/**
 * The watch worker's alerts (docs/operations.md#alerts): one row per incident,
 * opened when a check first fails and resolved when it passes again, so an
 * alert is sent once per incident rather than once a minute. At most one
 * incident per alert is open at a time.
 */
export const alertIncidents = sqliteTable(
	"alert_incidents",
	{
		/** `inc_<uuid>`. */
		id: text("id").primaryKey(),
		/** Which alert: `slo:menu_availability`, `dead_letters`, `payment_capture`, `outbox_stale`, … */
		alert: text("alert").notNull(),
		openedAt: text("opened_at").notNull(),
		lastSeenAt: text("last_seen_at").notNull(),
		resolvedAt: text("resolved_at"),
		/** What the check saw when it opened, e.g. "burn rate 15.2 over 1 h and 5 min". */
		summary: text("summary").notNull(),
		/** When the alert went out on every channel; null while a send is still owed. */
		notifiedAt: text("notified_at"),
	},
	(table) => [
		uniqueIndex("alert_incidents_open_idx").on(table.alert).where(sql`resolved_at IS NULL`),
		index("alert_incidents_opened_idx").on(table.openedAt),
	],
);
