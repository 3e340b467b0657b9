/**
 * The kitchen's stock, per location: what is on hand, counts set by a
 * manager (a recount), deliveries added by the kitchen, and the counts a
 * coming day opens with. The counts live in the location's kitchen object,
 * which takes them at checkout; an item at 0 is sold out on the menu.
 */

import { type AppEnv, createRouter, type Role } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { auditChange } from "../audit/record";
import { currentRegionOf } from "../cart/location-region";
import { database } from "../db/client";
import { addDays } from "../intelligence/domain/calendar";
import { invalid } from "../intelligence/invalid";
import { localClock } from "../menu/domain/availability";
import type { MenuDocument, MenuItem } from "../menu/domain/document";
import { loadMenuDocument } from "../menu/repository";
import { SlugParam } from "../menu/schemas";
import type { StockEntry, StockLevel } from "./contract";
import { openingDateProblem } from "./domain/stock";
import { kitchenOf } from "./kitchens";
import {
	OpeningParams,
	OpeningStockInput,
	OpeningStockSchema,
	RestockInput,
	StockInput,
	StockListSchema,
} from "./schemas";

const KITCHEN: Role[] = ["kitchen", "manager", "admin"];
const MANAGER: Role[] = ["manager", "admin"];

function stockRoute<M extends "get" | "put" | "post", P extends string>(
	method: M,
	path: P,
	summary: string,
	roles: Role[],
) {
	return {
		method,
		path,
		summary,
		tags: ["Kitchen (staff)"],
		security: bearerSecurity,
		middleware: [staffAtLocation(roles)],
	};
}

const listResponses = {
	200: jsonContent(StockListSchema, "The location's tracked stock"),
	...errorResponses(400, 401, 403, 404, 422),
};

/** The location's menu (items and their options) and its kitchen, in the location's current region. */
async function locationStock(c: Context<AppEnv>, slug: string) {
	const menu = await loadMenuDocument(database(c.var.d1), slug);
	if (!menu) throw ApiError.notFound("Location");
	const region = await currentRegionOf(c.env, c.var.d1, slug);
	const today = localClock(new Date(), menu.location.timeZone).date;
	return { menu, kitchen: kitchenOf(c.env, region, slug), today };
}

function itemsOf(menu: MenuDocument): Map<string, MenuItem> {
	return new Map(menu.categories.flatMap((category) => category.items).map((item) => [item.id, item]));
}

/** Every entry names an item of this location, and an option of that item: nothing is written otherwise. */
function checkEntries(menu: MenuDocument, entries: { itemId: string; optionId: string | null }[]): void {
	const items = itemsOf(menu);
	entries.forEach((entry, index) => {
		const item = items.get(entry.itemId);
		if (!item) {
			throw new ApiError("unknown_item", `There is no item ${entry.itemId} at ${menu.location.name}`, [
				{ field: `entries.${index}.itemId`, message: "is not an item of this location" },
			]);
		}
		const options = item.modifierGroups.flatMap((group) => group.options);
		if (entry.optionId !== null && !options.some((option) => option.id === entry.optionId)) {
			throw new ApiError("unknown_option", `${item.name} has no option ${entry.optionId}`, [
				{ field: `entries.${index}.optionId`, message: `is not an option of ${item.name}` },
			]);
		}
	});
}

/** The levels as staff read them: with the names they know the items by. */
function presented(menu: MenuDocument, levels: StockLevel[]) {
	const items = itemsOf(menu);
	return levels.map((level) => {
		const item = items.get(level.itemId);
		const option = item?.modifierGroups.flatMap((group) => group.options).find((o) => o.id === level.optionId);
		const name = item ? (option ? `${item.name}: ${option.name}` : item.name) : level.itemId;
		return { ...level, name, soldOut: level.onHand <= 0 };
	});
}

/**
 * For the audit log: what was asked and the counts of those items it left.
 * The counts before are not read on these paths (the kitchen object is asked
 * once), so the log has after only.
 */
