/**
 * The cart's "goes well with" through the worker: what the storefront asks for
 * a cart. An item the kitchen marks sold out through the staff route stops
 * being suggested at once, and comes back when it is back; an avoided allergen
 * is never suggested.
 */
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { WEEKDAYS } from "../src/menu/domain/availability";
import { bearer, call, json, send } from "./helpers";

const SLUG = "reco-store-test";
const CLOSED = "reco-store-closed";
const db = database(env.DB);
const orders = database(env.ORDERS_EU);

const ITEMS = {
	burger: "itm-rst-burger",
	fries: "itm-rst-fries",
	shake: "itm-rst-shake",
	cola: "itm-rst-cola",
} as const;

const KITCHEN_HERE: Principal = { id: "acc-rst-kitchen", role: "kitchen", locations: [SLUG] };

const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

beforeAll(async () => {
	await db.insert(schema.locations).values({
		slug: SLUG,
		name: "GoodFood Reco Test",
		addressLine: "2 Test Street",
		city: "London",
		postcode: "W1 1AB",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: "Europe/London",
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: allDay,
	});
	await db.insert(schema.categories).values({ id: "cat-rst-all", locationSlug: SLUG, name: "All", position: 1 });
	const item = (id: string, name: string, allergens: string[]) => ({
		id,
		locationSlug: SLUG,
		categoryId: "cat-rst-all",
		name,
		priceMinor: 400,
		allergens,
	});
	await db
		.insert(schema.items)
		.values([
			item(ITEMS.burger, "Burger", ["cereals_containing_gluten"]),
			item(ITEMS.fries, "Fries", []),
			item(ITEMS.shake, "Milkshake", ["milk"]),
			item(ITEMS.cola, "Cola", []),
		]);
	// A location that is never open: its carts are for later slots.
	await db.insert(schema.locations).values({
		slug: CLOSED,
		name: "GoodFood Closed Test",
		addressLine: "3 Test Street",
		city: "London",
		postcode: "W1 1AC",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: "Europe/London",
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: Object.fromEntries(WEEKDAYS.map((day) => [day, []])) as unknown as typeof allDay,
	});
	await db.insert(schema.categories).values({ id: "cat-rst-closed", locationSlug: CLOSED, name: "All", position: 1 });
	await db.insert(schema.items).values([
		{ ...item("itm-rst-closed-soup", "Soup", []), locationSlug: CLOSED, categoryId: "cat-rst-closed" },
		{ ...item("itm-rst-closed-bread", "Bread", []), locationSlug: CLOSED, categoryId: "cat-rst-closed" },
		{
			...item("itm-rst-closed-pie", "Pie", []),
			locationSlug: CLOSED,
			categoryId: "cat-rst-closed",
			soldOut: true,
		},
	]);
	const pair = (a: string, b: string, ordersTogether: number) => {
		const [itemA, itemB] = [a, b].sort();
		return { locationSlug: SLUG, itemA, itemB, ordersTogether };
	};
	await orders
		.insert(schema.itemPairs)
		.values([
			pair(ITEMS.burger, ITEMS.fries, 30),
			pair(ITEMS.burger, ITEMS.shake, 20),
			pair(ITEMS.burger, ITEMS.cola, 10),
		]);
});

interface Answer {
	basis: string;
	recommendations: { item: { id: string; name: string; price: { amount: number } }; reason: string }[];
}

async function goesWellWith(cart: string, avoid = ""): Promise<Answer> {
	const response = await call(
		`/api/v1/recommendations?location=${SLUG}&cart=${cart}&count=4${avoid && `&avoid=${avoid}`}`,
	);
	expect(response.status, await response.clone().text()).toBe(200);
	return json<Answer>(response);
}

const idsOf = (answer: Answer) => answer.recommendations.map((suggestion) => suggestion.item.id);

async function burgerCart(): Promise<string> {
	const created = await send("POST", "/api/v1/carts", { locationSlug: SLUG });
	const { id } = await json<{ id: string }>(created);
	const added = await send("POST", `/api/v1/carts/${id}/items`, { itemId: ITEMS.burger, quantity: 1 });
	expect(added.status, await added.clone().text()).toBe(201);
	return id;
}

async function markSoldOut(itemId: string, soldOut: boolean): Promise<void> {
	const response = await send(
		"PUT",
		`/api/v1/locations/${SLUG}/items/${itemId}/sold-out`,
		{ soldOut },
		await bearer(KITCHEN_HERE),
	);
	expect(response.status, await response.clone().text()).toBe(200);
}

describe("the cart's goes well with", () => {
	it("suggests what is ordered with the cart, each with its name, price and reason", async () => {
		const answer = await goesWellWith(await burgerCart());
		expect(answer.basis).toBe("cart");
		expect(idsOf(answer)).toEqual([ITEMS.fries, ITEMS.shake, ITEMS.cola]);
		expect(answer.recommendations[0]).toMatchObject({
			item: { name: "Fries", price: { amount: 400 } },
			reason: "Often ordered with Burger",
		});
	});

	it("stops suggesting an item the kitchen marks sold out, and suggests it again when it is back", async () => {
		const cart = await burgerCart();
		await markSoldOut(ITEMS.fries, true);
		try {
			expect(idsOf(await goesWellWith(cart))).toEqual([ITEMS.shake, ITEMS.cola]);
		} finally {
			await markSoldOut(ITEMS.fries, false);
		}
		expect(idsOf(await goesWellWith(cart))[0]).toBe(ITEMS.fries);
	});

	it("never suggests an item with an allergen the customer avoids", async () => {
		expect(idsOf(await goesWellWith(await burgerCart(), "milk"))).toEqual([ITEMS.fries, ITEMS.cola]);
	});

	it("still suggests for a cart while the location is closed (an order for later), never what is sold out", async () => {
		const created = await send("POST", "/api/v1/carts", { locationSlug: CLOSED });
		const { id } = await json<{ id: string }>(created);
		const added = await send("POST", `/api/v1/carts/${id}/items`, { itemId: "itm-rst-closed-soup", quantity: 1 });
		expect(added.status, await added.clone().text()).toBe(201);
		const response = await call(`/api/v1/recommendations?location=${CLOSED}&cart=${id}&count=4`);
		expect(response.status).toBe(200);
		expect(idsOf(await json<Answer>(response))).toEqual(["itm-rst-closed-bread"]);
	});
});
