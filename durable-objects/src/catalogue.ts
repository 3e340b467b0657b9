/** What the Cart object reads from the D1 catalogue, on the primary: the location, and the items' current prices and options. */
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { CatalogueItem } from "../../workers/api/src/cart/domain/pricing";
import { type Database, database } from "../../workers/api/src/db/client";
import * as schema from "../../workers/api/src/db/schema";
import type { AvailabilityWindow } from "../../workers/api/src/menu/domain/availability";
import type { LocationSummary } from "../../workers/api/src/menu/domain/document";
import { findLocation, toLocationSummary } from "../../workers/api/src/menu/repository";

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

/** A location kept briefly for browsing; a checkout asks for it fresh from the primary. */
export class LocationCache {
	private cached?: { location: LocationSummary; loadedAt: number };

	constructor(private readonly maxAgeMs = 30_000) {}

	async get(db: Database, slug: string, { fresh = false } = {}): Promise<LocationSummary | undefined> {
		const cached = this.cached;
		if (!fresh && cached && cached.location.slug === slug && Date.now() - cached.loadedAt < this.maxAgeMs) {
			return cached.location;
		}
		const location = await loadLocation(db, slug);
		if (location) this.cached = { location, loadedAt: Date.now() };
		return location;
	}
}
