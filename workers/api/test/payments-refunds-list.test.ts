/**
 * The manager's refunds list: a location's refunds as the projections
 * recorded them, newest first, within a range and a limit, for its managers
 * and admins only.
 */
import { describe, expect, it } from "vitest";
import { bearer, call, errorOf, newOrderId, PRINCIPALS, STAFF } from "./helpers";
import { deliver, event, freshBusinessDate, placed } from "./order-projections-helpers";

interface Listed {
	refunds: {
		refundId: string;
		orderId: string;
		amount: { amount: number; currency: string };
		reason: string;
		refundedAt: string;
	}[];
}

function list(query = "", headers: Record<string, string> = STAFF, slug = "london-soho") {
	return call(`/api/v1/locations/${slug}/refunds${query}`, { headers });
}

const facts = { provider: "simulator", intentId: "pi_sim_refunds", amount: 1910, currency: "GBP" };

let months = 0;
/** A captured London order with two refunds, on days of a month no other test uses: the 3rd and the 10th. */
async function refundedOrder() {
	months += 1;
	const day = (date: number) => new Date(Date.UTC(2032, months, date, 12)).toISOString();
	const orderId = newOrderId();
	const refund = (sequence: number, amount: number, reason: string, at: string) =>
		event(
			"PaymentRefunded",
			orderId,
			sequence,
			{ ...facts, amount, refundId: `re_${orderId}_${sequence}`, reason },
			at,
		);
	await deliver([
		placed(orderId, { businessDate: freshBusinessDate(), payment: { method: "card" } }),
		event("PaymentAuthorised", orderId, 2, { ...facts, attempt: 1 }),
		event("OrderPickedUp", orderId, 3, {}),
		event("PaymentCaptured", orderId, 4, { ...facts, method: "card" }),
		refund(5, 300, "Missing sauce", day(3)),
		refund(6, 500, "Cold chips", day(10)),
	]);
	const month = day(1).slice(0, 7);
	return { orderId, day, month, first: `re_${orderId}_5`, second: `re_${orderId}_6` };
}

describe("a location's refunds", () => {
	it("lists them newest first with amount, reason and order, for the location's manager", async () => {
		const { orderId, month, first, second, day } = await refundedOrder();
		const manager = await bearer(PRINCIPALS.manager);

		const response = await list(`?from=${month}-01&to=${month}-28`, manager);
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("no-store");
		expect(await response.json()).toEqual({
			refunds: [
				{
					refundId: second,
					orderId,
					amount: { amount: 500, currency: "GBP" },
					reason: "Cold chips",
					refundedAt: day(10),
				},
				{
					refundId: first,
					orderId,
					amount: { amount: 300, currency: "GBP" },
					reason: "Missing sauce",
					refundedAt: day(3),
				},
			],
		});
	});

	it("keeps to the range (a date covers its whole day, to is exclusive for a time) and the limit", async () => {
		const { month, first, second, day } = await refundedOrder();
		const ids = async (query: string) =>
			((await (await list(query)).json()) as Listed).refunds.map((refund) => refund.refundId);

		expect(await ids(`?from=${month}-03&to=${month}-03`)).toEqual([first]);
		expect(await ids(`?from=${month}-04&to=${month}-28`)).toEqual([second]);
		expect(await ids(`?from=${day(3)}&to=${day(10)}`)).toEqual([first]);
		expect(await ids(`?from=${month}-01&to=${month}-28&limit=1`)).toEqual([second]);
		// Without a range: every refund, newest first (later tests' months come after).
		expect(await ids("?limit=200")).toEqual(expect.arrayContaining([first, second]));
	});

	it("refuses bad dates, a range that ends before it starts and a bad limit, with 400 naming the field", async () => {
		for (const [query, field] of [
			["?from=yesterday", "from"],
			["?to=2030-02-31", "to"],
			["?from=2030-07-01T10:00", "from"],
			["?from=2030-07-02&to=2030-07-01", "to"],
			["?limit=0", "limit"],
			["?limit=201", "limit"],
		]) {
			const response = await list(query);
			expect(response.status, query).toBe(400);
			const error = await errorOf(response);
			expect(error.code).toBe("validation_failed");
			expect(error.details?.map((issue) => issue.field)).toEqual([field]);
		}
	});

	it("is refused to kitchen staff, other locations' staff and customers; 404 for an unknown location", async () => {
		const asKitchen = await list("", await bearer(PRINCIPALS.kitchen));
		expect(asKitchen.status).toBe(403);
		expect((await errorOf(asKitchen)).details).toMatchObject({ reason: "role", role: "kitchen" });

		const chelseaManager = await bearer({
			id: "acc-test-manager-chelsea",
			role: "manager",
			locations: ["new-york-chelsea"],
		});
		const elsewhere = await list("", chelseaManager);
		expect(elsewhere.status).toBe(403);
		expect((await errorOf(elsewhere)).details).toMatchObject({ reason: "location" });

		expect((await list("", await bearer(PRINCIPALS.customer))).status).toBe(403);
		expect((await list("", {})).status).toBe(401);
		expect((await list("", STAFF, "atlantis")).status).toBe(404);
	});
});
