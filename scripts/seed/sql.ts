/** Turns the demo catalogue into SQL statements, for `npm run db:seed` and for tests. */
import { DEMO_LOCATIONS } from "./demo-catalogue";
import type { SeedLocation } from "./types";

function literal(value: unknown): string {
	if (value === null || value === undefined) return "NULL";
	if (typeof value === "boolean") return value ? "1" : "0";
	if (typeof value === "number") return String(value);
	const text = typeof value === "string" ? value : JSON.stringify(value);
	return `'${text.replaceAll("'", "''")}'`;
}

function insert(table: string, row: Record<string, unknown>): string {
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
