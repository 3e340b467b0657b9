/**
 * The order-events consumer projecting OrderPlaced: the order, its lines, its
 * history and the customer's, the daily sales figures and the item pairs; and
 * an order whose account was deleted while its OrderPlaced was queued.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as schema from "../src/db/schema";
import { json, newOrderId, send } from "./helpers";
import {
	categorySales,
	customerHistoryOf,
	db,
	deliver,
	expectFiguresOfOneOrder,
	FLAT_WHITE,
	FULL_ENGLISH,
	findOrder,
	freshBusinessDate,
	itemSales,
	LOCATION,
	locationSales,
	pairCount,
	placed,
	placedPayload,
	statusHistoryOf,
} from "./order-projections-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

let customerCounter = 0;
/** A customer account that exists, as a signed-in customer's OrderPlaced names one; each from its own address. */
async function registerCustomer() {
	customerCounter += 1;
	const response = await send(
		"POST",
		"/api/v1/auth/register",
		{ email: `${newOrderId()}@example.com`, password: "correct horse 42", name: "Grace Hopper" },
		{ "cf-connecting-ip": `198.51.100.${200 + customerCounter}` },
	);
	expect(response.status).toBe(201);
	return json<{ accessToken: string; account: { id: string } }>(response);
}

describe("OrderPlaced", () => {
	it("projects a guest's order, its lines, history, daily sales and item pairs", async () => {
		const orderId = newOrderId();
		const businessDate = freshBusinessDate();
		const pairsBefore = await pairCount();

		const { ids, result } = await deliver([placed(orderId, { businessDate })]);

		expect(result.explicitAcks).toEqual(ids);
		expect(result.retryMessages).toEqual([]);
		expect(result.ackAll).toBe(false);

		const order = await findOrder(orderId);
		expect(order).toMatchObject({
			locationSlug: LOCATION,
			status: "placed",
			fulfilment: "pickup",
			customerRef: "email:ada@example.com",
			contactName: "Ada Lovelace",
			currency: "GBP",
			subtotalMinor: 1910,
			taxMinor: 318,
			taxIncluded: true,
			totalMinor: 1910,
			placedAt: "2030-01-01T09:01:00.000Z",
			businessDate,
			lastSequence: 1,
			estimatedReadyAt: null,
			confirmedAt: null,
		});

		const lines = await db.select().from(schema.orderLines).where(eq(schema.orderLines.orderId, orderId)).all();
		expect(lines.map((line) => [line.itemId, line.quantity, line.lineTotalMinor, line.position])).toEqual([
			[FLAT_WHITE.itemId, 2, 760, 0],
			[FULL_ENGLISH.itemId, 1, 1150, 1],
		]);
		expect(lines[0].options[0].name).toBe("Oat milk");
		expect(lines[1].note).toBe("No black pudding");

		const history = await statusHistoryOf(orderId);
		expect(history.map((entry) => [entry.sequence, entry.status])).toEqual([[1, "placed"]]);

		// A guest has no customer history: nothing reads one by e-mail address.
		expect(await customerHistoryOf(orderId)).toEqual([]);

		await expectFiguresOfOneOrder(businessDate);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			categoryId: FLAT_WHITE.categoryId,
			currency: "GBP",
		});
		expect(await pairCount()).toBe(pairsBefore + 1);
	});

	it("names an account holder's history by customer id, and adds up two orders on the same day", async () => {
		const businessDate = freshBusinessDate();
		const first = newOrderId();
		const second = newOrderId();
		const customer = await registerCustomer();

		await deliver([placed(first, { businessDate, customerId: customer.account.id }), placed(second, { businessDate })]);

		expect((await findOrder(first))?.customerRef).toBe(`customer:${customer.account.id}`);
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			quantity: 4,
			orders: 2,
			revenueMinor: 1520,
		});
		expect(await locationSales(businessDate)).toMatchObject({ orders: 2, revenueMinor: 3820 });
	});

	it("counts the same item on two lines once per order, with both lines' quantities", async () => {
		const businessDate = freshBusinessDate();
		const payload = placedPayload({ businessDate });
		const secondFlatWhite = {
			...payload.lines[0],
			lineId: "line-3",
			quantity: 1,
			unitPrice: 340,
			lineTotal: 340,
			options: [],
		};

		await deliver([placed(newOrderId(), { businessDate, lines: [...payload.lines, secondFlatWhite] })]);

		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({
			quantity: 3,
			orders: 1,
			revenueMinor: 1100,
		});
		expect(await categorySales(businessDate, "cat-ldn-drinks")).toMatchObject({ quantity: 3, orders: 1 });
	});
});

describe("an account deleted while its OrderPlaced is queued", () => {
	it("keeps the contact and history of an order whose account still exists", async () => {
		const customer = await registerCustomer();
		const orderId = newOrderId();
		await deliver([placed(orderId, { customerId: customer.account.id, businessDate: freshBusinessDate() })]);
		expect(await findOrder(orderId)).toMatchObject({
			customerRef: `customer:${customer.account.id}`,
			contactName: "Ada Lovelace",
			contactEmail: "Ada@Example.com",
		});
		expect(await customerHistoryOf(orderId)).toHaveLength(1);
	});

	it("projects the order anonymised, with no history row, when the account is gone", async () => {
		const customer = await registerCustomer();
		const deleted = await send("DELETE", "/api/v1/customers/me", undefined, {
			authorization: `Bearer ${customer.accessToken}`,
		});
		expect(deleted.status).toBe(204);

		const orderId = newOrderId();
		const businessDate = freshBusinessDate();
		const address = { line1: "1 Frith Street", city: "London", postcode: "W1D 3JA", latitude: 51.51, longitude: -0.13 };
		const { ids, result } = await deliver([
			placed(orderId, {
				customerId: customer.account.id,
				businessDate,
				fulfilment: "delivery",
				deliveryAddress: address,
			}),
		]);
		expect(result.explicitAcks).toEqual(ids);

		expect(await findOrder(orderId)).toMatchObject({
			customerRef: null,
			contactName: "Deleted customer",
			contactEmail: "deleted@invalid.example",
			contactPhone: "",
			deliveryAddress: null,
		});
		expect(await customerHistoryOf(orderId)).toEqual([]);
		const row = await env.ORDERS_EU.prepare("SELECT * FROM orders WHERE id = ?").bind(orderId).first();
		expect(JSON.stringify(row)).not.toMatch(/Ada|7946|Frith/i);
		// The restaurant's figures still count the order.
		expect(await itemSales(businessDate, FLAT_WHITE.itemId)).toMatchObject({ quantity: 2, orders: 1 });
	});
});
