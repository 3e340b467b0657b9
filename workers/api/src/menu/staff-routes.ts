/**
 * Staff writes to the catalogue. Each write is atomic with its menu version
 * bump, then the new document is published to KV before the answer goes out,
 * so the change is visible at once where it was made (or, should KV fail,
 * published again after the answer).
 */

import { type AppEnv, createRouter, type Role } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorText } from "@goodfood/platform/log";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { requestLogger } from "@goodfood/platform/request-log";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { patchChange, withoutTimestamps } from "../audit/domain/change";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import type * as schema from "../db/schema";
import { formatMenuVersionHeader, MENU_VERSION_HEADER } from "./contract";
import { money } from "./domain/money";
import { imageExists } from "./images/store";
import { publishMenu } from "./publication";
import * as catalogue from "./repository";
import {
	CategoryInput,
	CategoryPatch,
	IdParam,
	ItemInput,
	ItemPatch,
	ModifierGroupInput,
	SlugParam,
	SoldOutInput,
	WriteResultSchema,
} from "./schemas";

const CategoryParams = SlugParam.extend({ categoryId: IdParam });
const ItemParams = SlugParam.extend({ itemId: IdParam });
const GroupParams = SlugParam.extend({ groupId: IdParam });

const writeResponses = {
	200: jsonContent(WriteResultSchema, "Changed; menuVersion is the location's new menu version"),
	...errorResponses(400, 401, 403, 404),
};
const createResponses = {
	201: jsonContent(WriteResultSchema, "Created; menuVersion is the location's new menu version"),
	...errorResponses(400, 401, 403, 404),
};
/** Item writes can also name a photo no upload gave out. */
const itemWriteResponses = {
	...writeResponses,
	422: { ...errorResponses(422)[422], description: "`imageId` names no uploaded image (`unknown_image`)" },
};
const itemCreateResponses = { ...createResponses, 422: itemWriteResponses[422] };

function staffRoute<M extends "post" | "patch" | "put" | "delete", P extends string>(
	method: M,
	path: P,
	summary: string,
) {
	const roles: Role[] = path.endsWith("/sold-out") ? ["kitchen", "manager", "admin"] : ["manager", "admin"];
	return {
		method,
		path,
		summary,
		tags: ["Menu (staff)"],
		security: bearerSecurity,
		middleware: [staffAtLocation(roles)],
	};
}

async function locationOr404(c: Context<AppEnv>, slug: string) {
	const location = await catalogue.findLocation(database(c.var.d1), slug);
	if (!location) throw ApiError.notFound("Location");
	return location;
}

/** A failed publish is retried once after this long: KV takes about one write per second per key. */
const REPUBLISH_DELAY_MS = 1_000;

/**
 * Publishes the new menu and tells the relaying edge which version the change
 * made. The write has already committed, so a failed publish must not answer
 * 500 (a retried POST would create it twice): it answers the change and
 * publishes again after the response; meanwhile edges that miss in KV ask the origin.
 */
export async function published(c: Context<AppEnv>, slug: string, version: number) {
	let menuVersion = version;
	try {
		const document = await publishMenu(c.env, slug);
		menuVersion = Math.max(version, document?.version ?? 0);
	} catch (error) {
		const log = requestLogger(c);
		log.warn("menu publish failed; republishing after the response", { location: slug, error: errorText(error) });
		c.executionCtx.waitUntil(
			scheduler
				.wait(REPUBLISH_DELAY_MS)
				.then(() => publishMenu(c.env, slug))
				.catch((retryError) => log.error("menu republish failed", { location: slug, error: errorText(retryError) })),
		);
	}
	c.header(MENU_VERSION_HEADER, formatMenuVersionHeader(slug, menuVersion));
	return menuVersion;
}

function currencyMismatchAsValidation(error: unknown): never {
	if (error instanceof catalogue.CurrencyMismatch) {
		throw new ApiError("validation_failed", error.message, [{ field: error.field, message: error.message }]);
	}
	throw error;
}

