/**
 * The Cart Durable Object from the inside: events stored with their outbox
 * rows, the alarm draining them (and backing off when the queue fails), idle
 * carts expiring, and line changes that interleave with adds.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { OUTBOX_MAX_ATTEMPTS } from "@goodfood/platform/outbox";
import { describe, expect, it } from "vitest";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import { orderIdForCart } from "../src/cart/identity";
import {
	type CartBody,
	call,
	cartStub,
	cartWithFlatWhite,
	checkout,
	json,
	PICKUP_TOMORROW,
	STAFF,
	send,
} from "./helpers";

async function placed() {
	const cart = await cartWithFlatWhite();
	const response = await checkout(cart.id, PICKUP_TOMORROW());
	const { orderId } = await json<{ orderId: string }>(response);
	return { cart, orderId, stub: cartStub(orderId) };
}

/** The outbox rows still waiting to be sent (sent ones stay, awaiting reconciliation: faults-queue-outbox.test.ts). */
function outboxOf(stub: DurableObjectStub<CartDurableObject>) {
	return runInDurableObject(stub, (_, state) =>
		state.storage.sql
			.exec<{ sequence: number; attempts: number; last_error: string | null }>(
				"SELECT sequence, attempts, last_error FROM outbox WHERE sent_at IS NULL ORDER BY sequence",
			)
			.toArray(),
	);
}

describe("event store and outbox", () => {
	it("stores each event with an outbox row in the same transaction, and the alarm drains it", async () => {
		const { stub } = await placed();
		await runInDurableObject(stub, (_, state) => {
			const events = state.storage.sql.exec("SELECT sequence, type FROM order_events").toArray();
			// A card order's OrderPlaced is published with its PaymentAuthorised, once the card is authorised.
			expect(events).toEqual([
				{ sequence: 1, type: "OrderPlaced" },
				{ sequence: 2, type: "PaymentAuthorised" },
			]);
		});
		await runDurableObjectAlarm(stub);
		expect(await outboxOf(stub)).toEqual([]);
	});

	it("keeps events when the queue refuses them, retries with backoff, and sends them later", async () => {
		const { orderId, stub } = await placed();
		await runDurableObjectAlarm(stub);

		const failing = {
			sendBatch: async () => {
				throw new Error("queue unavailable");
			},
		};
		await runInDurableObject(stub, async (instance: CartDurableObject) => {
			const bindings = (instance as unknown as { env: Env }).env;
			const original = bindings.ORDER_EVENTS;
			Object.assign(bindings, { ORDER_EVENTS: failing });
			try {
				await instance.changeStatus({ kind: "staff", locations: "all" }, { status: "confirmed", etaMinutes: 10 });
				await instance.alarm();
			} finally {
				Object.assign(bindings, { ORDER_EVENTS: original });
			}
		});
		const [waiting] = await outboxOf(stub);
		expect(waiting).toMatchObject({ sequence: 3, last_error: "queue unavailable" });
		expect(waiting.attempts).toBeGreaterThanOrEqual(1);
		const alarmAt = await runInDurableObject(stub, (_, state) => state.storage.getAlarm());
		expect(alarmAt).toBeGreaterThan(Date.now());

		// Pretend the backoff has passed: the next alarm sends it.
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0 WHERE sent_at IS NULL");
		});
		await runDurableObjectAlarm(stub);
		expect(await outboxOf(stub)).toEqual([]);

		// The events survived: the order is still confirmed.
		const order = await json<{ status: string }>(await call(`/api/v1/orders/${orderId}`, { headers: STAFF }));
		expect(order.status).toBe("confirmed");
	});
	it("hands an event that ran out of attempts to the dead-letter queue, with an error log, and keeps nothing behind", async () => {
		const { stub } = await placed();
		await runDurableObjectAlarm(stub);
		const deadLettered: unknown[] = [];
		const failing = {
			sendBatch: async () => {
				throw new Error("queue unavailable");
			},
		};
		const deadLetters = {
			send: async (body: unknown) => {
				deadLettered.push(body);
			},
		};
		const errors: string[] = [];
		const consoleError = console.error;
		const consoleLog = console.log;
		const capture = (line: unknown) => errors.push(String(line));
		await runInDurableObject(stub, async (instance: CartDurableObject, state) => {
			const bindings = (instance as unknown as { env: Env }).env;
			const original = {
				ORDER_EVENTS: bindings.ORDER_EVENTS,
				ORDER_EVENTS_DEAD_LETTER: bindings.ORDER_EVENTS_DEAD_LETTER,
			};
			Object.assign(bindings, { ORDER_EVENTS: failing, ORDER_EVENTS_DEAD_LETTER: deadLetters });
			console.error = capture;
			console.log = capture;
			try {
				await instance.changeStatus({ kind: "staff", locations: "all" }, { status: "confirmed", etaMinutes: 10 });
				// One attempt short of the maximum, and due now (the OrderPlaced sent earlier is not touched).
				state.storage.sql.exec(
					`UPDATE outbox SET attempts = ${OUTBOX_MAX_ATTEMPTS - 1}, next_attempt_at = 0 WHERE sent_at IS NULL`,
				);
				await instance.alarm();
			} finally {
				Object.assign(bindings, original);
				console.error = consoleError;
				console.log = consoleLog;
			}
		});

		expect(deadLettered).toEqual([expect.objectContaining({ type: "OrderConfirmed", sequence: 3 })]);
		expect(await outboxOf(stub)).toEqual([]);
		expect(errors.some((line) => line.includes("outbox gave up: event sent to the dead-letter queue"))).toBe(true);
	});
});

