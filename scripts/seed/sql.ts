/** Turns the demo catalogue into SQL statements, for `npm run db:seed` and for tests. */
import { DEMO_LOCATIONS } from "./demo-catalogue";
import type { SeedLocation } from "./types";

export function literal(value: unknown): string {
	if (value === null || value === undefined) return "NULL";
	if (typeof value === "boolean") return value ? "1" : "0";
	if (typeof value === "number") return String(value);
	const text = typeof value === "string" ? value : JSON.stringify(value);
	return `'${text.replaceAll("'", "''")}'`;
}

export function insert(table: string, row: Record<string, unknown>): string {
	const columns = Object.keys(row);
	return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((column) => literal(row[column])).join(", ")});`;
}

export function locationStatements(location: SeedLocation): string[] {
	const statements = [
		insert("locations", {
			slug: location.slug,
			name: location.name,
			address_line: location.addressLine,
			city: location.city,
			postcode: location.postcode,
			country: location.country,
			latitude: location.latitude,
			longitude: location.longitude,
			time_zone: location.timeZone,
			region: location.region,
			currency: location.currency,
			tax_rate_bps: location.taxRateBps,
			prices_include_tax: location.pricesIncludeTax,
			opening_hours: location.openingHours,
			pickup_enabled: location.pickupEnabled,
			pay_at_pickup: location.payAtPickup,
			delivery_enabled: location.deliveryEnabled,
			delivery_radius_m: location.deliveryRadiusMeters,
			delivery_fee_minor: location.deliveryFeeMinor,
			default_language: location.defaultLanguage,
			languages: location.languages,
		}),
	];
	location.categories.forEach((category, categoryIndex) => {
		statements.push(
			insert("categories", {
				id: category.id,
				location_slug: location.slug,
				name: category.name,
				description: category.description,
				position: categoryIndex,
				availability: category.availability,
				translations: category.translations ?? {},
			}),
		);
		category.items.forEach((item, itemIndex) => {
			statements.push(
				insert("items", {
					id: item.id,
					location_slug: location.slug,
					category_id: category.id,
					name: item.name,
					description: item.description,
					price_minor: item.priceMinor,
					image_key: item.imageKey,
					allergens: item.allergens,
					dietary_tags: item.dietaryTags,
					calories: item.calories,
					availability: item.availability ?? [],
					sold_out: item.soldOut ?? false,
					position: itemIndex,
					translations: item.translations ?? {},
				}),
			);
			item.modifierGroups.forEach((group, groupIndex) => {
				statements.push(
					insert("modifier_groups", {
						id: group.id,
						item_id: item.id,
						name: group.name,
						min_selections: group.minSelections,
						max_selections: group.maxSelections,
						position: groupIndex,
						translations: group.translations ?? {},
					}),
				);
				group.options.forEach((option, optionIndex) => {
					statements.push(
						insert("modifier_options", {
							id: option.id,
							group_id: group.id,
							name: option.name,
							price_delta_minor: option.priceDeltaMinor,
							allergens: option.allergens ?? [],
							position: optionIndex,
							translations: option.translations ?? {},
						}),
					);
				});
			});
		});
	});
	return statements;
}

/** Every statement that seeds the demo catalogue, in dependency order. */
export function demoSeedStatements(locations: SeedLocation[] = DEMO_LOCATIONS): string[] {
	return locations.flatMap(locationStatements);
}

/** What each demo kitchen takes per 15-minute slot in `npm run dev`: enough that "Full" shows after a handful of orders. */
export const DEMO_SLOT_CAPACITY: Record<string, { orders: number; units: number }> = {
	"london-soho": { orders: 6, units: 24 },
	"new-york-chelsea": { orders: 8, units: 32 },
	"tokyo-shibuya": { orders: 4, units: 16 },
};

/**
 * Gives the demo locations their slot capacity. Separate from the catalogue
 * on purpose: tests, e2e and benchmarks seed the catalogue too and place far
 * more than six orders in one slot, so they keep it unlimited and set a
 * capacity only where they test it.
 */
export function demoSlotCapacityStatements(capacities = DEMO_SLOT_CAPACITY): string[] {
	return Object.entries(capacities).map(
		([slug, { orders, units }]) =>
			`UPDATE locations SET slot_capacity_orders = ${literal(orders)}, slot_capacity_units = ${literal(units)} WHERE slug = ${literal(slug)};`,
	);
}