async function categoryOr404(c: Context<AppEnv>, slug: string, categoryId: string) {
	const category = await catalogue.findCategory(database(c.var.d1), slug, categoryId);
	if (!category) throw ApiError.notFound("Category");
	return category;
}

/** An item may name only a photo that was uploaded: its id is the hash of bytes the images table knows. */
async function assertImageExists(c: Context<AppEnv>, imageId: string | null | undefined): Promise<void> {
	if (!imageId || (await imageExists(database(c.var.d1), imageId))) return;
	const message = "names no uploaded image; upload the photo first (PUT .../items/{itemId}/image)";
	throw new ApiError("unknown_image", `imageId ${message}`, [{ field: "imageId", message }]);
}

async function itemOr404(c: Context<AppEnv>, slug: string, itemId: string) {
	const item = await catalogue.findItem(database(c.var.d1), slug, itemId);
	if (!item) throw ApiError.notFound("Item");
	return item;
}

/** An item as its writes name the fields (price as money, imageId), so the audit log's before and after compare. */
function itemAsWritten(item: typeof schema.items.$inferSelect, currency: string) {
	const { priceMinor, imageKey, locationSlug: _slug, ...fields } = withoutTimestamps(item);
	return { ...fields, price: money(priceMinor, currency), imageId: imageKey };
}

