/**
 * The menu as its editor sees it: the stored document with every translation,
 * which the presented menu (one language at a time) leaves out. Read from the
 * primary, so an editor always sees the write it just made.
 */
import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { database } from "../db/client";
import { LANGUAGES } from "./domain/language";
import { loadMenuDocument } from "./repository";
import {
	AvailabilityWindowSchema,
	LocationSchema,
	MenuItemSchema,
	MenuModifierGroupSchema,
	MenuOptionSchema,
	SlugParam,
} from "./schemas";

const translationsOf = (fields: readonly string[]) =>
	z.partialRecord(z.enum(LANGUAGES), z.partialRecord(z.enum(fields as [string, ...string[]]), z.string()));

const NameTranslations = translationsOf(["name"]);
const TextTranslations = translationsOf(["name", "description"]);

/** The presented menu's shapes without what a moment decides (available now), with each row's translations. */
const EditableGroupSchema = MenuModifierGroupSchema.extend({
	translations: NameTranslations,
	options: z.array(MenuOptionSchema.extend({ translations: NameTranslations })),
});

const EditableItemSchema = MenuItemSchema.omit({ availableNow: true, unavailableReason: true }).extend({
	translations: TextTranslations,
	modifierGroups: z.array(EditableGroupSchema),
});

const EditableMenuSchema = z
	.object({
		location: LocationSchema.omit({ openNow: true, menuVersion: true, distanceMeters: true }),
		version: z.number().int(),
		generatedAt: z.string(),
		categories: z.array(
			z.object({
				id: z.string(),
				name: z.string(),
				description: z.string(),
				availability: z.array(AvailabilityWindowSchema),
				translations: TextTranslations,
				items: z.array(EditableItemSchema),
			}),
		),
	})
	.openapi("EditableMenu", {
		description:
			"The stored menu: names and descriptions in the location's default language, with every translation beside them",
	});

export const menuEditorRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/locations/{slug}/menu/editable",
		tags: ["Menu (staff)"],
		summary: "The menu with every translation, for the menu editor",
		security: bearerSecurity,
		middleware: [staffAtLocation(["manager", "admin"])],
		request: { params: SlugParam },
		responses: { 200: jsonContent(EditableMenuSchema, "The stored menu"), ...errorResponses(401, 403, 404) },
	}),
	async (c) => {
		const document = await loadMenuDocument(database(c.env.DB.withSession("first-primary")), c.req.valid("param").slug);
		if (!document) throw ApiError.notFound("Location");
		c.header("cache-control", "no-store");
		return c.json(document, 200);
	},
);
