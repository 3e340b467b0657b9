/**
 * The D1 schema, declared once for drizzle. `npm run db:generate` turns a
 * change here into a SQL migration under `migrations/`; the FTS5 index and its
 * triggers live in a hand-written migration because drizzle cannot express them.
 */
import { sql } from "drizzle-orm";
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { AvailabilityWindow, WeeklyOpeningHours } from "../menu/domain/availability";

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
	/** ISO 4217 code; every price at this location is in this currency. */
	currency: text("currency").notNull(),
	/** Tax rate in basis points: 2000 = 20%. */
	taxRateBps: integer("tax_rate_bps").notNull(),
	openingHours: text("opening_hours", { mode: "json" }).$type<WeeklyOpeningHours>().notNull(),
	pickupEnabled: integer("pickup_enabled", { mode: "boolean" }).notNull().default(true),
	deliveryEnabled: integer("delivery_enabled", { mode: "boolean" }).notNull().default(false),
	deliveryRadiusMeters: integer("delivery_radius_m").notNull().default(0),
	deliveryFeeMinor: integer("delivery_fee_minor").notNull().default(0),
	/** Bumped by every menu change; names the menu document in KV. */
	menuVersion: integer("menu_version").notNull().default(1),
	...timestamps,
});

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
		imageKey: text("image_key"),
		allergens: text("allergens", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		dietaryTags: text("dietary_tags", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
		calories: integer("calories"),
		availability: text("availability", { mode: "json" }).$type<AvailabilityWindow[]>().notNull().default(sql`'[]'`),
		soldOut: integer("sold_out", { mode: "boolean" }).notNull().default(false),
		position: integer("position").notNull().default(0),
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
	},
	(table) => [
		index("modifier_options_group_idx").on(table.groupId, table.position),
		uniqueIndex("modifier_options_group_name_idx").on(table.groupId, table.name),
	],
);
