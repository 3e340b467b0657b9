/**
 * Carts through HTTP: lines priced on the server, every refusal its own 4xx
 * with nothing stored, and 200 concurrent adds ending with the exact quantity.
 */
import { describe, expect, it } from "vitest";
import { addItem, type CartBody, call, cartWithFlatWhite, errorOf, json, newCart, send } from "./helpers";

const OAT = "opt-ldn-flat-white-milk-oat";
const WHOLE = "opt-ldn-flat-white-milk-whole";
const SHOT = "opt-ldn-flat-white-extras-extra-shot";
const VANILLA = "opt-ldn-flat-white-extras-vanilla-syrup";
const CARAMEL = "opt-ldn-flat-white-extras-caramel-syrup";

async function cart(id: string, query = ""): Promise<CartBody> {
	return json<CartBody>(await call(`/api/v1/carts/${id}${query}`));
}

describe("a cart", () => {
	it("starts empty with an unguessable id at a location", async () => {
		const created = await newCart();
		expect(created.id).toMatch(/^crt_eu_[0-9a-f]{32}$/);
		expect(created).toMatchObject({
			status: "open",
			lines: [],
			itemCount: 0,
			locationSlug: "london-soho",
			currency: "GBP",
		});
	});

	it("prices a line from the catalogue with its options, ignoring any client price", async () => {
		const { id } = await newCart();
		const response = await addItem(id, { itemId: "itm-ldn-flat-white", quantity: 2, options: [OAT, SHOT], price: 1 });
		expect(response.status).toBe(201);
		const body = await json<{ lineId: string; cart: CartBody }>(response);
		// 340 + 40 (oat) + 60 (extra shot) = 440 per cup
		expect(body.cart.lines[0]).toMatchObject({ quantity: 2, unitPrice: { amount: 440, currency: "GBP" } });
		expect(body.cart.totals.subtotal).toEqual({ amount: 880, currency: "GBP" });
	});

	it("merges an identical line and keeps different options apart", async () => {
		const { id } = await newCart();
		await addItem(id, { itemId: "itm-ldn-flat-white", options: [OAT] });
		await addItem(id, { itemId: "itm-ldn-flat-white", options: [OAT], quantity: 2 });
		await addItem(id, { itemId: "itm-ldn-flat-white", options: [WHOLE] });
		const lines = (await cart(id)).lines;
		expect(lines.map((line) => line.quantity)).toEqual([3, 1]);
	});

	it("shows tax included in London, and delivery fee and tip in the totals preview", async () => {
		const { id } = await cartWithFlatWhite(); // 2 × 380
		const totals = (await cart(id, "?fulfilment=delivery&tip=100")).totals;
		expect(totals).toMatchObject({
			subtotal: { amount: 760, currency: "GBP" },
			tax: { amount: 127, currency: "GBP" }, // 760 − round(760 / 1.2) = 760 − 633
			taxIncluded: true,
			deliveryFee: { amount: 299, currency: "GBP" },
			tip: { amount: 100, currency: "GBP" },
			total: { amount: 1159, currency: "GBP" },
		});
	});

	it("changes and removes lines", async () => {
		const { id } = await cartWithFlatWhite();
		const [line] = (await cart(id)).lines;
		const patched = await send("PATCH", `/api/v1/carts/${id}/items/${line.lineId}`, { quantity: 5, options: [WHOLE] });
		expect(patched.status).toBe(200);
		expect((await json<CartBody>(patched)).lines[0]).toMatchObject({ quantity: 5, unitPrice: { amount: 340 } });
		const removed = await send("DELETE", `/api/v1/carts/${id}/items/${line.lineId}`, undefined);
		expect((await json<CartBody>(removed)).lines).toEqual([]);
	});

	it("ends with the exact quantity after 200 concurrent adds", async () => {
		const { id } = await newCart();
		const milks = [OAT, WHOLE, "opt-ldn-flat-white-milk-soy"];
		const responses = await Promise.all(
			Array.from({ length: 200 }, (_, index) =>
				addItem(id, { itemId: "itm-ldn-flat-white", options: [milks[index % 3], ...(index % 2 ? [SHOT] : [])] }),
			),
		);
		expect(responses.every((response) => response.status === 201)).toBe(true);
		const { lines, itemCount } = await cart(id);
		expect(itemCount).toBe(200);
		expect(lines).toHaveLength(6);
		expect(lines.map((line) => line.quantity).sort()).toEqual([33, 33, 33, 33, 34, 34]);
	});
});

