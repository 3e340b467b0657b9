/**
 * Staff menu writes: each change is atomic, bumps the menu version, is
 * published to KV before the answer, and bad input never reaches storage.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import worker from "../src/index";
import { menuKeys } from "../src/menu/contract";
import type { MenuDocument } from "../src/menu/domain/document";
import { createItem } from "../src/menu/repository";
import { call, errorOf, STAFF, send } from "./helpers";

const LOCATION = "london-soho";

async function menuVersion(slug = LOCATION): Promise<number> {
	const response = await call(`/api/v1/locations/${slug}`);
	return ((await response.json()) as { menuVersion: number }).menuVersion;
}

async function menuItems(slug = LOCATION) {
	const response = await call(`/api/v1/locations/${slug}/menu`);
	const menu = (await response.json()) as {
		categories: {
			id: string;
			items: {
				id: string;
				name: string;
				soldOut: boolean;
				modifierGroups: { id: string; name: string; options: { name: string }[] }[];
			}[];
		}[];
	};
	return menu.categories.flatMap((category) => category.items);
}

const newItem = {
	categoryId: "cat-ldn-breakfast",
	name: "Shakshuka",
	description: "Eggs baked in spiced tomato and pepper sauce, with sourdough",
	price: { amount: 1095, currency: "GBP" },
	allergens: ["eggs", "cereals_containing_gluten"],
	dietaryTags: ["vegetarian"],
	calories: 610,
	modifierGroups: [
		{
			name: "Extras",
			minSelections: 0,
			maxSelections: 2,
			options: [
				{ name: "Feta", priceDelta: { amount: 150, currency: "GBP" }, allergens: ["milk"] },
				{ name: "Chorizo", priceDelta: { amount: 200, currency: "GBP" } },
			],
		},
	],
};

describe("staff authentication", () => {
	it("refuses a write without a token with 401", async () => {
		const response = await send("POST", `/api/v1/locations/${LOCATION}/items`, newItem);
		expect(response.status).toBe(401);
		expect((await errorOf(response)).code).toBe("unauthorized");
	});

	it("refuses a write with a wrong token with 401", async () => {
		const response = await send("POST", `/api/v1/locations/${LOCATION}/items`, newItem, {
			authorization: "Bearer not-the-token",
		});
		expect(response.status).toBe(401);
	});
});

describe("items", () => {
	it("creates an item with modifiers, bumps the version and publishes the menu to KV", async () => {
		const before = await menuVersion();
		const response = await send("POST", `/api/v1/locations/${LOCATION}/items`, newItem, STAFF);
		expect(response.status).toBe(201);
		const { id, menuVersion: after } = (await response.json()) as { id: string; menuVersion: number };
		expect(after).toBe(before + 1);
		expect(response.headers.get("x-menu-version")).toBe(`${LOCATION}=${after}`);

		const created = (await menuItems()).find((item) => item.id === id);
		expect(created?.modifierGroups[0].options.map((option) => option.name)).toEqual(["Feta", "Chorizo"]);

		expect(await env.MENU_KV.get(menuKeys.current(LOCATION))).toBe(String(after));
		const published = await env.MENU_KV.get<MenuDocument>(menuKeys.document(LOCATION, after), "json");
		expect(published?.categories.flatMap((category) => category.items).some((item) => item.id === id)).toBe(true);

		const search = await call(`/api/v1/menu/search?q=shakshuka&location=${LOCATION}`);
		expect(((await search.json()) as { results: { item: { id: string } }[] }).results[0].item.id).toBe(id);
	});

	it("updates an item and replaces its modifier groups when given", async () => {
		const { id } = (await (await send("POST", `/api/v1/locations/${LOCATION}/items`, newItem, STAFF)).json()) as {
			id: string;
		};
		const response = await send(
			"PATCH",
			`/api/v1/locations/${LOCATION}/items/${id}`,
			{
				name: "Green shakshuka",
				price: { amount: 1195, currency: "GBP" },
				modifierGroups: [
					{ name: "Bread", minSelections: 1, maxSelections: 1, options: [{ name: "Sourdough" }, { name: "Pitta" }] },
				],
			},
			STAFF,
		);
		expect(response.status).toBe(200);
		const updated = (await menuItems()).find((item) => item.id === id);
		expect(updated).toMatchObject({ name: "Green shakshuka", price: { amount: 1195, currency: "GBP" } });
		expect(updated?.modifierGroups.map((group) => group.name)).toEqual(["Bread"]);
	});

	it("changes only the fields a patch names", async () => {
		const before = (await menuItems()).find((item) => item.id === "itm-ldn-flat-white");
		const response = await send(
			"PATCH",
			`/api/v1/locations/${LOCATION}/items/itm-ldn-flat-white`,
			{ description: "Velvety" },
			STAFF,
		);
		expect(response.status).toBe(200);
		const after = (await menuItems()).find((item) => item.id === "itm-ldn-flat-white");
		expect(after).toEqual({ ...before, description: "Velvety" });
	});

	it("marks an item sold out and back", async () => {
		const path = `/api/v1/locations/${LOCATION}/items/itm-ldn-full-english/sold-out`;
		expect((await send("PUT", path, { soldOut: true }, STAFF)).status).toBe(200);
		expect((await menuItems()).find((item) => item.id === "itm-ldn-full-english")?.soldOut).toBe(true);
		expect((await send("PUT", path, { soldOut: false }, STAFF)).status).toBe(200);
		expect((await menuItems()).find((item) => item.id === "itm-ldn-full-english")?.soldOut).toBe(false);
	});

	it("deletes an item from the menu and from search", async () => {
		const { id } = (await (
			await send("POST", `/api/v1/locations/${LOCATION}/items`, { ...newItem, name: "Menemen" }, STAFF)
		).json()) as { id: string };
		expect((await send("DELETE", `/api/v1/locations/${LOCATION}/items/${id}`, undefined, STAFF)).status).toBe(200);
		expect((await menuItems()).some((item) => item.id === id)).toBe(false);
		const search = await call(`/api/v1/menu/search?q=menemen&location=${LOCATION}`);
		expect(((await search.json()) as { results: unknown[] }).results).toEqual([]);
	});

	it("answers 404 for an item of another location", async () => {
		const response = await send(
			"PATCH",
			`/api/v1/locations/tokyo-shibuya/items/itm-ldn-flat-white`,
			{ name: "x" },
			STAFF,
		);
		expect(response.status).toBe(404);
	});

	it("answers 404 for an unknown category", async () => {
		const response = await send(
			"POST",
			`/api/v1/locations/${LOCATION}/items`,
			{ ...newItem, categoryId: "cat-nope" },
			STAFF,
		);
		expect(response.status).toBe(404);
		expect((await errorOf(response)).message).toBe("Category not found");
	});
});

describe("bad item input answers 400 naming the field, and stores nothing", () => {
	const cases: [string, Record<string, unknown>, string][] = [
		["a negative price", { price: { amount: -1, currency: "GBP" } }, "price.amount"],
		["a fractional price", { price: { amount: 10.5, currency: "GBP" } }, "price.amount"],
		["an unknown allergen", { allergens: ["gluten"] }, "allergens.0"],
		["a missing name", { name: "" }, "name"],
		["a bad availability time", { availability: [{ from: "7am", until: "11:00" }] }, "availability.0.from"],
		[
			"min above max selections",
			{
				modifierGroups: [{ name: "Size", minSelections: 2, maxSelections: 1, options: [{ name: "S" }, { name: "L" }] }],
			},
			"modifierGroups.0.minSelections",
		],
		[
			"duplicate option names",
			{
				modifierGroups: [{ name: "Size", minSelections: 1, maxSelections: 1, options: [{ name: "S" }, { name: "s" }] }],
			},
			"modifierGroups.0.options",
		],
		["a price in another currency", { price: { amount: 100, currency: "USD" } }, "price.currency"],
	];

	it.each(cases)("%s", async (_, change, field) => {
		const before = await menuVersion();
		const response = await send(
			"POST",
			`/api/v1/locations/${LOCATION}/items`,
			{ ...newItem, name: `Bad ${field}`, ...change },
			STAFF,
		);
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("validation_failed");
		expect(error.details?.map((issue) => issue.field)).toContain(field);
		expect(await menuVersion()).toBe(before);
	});

	it("answers 400 for a body that is not JSON", async () => {
		const response = await call(`/api/v1/locations/${LOCATION}/items`, {
			method: "POST",
			headers: { ...STAFF, "content-type": "application/json" },
			body: "{not json",
		});
		expect(response.status).toBe(400);
		expect((await errorOf(response)).code).toBe("bad_request");
	});
});

describe("atomicity", () => {
	it("leaves nothing behind when a statement of the batch fails", async () => {
		const db = database(env.DB);
		const before = await menuVersion();
		// The category does not exist, so the item insert breaks its foreign key after the version bump was queued.
		await expect(createItem(db, LOCATION, "GBP", { ...newItem, categoryId: "cat-missing" } as never)).rejects.toThrow();
		expect(await menuVersion()).toBe(before);
		const orphans = await env.DB.prepare(
			"SELECT count(*) AS count FROM modifier_groups WHERE name = 'Extras' AND item_id NOT IN (SELECT id FROM items)",
		).first<{ count: number }>();
		expect(orphans?.count).toBe(0);
	});
});

describe("publishing after a committed write", () => {
	it("answers 201 when KV fails after the item is stored, and publishes it after the response", async () => {
		vi.spyOn(console, "warn").mockImplementation(() => {});
		let kvDown = true;
		const flakyKv = {
			get: (...args: Parameters<KVNamespace["get"]>) => env.MENU_KV.get(...args),
			put: (...args: Parameters<KVNamespace["put"]>) =>
				kvDown ? Promise.reject(new Error("KV PUT failed: 429 Too Many Requests")) : env.MENU_KV.put(...args),
		} as unknown as KVNamespace;
		const ctx = createExecutionContext();
		const response = await worker.fetch(
			new Request(`https://goodfood.test/api/v1/locations/${LOCATION}/items`, {
				method: "POST",
				headers: { "content-type": "application/json", ...STAFF },
				body: JSON.stringify({ ...newItem, name: "Shakshuka while KV is down" }),
			}),
			{ ...env, MENU_KV: flakyKv },
			ctx,
		);

		// Committed, so a 2xx: a client retrying a 500 would create the item twice.
		expect(response.status).toBe(201);
		const { id, menuVersion: version } = (await response.json()) as { id: string; menuVersion: number };
		expect(response.headers.get("x-menu-version")).toBe(`${LOCATION}=${version}`);
		expect((await menuItems()).filter((item) => item.name === "Shakshuka while KV is down")).toHaveLength(1);
		expect(await env.MENU_KV.get(menuKeys.current(LOCATION))).not.toBe(String(version));

		kvDown = false;
		await waitOnExecutionContext(ctx);
		expect(await env.MENU_KV.get(menuKeys.current(LOCATION))).toBe(String(version));
		const published = await env.MENU_KV.get<MenuDocument>(menuKeys.document(LOCATION, version), "json");
		expect(published?.categories.flatMap((category) => category.items).some((item) => item.id === id)).toBe(true);
		vi.restoreAllMocks();
	});
});

describe("categories and modifier groups", () => {
	it("creates, renames and deletes a category, deleting its items with it", async () => {
		const created = await send(
			"POST",
			`/api/v1/locations/${LOCATION}/categories`,
			{ name: "Specials", availability: [{ from: "17:00", until: "22:00" }] },
			STAFF,
		);
		expect(created.status).toBe(201);
		const { id: categoryId } = (await created.json()) as { id: string };
		const item = await send(
			"POST",
			`/api/v1/locations/${LOCATION}/items`,
			{ ...newItem, name: "Special", categoryId },
			STAFF,
		);
		const { id: itemId } = (await item.json()) as { id: string };

		expect(
			(
				await send(
					"PATCH",
					`/api/v1/locations/${LOCATION}/categories/${categoryId}`,
					{ name: "Evening specials" },
					STAFF,
				)
			).status,
		).toBe(200);
		expect(
			(await send("DELETE", `/api/v1/locations/${LOCATION}/categories/${categoryId}`, undefined, STAFF)).status,
		).toBe(200);
		expect((await menuItems()).some((candidate) => candidate.id === itemId)).toBe(false);
	});

	it("adds, replaces and deletes a modifier group", async () => {
		const itemPath = `/api/v1/locations/${LOCATION}/items/itm-ldn-full-english`;
		const added = await send(
			"POST",
			`${itemPath}/modifier-groups`,
			{ name: "Eggs", minSelections: 1, maxSelections: 1, options: [{ name: "Fried" }, { name: "Scrambled" }] },
			STAFF,
		);
		expect(added.status).toBe(201);
		const { id: groupId } = (await added.json()) as { id: string };

		const replaced = await send(
			"PUT",
			`/api/v1/locations/${LOCATION}/modifier-groups/${groupId}`,
			{
				name: "Eggs",
				minSelections: 1,
				maxSelections: 2,
				options: [{ name: "Poached", priceDelta: { amount: 50, currency: "GBP" } }, { name: "Fried" }],
			},
			STAFF,
		);
		expect(replaced.status).toBe(200);
		let group = (await menuItems())
			.find((item) => item.id === "itm-ldn-full-english")
			?.modifierGroups.find((candidate) => candidate.id === groupId);
		expect(group?.options.map((option) => option.name)).toEqual(["Poached", "Fried"]);

		expect(
			(await send("DELETE", `/api/v1/locations/${LOCATION}/modifier-groups/${groupId}`, undefined, STAFF)).status,
		).toBe(200);
		group = (await menuItems())
			.find((item) => item.id === "itm-ldn-full-english")
			?.modifierGroups.find((candidate) => candidate.id === groupId);
		expect(group).toBeUndefined();
	});

	it("answers 404 for a modifier group of another location", async () => {
		const response = await send(
			"DELETE",
			`/api/v1/locations/tokyo-shibuya/modifier-groups/grp-ldn-flat-white-milk`,
			undefined,
			STAFF,
		);
		expect(response.status).toBe(404);
	});
});
