/**
 * Adds price from the location's catalogue as this isolate last read it (a
 * copy shared by every cart, kept while the location's menu version holds);
 * checkout reads D1's primary again. A price or sold-out switch counts for the
 * next add, and a customer whose cart showed an older price is told before paying.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { catalogueOf, loadCartItems, loadPlacementCatalogue } from "../../../durable-objects/src/catalogue";
import { database } from "../src/db/client";
import { listLocations, loadMenuDocument } from "../src/menu/repository";
import {
	addItem,
	type CartBody,
	call,
	checkout,
	errorOf,
	json,
	newCart,
	PICKUP_TOMORROW,
	STAFF,
	send,
} from "./helpers";

const FLAT_WHITE_OAT = { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] };
const ITEM = "/api/v1/locations/london-soho/items/itm-ldn-flat-white";

describe("prices from the cached catalogue", () => {
	it("prices the next add at a price changed in D1, though the catalogue was cached before the change", async () => {
		// Another cart's add loads the location's catalogue into this isolate.
		const warm = await newCart();
		expect((await addItem(warm.id, FLAT_WHITE_OAT)).status).toBe(201);

		await send("PATCH", ITEM, { price: { amount: 360, currency: "GBP" } }, STAFF);
		try {
			const cart = await newCart();
			const added = await addItem(cart.id, FLAT_WHITE_OAT);
			expect(added.status).toBe(201);
			const { cart: shown } = await json<{ cart: CartBody }>(added);
			expect(shown.lines[0].unitPrice.amount).toBe(400);
		} finally {
			await send("PATCH", ITEM, { price: { amount: 340, currency: "GBP" } }, STAFF);
		}
	});

	it("refuses the next add of an item marked sold out, though the catalogue was cached before the switch", async () => {
		const warm = await newCart();
		expect((await addItem(warm.id, FLAT_WHITE_OAT)).status).toBe(201);

		await send("PUT", `${ITEM}/sold-out`, { soldOut: true }, STAFF);
		try {
			const cart = await newCart();
			const refused = await addItem(cart.id, FLAT_WHITE_OAT);
			expect(refused.status).toBe(409);
			expect(await errorOf(refused)).toMatchObject({ code: "item_sold_out" });
		} finally {
			await send("PUT", `${ITEM}/sold-out`, { soldOut: false }, STAFF);
		}
	});

	it("charges a price changed after the add at checkout, answering prices_changed first", async () => {
		const cart = await newCart();
		const added = await addItem(cart.id, FLAT_WHITE_OAT);
		const { cart: shown } = await json<{ cart: CartBody }>(added);
		const [line] = shown.lines;
		expect(line.unitPrice.amount).toBe(380);

		await send("PATCH", ITEM, { price: { amount: 360, currency: "GBP" } }, STAFF);
		try {
			const key = crypto.randomUUID();
			const refused = await checkout(cart.id, PICKUP_TOMORROW(), key);
			expect(refused.status).toBe(409);
			expect(await errorOf(refused)).toMatchObject({
				code: "prices_changed",
				details: { lines: [{ lineId: line.lineId, unitPrice: { amount: 400, currency: "GBP" } }] },
			});
			const placed = await checkout(cart.id, PICKUP_TOMORROW(), key);
			expect(placed.status).toBe(201);
			const { orderId } = await json<{ orderId: string }>(placed);
			const order = await json<{ totals: { subtotal: { amount: number } } }>(
				await call(`/api/v1/orders/${orderId}`, { headers: STAFF }),
			);
			expect(order.totals.subtotal.amount).toBe(400);
		} finally {
			await send("PATCH", ITEM, { price: { amount: 340, currency: "GBP" } }, STAFF);
		}
	});

	it("refuses an item the catalogue does not know, naming the field, and one of another location as such", async () => {
		const cart = await newCart();
		await addItem(cart.id, FLAT_WHITE_OAT);
		const unknown = await addItem(cart.id, { itemId: "itm-nowhere", quantity: 1, options: [] });
		expect(unknown.status).toBe(422);
		expect(await errorOf(unknown)).toMatchObject({ code: "unknown_item", details: [{ field: "itemId" }] });
		const elsewhere = await addItem(cart.id, { itemId: "itm-nyc-latte", quantity: 1, options: [] });
		expect(await errorOf(elsewhere)).toMatchObject({ code: "item_not_at_location" });
	});
});

describe("the catalogue a placement reads", () => {
	it("maps D1's rows as the menu repository does, for every location and item", async () => {
		const db = database(env.DB);
		for (const { slug } of await listLocations(db)) {
			const document = await loadMenuDocument(db, slug);
			if (!document) throw new Error(`no menu for ${slug}`);
			const expected = catalogueOf(document);
			const read = await loadPlacementCatalogue(env.DB, slug, [...expected.items.keys(), "itm-nowhere"]);
			expect(read.location).toEqual(expected.location);
			expect(read.items).toEqual(expected.items);
			expect(await loadCartItems(env.DB, [...expected.items.keys()])).toEqual(expected.items);
		}
		expect((await loadPlacementCatalogue(env.DB, "nowhere", [])).location).toBeUndefined();
	});
});
