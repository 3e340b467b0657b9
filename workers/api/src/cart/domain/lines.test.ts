/** What a cart accepts as a line, when an add merges, what a patch changes, and which stored prices moved. */
import { describe, expect, it } from "vitest";
import { catalogue, gyoza, gyozaLine, ramen, refusal, soho, storedLine } from "./fixtures";
import { draftLine, MAX_LINES, optionKey, patchLine, placeLine, repricedLines } from "./lines";
import { MAX_QUANTITY } from "./pricing";

const ramenRequest = { itemId: ramen.id, quantity: 2, options: ["miso", "egg"] };

describe("draftLine", () => {
	it("refuses an item that is on no menu, naming the field under the prefix", () => {
		const refused = refusal(() => draftLine(soho, undefined, { ...ramenRequest, itemId: "itm-gone" }, "items.2."));

		expect(refused.code).toBe("unknown_item");
		expect(refused.details).toEqual([{ field: "items.2.itemId", message: expect.any(String) }]);
	});

	it("refuses an item of another location", () => {
		const manchesterRamen = { ...ramen, locationSlug: "manchester-centre" };

		const refused = refusal(() => draftLine(soho, manchesterRamen, ramenRequest));

		expect(refused.code).toBe("item_not_at_location");
		expect(refused.details).toEqual([{ field: "itemId", message: expect.any(String) }]);
	});

	it("refuses a sold-out item", () => {
		const refused = refusal(() => draftLine(soho, { ...ramen, soldOut: true }, ramenRequest, "items.0."));

		expect(refused.code).toBe("item_sold_out");
		expect(refused.details).toEqual([{ field: "items.0.itemId", message: expect.any(String) }]);
	});

	it("refuses an option the item does not have, naming it under the prefix", () => {
		const refused = refusal(() =>
			draftLine(soho, ramen, { ...ramenRequest, options: ["miso", "truffle"] }, "items.1."),
		);

		expect(refused.code).toBe("unknown_option");
		expect(refused.details).toEqual([{ field: "items.1.options.1", message: expect.any(String) }]);
	});

	it("prices one unit as the item's price plus its options' deltas, from the catalogue", () => {
		const line = draftLine(soho, ramen, { itemId: ramen.id, quantity: 2, options: ["miso", "egg", "chashu"] });

		expect(line).toMatchObject({
			itemId: "itm-ramen",
			categoryId: "cat-bowls",
			name: "Ramen",
			quantity: 2,
			unitPrice: 1200 + 50 + 150 + 250,
			note: null,
		});
		expect(line.options.map((option) => [option.optionId, option.priceDelta])).toEqual([
			["miso", 50],
			["egg", 150],
			["chashu", 250],
		]);
	});

	it("keeps the customer's note and gives each line its own id", () => {
		const first = draftLine(soho, gyoza, { itemId: gyoza.id, quantity: 1, options: [], note: "no sauce" });
		const second = draftLine(soho, gyoza, { itemId: gyoza.id, quantity: 1, options: [] });

		expect(first.note).toBe("no sauce");
		expect(first.lineId).toMatch(/^ln_[0-9a-f]{16}$/);
		expect(second.lineId).not.toBe(first.lineId);
	});
});

describe("optionKey", () => {
	it("is the same for the same options in any order, and differs for other options", () => {
		expect(optionKey(["miso", "egg", "chashu"])).toBe(optionKey(["chashu", "miso", "egg"]));
		expect(optionKey(["miso", "egg"])).not.toBe(optionKey(["miso", "chashu"]));
	});
});

