/**
 * Pricing a cart line from the catalogue: the chosen options must fit each
 * modifier group's min/max, and the unit price is the item's price plus the
 * options' deltas. Prices always come from the catalogue, never the client.
 */

import { violation } from "@goodfood/platform/rule-violation";
import type { AvailabilityWindow } from "../../menu/domain/availability";

export interface CatalogueOption {
	id: string;
	name: string;
	priceDeltaMinor: number;
}

export interface CatalogueGroup {
	id: string;
	name: string;
	minSelections: number;
	maxSelections: number;
	options: CatalogueOption[];
}

/** What the cart needs to know about one item, read fresh from D1. */
export interface CatalogueItem {
	id: string;
	locationSlug: string;
	categoryId: string;
	name: string;
	priceMinor: number;
	soldOut: boolean;
	availability: AvailabilityWindow[];
	categoryAvailability: AvailabilityWindow[];
	modifierGroups: CatalogueGroup[];
}

export interface ChosenOption {
	groupId: string;
	optionId: string;
	name: string;
	priceDelta: number;
}

export interface PricedLine {
	unitPrice: number;
	options: ChosenOption[];
}

export const MAX_QUANTITY = 50;

/** Checks the chosen options against the item's groups and prices one unit; throws a rule violation. */
export function priceLine(item: CatalogueItem, optionIds: string[], field = "options"): PricedLine {
	const byOption = new Map<string, { group: CatalogueGroup; option: CatalogueOption }>();
	for (const group of item.modifierGroups) {
		for (const option of group.options) byOption.set(option.id, { group, option });
	}
	const chosen: ChosenOption[] = [];
	for (const [index, optionId] of optionIds.entries()) {
		const found = byOption.get(optionId);
		if (!found) {
			throw violation("unknown_option", `${item.name} has no option ${optionId}`, [
				{ field: `${field}.${index}`, message: "is not an option of this item" },
			]);
		}
		chosen.push({
			groupId: found.group.id,
			optionId,
			name: found.option.name,
			priceDelta: found.option.priceDeltaMinor,
		});
	}
	for (const group of item.modifierGroups) {
		const count = chosen.filter((option) => option.groupId === group.id).length;
		if (count < group.minSelections) {
			throw violation(
				"option_required",
				`${item.name} needs at least ${group.minSelections} choice(s) of ${group.name}`,
				[
					{
						field,
						message: `choose ${group.minSelections}–${group.maxSelections} of ${group.name}`,
						groupId: group.id,
					},
				],
			);
		}
		if (count > group.maxSelections) {
			throw violation(
				"too_many_options",
				`${item.name} allows at most ${group.maxSelections} choice(s) of ${group.name}`,
				[{ field, message: `choose at most ${group.maxSelections} of ${group.name}`, groupId: group.id }],
			);
		}
	}
	const unitPrice = item.priceMinor + chosen.reduce((sum, option) => sum + option.priceDelta, 0);
	return { unitPrice, options: chosen };
}
