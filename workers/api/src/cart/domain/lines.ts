/**
 * The rules of a cart's lines: what may be added (a known item of this
 * location, not sold out, with valid options), when an add merges into an
 * existing line and up to how many, how many lines a cart holds, and which
 * lines' prices have changed since they were added. Pure: the Cart object
 * stores what these decide.
 */
import { randomHex } from "@goodfood/platform/crypto";
import { RuleViolationError, violation } from "@goodfood/platform/rule-violation";
import type { LocationSummary } from "../../menu/domain/document";
import { type CatalogueItem, type ChosenOption, MAX_QUANTITY, priceLine } from "./pricing";

/** A cart holds at most this many lines. */
export const MAX_LINES = 100;

/** A line as the checkout sees it, whether stored in the cart or given in a one-shot order. */
export interface DraftLine {
	lineId: string;
	itemId: string;
	categoryId: string;
	name: string;
	quantity: number;
	/** Minor units, options included. */
	unitPrice: number;
	options: ChosenOption[];
	/** The chosen option ids in a canonical order: two lines merge only if these match. */
	optionKey: string;
	note: string | null;
}

export interface LineRequest {
	itemId: string;
	quantity: number;
	options: string[];
	note?: string | null;
}

/** A line whose stored price no longer matches the catalogue. */
export interface PriceChange {
	lineId: string;
	oldUnitPrice: number;
	newUnitPrice: number;
}

export function newLineId(): string {
	return `ln_${randomHex(8)}`;
}

/** The same options in any order make the same key. */
export function optionKey(optionIds: string[]): string {
	return [...optionIds].sort().join(",");
}

/**
 * A priced line for the item at this location, or a violation naming the
 * field: unknown item, an item of another location, a sold-out item, bad options.
 * `fieldPrefix` places the field in the request (`items.2.` in a one-shot order).
 */
export function draftLine(
	location: LocationSummary,
	item: CatalogueItem | undefined,
	request: LineRequest,
	fieldPrefix = "",
): DraftLine {
	if (!item) {
		throw violation("unknown_item", `There is no item ${request.itemId}`, [
			{ field: `${fieldPrefix}itemId`, message: "is not on any menu" },
		]);
	}
	if (item.locationSlug !== location.slug) {
		throw violation("item_not_at_location", `${item.name} is not on the menu of ${location.name}`, [
			{ field: `${fieldPrefix}itemId`, message: "belongs to another location" },
		]);
	}
	if (item.soldOut) {
		throw violation("item_sold_out", `${item.name} is sold out`, [
			{ field: `${fieldPrefix}itemId`, message: "is sold out" },
		]);
	}
	const priced = priceLine(item, request.options, `${fieldPrefix}options`);
	return {
		lineId: newLineId(),
		itemId: item.id,
		categoryId: item.categoryId,
		name: item.name,
		quantity: request.quantity,
		unitPrice: priced.unitPrice,
		options: priced.options,
		optionKey: optionKey(request.options),
		note: request.note ?? null,
	};
}

/** Whether an add merges into an existing line: same item, same options, same note. */
export function isSameLine(
	line: Pick<DraftLine, "itemId" | "optionKey" | "note">,
	added: Pick<DraftLine, "itemId" | "optionKey" | "note">,
): boolean {
	return line.itemId === added.itemId && line.optionKey === added.optionKey && line.note === added.note;
}

/** The quantity of a line after merging an add into it; a line holds at most `MAX_QUANTITY`. */
export function mergedQuantity(current: number, added: number): number {
	const quantity = current + added;
	if (quantity > MAX_QUANTITY) {
		throw violation("quantity_exceeded", `A line holds at most ${MAX_QUANTITY} of an item`, [
			{ field: "quantity", message: `would make ${quantity}` },
		]);
	}
	return quantity;
}

/**
 * Where an added line goes: merged into the same line (its quantity added, at
 * the current price), or as a new line while the cart has room.
 */
export function placeLine(lines: DraftLine[], added: DraftLine): { line: DraftLine; merged: boolean } {
	const same = lines.find((line) => isSameLine(line, added));
	if (same) {
		return {
			line: { ...same, quantity: mergedQuantity(same.quantity, added.quantity), unitPrice: added.unitPrice },
			merged: true,
		};
	}
	assertRoomForLine(lines.length);
	return { line: added, merged: false };
}

export interface LinePatch {
	quantity?: number;
	note?: string | null;
}

/** A line after a patch: what the patch names changes; new options come priced in `repriced`. */
export function patchLine(line: DraftLine, patch: LinePatch, repriced?: DraftLine): DraftLine {
	const options = repriced?.options ?? line.options;
	return {
		...line,
		quantity: patch.quantity ?? line.quantity,
		options,
		optionKey: optionKey(options.map((option) => option.optionId)),
		unitPrice: repriced?.unitPrice ?? line.unitPrice,
		note: patch.note === undefined ? line.note : (patch.note ?? null),
	};
}

/** Refuses a new line when the cart already holds `MAX_LINES`. */
export function assertRoomForLine(lineCount: number): void {
	if (lineCount >= MAX_LINES) throw violation("cart_full", `A cart holds at most ${MAX_LINES} lines`);
}

/**
 * The lines whose price the catalogue now puts elsewhere. A line whose chosen
 * options no longer exist cannot be repriced: the customer must choose again.
 * Items missing from `items` are left to the orderability check.
 */
export function repricedLines(lines: DraftLine[], items: Map<string, CatalogueItem>): PriceChange[] {
	const changed: PriceChange[] = [];
	for (const line of lines) {
		const item = items.get(line.itemId);
		if (!item) continue;
		let unitPrice: number;
		try {
			unitPrice = priceLine(
				item,
				line.options.map((option) => option.optionId),
			).unitPrice;
		} catch (error) {
			if (error instanceof RuleViolationError) {
				throw violation("item_unavailable", `The options of ${line.name} changed; choose them again`, {
					lines: [line.lineId],
				});
			}
			throw error;
		}
		if (unitPrice !== line.unitPrice) {
			changed.push({ lineId: line.lineId, oldUnitPrice: line.unitPrice, newUnitPrice: unitPrice });
		}
	}
	return changed;
}