describe("placeLine", () => {
	it("merges an identical line, options in any order, adding the quantities at the current price", () => {
		const existing = { ...draftLine(soho, ramen, ramenRequest), unitPrice: 1300 };
		const added = draftLine(soho, ramen, { ...ramenRequest, quantity: 3, options: ["egg", "miso"] });

		const placed = placeLine([gyozaLine(), existing], added);

		expect(placed.merged).toBe(true);
		expect(placed.line).toMatchObject({ lineId: existing.lineId, quantity: 5, unitPrice: 1400 });
	});

	it("merges up to the most a line holds, and no further", () => {
		const existing = storedLine({ quantity: MAX_QUANTITY - 2 });

		expect(placeLine([existing], storedLine({ lineId: "ln_new", quantity: 2 })).line.quantity).toBe(MAX_QUANTITY);
		expect(refusal(() => placeLine([existing], storedLine({ lineId: "ln_new", quantity: 3 }))).code).toBe(
			"quantity_exceeded",
		);
	});

	it("does not merge lines whose notes differ", () => {
		const existing = storedLine({ note: "extra spicy" });
		const added = storedLine({ lineId: "ln_new", note: null });

		const placed = placeLine([existing], added);

		expect(placed).toEqual({ line: added, merged: false });
	});

	it("does not merge lines whose options differ", () => {
		const added = draftLine(soho, ramen, { itemId: ramen.id, quantity: 1, options: ["miso"] });

		expect(placeLine([storedLine()], added)).toEqual({ line: added, merged: false });
	});

	it("adds a new line while the cart has room, and refuses one when it holds the most lines", () => {
		const lines = Array.from({ length: MAX_LINES - 1 }, (_, index) => gyozaLine({ itemId: `itm-${index}` }));
		const added = storedLine();

		expect(placeLine(lines, added)).toEqual({ line: added, merged: false });
		expect(refusal(() => placeLine([...lines, gyozaLine()], added)).code).toBe("cart_full");
	});

	it("still merges into a line of a full cart", () => {
		const lines = Array.from({ length: MAX_LINES - 1 }, (_, index) => gyozaLine({ itemId: `itm-${index}` }));

		const placed = placeLine([...lines, storedLine()], storedLine({ lineId: "ln_new" }));

		expect(placed.merged).toBe(true);
		expect(placed.line.quantity).toBe(2);
	});
});

describe("patchLine", () => {
	const line = storedLine({ quantity: 2, note: "extra spicy" });

	it("changes the quantity and keeps the options, price and note", () => {
		expect(patchLine(line, { quantity: 4 })).toEqual({ ...line, quantity: 4 });
	});

	it("changes the note and keeps the quantity; a null note clears it", () => {
		expect(patchLine(line, { note: "mild" })).toEqual({ ...line, note: "mild" });
		expect(patchLine(line, { note: null })).toEqual({ ...line, note: null });
	});

	it("takes new options at their new price, keeping the line's id and quantity", () => {
		const repriced = draftLine(soho, ramen, { itemId: ramen.id, quantity: 1, options: ["chashu", "miso"] });

		const patched = patchLine(line, {}, repriced);

		expect(patched).toMatchObject({ lineId: line.lineId, quantity: 2, note: "extra spicy", unitPrice: 1500 });
		expect(patched.options).toEqual(repriced.options);
		expect(patched.optionKey).toBe(optionKey(["miso", "chashu"]));
	});
});

describe("repricedLines", () => {
	it("reports the lines whose price moved and ignores the unchanged ones", () => {
		const dearer = { ...ramen, priceMinor: 1250 };
		const withEgg = storedLine({
			lineId: "ln_egg",
			options: [...storedLine().options, { groupId: "toppings", optionId: "egg", name: "Egg", priceDelta: 150 }],
			unitPrice: 1350,
		});

		const changes = repricedLines([storedLine(), gyozaLine(), withEgg], catalogue(dearer, gyoza));

		expect(changes).toEqual([
			{ lineId: "ln_00000000000000a1", oldUnitPrice: 1200, newUnitPrice: 1250 },
			{ lineId: "ln_egg", oldUnitPrice: 1350, newUnitPrice: 1400 },
		]);
	});

	it("reports a line whose option's price moved", () => {
		const line = draftLine(soho, ramen, { itemId: ramen.id, quantity: 1, options: ["miso"] });
		const [broth, toppings] = ramen.modifierGroups;
		const dearerMiso = {
			...ramen,
			modifierGroups: [
				{ ...broth, options: [broth.options[0], { ...broth.options[1], priceDeltaMinor: 80 }] },
				toppings,
			],
		};

		expect(repricedLines([line], catalogue(dearerMiso))).toEqual([
			{ lineId: line.lineId, oldUnitPrice: 1250, newUnitPrice: 1280 },
		]);
	});

	it("leaves lines whose item is missing to the orderability check", () => {
		expect(repricedLines([storedLine({ unitPrice: 999 })], catalogue(gyoza))).toEqual([]);
	});

	it("refuses a line whose options no longer exist, so the customer chooses again", () => {
		const [broth, toppings] = ramen.modifierGroups;
		const noTonkotsu = { ...ramen, modifierGroups: [{ ...broth, options: broth.options.slice(1) }, toppings] };

		const refused = refusal(() => repricedLines([gyozaLine(), storedLine()], catalogue(gyoza, noTonkotsu)));

		expect(refused.code).toBe("item_unavailable");
		expect(refused.details).toEqual({ lines: ["ln_00000000000000a1"] });
	});
});