describe("bad cart input answers its own 4xx and stores nothing", () => {
	const cases: [string, Record<string, unknown>, number, string, string?][] = [
		[
			"quantity 0",
			{ itemId: "itm-ldn-flat-white", quantity: 0, options: [OAT] },
			400,
			"quantity_out_of_range",
			"quantity",
		],
		[
			"quantity 1000",
			{ itemId: "itm-ldn-flat-white", quantity: 1000, options: [OAT] },
			400,
			"quantity_out_of_range",
			"quantity",
		],
		[
			"a fractional quantity",
			{ itemId: "itm-ldn-flat-white", quantity: 1.5, options: [OAT] },
			400,
			"validation_failed",
		],
		[
			"quantity 0 and a repeated option",
			{ itemId: "itm-ldn-flat-white", quantity: 0, options: [OAT, OAT] },
			400,
			"validation_failed",
			"quantity",
		],
		["an unknown item", { itemId: "itm-nope" }, 422, "unknown_item", "itemId"],
		["an item of another location", { itemId: "itm-nyc-latte", options: [] }, 422, "item_not_at_location", "itemId"],
		["a sold-out item", { itemId: "itm-ldn-salted-caramel-brownie" }, 409, "item_sold_out", "itemId"],
		["a missing required option", { itemId: "itm-ldn-flat-white", options: [SHOT] }, 422, "option_required", "options"],
		[
			"too many options",
			{ itemId: "itm-ldn-flat-white", options: [OAT, SHOT, VANILLA, CARAMEL] },
			422,
			"too_many_options",
			"options",
		],
		[
			"an option of another item",
			{ itemId: "itm-ldn-flat-white", options: [OAT, "opt-ldn-latte-size-large"] },
			422,
			"unknown_option",
			"options.1",
		],
		["a repeated option", { itemId: "itm-ldn-flat-white", options: [OAT, OAT] }, 400, "validation_failed", "options"],
	];

	it.each(cases)("%s", async (_, line, status, code, field) => {
		const { id } = await newCart();
		const response = await addItem(id, line);
		expect(response.status).toBe(status);
		const error = await errorOf(response);
		expect(error.code).toBe(code);
		if (field) expect(error.details?.map((issue) => issue.field)).toContain(field);
		expect((await cart(id)).lines).toEqual([]);
	});

	it("answers 400 for a malformed cart id and 404 for an unknown one", async () => {
		expect((await call("/api/v1/carts/not-a-cart")).status).toBe(400);
		const unknown = await call(`/api/v1/carts/crt_eu_${"0".repeat(32)}`);
		expect(unknown.status).toBe(404);
		expect((await errorOf(unknown)).code).toBe("cart_not_found");
	});

	it("answers 404 for a cart at an unknown location", async () => {
		expect((await send("POST", "/api/v1/carts", { locationSlug: "atlantis" })).status).toBe(404);
	});

	it("refuses changing a line to quantity 0 or 1000 with quantity_out_of_range, and keeps the line", async () => {
		const { id } = await cartWithFlatWhite();
		const [line] = (await cart(id)).lines;
		for (const quantity of [0, 1000]) {
			const response = await send("PATCH", `/api/v1/carts/${id}/items/${line.lineId}`, { quantity });
			expect(response.status).toBe(400);
			expect(await errorOf(response)).toMatchObject({
				code: "quantity_out_of_range",
				details: [{ field: "quantity" }],
			});
		}
		expect((await cart(id)).lines).toMatchObject([{ lineId: line.lineId, quantity: 2 }]);
	});

	it("refuses a negative tip in the totals preview with invalid_tip", async () => {
		const { id } = await cartWithFlatWhite();
		const response = await call(`/api/v1/carts/${id}?tip=-1`);
		expect(response.status).toBe(400);
		expect(await errorOf(response)).toMatchObject({ code: "invalid_tip", details: [{ field: "tip" }] });
	});

	it("refuses the 51st of an item in one line", async () => {
		const { id } = await newCart();
		await addItem(id, { itemId: "itm-ldn-flat-white", quantity: 50, options: [OAT] });
		const response = await addItem(id, { itemId: "itm-ldn-flat-white", quantity: 1, options: [OAT] });
		expect(response.status).toBe(422);
		expect((await errorOf(response)).code).toBe("quantity_exceeded");
		expect((await cart(id)).itemCount).toBe(50);
	});
});
