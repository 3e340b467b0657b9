/**
 * Catalogue storage in D1. Reads take any D1 session (replica or primary);
 * every write is one `batch()` that also bumps the location's menu version, so
 * a change and its new version land together or not at all.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { realLocation } from "../db/synthetic";
import type { WeeklyOpeningHours } from "./domain/availability";
import type { Closure } from "./domain/closures";
import type { LocationSummary, MenuCategory, MenuDocument, MenuItem } from "./domain/document";
import type { Language } from "./domain/language";
import { money } from "./domain/money";
import { type OrderingState, orderingState } from "./domain/ordering-pause";
import type { CategoryInput, ItemInput, LocationInput, ModifierGroupInput } from "./schemas";

type LocationRow = typeof schema.locations.$inferSelect;

export function toLocationSummary(row: LocationRow): LocationSummary {
	return {
		slug: row.slug,
		name: row.name,
		address: { line: row.addressLine, city: row.city, postcode: row.postcode, country: row.country },
		coordinates: { latitude: row.latitude, longitude: row.longitude },
		timeZone: row.timeZone,
		region: row.region,
		currency: row.currency,
		taxRateBps: row.taxRateBps,
		pricesIncludeTax: row.pricesIncludeTax,
		openingHours: row.openingHours,
		fulfilment: {
			pickup: row.pickupEnabled,
			delivery: row.deliveryEnabled
				? { radiusMeters: row.deliveryRadiusMeters, fee: money(row.deliveryFeeMinor, row.currency) }
				: null,
		},
		payAtPickup: row.payAtPickup,
		slotCapacity: { orders: row.slotCapacityOrders, units: row.slotCapacityUnits },
		defaultLanguage: row.defaultLanguage,
		languages: offeredLanguages(row.defaultLanguage, row.languages),
		ordering: orderingState(row.orderingPausedAt, row.orderingPausedReason),
		closures: row.closures,
	};
}

/** The languages a location offers, its default first whatever order they were stored in. */
function offeredLanguages(defaultLanguage: Language, languages: Language[]): Language[] {
	return [defaultLanguage, ...languages.filter((language) => language !== defaultLanguage)];
}

/** The columns a location's input sets; the slug, menu version and timestamps are the server's. */
function locationColumns(input: LocationInput) {
	return {
		name: input.name,
		addressLine: input.address.line,
		city: input.address.city,
		postcode: input.address.postcode,
		country: input.address.country,
		latitude: input.coordinates.latitude,
		longitude: input.coordinates.longitude,
		timeZone: input.timeZone,
		region: input.region,
		currency: input.currency,
		taxRateBps: input.taxRateBps,
		pricesIncludeTax: input.pricesIncludeTax,
		openingHours: input.openingHours,
		pickupEnabled: input.fulfilment.pickup,
		payAtPickup: input.payAtPickup,
		slotCapacityOrders: input.slotCapacity.orders,
		slotCapacityUnits: input.slotCapacity.units,
		deliveryEnabled: input.fulfilment.delivery !== null,
		deliveryRadiusMeters: input.fulfilment.delivery?.radiusMeters ?? 0,
		deliveryFeeMinor: input.fulfilment.delivery?.fee.amount ?? 0,
		defaultLanguage: input.defaultLanguage,
		languages: offeredLanguages(input.defaultLanguage, input.languages ?? [input.defaultLanguage]),
	};
}

/** Whether the input would leave the stored location as it is (a PUT sent again). */
export function locationUnchanged(row: LocationRow, input: LocationInput): boolean {
	const columns = locationColumns(input);
	return (Object.keys(columns) as (keyof typeof columns)[]).every(
		(column) => JSON.stringify(row[column]) === JSON.stringify(columns[column]),
	);
}

/**
 * Creates the location, or replaces its fields and bumps its menu version (the
 * menu document carries the location), in one statement so two concurrent
 * creates cannot both insert. A new location starts at version 1.
 */
