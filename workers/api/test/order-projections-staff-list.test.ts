/** The staff order list reading what the consumer projected (happy path, errors, security). */
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, errorOf, newOrderId, STAFF } from "./helpers";
import { deliver, event, freshBusinessDate, LOCATION, placed } from "./order-projections-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("staff order list", () => {
	function list(path: string, headers: Record<string, string> = STAFF) {
		return call(`/api/v1${path}`, { headers });
	}

	interface Listed {
		orders: {
			id: string;
			status: string;
			placedAt: string;
			predictedReadyAt: string | null;
			estimatedReadyAt: string | null;
			contact: { name: string };
			totals: { total: { amount: number; currency: string }; taxIncluded: boolean };
			lines: { name: string; quantity: number; options: string[]; note: string | null }[];
			payment: { method: string | null; status: string };
		}[];
	}

	let boards = 0;
	/** Three orders placed later than any placed before them: two still placed, one confirmed. */
	async function placeBoard() {
		boards += 1;
		const at = (minutes: number) => new Date(Date.UTC(2031, 5, boards, 10, minutes)).toISOString();
		const older = newOrderId();
		const newer = newOrderId();
		const confirmed = newOrderId();
		await deliver([
			placed(older, { businessDate: freshBusinessDate() }, at(0)),
			placed(newer, { businessDate: freshBusinessDate(), predictedReadyAt: at(23) }, at(5)),
			placed(confirmed, { businessDate: freshBusinessDate() }, at(3)),
			event("OrderConfirmed", confirmed, 2, { estimatedReadyAt: at(20) }),
		]);
		return { older, newer, confirmed, at };
	}

	it("lists the orders in the given statuses, newest first, with what the kitchen needs", async () => {
		const { older, newer, confirmed, at } = await placeBoard();

		const response = await list(`/locations/${LOCATION}/orders?status=placed`);
		expect(response.status).toBe(200);
		const { orders } = (await response.json()) as Listed;
		expect(orders.every((order) => order.status === "placed")).toBe(true);
		const ids = orders.map((order) => order.id);
		expect(ids).not.toContain(confirmed);
		expect(ids.indexOf(newer)).toBeGreaterThanOrEqual(0);
		expect(ids.indexOf(newer)).toBeLessThan(ids.indexOf(older));
		const placedTimes = orders.map((order) => order.placedAt);
		expect(placedTimes).toEqual([...placedTimes].sort().reverse());

		expect(orders.find((order) => order.id === older)?.predictedReadyAt).toBeNull();
		const shown = orders.find((order) => order.id === newer);
		expect(shown).toMatchObject({
			status: "placed",
			placedAt: at(5),
			// The kitchen's load-based prediction, which the board's confirm dialog starts from.
			predictedReadyAt: at(23),
			contact: { name: "Ada Lovelace" },
			totals: { total: { amount: 1910, currency: "GBP" }, taxIncluded: true },
			lines: [
				{ name: "Flat White", quantity: 2, options: ["Oat milk"], note: null },
				{ name: "Full English", quantity: 1, options: [], note: "No black pudding" },
			],
		});
	});

	it("takes a comma-separated list of statuses and a limit", async () => {
		const { newer, confirmed, at } = await placeBoard();

		const response = await list(`/locations/${LOCATION}/orders?status=confirmed,placed&limit=2`);
		expect(response.status).toBe(200);
		const { orders } = (await response.json()) as Listed;
		expect(orders.map((order) => order.id)).toEqual([newer, confirmed]);
		expect(orders[1]).toMatchObject({ status: "confirmed", estimatedReadyAt: at(20) });
	});

	it("says how each order is paid, so the board can mark those to be paid at the counter", async () => {
		const at = (minutes: number) => new Date(Date.UTC(2031, 6, 1, 10, minutes)).toISOString();
		const [card, counter, collected, beforePayments] = [newOrderId(), newOrderId(), newOrderId(), newOrderId()];
		const facts = { provider: "simulator", intentId: "pi_sim_list", amount: 1910, currency: "GBP" };
		await deliver([
			placed(card, { businessDate: freshBusinessDate(), payment: { method: "card" } }, at(0)),
			event("PaymentAuthorised", card, 2, { ...facts, attempt: 1 }),
			placed(counter, { businessDate: freshBusinessDate(), payment: { method: "pay_at_pickup" } }, at(1)),
			placed(collected, { businessDate: freshBusinessDate(), payment: { method: "pay_at_pickup" } }, at(2)),
			event("OrderPickedUp", collected, 2, {}),
			event("PaymentCaptured", collected, 3, { ...facts, intentId: null, method: "pay_at_pickup" }),
			placed(beforePayments, { businessDate: freshBusinessDate(), payment: undefined }, at(3)),
		]);

		const { orders } = (await (await list(`/locations/${LOCATION}/orders?limit=200`)).json()) as Listed;
		const paymentOf = (id: string) => orders.find((order) => order.id === id)?.payment;
		expect(paymentOf(card)).toEqual({ method: "card", status: "authorised" });
		expect(paymentOf(counter)).toEqual({ method: "pay_at_pickup", status: "due_at_pickup" });
		expect(paymentOf(collected)).toEqual({ method: "pay_at_pickup", status: "collected" });
		expect(paymentOf(beforePayments)).toEqual({ method: null, status: "not_recorded" });
	});

	it("returns a D1 bookmark", async () => {
		const response = await list(`/locations/${LOCATION}/orders`);
		expect(response.status).toBe(200);
		expect(response.headers.get("x-d1-bookmark")).toBeTruthy();
	});

	it("refuses a request without the staff token with 401", async () => {
		const response = await list(`/locations/${LOCATION}/orders`, {});
		expect(response.status).toBe(401);
		expect((await errorOf(response)).code).toBe("unauthorized");
	});

	it("answers an unknown location with 404", async () => {
		const response = await list("/locations/atlantis/orders");
		expect(response.status).toBe(404);
		expect((await errorOf(response)).code).toBe("not_found");
	});

	it("answers a bad status or limit with 400 naming the field", async () => {
		const badStatus = await list(`/locations/${LOCATION}/orders?status=placed,eaten`);
		expect(badStatus.status).toBe(400);
		const error = await errorOf(badStatus);
		expect(error.code).toBe("validation_failed");
		expect(error.details?.map((issue) => issue.field)).toEqual(["status"]);

		const badLimit = await list(`/locations/${LOCATION}/orders?limit=500`);
		expect(badLimit.status).toBe(400);
		expect((await errorOf(badLimit)).details?.map((issue) => issue.field)).toEqual(["limit"]);
	});
});
