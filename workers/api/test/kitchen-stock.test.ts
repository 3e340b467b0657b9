/**
 * Stock per location, reserved at checkout on the location's kitchen object:
 * never more orders than units, units back when an order will never be made,
 * the item sold out on the menu at 0 and back after a restock.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { ReservationRequest } from "../src/kitchen/contract";
import { menuKeys } from "../src/menu/contract";
import type { MenuDocument } from "../src/menu/domain/document";
import {
	addItem,
	bearer,
	call,
	cartStub,
	checkout,
	errorOf,
	json,
	newCart,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

const SLUG = "london-soho";
const MANAGER = await bearer(PRINCIPALS.manager);
const KITCHEN = await bearer(PRINCIPALS.kitchen);
const DECLINED_CARD = { method: "card", paymentMethod: "pm_sim_4000000000009995" };
const SECOND_STEP_CARD = { method: "card", paymentMethod: "pm_sim_4000000000003220" };
const AT_COUNTER = { method: "pay_at_pickup" };

interface StockBody {
	date: string;
	levels: {
		itemId: string;
		optionId: string | null;
		name: string;
		onHand: number;
		reserved: number;
		soldOut: boolean;
	}[];
	opening: { date: string; entries: { itemId: string; optionId: string | null; count: number | null }[] };
}

/** A fresh item at Soho with one optional option, so no other test's orders touch its stock. */
async function newItem(): Promise<{ itemId: string; optionId: string }> {
	const created = await send(
		"POST",
		`/api/v1/locations/${SLUG}/items`,
		{ categoryId: "cat-ldn-drinks", name: `Stock tea ${crypto.randomUUID()}`, price: { amount: 250, currency: "GBP" } },
		STAFF,
	);
	expect(created.status).toBe(201);
	const { id: itemId } = await json<{ id: string }>(created);
	const group = await send(
		"POST",
		`/api/v1/locations/${SLUG}/items/${itemId}/modifier-groups`,
		{ name: "Sweetener", minSelections: 0, maxSelections: 1, options: [{ name: "Honey" }] },
		STAFF,
	);
	expect(group.status).toBe(201);
	const menu = await json<{
		categories: { items: { id: string; modifierGroups: { options: { id: string }[] }[] }[] }[];
	}>(await call(`/api/v1/locations/${SLUG}/menu`, { headers: { "cache-control": "no-cache" } }));
	const item = menu.categories.flatMap((category) => category.items).find((candidate) => candidate.id === itemId);
	const optionId = item?.modifierGroups[0]?.options[0]?.id;
	if (!optionId) throw new Error("the new option is not on the menu");
	return { itemId, optionId };
}

function setStock(entries: unknown[], headers = MANAGER) {
	return send("PUT", `/api/v1/locations/${SLUG}/stock`, { entries }, headers);
}

async function stockOf(itemId: string, optionId: string | null = null) {
	const body = await json<StockBody>(await call(`/api/v1/locations/${SLUG}/stock`, { headers: KITCHEN }));
	return body.levels.find((level) => level.itemId === itemId && level.optionId === optionId);
}

async function cartWith(itemId: string, quantity = 1, options: string[] = []) {
	const cart = await newCart(SLUG);
	const added = await addItem(cart.id, { itemId, quantity, options });
	if (added.status !== 201) throw new Error(`line not added: ${added.status} ${await added.text()}`);
	return cart;
}

async function placed(itemId: string, quantity = 1, payment: Record<string, unknown> = AT_COUNTER) {
	const cart = await cartWith(itemId, quantity);
	const response = await checkout(cart.id, { ...PICKUP_TOMORROW(), payment });
	if (response.status !== 201) throw new Error(`checkout failed: ${response.status} ${await response.text()}`);
	return json<{ orderId: string; trackingToken: string; predictedReadyAt: string | null }>(response);
}

/** Whether the published menu (KV, what the edge serves) has the item sold out. */
async function soldOutOnMenu(itemId: string): Promise<boolean | undefined> {
	const version = await env.MENU_KV.get(menuKeys.current(SLUG));
	const document = await env.MENU_KV.get<MenuDocument>(menuKeys.document(SLUG, Number(version)), "json");
	return document?.categories.flatMap((category) => category.items).find((item) => item.id === itemId)?.soldOut;
}

