/**
 * What the Cart object reads from the D1 catalogue: the location, and the
 * items' prices and options.
 *
 * Two readers, for two costs. Browsing (adding a line, changing its options)
 * prices from the location's whole catalogue as its menu document has it,
 * loaded from D1's primary once and shared by every cart of that location in
 * this isolate while the location's menu version is unchanged: each add reads
 * only that version (one indexed row; every menu write, a sold-out switch
 * included, bumps it), so 1,000 carts adding at once cost one small read per
 * add instead of the item, its groups and its options. Placing an order
 * (checkout, one-shot) reads the location and its items fresh from the primary
 * and re-checks every line against them, so a price or a sold-out switch that
 * the cached copy has not seen yet is caught before anything is charged.
 */
import type { CatalogueItem } from "../../workers/api/src/cart/domain/pricing";
import { type Database, database } from "../../workers/api/src/db/client";
import type { AvailabilityWindow } from "../../workers/api/src/menu/domain/availability";
import type { LocationSummary, MenuDocument } from "../../workers/api/src/menu/domain/document";
import type { Language } from "../../workers/api/src/menu/domain/language";
import { loadMenuDocument, toLocationSummary } from "../../workers/api/src/menu/repository";

/** The catalogue on D1's primary: a cart prices against what is current, never a replica's lag. */
export function primaryCatalogue(d1: D1Database): Database {
	return database(d1.withSession("first-primary"));
}

type Row = Record<string, unknown>;

/** A `locations` row as D1 answers it (snake_case, JSON as text, booleans as 0/1), as the menu repository maps it. */
function locationOf(row: Row): LocationSummary {
	return toLocationSummary({
		slug: row.slug as string,
		name: row.name as string,
		addressLine: row.address_line as string,
		city: row.city as string,
		postcode: row.postcode as string,
		country: row.country as string,
		latitude: row.latitude as number,
		longitude: row.longitude as number,
		timeZone: row.time_zone as string,
		region: row.region as string,
		currency: row.currency as string,
		taxRateBps: row.tax_rate_bps as number,
		pricesIncludeTax: Boolean(row.prices_include_tax),
		synthetic: Boolean(row.synthetic),
		openingHours: JSON.parse(row.opening_hours as string),
		pickupEnabled: Boolean(row.pickup_enabled),
		payAtPickup: Boolean(row.pay_at_pickup),
		slotCapacityOrders: (row.slot_capacity_orders as number | null) ?? null,
		slotCapacityUnits: (row.slot_capacity_units as number | null) ?? null,
		deliveryEnabled: Boolean(row.delivery_enabled),
		deliveryRadiusMeters: row.delivery_radius_m as number,
		deliveryFeeMinor: row.delivery_fee_minor as number,
		closures: JSON.parse((row.closures as string | undefined) ?? "[]"),
		orderingPausedAt: (row.ordering_paused_at as string | null) ?? null,
		orderingPausedReason: (row.ordering_paused_reason as string | null) ?? null,
		menuVersion: row.menu_version as number,
		defaultLanguage: row.default_language as Language,
		languages: JSON.parse(row.languages as string),
		createdAt: row.created_at as string,
		updatedAt: row.updated_at as string,
	});
}

/*
 * Hand-written SQL rather than drizzle: these run on every placement, where
 * building the queries cost more CPU than the round trip (0.3 ms a read in the
 * profile). The ids go in as one JSON array.
 */
const LOCATION_SQL = "SELECT * FROM locations WHERE slug = ?";
const ITEMS_SQL = `SELECT i.id, i.location_slug, i.category_id, i.name, i.price_minor, i.sold_out, i.availability,
	c.availability AS category_availability
	FROM items i JOIN categories c ON c.id = i.category_id
	WHERE i.id IN (SELECT value FROM json_each(?))`;
const GROUPS_SQL = `SELECT id, item_id, name, min_selections, max_selections FROM modifier_groups
	WHERE item_id IN (SELECT value FROM json_each(?)) ORDER BY position`;
const OPTIONS_SQL = `SELECT o.id, o.group_id, o.name, o.price_delta_minor
	FROM modifier_options o JOIN modifier_groups g ON g.id = o.group_id
	WHERE g.item_id IN (SELECT value FROM json_each(?)) ORDER BY o.position`;

function itemStatements(session: D1DatabaseSession, itemIds: string[]): D1PreparedStatement[] {
	const ids = JSON.stringify([...new Set(itemIds)]);
	return [ITEMS_SQL, GROUPS_SQL, OPTIONS_SQL].map((query) => session.prepare(query).bind(ids));
}

function itemsOf(itemRows: Row[], groupRows: Row[], optionRows: Row[]): Map<string, CatalogueItem> {
	const items = new Map<string, CatalogueItem>();
	for (const item of itemRows) {
		items.set(item.id as string, {
			id: item.id as string,
			locationSlug: item.location_slug as string,
			categoryId: item.category_id as string,
			name: item.name as string,
			priceMinor: item.price_minor as number,
			soldOut: Boolean(item.sold_out),
			availability: JSON.parse(item.availability as string) as AvailabilityWindow[],
			categoryAvailability: JSON.parse(item.category_availability as string) as AvailabilityWindow[],
			modifierGroups: groupRows
				.filter((group) => group.item_id === item.id)
				.map((group) => ({
					id: group.id as string,
					name: group.name as string,
					minSelections: group.min_selections as number,
					maxSelections: group.max_selections as number,
					options: optionRows
						.filter((option) => option.group_id === group.id)
						.map((option) => ({
							id: option.id as string,
							name: option.name as string,
							priceDeltaMinor: option.price_delta_minor as number,
						})),
				})),
		});
	}
	return items;
}

