/** Request and response schemas of the kitchen's stock routes. */
import { z } from "@hono/zod-openapi";
import { SlugParam } from "../menu/schemas";

const ItemId = z.string().min(1).max(64).openapi({ example: "itm_flat_white" });
const OptionId = z
	.string()
	.min(1)
	.max(64)
	.nullable()
	.default(null)
	.openapi({ description: "An option of the item, counted on its own; null (or absent) for the item itself" });

/** Most entries one write takes: every item of a large menu with a few options each. */
const MAX_ENTRIES = 500;

export const StockEntryInput = z
	.object({
		itemId: ItemId,
		optionId: OptionId,
		count: z
			.number()
			.int()
			.min(0)
			.max(100_000)
			.nullable()
			.openapi({ description: "Units on hand; null stops counting it (untracked is unlimited)" }),
	})
	.openapi("StockEntryInput");

export const StockInput = z.object({ entries: z.array(StockEntryInput).min(1).max(MAX_ENTRIES) }).openapi("StockInput");

export const RestockInput = z
	.object({
		entries: z
			.array(
				z.object({
					itemId: ItemId,
					optionId: OptionId,
					add: z.number().int().min(1).max(100_000).openapi({ description: "Units that came in" }),
				}),
			)
			.min(1)
			.max(MAX_ENTRIES),
	})
	.openapi("RestockInput");

export const OpeningStockInput = z
	.object({ entries: z.array(StockEntryInput).max(MAX_ENTRIES) })
	.openapi("OpeningStockInput", { description: "The counts the date opens with; an empty list clears it" });

export const OpeningParams = SlugParam.extend({
	date: z.string().openapi({ param: { name: "date", in: "path" }, example: "2026-12-08" }),
});

const StockLevelSchema = z
	.object({
		itemId: z.string(),
		optionId: z.string().nullable(),
		name: z.string().openapi({ description: "The item's name, and the option's after it" }),
		onHand: z.number().int().openapi({ description: "Units on hand, reservations taken off" }),
		reserved: z.number().int().openapi({ description: "Units held by today's orders" }),
		soldOut: z.boolean(),
	})
	.openapi("StockLevel");

const StockEntrySchema = z.object({
	itemId: z.string(),
	optionId: z.string().nullable(),
	count: z.number().int().nullable(),
});

export const StockListSchema = z
	.object({
		location: z.string(),
		date: z.string().openapi({ description: "The location's local date" }),
		timeZone: z.string(),
		levels: z.array(StockLevelSchema).openapi({ description: "Tracked items and options; anything else is unlimited" }),
		opening: z
			.object({ date: z.string(), entries: z.array(StockEntrySchema) })
			.openapi({ description: "The opening stock set for tomorrow" }),
	})
	.openapi("StockList");

export const OpeningStockSchema = z
	.object({ location: z.string(), date: z.string(), entries: z.array(StockEntrySchema) })
	.openapi("OpeningStock");
