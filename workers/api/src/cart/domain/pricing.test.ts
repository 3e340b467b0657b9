/** Option choices against each modifier group's min and max, and the unit price they make. */

import { RuleViolationError } from "@goodfood/platform/rule-violation";
import { describe, expect, it } from "vitest";
import { type CatalogueItem, priceLine } from "./pricing";

const burger: CatalogueItem = {
	id: "itm-burger",
	locationSlug: "london-soho",
	categoryId: "cat-mains",
	name: "Burger",
	priceMinor: 1200,
	soldOut: false,
	availability: [],
	categoryAvailability: [],
	modifierGroups: [
		{
			id: "side",
			name: "Side",
			minSelections: 1,
			maxSelections: 1,
			options: [
				{ id: "fries", name: "Fries", priceDeltaMinor: 0 },
				{ id: "salad", name: "Salad", priceDeltaMinor: 50 },
			],
		},
		{
			id: "extras",
			name: "Extras",
			minSelections: 0,
			maxSelections: 2,
			options: [
				{ id: "bacon", name: "Bacon", priceDeltaMinor: 150 },
				{ id: "cheese", name: "Cheese", priceDeltaMinor: 100 },
				{ id: "egg", name: "Egg", priceDeltaMinor: 120 },
			],
		},
	],
};

function violationCode(run: () => unknown): string | undefined {
	try {
		run();
	} catch (error) {
		if (error instanceof RuleViolationError) return error.violation.code;
		throw error;
	}
	return undefined;
}

describe("priceLine", () => {
	it("adds the chosen options' deltas to the item's price", () => {
		const priced = priceLine(burger, ["salad", "bacon", "cheese"]);
		expect(priced.unitPrice).toBe(1200 + 50 + 150 + 100);
		expect(priced.options.map((option) => option.groupId)).toEqual(["side", "extras", "extras"]);
	});

	it("requires the minimum of a group", () => {
		expect(violationCode(() => priceLine(burger, ["bacon"]))).toBe("option_required");
	});

	it("refuses more than the maximum of a group", () => {
		expect(violationCode(() => priceLine(burger, ["fries", "bacon", "cheese", "egg"]))).toBe("too_many_options");
		expect(violationCode(() => priceLine(burger, ["fries", "salad"]))).toBe("too_many_options");
	});

	it("refuses an option the item does not have", () => {
		expect(violationCode(() => priceLine(burger, ["fries", "truffle"]))).toBe("unknown_option");
	});
});