describe("expiry", () => {
	it("deletes an idle open cart when its alarm fires", async () => {
		const cart = await cartWithFlatWhite();
		const stub = cartStub(await orderIdForCart(cart.id));
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec("UPDATE cart SET expires_at = ?", Date.now() - 1);
		});
		expect(await runDurableObjectAlarm(stub)).toBe(true);
		expect((await call(`/api/v1/carts/${cart.id}`)).status).toBe(404);
	});

	it("keeps a placed order however old its cart is", async () => {
		const { orderId, stub } = await placed();
		await runInDurableObject(stub, (_, state) => {
			state.storage.sql.exec("UPDATE cart SET expires_at = ?", Date.now() - 1);
		});
		await runDurableObjectAlarm(stub);
		expect((await call(`/api/v1/orders/${orderId}`, { headers: STAFF })).status).toBe(200);
	});

	it("keeps an open cart that is still being used", async () => {
		const cart = await cartWithFlatWhite();
		await send("POST", `/api/v1/carts/${cart.id}/items`, {
			itemId: "itm-ldn-flat-white",
			options: ["opt-ldn-flat-white-milk-whole"],
		});
		const stub = cartStub(await orderIdForCart(cart.id));
		await runDurableObjectAlarm(stub);
		expect((await call(`/api/v1/carts/${cart.id}`)).status).toBe(200);
	});
});

describe("concurrent line changes", () => {
	it("keeps an add that merged into a line while a note change to it was waiting", async () => {
		const cart = await cartWithFlatWhite();
		const [line] = (await json<CartBody>(await call(`/api/v1/carts/${cart.id}`))).lines;
		expect(line.quantity).toBe(2);
		const stub = cartStub(await orderIdForCart(cart.id));
		await runInDurableObject(stub, async (instance: CartDurableObject) => {
			const object = instance as unknown as { catalogue: (slug: string) => Promise<unknown> };
			const catalogue = object.catalogue.bind(instance);
			let release = () => {};
			const held = new Promise<void>((resolve) => {
				release = resolve;
			});
			// The note change stalls on its first await until the add below has merged into its line.
			object.catalogue = async (slug) => {
				object.catalogue = catalogue;
				await held;
				return catalogue(slug);
			};
			const update = instance.updateLine(cart.id, null, line.lineId, { note: "extra hot" });
			const added = await instance.addLine(cart.id, null, {
				itemId: "itm-ldn-flat-white",
				quantity: 3,
				options: ["opt-ldn-flat-white-milk-oat"],
			});
			expect(added).toMatchObject({ ok: true, value: { lineId: line.lineId } });
			release();
			expect(await update).toMatchObject({ ok: true });
		});
		const after = await json<CartBody & { lines: { note: string | null }[] }>(await call(`/api/v1/carts/${cart.id}`));
		expect(after.lines).toMatchObject([{ lineId: line.lineId, quantity: 5, note: "extra hot" }]);
	});
});
