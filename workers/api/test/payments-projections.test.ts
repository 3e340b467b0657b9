/**
 * Payment events in the read models: the order's payment method, status,
 * intent and amounts, and its refunds, applied once each, in whatever order
 * the queue delivers them, and never moving the order's own status.
 */
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as schema from "../src/db/schema";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { newOrderId } from "./helpers";
import { db, deliver, event, findOrder, freshBusinessDate, placed, statusHistoryOf } from "./order-projections-helpers";

const TOTAL = 1910;
const facts = (intentId: string | null = "pi_sim_1") => ({
	provider: "simulator",
	intentId,
	amount: TOTAL,
	currency: "GBP",
});

function cardOrder(orderId: string): OrderEventEnvelope {
	return placed(orderId, { businessDate: freshBusinessDate(), payment: { method: "card" } });
}
const authorised = (orderId: string, sequence = 2) =>
	event("PaymentAuthorised", orderId, sequence, { ...facts(), attempt: 1 });
const captured = (orderId: string, sequence: number, amount = TOTAL) =>
	event("PaymentCaptured", orderId, sequence, { ...facts(), amount, method: "card" });
const refunded = (orderId: string, sequence: number, amount: number, refundId = `re_${orderId}_${sequence}`) =>
	event("PaymentRefunded", orderId, sequence, { ...facts(), amount, refundId, reason: "Cold chips" });

function refundsOf(orderId: string) {
	const { orderRefunds } = schema;
	return db.select().from(orderRefunds).where(eq(orderRefunds.orderId, orderId)).orderBy(orderRefunds.refundedAt).all();
}

describe("OrderPlaced's payment", () => {
	it.each([
		[{ method: "card" as const }, "card", "authorised"],
		[{ method: "pay_at_pickup" as const }, "pay_at_pickup", "due_at_pickup"],
		[undefined, null, "not_recorded"],
	])("records %o as method %s, status %s", async (payment, method, status) => {
		const orderId = newOrderId();
		await deliver([placed(orderId, { businessDate: freshBusinessDate(), payment })]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "placed",
			paymentMethod: method,
			paymentStatus: status,
			paymentIntentId: null,
			capturedMinor: 0,
			refundedMinor: 0,
		});
	});
});

describe("payment events", () => {
	it("follow a card order from authorisation to a partial then a full refund, leaving its status alone", async () => {
		const orderId = newOrderId();
		await deliver([cardOrder(orderId), authorised(orderId)]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "placed",
			paymentStatus: "authorised",
			paymentIntentId: "pi_sim_1",
		});

		await deliver([event("OrderPickedUp", orderId, 3, {}), captured(orderId, 4)]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "picked_up",
			lastSequence: 3,
			paymentStatus: "captured",
			capturedMinor: TOTAL,
		});

		await deliver([refunded(orderId, 5, 500)]);
		expect(await findOrder(orderId)).toMatchObject({ paymentStatus: "partially_refunded", refundedMinor: 500 });
		await deliver([refunded(orderId, 6, TOTAL - 500)]);
		expect(await findOrder(orderId)).toMatchObject({
			status: "picked_up",
			paymentStatus: "refunded",
			refundedMinor: TOTAL,
		});

		expect(await refundsOf(orderId)).toEqual([
			expect.objectContaining({
				refundId: `re_${orderId}_5`,
				locationSlug: "london-soho",
				amountMinor: 500,
				currency: "GBP",
			}),
			expect.objectContaining({ refundId: `re_${orderId}_6`, amountMinor: TOTAL - 500, reason: "Cold chips" }),
		]);
		// The ledger keeps each payment event at the status the order had.
		expect((await statusHistoryOf(orderId)).map((row) => row.status)).toEqual([
			"placed",
			"placed",
			"picked_up",
			"picked_up",
			"picked_up",
			"picked_up",
		]);
	});

	it("apply once when delivered twice", async () => {
		const orderId = newOrderId();
		const refund = refunded(orderId, 5, 300);
		await deliver([cardOrder(orderId), authorised(orderId), captured(orderId, 4)]);
		await deliver([refund]);
		const { result, ids } = await deliver([refund, captured(orderId, 4)]);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(await findOrder(orderId)).toMatchObject({ capturedMinor: TOTAL, refundedMinor: 300 });
		expect(await refundsOf(orderId)).toHaveLength(1);
	});

	it("do not regress the payment when an earlier one arrives later", async () => {
		const orderId = newOrderId();
		await deliver([cardOrder(orderId)]);
		await deliver([captured(orderId, 4)]);
		await deliver([authorised(orderId)]);
		expect(await findOrder(orderId)).toMatchObject({ paymentStatus: "captured", paymentIntentId: "pi_sim_1" });

		// A refund before the capture it refunds: the amounts decide once both are in.
		const other = newOrderId();
		await deliver([cardOrder(other), authorised(other)]);
		await deliver([refunded(other, 5, 400)]);
		await deliver([captured(other, 4)]);
		expect(await findOrder(other)).toMatchObject({
			paymentStatus: "partially_refunded",
			capturedMinor: TOTAL,
			refundedMinor: 400,
		});
	});

	it("leave a late status event free to move the order (payment events do not advance its sequence)", async () => {
		const orderId = newOrderId();
		await deliver([cardOrder(orderId), authorised(orderId)]);
		await deliver([captured(orderId, 4)]);
		await deliver([event("OrderPickedUp", orderId, 3, {})]);
		expect(await findOrder(orderId)).toMatchObject({ status: "picked_up", paymentStatus: "captured" });
	});

	it("release an authorisation as voided, and mark money taken at the counter as collected", async () => {
		const rejected = newOrderId();
		await deliver([
			cardOrder(rejected),
			authorised(rejected),
			event("OrderRejected", rejected, 3, { reason: "Closing early" }),
			event("PaymentVoided", rejected, 4, { ...facts(), reason: "order rejected" }),
		]);
		expect(await findOrder(rejected)).toMatchObject({ status: "rejected", paymentStatus: "voided" });

		const counter = newOrderId();
		await deliver([
			placed(counter, { businessDate: freshBusinessDate(), payment: { method: "pay_at_pickup" } }),
			event("OrderPickedUp", counter, 2, {}),
			event("PaymentCaptured", counter, 3, { ...facts(null), method: "pay_at_pickup" }),
		]);
		expect(await findOrder(counter)).toMatchObject({
			status: "picked_up",
			paymentMethod: "pay_at_pickup",
			paymentStatus: "collected",
			paymentIntentId: null,
			capturedMinor: TOTAL,
		});
	});
});
