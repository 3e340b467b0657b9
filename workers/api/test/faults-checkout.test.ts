/**
 * Checkout under faults: the Cart object reset after its commit and before
 * the client got the answer, and reset while a checkout is still in flight.
 * The client retries with its Idempotency-Key; either way exactly one order
 * exists, with one OrderPlaced (and its PaymentAuthorised), one outbox row each
 * and one idempotency record, and
 * the answer the retry gets opens that order. Stored answers keep no
 * tracking token, and expire after 24 hours; an order placed before tokens were
 * derived still opens with its old one.
 */
import { runInDurableObject } from "cloudflare:test";
import { sha256Hex } from "@goodfood/platform/crypto";
import { IDEMPOTENCY_TTL_MS } from "@goodfood/platform/idempotency";
import { describe, expect, it } from "vitest";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import { CART_MIGRATIONS } from "../../../durable-objects/src/schema";
import { orderIdForCart } from "../src/cart/identity";
import { call, cartStub, cartWithFlatWhite, checkout, json, PICKUP_TOMORROW, STAFF } from "./helpers";

interface Placed {
	orderId: string;
	status: string;
	trackingToken: string;
}

type CartStub = DurableObjectStub<CartDurableObject>;

/** A stub of an order's Cart object; a new one each time, as a stub that saw its object reset stays broken. */
function objectOf(orderId: string): CartStub {
	return cartStub(orderId);
}

/** A cart ready to check out, and the id of the order it becomes. */
async function readyCart() {
	const cart = await cartWithFlatWhite();
	return { cart, orderId: await orderIdForCart(cart.id) };
}

/** What the object has stored of its order: events, outbox rows, idempotency records. */
function storedOf(orderId: string) {
	return runInDurableObject(objectOf(orderId), (_, state) => ({
		events: state.storage.sql
			.exec<{ sequence: number; type: string }>("SELECT sequence, type FROM order_events")
			.toArray(),
		outbox: state.storage.sql.exec<{ sequence: number }>("SELECT sequence FROM outbox").toArray(),
		answers: state.storage.sql
			.exec<{ key: string; response: string; created_at: string }>("SELECT key, response, created_at FROM idempotency")
			.toArray(),
	}));
}

/**
 * Makes the running instance reset itself the next time it reads a location
 * (every checkout does, before it stores anything): its memory is gone, its
 * storage stays, and every call in flight fails.
 */
function resetMidCheckout(orderId: string) {
	return runInDurableObject(objectOf(orderId), (instance, state) => {
		Object.assign(instance, { placementCatalogue: () => state.abort("test: reset mid-checkout") });
	});
}

/**
 * Makes the running instance reset itself once its next order is placed and
 * stored durably, before the call answers: the order exists, the caller never
 * hears of it.
 */
function resetAfterCommit(orderId: string) {
	return runInDurableObject(objectOf(orderId), (instance, state) => {
		const object = instance as unknown as { placeOrder: (...args: unknown[]) => Promise<unknown> };
		const placeOrder = object.placeOrder.bind(instance);
		object.placeOrder = async (...args) => {
			await placeOrder(...args);
			await state.storage.sync();
			state.abort("test: reset after the commit, before the answer");
		};
	});
}

/**
 * Makes the running instance reset itself once its next order is stored,
 * while it asks the provider to authorise the card: the order waits for a
 * payment whose answer nobody heard.
 */
function resetWhileAuthorising(orderId: string) {
	return runInDurableObject(objectOf(orderId), (instance, state) => {
		Object.assign(instance, {
			authorise: async () => {
				await state.storage.sync();
				state.abort("test: reset while authorising");
			},
		});
	});
}

/** A card order's stream once its card is authorised: the OrderPlaced, published with its PaymentAuthorised. */
const PLACED_AND_AUTHORISED = [
	{ sequence: 1, type: "OrderPlaced" },
	{ sequence: 2, type: "PaymentAuthorised" },
];

const readAs = (orderId: string, token: string) => call(`/api/v1/orders/${orderId}?token=${encodeURIComponent(token)}`);

describe("a crash after the commit, before the answer", () => {
	it("answers the retry with the same order and a working token, and places it once", async () => {
		const { cart, orderId } = await readyCart();
		const key = crypto.randomUUID();
		// The order commits, then the object resets before it answers: the client never hears back.
		await resetAfterCommit(orderId);

		const lost = await checkout(cart.id, PICKUP_TOMORROW(), key);
		expect(lost.status).toBe(500);
		const committed = await storedOf(orderId);
		expect(committed.events).toEqual(PLACED_AND_AUTHORISED);
		expect(committed.answers).toHaveLength(1);

		const retry = await checkout(cart.id, PICKUP_TOMORROW(), key);
		expect(retry.status).toBe(201);
		const placed = await json<Placed>(retry);
		expect(placed).toMatchObject({ orderId, status: "placed", payment: { status: "authorised" } });
		expect((await readAs(orderId, placed.trackingToken)).status).toBe(200);
		expect(await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW(), key))).toEqual(placed);

		const stored = await storedOf(orderId);
		expect(stored.events).toEqual(PLACED_AND_AUTHORISED);
		expect(stored.outbox).toEqual([{ sequence: 1 }, { sequence: 2 }]);
		expect(stored.answers).toHaveLength(1);
	});
});

