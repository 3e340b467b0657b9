/**
 * Two status changes to one order at once: the second is decided on the state
 * the first left, never on what it read before its access check awaited, so
 * the stream never gets an illegal move or the same event twice.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import type { OrderAccess } from "../src/ordering/domain/access";
import { cartStub, cartWithFlatWhite, checkout, json, PICKUP_TOMORROW } from "./helpers";

const STAFF_ACCESS: OrderAccess = { kind: "staff", locations: "all" };

async function placedOrder() {
	const cart = await cartWithFlatWhite();
	const placed = await json<{ orderId: string; trackingToken: string }>(await checkout(cart.id, PICKUP_TOMORROW()));
	return { ...placed, stub: cartStub(placed.orderId) };
}

function eventTypes(stub: DurableObjectStub<CartDurableObject>) {
	return runInDurableObject(stub, (_, state) =>
		state.storage.sql
			.exec<{ type: string }>("SELECT type FROM order_events ORDER BY sequence")
			.toArray()
			.map((row) => row.type),
	);
}

describe("concurrent status changes", () => {
	it("records one confirmation of two sent at once, and refuses the other as illegal", async () => {
		const { stub } = await placedOrder();
		const results = await runInDurableObject(stub, (instance: CartDurableObject) =>
			Promise.all([
				instance.changeStatus(STAFF_ACCESS, { status: "confirmed", etaMinutes: 10 }),
				instance.changeStatus(STAFF_ACCESS, { status: "confirmed", etaMinutes: 12 }),
			]),
		);

		expect(results.map((result) => result?.ok).sort()).toEqual([false, true]);
		expect(results.find((result) => result?.ok === false)).toMatchObject({
			violation: { code: "illegal_transition" },
		});
		expect(await eventTypes(stub)).toEqual(["OrderPlaced", "PaymentAuthorised", "OrderConfirmed"]);
	});

	it("lets only one of a guest's cancel and a staff confirmation sent at once through", async () => {
		const { stub, trackingToken } = await placedOrder();
		const guest: OrderAccess = { kind: "tracking", token: trackingToken };
		const [cancel, confirm] = await runInDurableObject(stub, (instance: CartDurableObject) =>
			Promise.all([
				instance.changeStatus(guest, { status: "cancelled", reason: "changed my mind" }),
				instance.changeStatus(STAFF_ACCESS, { status: "confirmed", etaMinutes: 10 }),
			]),
		);

		// Whichever went first, the other was decided on its result: a customer cannot cancel a confirmed order.
		expect([cancel?.ok, confirm?.ok].filter(Boolean)).toHaveLength(1);
		const refused = cancel?.ok ? confirm : cancel;
		expect(refused).toMatchObject({ ok: false, violation: { code: "illegal_transition" } });
		// A cancellation releases the card's authorisation right after it answers; a confirmation leaves it be.
		const after = cancel?.ok ? ["OrderCancelled", "PaymentVoided"] : ["OrderConfirmed"];
		await vi.waitFor(async () =>
			expect(await eventTypes(stub)).toEqual(["OrderPlaced", "PaymentAuthorised", ...after]),
		);
	});
});