export async function putLocation(
	db: Database,
	slug: string,
	input: LocationInput,
): Promise<{ row: LocationRow; created: boolean }> {
	const columns = locationColumns(input);
	const row = await db
		.insert(schema.locations)
		.values({ slug, ...columns })
		.onConflictDoUpdate({
			target: schema.locations.slug,
			set: {
				...columns,
				menuVersion: sql`${schema.locations.menuVersion} + 1`,
				updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
			},
		})
		.returning()
		.get();
	return { row, created: row.menuVersion === 1 };
}

/**
 * Creates the location at version 1; undefined when the slug is taken (the
 * insert does nothing, so two concurrent creates cannot both succeed).
 */
export async function insertLocation(
	db: Database,
	slug: string,
	input: LocationInput,
): Promise<LocationRow | undefined> {
	return db
		.insert(schema.locations)
		.values({ slug, ...locationColumns(input) })
		.onConflictDoNothing({ target: schema.locations.slug })
		.returning()
		.get();
}

/** What the back office changes of a location besides its details: hours, closures, the ordering pause. */
export interface LocationOperations {
	openingHours?: WeeklyOpeningHours;
	closures?: Closure[];
	ordering?: OrderingState;
}

/**
 * Writes the change and bumps the menu version (the menu document carries the
 * location) in one statement, only if the location is still at `menuVersion`:
 * a change decided on a row another write has moved past is not applied.
 * Undefined when it was not (the caller reads again and decides again).
 */
export async function updateLocationOperations(
	db: Database,
	slug: string,
	menuVersion: number,
	change: LocationOperations,
): Promise<LocationRow | undefined> {
	return db
		.update(schema.locations)
		.set({
			...(change.openingHours ? { openingHours: change.openingHours } : {}),
			...(change.closures ? { closures: change.closures } : {}),
			...(change.ordering
				? { orderingPausedAt: change.ordering.since, orderingPausedReason: change.ordering.reason }
				: {}),
			menuVersion: sql`${schema.locations.menuVersion} + 1`,
			updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
		})
		.where(and(eq(schema.locations.slug, slug), eq(schema.locations.menuVersion, menuVersion)))
		.returning()
		.get();
}

/** How many items the location sells; their prices are in its currency. */
export async function countItems(db: Database, slug: string): Promise<number> {
	const row = await db
		.select({ count: sql<number>`count(*)` })
		.from(schema.items)
		.where(eq(schema.items.locationSlug, slug))
		.get();
	return row?.count ?? 0;
}

/** Every real location, by name: the storefront's list, GraphQL's and the edge's nearest-location index. */
export async function listLocations(db: Database): Promise<LocationRow[]> {
	return db.select().from(schema.locations).where(realLocation()).orderBy(asc(schema.locations.name));
}

export async function findLocation(db: Database, slug: string): Promise<LocationRow | undefined> {
	return db.select().from(schema.locations).where(eq(schema.locations.slug, slug)).get();
}

/** Loads a location's whole menu in one round trip; undefined for an unknown location. */
export async function loadMenuDocument(db: Database, slug: string): Promise<MenuDocument | undefined> {
	return (await loadMenuDocuments(db, [slug])).get(slug);
}

/** D1 binds at most 100 parameters to a statement; a batch names this many locations. */
const LOCATIONS_PER_BATCH = 50;

/**
 * Loads several locations' whole menus: five statements for every 50
 * locations, however many items, groups and options they have (the graph asks
 * for the menus of every location at once). Unknown locations are left out.
 */
export async function loadMenuDocuments(db: Database, slugs: readonly string[]): Promise<Map<string, MenuDocument>> {
	const distinct = [...new Set(slugs)];
	const chunks: string[][] = [];
	for (let start = 0; start < distinct.length; start += LOCATIONS_PER_BATCH) {
		chunks.push(distinct.slice(start, start + LOCATIONS_PER_BATCH));
	}
	const loaded = await Promise.all(chunks.map((chunk) => loadMenuDocumentBatch(db, chunk)));
	return new Map(loaded.flat().map((document) => [document.location.slug, document]));
}

