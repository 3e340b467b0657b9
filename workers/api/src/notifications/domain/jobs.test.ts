/** Which notification jobs an order event causes, and the retry backoff. */
import { describe, expect, it } from "vitest";
import type { OrderEventEnvelope } from "../../ordering/events";
import { notificationJobsFor, notificationRetryDelaySeconds } from "./jobs";

const ORDER_ID = "ord_3fa2c91b0d4e5f60718293a4b5c6d7e8";

function envelope(type: OrderEventEnvelope["type"], payload: Record<string, unknown> = {}): OrderEventEnvelope {
	return {
		id: "0b5d7c52-6a8e-4c1f-9d2b-3e4f5a6b7c8d",
		type,
		occurredAt: "2030-07-01T10:05:00.000Z",
		orderId: ORDER_ID,
		sequence: 2,
		payload,
	} as OrderEventEnvelope;
}

describe("notificationJobsFor", () => {
	const hooks = [
		{ id: "whk_all", events: null },
		{ id: "whk_cancellations", events: ["OrderCancelled" as const] },
	];

	it("e-mails the customer about the events they hear of, and every subscribed webhook", () => {
		const cancelled = envelope("OrderCancelled", { reason: "x", cancelledBy: "staff" });
		expect(notificationJobsFor(cancelled, "ada@example.com", hooks).map((job) => [job.channel, job.recipient])).toEqual(
			[
				["email", "ada@example.com"],
				["webhook", "whk_all"],
				["webhook", "whk_cancellations"],
			],
		);
	});

	it("sends a kitchen-only event to webhooks alone", () => {
		const preparing = envelope("OrderPreparationStarted", { estimatedReadyAt: "2030-07-01T10:30:00.000Z" });
		expect(notificationJobsFor(preparing, "ada@example.com", hooks).map((job) => job.recipient)).toEqual(["whk_all"]);
	});

	it("e-mails the customer about a refund alone of the payment events; webhooks hear of them all", () => {
		const facts = { provider: "simulator", intentId: "pi_1", amount: 500, currency: "GBP" };
		const refund = envelope("PaymentRefunded", { ...facts, refundId: "re_1", reason: "Cold" });
		expect(notificationJobsFor(refund, "ada@example.com", hooks).map((job) => job.channel)).toEqual([
			"email",
			"webhook",
		]);
		for (const quiet of [
			envelope("PaymentAuthorised", { ...facts, attempt: 1 }),
			envelope("PaymentCaptured", { ...facts, method: "card" }),
			envelope("PaymentVoided", { ...facts, reason: "rejected" }),
		]) {
			expect(notificationJobsFor(quiet, "ada@example.com", hooks).map((job) => job.recipient)).toEqual(["whk_all"]);
		}
	});

	it("e-mails about a rejection, as a cancellation", () => {
		expect(notificationJobsFor(envelope("OrderRejected", { reason: "x" }), "ada@example.com", [])).toHaveLength(1);
	});
});

describe("notificationRetryDelaySeconds", () => {
	it("backs off 30 s, 1, 2, 4, 8 minutes, capped at half an hour", () => {
		expect([1, 2, 3, 4, 5, 6, 7].map(notificationRetryDelaySeconds)).toEqual([30, 60, 120, 240, 480, 960, 1800]);
		expect(notificationRetryDelaySeconds(20)).toBe(1800);
	});
});
