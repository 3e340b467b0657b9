/**
 * Reads across regions: each region's order read models are in their own
 * database (env.ORDERS_EU, ORDERS_US, ORDERS_APAC), planted here directly.
 * Admin stats sum every region; recommendations learn from every region's
 * orders at a location; a location's forecast reads its own region's sales
 * only; an order's notifications are logged in its own region only.
 */
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { type Database, database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { addDays } from "../src/intelligence/domain/calendar";
import { precomputeForecasts } from "../src/intelligence/scheduled";
import { localClock, WEEKDAYS } from "../src/menu/domain/availability";
import { handleDeadNotifications } from "../src/notifications/consumer";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { enqueueNotifications } from "../src/notifications/fan-out";
import type { OrderStatus } from "../src/ordering/domain/order";
import { bearer, call, json, PRINCIPALS } from "./helpers";
import {
	deliver,
	emailJob,
	inbox,
	orderId,
	placedEvent,
	project,
	quietLogs,
	statusEvent,
	uniqueEmail,
} from "./notifications-helpers";

const global = database(env.DB);
const REGION_DATABASES = { eu: env.ORDERS_EU, us: env.ORDERS_US, apac: env.ORDERS_APAC } as const;
type RegionName = keyof typeof REGION_DATABASES;
const ordersIn = (region: RegionName): Database => database(REGION_DATABASES[region]);

const RUN = crypto.randomUUID().slice(0, 8);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TIME_ZONE = "Europe/London";

const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

/** A location of the catalogue (global), in a region. */
async function addLocation(slug: string, region: RegionName): Promise<void> {
	await global.insert(schema.locations).values({
		slug,
		name: `GoodFood ${slug}`,
		addressLine: "1 Test Street",
		city: "London",
		postcode: "W1 1AA",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: TIME_ZONE,
		region,
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: allDay,
	});
}

/** An order with its lines in a region's database, as the projections leave it. */
async function plantOrder(
	region: RegionName,
	locationSlug: string,
	status: OrderStatus,
	placedAgoMs: number,
	lines: [itemId: string, quantity: number][],
): Promise<string> {
	const orders = ordersIn(region);
	const id = orderId(region);
	const placedAt = new Date(Date.now() - placedAgoMs);
	await orders.batch([
		orders.insert(schema.orders).values({
			id,
			locationSlug,
			status,
			fulfilment: "pickup",
			contactName: "Ada Lovelace",
			contactEmail: "ada@example.com",
			contactPhone: "+44 20 7946 0000",
			currency: "GBP",
			subtotalMinor: 1000,
			taxMinor: 167,
			taxIncluded: true,
			deliveryFeeMinor: 0,
			tipMinor: 0,
			totalMinor: 1000,
			placedAt: placedAt.toISOString(),
			businessDate: placedAt.toISOString().slice(0, 10),
			readyAt: status === "ready" ? new Date(placedAt.getTime() + 10 * MINUTE).toISOString() : null,
			lastSequence: 1,
			updatedAt: new Date().toISOString(),
		}),
		...lines.map(([itemId, quantity], position) =>
			orders.insert(schema.orderLines).values({
				orderId: id,
				lineId: `line-${position}`,
				position,
				itemId,
				name: itemId,
				categoryId: "cat-regions",
				quantity,
				unitPriceMinor: 500,
				lineTotalMinor: 500 * quantity,
				options: [],
			}),
		),
	]);
	return id;
}

interface Stats {
	orders: number;
	ordersByStatus: Record<OrderStatus, number>;
	placedToReady: { orders: number };
	topItems: { itemId: string; name: string; quantity: number; orders: number }[];
	regions: { region: string; orders: number }[];
}

async function adminStats(query = ""): Promise<Stats> {
	const response = await call(`/api/v1/admin/stats${query}`, { headers: await bearer(PRINCIPALS.admin) });
	expect(response.status).toBe(200);
	return json<Stats>(response);
}

const ordersByRegion = (stats: Stats) =>
	Object.fromEntries(stats.regions.map((region) => [region.region, region.orders]));

describe("GET /admin/stats across regions", () => {
	const STATS = { eu: `stats-eu-${RUN}`, us: `stats-us-${RUN}`, apac: `stats-apac-${RUN}` };
	/** Sold in every region, far more than anything else, so it tops the merged ranking. */
	const SHARED_ITEM = `itm-regions-shared-${RUN}`;
	let before: Stats;

	beforeAll(async () => {
		before = await adminStats("?top=50");
		await addLocation(STATS.eu, "eu");
		await addLocation(STATS.us, "us");
		await addLocation(STATS.apac, "apac");
		// eu: 3 orders (1 ready); us: 2 (1 cancelled); apac: 1 ready.
		await plantOrder("eu", STATS.eu, "ready", 2 * HOUR, [[SHARED_ITEM, 4000]]);
		await plantOrder("eu", STATS.eu, "placed", HOUR, [[SHARED_ITEM, 3000]]);
		await plantOrder("eu", STATS.eu, "preparing", 30 * MINUTE, [[`itm-regions-eu-${RUN}`, 1]]);
		await plantOrder("us", STATS.us, "confirmed", HOUR, [[SHARED_ITEM, 2000]]);
		// Cancelled: counted as an order, not as items sold.
		await plantOrder("us", STATS.us, "cancelled", HOUR, [[SHARED_ITEM, 50_000]]);
		await plantOrder("apac", STATS.apac, "ready", 3 * HOUR, [[SHARED_ITEM, 1000]]);
	});

	it("sums every region's orders, by status and by region", async () => {
		const after = await adminStats("?top=50");
		expect(after.regions.map((region) => region.region)).toEqual(["eu", "us", "apac"]);
		const was = ordersByRegion(before);
		const now = ordersByRegion(after);
		expect({ eu: now.eu - was.eu, us: now.us - was.us, apac: now.apac - was.apac }).toEqual({ eu: 3, us: 2, apac: 1 });
		expect(after.orders - before.orders).toBe(6);
		expect(after.ordersByStatus.ready - before.ordersByStatus.ready).toBe(2);
		expect(after.ordersByStatus.cancelled - before.ordersByStatus.cancelled).toBe(1);
		expect(after.placedToReady.orders - before.placedToReady.orders).toBe(2);
	});

	it("ranks an item sold in several regions by its quantity summed over them", async () => {
		const [top] = (await adminStats("?top=1")).topItems;
		expect(top).toEqual({ itemId: SHARED_ITEM, name: SHARED_ITEM, quantity: 10_000, orders: 4 });
	});

	it("gives one location's figures from its own region", async () => {
		const us = await adminStats(`?location=${STATS.us}`);
		expect(us.regions).toEqual([{ region: "us", orders: 2 }]);
		expect(us.orders).toBe(2);
		expect(us.topItems).toEqual([{ itemId: SHARED_ITEM, name: SHARED_ITEM, quantity: 2000, orders: 1 }]);
	});
});

describe("recommendations learn from every region", () => {
	const SLUG = `regions-kitchen-${RUN}`;
	const CUSTOMER: Principal = { id: `acc-regions-${RUN}`, role: "customer", locations: [] };
	const ITEMS = { usual: `itm-usual-${RUN}`, side: `itm-side-${RUN}`, drink: `itm-drink-${RUN}` };

	beforeAll(async () => {
		// The location is in eu now; it was in us before, and its orders from then stay there.
		await addLocation(SLUG, "eu");
		await global.insert(schema.categories).values({ id: `cat-${SLUG}`, locationSlug: SLUG, name: "All", position: 1 });
		await global.insert(schema.items).values(
			Object.entries(ITEMS).map(([name, id]) => ({
				id,
				locationSlug: SLUG,
				categoryId: `cat-${SLUG}`,
				name,
				priceMinor: 500,
				allergens: [],
			})),
		);
		await global.insert(schema.accounts).values({
			id: CUSTOMER.id,
			email: `regions-${RUN}@example.com`,
			role: "customer",
			passwordHash: "unused",
			name: "Test Customer",
		});
		const pair = (itemA: string, itemB: string, ordersTogether: number) => {
			const [a, b] = [itemA, itemB].sort();
			return { locationSlug: SLUG, itemA: a, itemB: b, ordersTogether };
		};
		const sales = (itemId: string, orders: number) => ({
			locationSlug: SLUG,
			businessDate: addDays(localClock(new Date(), TIME_ZONE).date, -1),
			itemId,
			categoryId: `cat-${SLUG}`,
			quantity: orders,
			orders,
			revenueMinor: orders * 500,
			currency: "GBP",
		});
		// In eu alone the drink goes with the usual more often (5 against 3); with us's 4 the side does (7 against 5).
		await ordersIn("eu")
			.insert(schema.itemPairs)
			.values([pair(ITEMS.usual, ITEMS.side, 3), pair(ITEMS.usual, ITEMS.drink, 5)]);
		await ordersIn("us")
			.insert(schema.itemPairs)
			.values([pair(ITEMS.usual, ITEMS.side, 4)]);
		await ordersIn("eu")
			.insert(schema.dailyItemSales)
			.values([sales(ITEMS.usual, 10), sales(ITEMS.side, 10), sales(ITEMS.drink, 10)]);
		await ordersIn("us")
			.insert(schema.dailyItemSales)
			.values([sales(ITEMS.usual, 5), sales(ITEMS.side, 5)]);
		// The customer's one past order here was placed while the location was in us.
		const past = orderId("us");
		await ordersIn("us")
			.insert(schema.customerOrderHistory)
			.values({
				customerRef: `customer:${CUSTOMER.id}`,
				orderId: past,
				locationSlug: SLUG,
				placedAt: "2026-01-01T12:00:00.000Z",
				status: "picked_up",
				totalMinor: 500,
				currency: "GBP",
			});
		await ordersIn("us")
			.insert(schema.orderLines)
			.values({
				orderId: past,
				lineId: "line-1",
				position: 0,
				itemId: ITEMS.usual,
				categoryId: `cat-${SLUG}`,
				name: "usual",
				quantity: 1,
				unitPriceMinor: 500,
				lineTotalMinor: 500,
				options: [],
			});
	});

	it("seeds from the customer's history in another region and sums each pair over the regions", async () => {
		const response = await call(`/api/v1/recommendations?location=${SLUG}&count=3`, {
			headers: await bearer(CUSTOMER),
		});
		expect(response.status).toBe(200);
		const body = await json<{
			basis: string;
			recommendations: { item: { id: string }; score: number; reason: string }[];
		}>(response);
		expect(body.basis).toBe("history");
		expect(body.recommendations.map((suggestion) => [suggestion.item.id, suggestion.reason])).toEqual([
			[ITEMS.usual, "You ordered this before"],
			[ITEMS.side, "Often ordered with usual"],
			[ITEMS.drink, "Often ordered with usual"],
		]);
		// Together 3 + 4 of 15 and 15 orders: 7 / (15 + 2), plus 5% of its popularity (the most ordered, 15 of 15).
		expect(body.recommendations[1].score).toBe(0.4618);
	});
});

describe("a location's forecast reads its own region's sales", () => {
	const SLUG = `regions-forecast-${RUN}`;
	const CATEGORY = `cat-${SLUG}`;
	const MANAGER: Principal = { id: `acc-regions-manager-${RUN}`, role: "manager", locations: [SLUG] };
	const today = () => localClock(new Date(), TIME_ZONE).date;
	const day = (daysAgo: number, quantity: number) => ({
		locationSlug: SLUG,
		businessDate: addDays(today(), -daysAgo),
		categoryId: CATEGORY,
		quantity,
		orders: quantity,
		revenueMinor: quantity * 500,
		currency: "GBP",
	});

	beforeAll(async () => {
		await addLocation(SLUG, "us");
		await global.insert(schema.categories).values({ id: CATEGORY, locationSlug: SLUG, name: "Mains", position: 1 });
		// 60 days of 10 a day in us, its region; eu holds 1,000 a day under the same location, which must not count.
		const days = Array.from({ length: 60 }, (_, index) => index + 1);
		for (let start = 0; start < days.length; start += 10) {
			const some = days.slice(start, start + 10);
			await ordersIn("us")
				.insert(schema.dailyCategorySales)
				.values(some.map((daysAgo) => day(daysAgo, 10)));
			await ordersIn("eu")
				.insert(schema.dailyCategorySales)
				.values(some.map((daysAgo) => day(daysAgo, 1000)));
		}
	});

	it("answers a past day's actual and forecast from the location's region", async () => {
		const date = addDays(today(), -3);
		const response = await call(`/api/v1/forecasts/demand?location=${SLUG}&category=${CATEGORY}&date=${date}`, {
			headers: await bearer(MANAGER),
		});
		expect(response.status).toBe(200);
		const body = await json<{ actual: number | null; predicted: number; source: string }>(response);
		expect(body).toMatchObject({ actual: 10, source: "computed" });
		expect(body.predicted).toBeCloseTo(10, 0);
	});

	it("precomputes the location's forecasts from its region into the global database", async () => {
		quietLogs();
		const summary = await precomputeForecasts(env, new Date());
		expect(summary.failures).not.toContain(SLUG);
		const stored = await global
			.select()
			.from(schema.demandForecasts)
			.where(and(eq(schema.demandForecasts.locationSlug, SLUG), eq(schema.demandForecasts.date, today())))
			.get();
		expect(stored?.categoryId).toBe(CATEGORY);
		expect(stored?.predicted).toBeCloseTo(10, 0);
	});
});

describe("an order's notifications are logged in its region", () => {
	const logIn = (region: RegionName, job: NotificationJob) =>
		ordersIn(region)
			.select()
			.from(schema.notificationLog)
			.where(
				and(
					eq(schema.notificationLog.eventId, job.event.id),
					eq(schema.notificationLog.channel, job.channel),
					eq(schema.notificationLog.recipient, job.recipient),
				),
			)
			.get();

	it("e-mails about an APAC order from its APAC read model and logs the send in ORDERS_APAC only", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId("apac"), "tokyo-shibuya", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const { ids, result } = await deliver([job]);

		expect(result.explicitAcks).toEqual(ids);
		const [kept] = await inbox(email);
		expect(kept.subject).toContain("We've got your order");
		expect(await logIn("apac", job)).toMatchObject({ status: "sent", providerMessageId: kept.id });
		expect(await logIn("eu", job)).toBeUndefined();
		expect(await logIn("us", job)).toBeUndefined();
	});

	it("gives up a dead-lettered APAC job in ORDERS_APAC only", async () => {
		quietLogs();
		const email = uniqueEmail();
		const placed = placedEvent(orderId("apac"), "tokyo-shibuya", { email });
		const job = emailJob(placed, email);

		const { ids, result } = await deliver([job], {
			handler: handleDeadNotifications,
			queue: "goodfood-notifications-dlq",
		});

		expect(result.explicitAcks).toEqual(ids);
		expect(await logIn("apac", job)).toMatchObject({ status: "dead" });
		expect(await logIn("eu", job)).toBeUndefined();
	});

	it("fans out a status change of an APAC order to the contact its APAC read model holds", async () => {
		const email = uniqueEmail();
		const id = orderId("apac");
		await project(placedEvent(id, "tokyo-shibuya", { email }));
		const confirmed = statusEvent("OrderConfirmed", id, 2, { estimatedReadyAt: "2030-07-01T03:30:00.000Z" });
		const sent: NotificationJob[] = [];
		const NOTIFICATIONS = {
			send: async () => {},
			sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
				for (const { body } of messages) sent.push(body);
			},
		};

		expect(await enqueueNotifications({ ...env, NOTIFICATIONS } as unknown as Env, confirmed)).toBe(true);

		expect(sent.filter((job) => job.channel === "email").map((job) => job.recipient)).toEqual([email]);
	});
});