async function loadMenuDocumentBatch(db: Database, slugs: string[]): Promise<MenuDocument[]> {
	const [locationRows, categoryRows, itemRows, groupRows, optionRows] = await db.batch([
		db.select().from(schema.locations).where(inArray(schema.locations.slug, slugs)),
		db
			.select()
			.from(schema.categories)
			.where(inArray(schema.categories.locationSlug, slugs))
			.orderBy(asc(schema.categories.position), asc(schema.categories.name)),
		db
			// Only the photo's size: D1 names a batch's columns by name, so the images table's `id` would overwrite the item's.
			.select({ item: schema.items, imageWidth: schema.images.width, imageHeight: schema.images.height })
			.from(schema.items)
			.leftJoin(schema.images, eq(schema.images.id, schema.items.imageKey))
			.where(inArray(schema.items.locationSlug, slugs))
			.orderBy(asc(schema.items.position), asc(schema.items.name)),
		db
			.select({ group: schema.modifierGroups })
			.from(schema.modifierGroups)
			.innerJoin(schema.items, eq(schema.items.id, schema.modifierGroups.itemId))
			.where(inArray(schema.items.locationSlug, slugs))
			.orderBy(asc(schema.modifierGroups.position)),
		db
			.select({ option: schema.modifierOptions })
			.from(schema.modifierOptions)
			.innerJoin(schema.modifierGroups, eq(schema.modifierGroups.id, schema.modifierOptions.groupId))
			.innerJoin(schema.items, eq(schema.items.id, schema.modifierGroups.itemId))
			.where(inArray(schema.items.locationSlug, slugs))
			.orderBy(asc(schema.modifierOptions.position)),
	]);
	const optionsByGroup = groupBy(
		optionRows.map((row) => row.option),
		(option) => option.groupId,
	);
	const groupsByItem = groupBy(
		groupRows.map((row) => row.group),
		(group) => group.itemId,
	);
	const itemsByCategory = groupBy(itemRows, (row) => row.item.categoryId);
	const categoriesByLocation = groupBy(categoryRows, (category) => category.locationSlug);
	const generatedAt = new Date().toISOString();

	return locationRows.map((location): MenuDocument => {
		const currency = location.currency;
		const categories: MenuCategory[] = (categoriesByLocation.get(location.slug) ?? []).map((category) => ({
			id: category.id,
			name: category.name,
			description: category.description,
			availability: category.availability,
			translations: category.translations,
			items: (itemsByCategory.get(category.id) ?? []).map(
				({ item, imageWidth, imageHeight }): MenuItem => ({
					id: item.id,
					categoryId: item.categoryId,
					name: item.name,
					description: item.description,
					price: money(item.priceMinor, currency),
					image:
						item.imageKey && imageWidth !== null && imageHeight !== null
							? { id: item.imageKey, width: imageWidth, height: imageHeight }
							: null,
					allergens: item.allergens,
					dietaryTags: item.dietaryTags,
					calories: item.calories,
					availability: item.availability,
					soldOut: item.soldOut,
					translations: item.translations,
					modifierGroups: (groupsByItem.get(item.id) ?? []).map((group) => ({
						id: group.id,
						name: group.name,
						minSelections: group.minSelections,
						maxSelections: group.maxSelections,
						translations: group.translations,
						options: (optionsByGroup.get(group.id) ?? []).map((option) => ({
							id: option.id,
							name: option.name,
							priceDelta: money(option.priceDeltaMinor, currency),
							allergens: option.allergens,
							translations: option.translations,
						})),
					})),
				}),
			),
		}));
		return { location: toLocationSummary(location), version: location.menuVersion, generatedAt, categories };
	});
}