describe("checkout against stock", () => {
	it("100 concurrent checkouts for 10 units place exactly 10 orders; the rest are refused naming the line", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 10 }])).status).toBe(200);
		const carts = await Promise.all(Array.from({ length: 100 }, () => cartWith(itemId)));

		const responses = await Promise.all(
			carts.map((cart) => checkout(cart.id, { ...PICKUP_TOMORROW(), payment: AT_COUNTER })),
		);

		const statuses = responses.map((response) => response.status);
		expect(statuses.filter((status) => status === 201)).toHaveLength(10);
		expect(statuses.filter((status) => status === 409)).toHaveLength(90);
		const refusals = await Promise.all(responses.filter((response) => response.status === 409).map(errorOf));
		// Refused by the kitchen object, or, once its sold-out flag reached the catalogue, before reaching it.
		const byKitchen = refusals.filter((refusal) => refusal.code === "out_of_stock");
		expect(byKitchen.length).toBeGreaterThan(0);
		for (const refusal of byKitchen) {
			expect(refusal.details).toEqual({
				lines: [expect.objectContaining({ itemId, optionId: null, available: expect.any(Number) })],
			});
		}
		for (const refusal of refusals.filter((refusal) => refusal.code !== "out_of_stock")) {
			expect(refusal.code).toBe("item_sold_out");
			expect(refusal.details).toEqual({ lines: [expect.any(String)] });
		}
		const accepted = await Promise.all(
			responses.filter((response) => response.status === 201).map((r) => json<{ predictedReadyAt: string | null }>(r)),
		);
		for (const order of accepted) expect(Date.parse(order.predictedReadyAt ?? "")).toBeGreaterThan(Date.now());
		expect(await stockOf(itemId)).toMatchObject({ onHand: 0, reserved: 10, soldOut: true });
	}, 60_000);

	it("sells the item out on the published menu at 0, and brings it back after a restock", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 2 }])).status).toBe(200);
		await placed(itemId, 2);
		await vi.waitFor(async () => expect(await soldOutOnMenu(itemId)).toBe(true), { timeout: 5_000, interval: 50 });

		const restocked = await send(
			"POST",
			`/api/v1/locations/${SLUG}/stock/restock`,
			{ entries: [{ itemId, add: 3 }] },
			KITCHEN,
		);
		expect(restocked.status).toBe(200);
		expect((await json<StockBody>(restocked)).levels.find((level) => level.itemId === itemId)).toMatchObject({
			onHand: 3,
			soldOut: false,
		});
		await vi.waitFor(async () => expect(await soldOutOnMenu(itemId)).toBe(false), { timeout: 5_000, interval: 50 });
		await placed(itemId, 1);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 2, reserved: 3 });
	});

	it("a rejection and a cancellation give the units back", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 5 }])).status).toBe(200);
		const rejected = await placed(itemId, 2);
		const cancelled = await placed(itemId, 3);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 0 });

		const reject = await send(
			"POST",
			`/api/v1/orders/${rejected.orderId}/status`,
			{ status: "rejected", reason: "Closing" },
			STAFF,
		);
		expect(reject.status).toBe(200);
		await vi.waitFor(async () => expect(await stockOf(itemId)).toMatchObject({ onHand: 2 }), {
			timeout: 5_000,
			interval: 50,
		});
		const cancel = await send(
			"POST",
			`/api/v1/orders/${cancelled.orderId}/cancel?token=${cancelled.trackingToken}`,
			{},
		);
		expect(cancel.status).toBe(200);
		await vi.waitFor(async () => expect(await stockOf(itemId)).toMatchObject({ onHand: 5, reserved: 0 }), {
			timeout: 5_000,
			interval: 50,
		});
	});

	it("a declined card gives the units back, and paying again takes them once", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 3 }])).status).toBe(200);
		const cart = await cartWith(itemId, 3);
		const key = crypto.randomUUID();
		const declined = await checkout(cart.id, { ...PICKUP_TOMORROW(), payment: DECLINED_CARD }, key);
		expect(declined.status).toBe(402);
		await vi.waitFor(async () => expect(await stockOf(itemId)).toMatchObject({ onHand: 3, reserved: 0 }), {
			timeout: 5_000,
			interval: 50,
		});

		const paid = await checkout(cart.id, { ...PICKUP_TOMORROW(), payment: AT_COUNTER });
		expect(paid.status).toBe(201);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 0, reserved: 3 });
	});

	it("an order left unpaid until it expires gives the units back", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 2 }])).status).toBe(200);
		const cart = await cartWith(itemId, 2);
		const response = await checkout(cart.id, { ...PICKUP_TOMORROW(), payment: SECOND_STEP_CARD });
		expect(response.status).toBe(201);
		const { orderId } = await json<{ orderId: string }>(response);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 0 });

		const stub = cartStub(orderId);
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec("UPDATE cart SET payment_due_at = ?", Date.now() - 1);
		});
		await runDurableObjectAlarm(stub);
		await vi.waitFor(async () => expect(await stockOf(itemId)).toMatchObject({ onHand: 2, reserved: 0 }), {
			timeout: 5_000,
			interval: 50,
		});
	});

	it("a release the kitchen did not get is retried by the order's alarm until it lands", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 3 }])).status).toBe(200);
		const order = await placed(itemId, 3);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 0 });

		// A release stored as owed (as a rejection stores it) whose first call never landed: due now.
		const stub = cartStub(order.orderId);
		await runInDurableObject(stub, (_, state) => {
			state.storage.kv.put("kitchen-owed", {
				kind: "release",
				orderId: order.orderId,
				slug: SLUG,
				nextAt: Date.now() - 1,
			});
		});
		await runDurableObjectAlarm(stub);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 3, reserved: 0 });
		await runInDurableObject(stub, (_, state) => {
			expect(state.storage.kv.get("kitchen-owed")).toBeUndefined();
		});
	});

	it("a retried checkout with the same idempotency key takes the stock once", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 4 }])).status).toBe(200);
		const cart = await cartWith(itemId, 2);
		const key = crypto.randomUUID();
		const body = { ...PICKUP_TOMORROW(), payment: AT_COUNTER };
		const [first, second] = await Promise.all([checkout(cart.id, body, key), checkout(cart.id, body, key)]);
		const third = await checkout(cart.id, body, key);
		expect([first.status, second.status, third.status]).toEqual([201, 201, 201]);
		const ids = await Promise.all([first, second, third].map((r) => json<{ orderId: string }>(r)));
		expect(new Set(ids.map((id) => id.orderId)).size).toBe(1);
		expect(await stockOf(itemId)).toMatchObject({ onHand: 2, reserved: 2 });
	});

	it("an option counted on its own refuses the line once it runs out", async () => {
		const { itemId, optionId } = await newItem();
		expect((await setStock([{ itemId, optionId, count: 1 }])).status).toBe(200);
		const first = await checkout((await cartWith(itemId, 1, [optionId])).id, {
			...PICKUP_TOMORROW(),
			payment: AT_COUNTER,
		});
		expect(first.status).toBe(201);
		const second = await checkout((await cartWith(itemId, 1, [optionId])).id, {
			...PICKUP_TOMORROW(),
			payment: AT_COUNTER,
		});
		expect(second.status).toBe(409);
		expect(await errorOf(second)).toMatchObject({
			code: "out_of_stock",
			details: { lines: [expect.objectContaining({ itemId, optionId, available: 0 })] },
		});
		// The item itself is untracked: without the option it is unlimited.
		expect((await checkout((await cartWith(itemId, 5)).id, { ...PICKUP_TOMORROW(), payment: AT_COUNTER })).status).toBe(
			201,
		);
	});
});

