/**
 * What the Cart object reads from the D1 catalogue: the location, and the
 * items' prices and options.
 *
 * Two readers, for two costs. Browsing (adding a line, changing its options)
 * prices from the location's whole catalogue as its menu document has it,
 * loaded from D1's primary once and shared by every cart of that location in
 * this isolate for `CATALOGUE_MAX_AGE_MS`: 1,000 carts adding at once cost one
 * D1 read per location per refresh instead of one per add. Placing an order
 * (checkout, one-shot) reads the location and its items fresh from the primary
 * and re-checks every line against them, so a price or a sold-out switch that
 * the cached copy has not seen yet is caught before anything is charged.
 */
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { CatalogueItem } from "../../workers/api/src/cart/domain/pricing";
import { type Database, database } from "../../workers/api/src/db/client";
import * as schema from "../../workers/api/src/db/schema";
import type { AvailabilityWindow } from "../../workers/api/src/menu/domain/availability";
import type { LocationSummary, MenuDocument } from "../../workers/api/src/menu/domain/document";
import { findLocation, loadMenuDocument, toLocationSummary } from "../../workers/api/src/menu/repository";

/** The catalogue on D1's primary: a cart prices against what is current, never a replica's lag. */
export function primaryCatalogue(d1: D1Database): Database {
	return database(d1.withSession("first-primary"));
}

export async function loadLocation(db: Database, slug: string): Promise<LocationSummary | undefined> {
	const row = await findLocation(db, slug);
	return row && toLocationSummary(row);
}

/** The items with these ids, wherever they are; the caller checks they belong to the cart's location. */
export async function loadCartItems(db: Database, itemIds: string[]): Promise<Map<string, CatalogueItem>> {
	const ids = [...new Set(itemIds)];
	if (ids.length === 0) return new Map();
	const [itemRows, groupRows, optionRows] = await db.batch([
		db
			// Aliased: items and categories both have an `availability` column.
			.select({
				item: schema.items,
				categoryAvailability: sql<string>`${schema.categories.availability}`.as("category_availability"),
			})
			.from(schema.items)
			.innerJoin(schema.categories, eq(schema.categories.id, schema.items.categoryId))
			.where(inArray(schema.items.id, ids)),
		db
			.select()
			.from(schema.modifierGroups)
			.where(inArray(schema.modifierGroups.itemId, ids))
			.orderBy(asc(schema.modifierGroups.position)),
		db
			.select({ option: schema.modifierOptions, itemId: schema.modifierGroups.itemId })
			.from(schema.modifierOptions)
			.innerJoin(schema.modifierGroups, eq(schema.modifierGroups.id, schema.modifierOptions.groupId))
			.where(inArray(schema.modifierGroups.itemId, ids))
			.orderBy(asc(schema.modifierOptions.position)),
	]);
	const items = new Map<string, CatalogueItem>();
	for (const { item, categoryAvailability } of itemRows) {
		items.set(item.id, {
			id: item.id,
			locationSlug: item.locationSlug,
			categoryId: item.categoryId,
			name: item.name,
			priceMinor: item.priceMinor,
			soldOut: item.soldOut,
			availability: item.availability,
			categoryAvailability: JSON.parse(categoryAvailability) as AvailabilityWindow[],
			modifierGroups: groupRows
				.filter((group) => group.itemId === item.id)
				.map((group) => ({
					id: group.id,
					name: group.name,
					minSelections: group.minSelections,
					maxSelections: group.maxSelections,
					options: optionRows
						.filter((row) => row.option.groupId === group.id)
						.map(({ option }) => ({ id: option.id, name: option.name, priceDeltaMinor: option.priceDeltaMinor })),
				})),
		});
	}
	return items;
}

/** A location and every item on its menu, priced as the cart prices them. */
export interface LocationCatalogue {
	location: LocationSummary;
	items: Map<string, CatalogueItem>;
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
	return { location: document.location, items };
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