function stockAfter(entries: { itemId: string; optionId: string | null }[], levels: StockLevel[]) {
	const named = new Set(entries.map((entry) => `${entry.itemId}/${entry.optionId}`));
	const onHand = levels
		.filter((level) => named.has(`${level.itemId}/${level.optionId}`))
		.map(({ itemId, optionId, onHand }) => ({ itemId, optionId, onHand }));
	return { entries, onHand };
}

async function answer(
	c: Context<AppEnv>,
	slug: string,
	context: Awaited<ReturnType<typeof locationStock>>,
	levels: StockLevel[],
) {
	const tomorrow = addDays(context.today, 1);
	const opening = (await context.kitchen.openingStock(tomorrow)) as StockEntry[];
	c.header("cache-control", "no-store");
	return c.json(
		{
			location: slug,
			date: context.today,
			timeZone: context.menu.location.timeZone,
			levels: presented(context.menu, levels),
			opening: { date: tomorrow, entries: opening },
		},
		200,
	);
}

export const stockRoutes = createRouter()
	.openapi(
		createRoute({
			...stockRoute("get", "/locations/{slug}/stock", "The location's stock on hand", KITCHEN),
			request: { params: SlugParam },
			responses: listResponses,
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const context = await locationStock(c, slug);
			const levels = (await context.kitchen.stock(context.menu.location.timeZone)) as StockLevel[];
			return answer(c, slug, context, levels);
		},
	)
	.openapi(
		createRoute({
			...stockRoute("put", "/locations/{slug}/stock", "Set counts now (a recount); null stops counting", MANAGER),
			description: "An item set to 0 is sold out on the menu; above 0 (or untracked) it is back.",
			request: {
				params: SlugParam,
				body: { content: { "application/json": { schema: StockInput } }, required: true },
			},
			responses: listResponses,
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const { entries } = c.req.valid("json");
			const context = await locationStock(c, slug);
			checkEntries(context.menu, entries);
			const levels = (await context.kitchen.setStock(entries, context.menu.location.timeZone)) as StockLevel[];
			auditChange(c, { after: stockAfter(entries, levels) });
			return answer(c, slug, context, levels);
		},
	)
	.openapi(
		createRoute({
			...stockRoute("post", "/locations/{slug}/stock/restock", "Add a delivery to tracked counts", KITCHEN),
			description:
				"Only tracked counts grow (untracked is unlimited already); an item back above 0 is back on the menu.",
			request: {
				params: SlugParam,
				body: { content: { "application/json": { schema: RestockInput } }, required: true },
			},
			responses: listResponses,
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const { entries } = c.req.valid("json");
			const context = await locationStock(c, slug);
			checkEntries(context.menu, entries);
			const levels = (await context.kitchen.restock(entries, context.menu.location.timeZone)) as StockLevel[];
			auditChange(c, { after: stockAfter(entries, levels) });
			return answer(c, slug, context, levels);
		},
	)
	.openapi(
		createRoute({
			...stockRoute(
				"put",
				"/locations/{slug}/stock/opening/{date}",
				"The counts a local date opens with (today up to 14 days ahead)",
				MANAGER,
			),
			description:
				"Applied at the date's first order or stock read: the listed counts replace what is on hand; items not listed keep theirs.",
			request: {
				params: OpeningParams,
				body: { content: { "application/json": { schema: OpeningStockInput } }, required: true },
			},
			responses: {
				200: jsonContent(OpeningStockSchema, "The opening stock stored for the date"),
				...errorResponses(400, 401, 403, 404, 422),
			},
		}),
		async (c) => {
			const { slug, date } = c.req.valid("param");
			const { entries } = c.req.valid("json");
			const context = await locationStock(c, slug);
			const problem = openingDateProblem(date, context.today);
			if (problem) throw invalid("date", problem);
			checkEntries(context.menu, entries);
			await context.kitchen.setOpeningStock(date, entries, context.menu.location.timeZone);
			const stored = (await context.kitchen.openingStock(date)) as StockEntry[];
			auditChange(c, { after: { date, entries: stored } });
			return c.json({ location: slug, date, entries: stored }, 200);
		},
	);