/** The location of each known item id, in one statement per 90 ids; unknown ids are left out. */
export async function findItemLocations(db: Database, itemIds: readonly string[]): Promise<Map<string, string>> {
	const distinct = [...new Set(itemIds)];
	const chunks: string[][] = [];
	for (let start = 0; start < distinct.length; start += 90) chunks.push(distinct.slice(start, start + 90));
	const rows = await Promise.all(
		chunks.map((chunk) =>
			db
				.select({ id: schema.items.id, locationSlug: schema.items.locationSlug })
				.from(schema.items)
				.where(inArray(schema.items.id, chunk)),
		),
	);
	return new Map(rows.flat().map((row) => [row.id, row.locationSlug]));
}

const bumpVersion = (db: Database, slug: string) =>
	db
		.update(schema.locations)
		.set({
			menuVersion: sql`${schema.locations.menuVersion} + 1`,
			updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
		})
		.where(eq(schema.locations.slug, slug))
		.returning({ menuVersion: schema.locations.menuVersion });

/** Runs the statements and the version bump as one atomic batch and returns the new version. */
export async function writeWithVersion(db: Database, slug: string, statements: BatchItem<"sqlite">[]): Promise<number> {
	const results = await db.batch([bumpVersion(db, slug), ...statements]);
	const [bumped] = results[0];
	return bumped.menuVersion;
}

/** Statements that insert one modifier group with its options; options are priced in the location's currency. */
function insertModifierGroup(
	db: Database,
	itemId: string,
	group: ModifierGroupInput,
	position: number,
	currency: string,
	groupId: string,
	fieldPrefix: string,
): BatchItem<"sqlite">[] {
	return [
		db.insert(schema.modifierGroups).values({
			id: groupId,
			itemId,
			name: group.name,
			minSelections: group.minSelections,
			maxSelections: group.maxSelections,
			position,
			translations: group.translations,
		}),
		...group.options.map((option, optionIndex) => {
			assertCurrency(option.priceDelta?.currency, currency, `${fieldPrefix}options.${optionIndex}.priceDelta.currency`);
			return db.insert(schema.modifierOptions).values({
				id: newId("opt"),
				groupId,
				name: option.name,
				priceDeltaMinor: option.priceDelta?.amount ?? 0,
				allergens: option.allergens,
				position: optionIndex,
				translations: option.translations,
			});
		}),
	];
}

function insertModifierGroups(db: Database, itemId: string, groups: ModifierGroupInput[], currency: string) {
	return groups.flatMap((group, index) =>
		insertModifierGroup(db, itemId, group, index, currency, newId("grp"), `modifierGroups.${index}.`),
	);
}

export class CurrencyMismatch extends Error {
	constructor(
		readonly field: string,
		readonly expected: string,
	) {
		super(`${field} must be ${expected}, the location's currency`);
	}
}

function assertCurrency(given: string | undefined, expected: string, field: string): void {
	if (given !== undefined && given !== expected) throw new CurrencyMismatch(field, expected);
}

export function newId(prefix: string): string {
	return `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;
}

export async function createCategory(db: Database, slug: string, input: CategoryInput) {
	const id = newId("cat");
	const version = await writeWithVersion(db, slug, [
		db.insert(schema.categories).values({ id, locationSlug: slug, ...input }),
	]);
	return { id, version };
}

export async function findCategory(db: Database, slug: string, id: string) {
	return db
		.select()
		.from(schema.categories)
		.where(and(eq(schema.categories.id, id), eq(schema.categories.locationSlug, slug)))
		.get();
}

export async function updateCategory(db: Database, slug: string, id: string, patch: Partial<CategoryInput>) {
	return writeWithVersion(db, slug, [
		db
			.update(schema.categories)
			.set({ ...patch, updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` })
			.where(and(eq(schema.categories.id, id), eq(schema.categories.locationSlug, slug))),
	]);
}

