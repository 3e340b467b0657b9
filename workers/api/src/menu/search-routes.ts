/** Public full-text search over menu items, presented in the caller's language. */
import { createRouter } from "@goodfood/platform/app";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import { LANGUAGE_VARY, languageWishes } from "./request-language";
import { SearchQuery, SearchResultSchema } from "./schemas";
import { searchMenu } from "./search";

export const menuSearchRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/menu/search",
		tags: ["Menu"],
		summary:
			"Full-text search over menu items in every language they are written in; hits are presented in the language asked for (lang, the customer's preference, Accept-Language, the location's default)",
		request: { query: SearchQuery },
		responses: { 200: jsonContent(SearchResultSchema, "Matching items, best first"), ...errorResponses(400, 404) },
	}),
	async (c) => {
		const { lang, ...query } = c.req.valid("query");
		const { hits, language } = await searchMenu(c.var.d1, query, languageWishes(c.req, lang));
		const results = hits.map(({ menu, category, item }) => ({
			location: { slug: menu.location.slug, name: menu.location.name },
			category: { id: category.id, name: category.name },
			item,
			language: menu.language,
		}));
		// The same URL answers in another language for another bearer or Accept-Language.
		c.header("vary", LANGUAGE_VARY, { append: true });
		if (language) c.header("content-language", language);
		return c.json({ query: query.q, results }, 200);
	},
);