describe("the kitchen object", () => {
	const request = (orderId: string, start: string, alternatives: string[]): ReservationRequest => ({
		orderId,
		lines: [{ lineId: "l1", itemId: "itm-x", categoryId: "cat-x", optionIds: [], quantity: 2 }],
		placedAt: new Date().toISOString(),
		requestedFor: null,
		timeZone: "Europe/London",
		slot: { start, capacity: { orders: 2, units: null } },
		alternatives,
	});

	it("refuses a full slot with the alternatives that still have room, and counts the orders ahead", async () => {
		const kitchen = env.LOCATION_KITCHENS.get(env.LOCATION_KITCHENS.idFromName(`test-${crypto.randomUUID()}`));
		const slot = "2030-01-01T12:00:00.000Z";
		const next = "2030-01-01T12:15:00.000Z";
		const later = "2030-01-01T12:30:00.000Z";
		expect(await kitchen.reserve(request("ord_a", slot, []))).toMatchObject({ ok: true, ordersAhead: 0 });
		expect(await kitchen.reserve(request("ord_b", slot, []))).toMatchObject({ ok: true, ordersAhead: 1 });
		expect(await kitchen.reserve(request("ord_c", next, []))).toMatchObject({ ok: true, ordersAhead: 2 });
		expect(await kitchen.reserve(request("ord_d", next, []))).toMatchObject({ ok: true });
		// The same order again replaces its booking rather than taking a second one.
		expect(await kitchen.reserve(request("ord_b", slot, []))).toMatchObject({ ok: true });
		expect(await kitchen.reserve(request("ord_e", slot, [next, later]))).toEqual({
			ok: false,
			code: "slot_full",
			freeSlots: [later],
		});
		expect(await kitchen.slotBookings(slot, later)).toEqual([
			{ start: slot, orders: 2, units: 4 },
			{ start: next, orders: 2, units: 4 },
		]);
		expect(await kitchen.release("ord_a")).toBe(true);
		expect(await kitchen.release("ord_a")).toBe(false);
		expect(await kitchen.reserve(request("ord_e", slot, []))).toMatchObject({ ok: true });
		await kitchen.progress("ord_b", "ready", new Date().toISOString());
		expect(await kitchen.reserve(request("ord_f", later, []))).toMatchObject({ ok: true, ordersAhead: 3 });
	});

	it("counts an order booked for later as ahead only of what is due after it, and never predicts it before its time", async () => {
		const kitchen = env.LOCATION_KITCHENS.get(env.LOCATION_KITCHENS.idFromName(`test-${crypto.randomUUID()}`));
		const slot = "2030-01-01T12:00:00.000Z";
		const inThreeHours = new Date(Date.now() + 3 * 3600_000).toISOString();
		const forLater = await kitchen.reserve({ ...request("ord_later", slot, []), requestedFor: inThreeHours });
		expect(forLater).toMatchObject({ ok: true, ordersAhead: 0 });
		expect(forLater.ok && Date.parse(forLater.predictedReadyAt)).toBeGreaterThanOrEqual(Date.parse(inThreeHours));

		const now = await kitchen.reserve(request("ord_now", "2030-01-01T12:15:00.000Z", []));
		expect(now).toMatchObject({ ok: true, ordersAhead: 0 });
		const alsoLater = await kitchen.reserve({
			...request("ord_also_later", "2030-01-01T12:30:00.000Z", []),
			requestedFor: new Date(Date.now() + 4 * 3600_000).toISOString(),
		});
		expect(alsoLater).toMatchObject({ ok: true, ordersAhead: 2 });
	});

	it("stops counting an order still queued hours after it was due: it was handed over unrecorded", async () => {
		const kitchen = env.LOCATION_KITCHENS.get(env.LOCATION_KITCHENS.idFromName(`test-${crypto.randomUUID()}`));
		const slot = "2030-01-01T12:00:00.000Z";
		const longAgo = new Date(Date.now() - 4 * 3600_000).toISOString();
		await kitchen.reserve({ ...request("ord_forgotten", slot, []), placedAt: longAgo });
		expect(await kitchen.reserve(request("ord_next", slot, []))).toMatchObject({ ok: true, ordersAhead: 0 });
	});
});

