/** Reconciliation's rule: when an order event counts as projected and notified, and what it is missing when not. */
import { describe, expect, it } from "vitest";
import { placedPayload } from "./domain/fixtures";
import type { OrderEventEnvelope } from "./events";
import { confirmationOf, type DeliveryRecord, settledKey } from "./reconciliation";

const OCCURRED_AT = "2030-07-01T10:00:00.000Z";

const placed = {
	id: "evt-placed",
	type: "OrderPlaced",
	occurredAt: OCCURRED_AT,
	orderId: "ord_1",
	sequence: 1,
	payload: placedPayload,
} as OrderEventEnvelope;

const preparing = {
	id: "evt-preparing",
	type: "OrderPreparationStarted",
	occurredAt: OCCURRED_AT,
	orderId: "ord_1",
	sequence: 2,
	payload: { estimatedReadyAt: OCCURRED_AT },
} as OrderEventEnvelope;

const hook = (
	id: string,
	createdAt = "2030-01-01T00:00:00.000Z",
	events: DeliveryRecord["webhooks"][0]["events"] = null,
) => ({
	id,
	events,
	createdAt,
});

function record(overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
	return {
		projected: new Set([placed.id, preparing.id]),
		contactEmail: "ada@example.com",
		webhooks: [],
		settled: new Set(),
		...overrides,
	};
}

describe("reconciliation", () => {
	it("confirms an event projected whose e-mail and webhook deliveries are settled", () => {
		const settled = new Set([
			settledKey(placed.id, "email", "ada@example.com"),
			settledKey(placed.id, "webhook", "whk_1"),
		]);
		expect(confirmationOf(placed, record({ webhooks: [hook("whk_1")], settled }))).toEqual({ confirmed: true });
	});

	it("names the projection when the event never reached the read models", () => {
		const unprojected = record({ projected: new Set(), contactEmail: null });
		expect(confirmationOf(placed, unprojected)).toEqual({ confirmed: false, missing: ["projection"] });
	});

	it("names each notification not settled yet: the lost e-mail of an event projected in the request", () => {
		const settled = new Set([settledKey(placed.id, "webhook", "whk_1")]);
		const webhooks = [hook("whk_1"), hook("whk_2")];
		expect(confirmationOf(placed, record({ webhooks, settled }))).toEqual({
			confirmed: false,
			missing: ["email", "webhook:whk_2"],
		});
	});

	it("counts an e-mail skipped under the erased placeholder address as settled", () => {
		const settled = new Set([settledKey(placed.id, "email", "erased@invalid")]);
		expect(confirmationOf(placed, record({ settled }))).toEqual({ confirmed: true });
	});

	it("owes nothing to an erased customer, to a webhook registered after the event, or to one not subscribed to it", () => {
		const webhooks = [hook("whk_later", "2030-07-01T10:00:00.001Z"), hook("whk_ready_only", undefined, ["OrderReady"])];
		expect(confirmationOf(placed, record({ contactEmail: null, webhooks }))).toEqual({ confirmed: true });
	});

	it("needs only the projection for an event customers are not e-mailed about", () => {
		expect(confirmationOf(preparing, record())).toEqual({ confirmed: true });
		expect(confirmationOf(preparing, record({ projected: new Set() }))).toEqual({
			confirmed: false,
			missing: ["projection"],
		});
	});

	it("waits for a refund's e-mail, but only for the projection of the other payment events", () => {
		const facts = { provider: "simulator", intentId: "pi_1", amount: 500, currency: "GBP" };
		const payment = (id: string, type: OrderEventEnvelope["type"], payload: object, sequence: number) =>
			({ id, type, occurredAt: OCCURRED_AT, orderId: "ord_1", sequence, payload }) as OrderEventEnvelope;
		const captured = payment("evt-captured", "PaymentCaptured", { ...facts, method: "card" }, 3);
		const refunded = payment("evt-refunded", "PaymentRefunded", { ...facts, refundId: "re_1", reason: "Cold" }, 4);
		const projected = new Set([captured.id, refunded.id]);

		expect(confirmationOf(captured, record({ projected }))).toEqual({ confirmed: true });
		expect(confirmationOf(refunded, record({ projected }))).toEqual({ confirmed: false, missing: ["email"] });
		const settled = new Set([settledKey(refunded.id, "email", "ada@example.com")]);
		expect(confirmationOf(refunded, record({ projected, settled }))).toEqual({ confirmed: true });
	});
});