describe("a reset mid-checkout", () => {
	it("stores nothing of the interrupted checkout, and the retry places exactly one order", async () => {
		const { cart, orderId } = await readyCart();
		const key = crypto.randomUUID();
		// The object resets while the checkout reads the catalogue, before anything is stored.
		await resetMidCheckout(orderId);

		const [first, joined] = await Promise.all([
			checkout(cart.id, PICKUP_TOMORROW(), key),
			checkout(cart.id, PICKUP_TOMORROW(), key),
		]);
		expect([first.status, joined.status]).toEqual([500, 500]);
		expect(await storedOf(orderId)).toEqual({ events: [], outbox: [], answers: [] });

		const retry = await checkout(cart.id, PICKUP_TOMORROW(), key);
		expect(retry.status).toBe(201);
		const placed = await json<Placed>(retry);
		expect(placed.orderId).toBe(orderId);
		expect((await readAs(orderId, placed.trackingToken)).status).toBe(200);

		const stored = await storedOf(orderId);
		expect(stored.events).toEqual(PLACED_AND_AUTHORISED);
		expect(stored.outbox).toEqual([{ sequence: 1 }, { sequence: 2 }]);
		expect(stored.answers).toHaveLength(1);
		const order = await json<{ status: string }>(await call(`/api/v1/orders/${orderId}`, { headers: STAFF }));
		expect(order.status).toBe("placed");
	});
});

describe("stored answers", () => {
	it("keep no tracking token: the replay derives it again", async () => {
		const { cart, orderId } = await readyCart();
		const key = crypto.randomUUID();
		const placed = await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW(), key));

		const [answer] = (await storedOf(orderId)).answers;
		// Only the order's id: a replay answers the order as it is now (status, payment, a derived token).
		expect(JSON.parse(answer.response)).toEqual({ orderId });
		expect(answer.response).not.toContain(placed.trackingToken);
		const cartRow = await runInDurableObject(objectOf(orderId), (_, state) =>
			state.storage.sql.exec<{ tracking_token_hash: string | null }>("SELECT tracking_token_hash FROM cart").one(),
		);
		expect(cartRow.tracking_token_hash).toBeNull();

		expect(await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW(), key))).toEqual(placed);
	});

	it("run a retry after 24 hours as a new checkout: the cart is an order by then, so it is refused", async () => {
		const { cart, orderId } = await readyCart();
		const key = crypto.randomUUID();
		await checkout(cart.id, PICKUP_TOMORROW(), key);
		await runInDurableObject(objectOf(orderId), (_, state) => {
			const expired = new Date(Date.now() - IDEMPOTENCY_TTL_MS).toISOString();
			state.storage.sql.exec("UPDATE idempotency SET created_at = ?", expired);
		});

		const late = await checkout(cart.id, PICKUP_TOMORROW(), key);
		expect(late.status).toBe(409);
		expect(await json<{ error: { code: string; details: unknown } }>(late)).toMatchObject({
			error: { code: "cart_checked_out", details: { orderId } },
		});
		const stored = await storedOf(orderId);
		expect(stored.events).toEqual(PLACED_AND_AUTHORISED);
		expect(stored.answers).toEqual([]);
	});
});

describe("an order placed before tracking tokens were derived", () => {
	it("still opens with its random token, and its stored answer loses the token but replays a working one", async () => {
		const { cart, orderId } = await readyCart();
		const key = crypto.randomUUID();
		await checkout(cart.id, PICKUP_TOMORROW(), key);
		// As the older code stored it: the random token's hash on the cart row, the token itself in the answer.
		const oldToken = "trk_legacy_0123456789abcdef0123456789";
		const oldHash = await sha256Hex(oldToken);
		await runInDurableObject(objectOf(orderId), (_, state) => {
			state.storage.sql.exec("UPDATE cart SET tracking_token_hash = ?", oldHash);
			state.storage.sql.exec(
				"UPDATE idempotency SET response = ?",
				JSON.stringify({ orderId, status: "placed", trackingToken: oldToken }),
			);
			const scrub = CART_MIGRATIONS.find((statements) => statements.some((sql) => sql.includes("$.trackingToken")));
			for (const statement of scrub ?? []) state.storage.sql.exec(statement);
		});

		const [answer] = (await storedOf(orderId)).answers;
		expect(JSON.parse(answer.response)).toEqual({ orderId, status: "placed" });
		expect((await readAs(orderId, oldToken)).status).toBe(200);
		const replayed = await json<Placed>(await checkout(cart.id, PICKUP_TOMORROW(), key));
		expect(replayed.trackingToken).not.toBe(oldToken);
		expect((await readAs(orderId, replayed.trackingToken)).status).toBe(200);
		expect((await readAs(orderId, "trk_legacy_fedcba9876543210fedcba98")).status).toBe(404);
	});
});

describe("a reset while the card is being authorised", () => {
	it("authorises the stored order on the retry with the same key, once", async () => {
		const { cart, orderId } = await readyCart();
		await objectOf(orderId).open(cart.id, orderId, "london-soho", null);
		await resetWhileAuthorising(orderId);
		const key = crypto.randomUUID();
		const body = PICKUP_TOMORROW();
		expect((await checkout(cart.id, body, key)).status).toBe(500);
		expect((await storedOf(orderId)).events.map((event) => event.type)).toEqual(["OrderPlaced"]);

		const retried = await checkout(cart.id, body, key);
		expect(retried.status).toBe(201);
		expect(await json<Placed>(retried)).toMatchObject({ orderId, status: "placed" });
		const again = await checkout(cart.id, body, key);
		expect(await json<Placed>(again)).toMatchObject({ orderId, status: "placed" });
		const stored = await storedOf(orderId);
		expect(stored.events.map((event) => event.type)).toEqual(["OrderPlaced", "PaymentAuthorised"]);
		expect(stored.outbox.map((row) => row.sequence)).toEqual([1, 2]);
	});
});