/** The location's menu version on D1's primary, undefined for an unknown location. */
export async function currentMenuVersion(d1: D1Database, slug: string): Promise<number | undefined> {
	const row = await d1
		.withSession("first-primary")
		.prepare("SELECT menu_version FROM locations WHERE slug = ?")
		.bind(slug)
		.first<{ menu_version: number }>();
	return row?.menu_version;
}

/** The items with these ids, wherever they are, from D1's primary; the caller checks they belong to the cart's location. */
export async function loadCartItems(d1: D1Database, itemIds: string[]): Promise<Map<string, CatalogueItem>> {
	if (itemIds.length === 0) return new Map();
	const session = d1.withSession("first-primary");
	const [items, groups, options] = await session.batch<Row>(itemStatements(session, itemIds));
	return itemsOf(items.results, groups.results, options.results);
}

/**
 * What a placement is decided against, from D1's primary in one round trip:
 * the location (undefined when unknown) and the items with these ids, wherever they are.
 */
export async function loadPlacementCatalogue(
	d1: D1Database,
	slug: string,
	itemIds: string[],
): Promise<{ location: LocationSummary | undefined; items: Map<string, CatalogueItem> }> {
	const session = d1.withSession("first-primary");
	const [locations, items, groups, options] = await session.batch<Row>([
		session.prepare(LOCATION_SQL).bind(slug),
		...itemStatements(session, itemIds),
	]);
	const row = locations.results[0];
	return { location: row && locationOf(row), items: itemsOf(items.results, groups.results, options.results) };
}

/** A location and every item on its menu, priced as the cart prices them. */
export interface LocationCatalogue {
	location: LocationSummary;
	items: Map<string, CatalogueItem>;
	/** The location's menu version it was read at; absent for a placement's read. */
	menuVersion?: number;
}

/** The menu document's items in the shape the cart's pricing rules take. */
export function catalogueOf(document: MenuDocument): LocationCatalogue {
	const items = new Map<string, CatalogueItem>();
	for (const category of document.categories) {
		for (const item of category.items) {
			items.set(item.id, {
				id: item.id,
				locationSlug: document.location.slug,
				categoryId: item.categoryId,
				name: item.name,
				priceMinor: item.price.amount,
				soldOut: item.soldOut,
				availability: item.availability,
				categoryAvailability: category.availability,
				modifierGroups: item.modifierGroups.map((group) => ({
					id: group.id,
					name: group.name,
					minSelections: group.minSelections,
					maxSelections: group.maxSelections,
					options: group.options.map((option) => ({
						id: option.id,
						name: option.name,
						priceDeltaMinor: option.priceDelta.amount,
					})),
				})),
			});
		}
	}
	return { location: document.location, items, menuVersion: document.version };
}

/** The location's catalogue from D1's primary, in one batch; undefined for an unknown location. */
export async function loadLocationCatalogue(db: Database, slug: string): Promise<LocationCatalogue | undefined> {
	const document = await loadMenuDocument(db, slug);
	return document && catalogueOf(document);
}

/** How long a cached catalogue prices adds; a checkout re-reads the primary whatever its age. */
export const CATALOGUE_MAX_AGE_MS = 10_000;

interface CachedCatalogue {
	loadedAt: number;
	catalogue: Promise<LocationCatalogue | undefined>;
	/** Set once the load answered, for callers that must not await. */
	ready?: LocationCatalogue;
}

/**
 * Location catalogues kept in memory for a short while, one load at a time per
 * location: concurrent adds of a cold location wait for the same read.
 * A failed load is not kept, so the next add tries again.
 */
export class CatalogueCache {
	private readonly entries = new Map<string, CachedCatalogue>();

	constructor(
		private readonly maxAgeMs = CATALOGUE_MAX_AGE_MS,
		private readonly now: () => number = Date.now,
	) {}

	/** The catalogue when a fresh one is in memory already, without waiting; undefined otherwise. */
	peek(slug: string): LocationCatalogue | undefined {
		const entry = this.entries.get(slug);
		return entry && this.now() - entry.loadedAt < this.maxAgeMs ? entry.ready : undefined;
	}

	/** Drops a location's catalogue, e.g. one its menu version has moved past, so the next `get` loads it. */
	forget(slug: string): void {
		this.entries.delete(slug);
	}

	/** The cached catalogue while fresh, else the one `load` reads. */
	get(
		slug: string,
		load: (slug: string) => Promise<LocationCatalogue | undefined>,
	): Promise<LocationCatalogue | undefined> {
		const entry = this.entries.get(slug);
		if (entry && this.now() - entry.loadedAt < this.maxAgeMs) return entry.catalogue;
		const fresh: CachedCatalogue = { loadedAt: this.now(), catalogue: load(slug) };
		this.entries.set(slug, fresh);
		fresh.catalogue.then(
			(catalogue) => {
				// An unknown location is not kept: it may be created any moment.
				if (catalogue) fresh.ready = catalogue;
				else if (this.entries.get(slug) === fresh) this.entries.delete(slug);
			},
			() => {
				if (this.entries.get(slug) === fresh) this.entries.delete(slug);
			},
		);
		return fresh.catalogue;
	}
}

/** Shared by every Cart object in this isolate: the catalogue is the location's, not the cart's. */
export const sharedCatalogues = new CatalogueCache();
