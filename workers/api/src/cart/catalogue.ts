/** Reads what the cart needs from the D1 catalogue: the location and the items' current prices and options. */
import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import type { AvailabilityWindow } from "../menu/domain/availability";
import type { LocationSummary } from "../menu/domain/document";
import { findLocation, toLocationSummary } from "../menu/repository";
import type { CatalogueItem } from "./domain/pricing";

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