export const staffMenuRoutes = createRouter()
	.openapi(
		createRoute({
			...staffRoute("post", "/locations/{slug}/categories", "Create a category"),
			request: {
				params: SlugParam,
				body: { content: { "application/json": { schema: CategoryInput } }, required: true },
			},
			responses: createResponses,
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			await locationOr404(c, slug);
			const input = c.req.valid("json");
			const { id, version } = await catalogue.createCategory(database(c.var.d1), slug, input);
			auditChange(c, { after: { id, ...input } });
			return c.json({ id, menuVersion: await published(c, slug, version) }, 201);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("patch", "/locations/{slug}/categories/{categoryId}", "Update a category"),
			request: {
				params: CategoryParams,
				body: { content: { "application/json": { schema: CategoryPatch } }, required: true },
			},
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, categoryId } = c.req.valid("param");
			const category = await categoryOr404(c, slug, categoryId);
			const patch = c.req.valid("json");
			const version = await catalogue.updateCategory(database(c.var.d1), slug, categoryId, patch);
			auditChange(c, patchChange(category, patch));
			return c.json({ id: categoryId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("delete", "/locations/{slug}/categories/{categoryId}", "Delete a category and its items"),
			request: { params: CategoryParams },
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, categoryId } = c.req.valid("param");
			const category = await categoryOr404(c, slug, categoryId);
			const version = await catalogue.deleteCategory(database(c.var.d1), slug, categoryId);
			auditChange(c, { before: withoutTimestamps(category), after: null });
			return c.json({ id: categoryId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("post", "/locations/{slug}/items", "Create an item with its modifier groups"),
			request: { params: SlugParam, body: { content: { "application/json": { schema: ItemInput } }, required: true } },
			responses: itemCreateResponses,
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const input = c.req.valid("json");
			const location = await locationOr404(c, slug);
			await categoryOr404(c, slug, input.categoryId);
			await assertImageExists(c, input.imageId);
			const { id, version } = await catalogue
				.createItem(database(c.var.d1), slug, location.currency, input)
				.catch(currencyMismatchAsValidation);
			auditChange(c, { after: { id, ...input } });
			return c.json({ id, menuVersion: await published(c, slug, version) }, 201);
		},
	)
	.openapi(
		createRoute({
			...staffRoute(
				"patch",
				"/locations/{slug}/items/{itemId}",
				"Update an item; modifierGroups, when given, replaces them all",
			),
			request: { params: ItemParams, body: { content: { "application/json": { schema: ItemPatch } }, required: true } },
			responses: itemWriteResponses,
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			const patch = c.req.valid("json");
			const location = await locationOr404(c, slug);
			const item = await itemOr404(c, slug, itemId);
			if (patch.categoryId) await categoryOr404(c, slug, patch.categoryId);
			await assertImageExists(c, patch.imageId);
			const version = await catalogue
				.updateItem(database(c.var.d1), slug, location.currency, itemId, patch)
				.catch(currencyMismatchAsValidation);
			// The item's modifier groups are not loaded here: a patch that replaces them shows them in after only.
			auditChange(c, patchChange(itemAsWritten(item, location.currency), patch));
			return c.json({ id: itemId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("delete", "/locations/{slug}/items/{itemId}", "Delete an item"),
			request: { params: ItemParams },
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			const item = await itemOr404(c, slug, itemId);
			const version = await catalogue.deleteItem(database(c.var.d1), slug, itemId);
			// The location row is not loaded on this path: the price stays in minor units without its currency.
			auditChange(c, { before: withoutTimestamps(item), after: null });
			return c.json({ id: itemId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("put", "/locations/{slug}/items/{itemId}/sold-out", "Mark an item sold out, or back"),
			request: {
				params: ItemParams,
				body: { content: { "application/json": { schema: SoldOutInput } }, required: true },
			},
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			const location = await locationOr404(c, slug);
			const item = await itemOr404(c, slug, itemId);
			const { soldOut } = c.req.valid("json");
			const version = await catalogue.updateItem(database(c.var.d1), slug, location.currency, itemId, { soldOut });
			auditChange(c, { before: { soldOut: item.soldOut }, after: { soldOut } });
			return c.json({ id: itemId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("post", "/locations/{slug}/items/{itemId}/modifier-groups", "Add a modifier group to an item"),
			request: {
				params: ItemParams,
				body: { content: { "application/json": { schema: ModifierGroupInput } }, required: true },
			},
			responses: createResponses,
		}),
		async (c) => {
			const { slug, itemId } = c.req.valid("param");
			const location = await locationOr404(c, slug);
			await itemOr404(c, slug, itemId);
			const input = c.req.valid("json");
			const { id, version } = await catalogue
				.addModifierGroup(database(c.var.d1), slug, location.currency, itemId, input)
				.catch(currencyMismatchAsValidation);
			auditChange(c, { after: { id, itemId, ...input } });
			return c.json({ id, menuVersion: await published(c, slug, version) }, 201);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("put", "/locations/{slug}/modifier-groups/{groupId}", "Replace a modifier group and its options"),
			request: {
				params: GroupParams,
				body: { content: { "application/json": { schema: ModifierGroupInput } }, required: true },
			},
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, groupId } = c.req.valid("param");
			const location = await locationOr404(c, slug);
			const db = database(c.var.d1);
			const group = await catalogue.findModifierGroup(db, slug, groupId);
			if (!group) throw ApiError.notFound("Modifier group");
			const input = c.req.valid("json");
			const version = await catalogue
				.replaceModifierGroup(db, slug, location.currency, group, input)
				.catch(currencyMismatchAsValidation);
			// The group's old options are not loaded here: before is the group itself, after the whole replacement.
			auditChange(c, { before: group, after: input });
			return c.json({ id: groupId, menuVersion: await published(c, slug, version) }, 200);
		},
	)
	.openapi(
		createRoute({
			...staffRoute("delete", "/locations/{slug}/modifier-groups/{groupId}", "Delete a modifier group"),
			request: { params: GroupParams },
			responses: writeResponses,
		}),
		async (c) => {
			const { slug, groupId } = c.req.valid("param");
			const db = database(c.var.d1);
			const group = await catalogue.findModifierGroup(db, slug, groupId);
			if (!group) throw ApiError.notFound("Modifier group");
			const version = await catalogue.deleteModifierGroup(db, slug, groupId);
			auditChange(c, { before: group, after: null });
			return c.json({ id: groupId, menuVersion: await published(c, slug, version) }, 200);
		},
	);