describe("the stock routes", () => {
	it("refuses negative counts, unknown items and options, and bad dates, naming the field, changing nothing", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 7 }])).status).toBe(200);

		const negative = await setStock([{ itemId, count: -1 }]);
		expect(negative.status).toBe(400);
		expect((await errorOf(negative)).details).toEqual([expect.objectContaining({ field: "entries.0.count" })]);

		const unknown = await setStock([
			{ itemId, count: 1 },
			{ itemId: "itm-nope", count: 1 },
		]);
		expect(unknown.status).toBe(422);
		expect(await errorOf(unknown)).toMatchObject({ code: "unknown_item", details: [{ field: "entries.1.itemId" }] });

		const badOption = await setStock([{ itemId, optionId: "opt-nope", count: 1 }]);
		expect(badOption.status).toBe(422);
		expect(await errorOf(badOption)).toMatchObject({
			code: "unknown_option",
			details: [{ field: "entries.0.optionId" }],
		});

		const zeroRestock = await send(
			"POST",
			`/api/v1/locations/${SLUG}/stock/restock`,
			{ entries: [{ itemId, add: 0 }] },
			KITCHEN,
		);
		expect(zeroRestock.status).toBe(400);
		expect((await errorOf(zeroRestock)).details).toEqual([expect.objectContaining({ field: "entries.0.add" })]);

		for (const date of ["2020-01-01", "tomorrow", "2099-01-01", "2026-02-30"]) {
			const response = await send("PUT", `/api/v1/locations/${SLUG}/stock/opening/${date}`, { entries: [] }, MANAGER);
			expect(response.status).toBe(400);
			expect(await errorOf(response)).toMatchObject({ code: "validation_failed", details: [{ field: "date" }] });
		}
		expect(await stockOf(itemId)).toMatchObject({ onHand: 7 });
	});

	it("lets the kitchen restock but only a manager set counts; stores tomorrow's opening stock", async () => {
		const { itemId } = await newItem();
		expect((await setStock([{ itemId, count: 1 }], KITCHEN)).status).toBe(403);
		expect((await call(`/api/v1/locations/${SLUG}/stock`)).status).toBe(401);
		const { opening } = await json<StockBody>(await call(`/api/v1/locations/${SLUG}/stock`, { headers: KITCHEN }));
		const stored = await send(
			"PUT",
			`/api/v1/locations/${SLUG}/stock/opening/${opening.date}`,
			{ entries: [{ itemId, count: 12 }] },
			MANAGER,
		);
		expect(stored.status).toBe(200);
		const after = await json<StockBody>(await call(`/api/v1/locations/${SLUG}/stock`, { headers: KITCHEN }));
		expect(after.opening.entries).toContainEqual({ itemId, optionId: null, count: 12 });
	});
});
