/** Public full-text search over menu items. */
import { createRouter } from "@goodfood/platform/app";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import { SearchQuery, SearchResultSchema } from "./schemas";
import { searchMenu } from "./search";

export const menuSearchRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/menu/search",
		tags: ["Menu"],
		summary: "Full-text search over menu items",
		request: { query: SearchQuery },
		responses: { 200: jsonContent(SearchResultSchema, "Matching items, best first"), ...errorResponses(400, 404) },
	}),
	async (c) => {
		const query = c.req.valid("query");
		const hits = await searchMenu(c.var.d1, query);
		const results = hits.map(({ menu, category, item }) => ({
			location: { slug: menu.location.slug, name: menu.location.name },
			category: { id: category.id, name: category.name },
			item,
		}));
		return c.json({ query: query.q, results }, 200);
	},
);