export async function deleteCategory(db: Database, slug: string, id: string) {
	return writeWithVersion(db, slug, [
		db.delete(schema.categories).where(and(eq(schema.categories.id, id), eq(schema.categories.locationSlug, slug))),
	]);
}

export async function findItem(db: Database, slug: string, id: string) {
	return db
		.select()
		.from(schema.items)
		.where(and(eq(schema.items.id, id), eq(schema.items.locationSlug, slug)))
		.get();
}

export async function createItem(db: Database, slug: string, currency: string, input: ItemInput) {
	assertCurrency(input.price.currency, currency, "price.currency");
	const { modifierGroups, price, imageId, ...fields } = input;
	const id = newId("itm");
	const version = await writeWithVersion(db, slug, [
		db.insert(schema.items).values({ id, locationSlug: slug, priceMinor: price.amount, imageKey: imageId, ...fields }),
		...insertModifierGroups(db, id, modifierGroups, currency),
	]);
	return { id, version };
}

export async function updateItem(db: Database, slug: string, currency: string, id: string, patch: Partial<ItemInput>) {
	assertCurrency(patch.price?.currency, currency, "price.currency");
	const { modifierGroups, price, imageId, ...fields } = patch;
	const statements: BatchItem<"sqlite">[] = [
		db
			.update(schema.items)
			.set({
				...fields,
				...(price ? { priceMinor: price.amount } : {}),
				...(imageId !== undefined ? { imageKey: imageId } : {}),
				updatedAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`,
			})
			.where(and(eq(schema.items.id, id), eq(schema.items.locationSlug, slug))),
	];
	if (modifierGroups) {
		statements.push(db.delete(schema.modifierGroups).where(eq(schema.modifierGroups.itemId, id)));
		statements.push(...insertModifierGroups(db, id, modifierGroups, currency));
	}
	return writeWithVersion(db, slug, statements);
}

export async function deleteItem(db: Database, slug: string, id: string) {
	return writeWithVersion(db, slug, [
		db.delete(schema.items).where(and(eq(schema.items.id, id), eq(schema.items.locationSlug, slug))),
	]);
}

export async function addModifierGroup(
	db: Database,
	slug: string,
	currency: string,
	itemId: string,
	group: ModifierGroupInput,
) {
	const existing = await db
		.select({ count: sql<number>`count(*)` })
		.from(schema.modifierGroups)
		.where(eq(schema.modifierGroups.itemId, itemId))
		.get();
	const id = newId("grp");
	const version = await writeWithVersion(
		db,
		slug,
		insertModifierGroup(db, itemId, group, existing?.count ?? 0, currency, id, ""),
	);
	return { id, version };
}

/** Replaces a group and its options in place, keeping its id and position. */
export async function replaceModifierGroup(
	db: Database,
	slug: string,
	currency: string,
	existing: typeof schema.modifierGroups.$inferSelect,
	group: ModifierGroupInput,
) {
	return writeWithVersion(db, slug, [
		db.delete(schema.modifierGroups).where(eq(schema.modifierGroups.id, existing.id)),
		...insertModifierGroup(db, existing.itemId, group, existing.position, currency, existing.id, ""),
	]);
}

export async function findModifierGroup(db: Database, slug: string, groupId: string) {
	const row = await db
		.select({ group: schema.modifierGroups })
		.from(schema.modifierGroups)
		.innerJoin(schema.items, eq(schema.items.id, schema.modifierGroups.itemId))
		.where(and(eq(schema.modifierGroups.id, groupId), eq(schema.items.locationSlug, slug)))
		.get();
	return row?.group;
}

export async function deleteModifierGroup(db: Database, slug: string, groupId: string) {
	return writeWithVersion(db, slug, [db.delete(schema.modifierGroups).where(eq(schema.modifierGroups.id, groupId))]);
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
	const groups = new Map<K, T[]>();
	for (const row of rows) {
		const list = groups.get(key(row));
		if (list) list.push(row);
		else groups.set(key(row), [row]);
	}
	return groups;
}
