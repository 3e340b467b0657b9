/**
 * Recommendations and demand forecasts through the worker, over read models
 * seeded straight into D1 (the catalogue in the global database, the order
 * read models in the eu region's) for a test location open around the clock: reasons,
 * the filtering rules, the popularity fallback, forecasts and their intervals,
 * the nightly precompute, the staff list; bad input and who may see what.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import worker from "../src/index";
import { addDays } from "../src/intelligence/domain/calendar";
import { localClock, WEEKDAYS } from "../src/menu/domain/availability";
import { bearer, call, errorOf, json, newCart, PRINCIPALS, STAFF, send } from "./helpers";

const SLUG = "intel-test";
const TIME_ZONE = "Europe/London";
const db = database(env.DB);
/** The test location is in the eu region: its order read models are there. */
const orders = database(env.ORDERS_EU);

const ITEMS = {
	padThai: "itm-int-pad-thai",
	greenCurry: "itm-int-green-curry",
	springRolls: "itm-int-spring-rolls",
	prawnCrackers: "itm-int-prawn-crackers",
	thaiTea: "itm-int-thai-tea",
	lemonade: "itm-int-lemonade",
	mango: "itm-int-mango-sticky-rice",
	roti: "itm-int-roti",
} as const;

const CATEGORIES = {
	mains: "cat-int-mains",
	sides: "cat-int-sides",
	drinks: "cat-int-drinks",
	desserts: "cat-int-desserts",
} as const;

const CURRY_FAN: Principal = { id: "acc-int-curry-fan", role: "customer", locations: [] };
const NEWCOMER: Principal = { id: "acc-int-newcomer", role: "customer", locations: [] };
const KITCHEN_HERE: Principal = { id: "acc-int-kitchen", role: "kitchen", locations: [SLUG] };
const MANAGER_HERE: Principal = { id: "acc-int-manager", role: "manager", locations: [SLUG] };

const today = () => localClock(new Date(), TIME_ZONE).date;
const WEEKLY = [0.8, 0.85, 0.9, 1, 1.3, 1.45, 0.7];
/** Mains sold on each of the last 120 days: a weekly profile and a gentle rise, no noise. */
const mainsOn = (daysAgo: number) => Math.round(40 * WEEKLY[daysAgo % 7] * (1 + (120 - daysAgo) / 400));

const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

async function seed(): Promise<void> {
	const tomorrow = WEEKDAYS[(WEEKDAYS.indexOf(localClock(new Date(), TIME_ZONE).weekday) + 1) % 7];
	const item = (id: string, categoryId: string, name: string, allergens: string[], extra = {}) => ({
		id,
		locationSlug: SLUG,
		categoryId,
		name,
		priceMinor: 500,
		allergens,
		...extra,
	});
	await db.insert(schema.locations).values({
		slug: SLUG,
		name: "GoodFood Test Kitchen",
		addressLine: "1 Test Street",
		city: "London",
		postcode: "W1 1AA",
		country: "GB",
		latitude: 51.5,
		longitude: -0.12,
		timeZone: TIME_ZONE,
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: allDay,
	});
	await db.insert(schema.categories).values([
		{ id: CATEGORIES.mains, locationSlug: SLUG, name: "Mains", position: 1 },
		{ id: CATEGORIES.sides, locationSlug: SLUG, name: "Sides", position: 2 },
		{ id: CATEGORIES.drinks, locationSlug: SLUG, name: "Drinks", position: 3 },
		{ id: CATEGORIES.desserts, locationSlug: SLUG, name: "Desserts", position: 4 },
	]);
	await db.insert(schema.items).values([
		item(ITEMS.padThai, CATEGORIES.mains, "Pad Thai", ["peanuts"]),
		item(ITEMS.greenCurry, CATEGORIES.mains, "Green Curry", []),
		// Served only tomorrow's weekday, so never orderable now.
		item(ITEMS.roti, CATEGORIES.mains, "Roti Canai", [], {
			availability: [{ from: "00:00", until: "24:00", days: [tomorrow] }],
		}),
		item(ITEMS.springRolls, CATEGORIES.sides, "Spring Rolls", ["cereals_containing_gluten"]),
		item(ITEMS.prawnCrackers, CATEGORIES.sides, "Prawn Crackers", ["crustaceans"]),
		item(ITEMS.thaiTea, CATEGORIES.drinks, "Thai Iced Tea", ["milk"]),
		item(ITEMS.lemonade, CATEGORIES.drinks, "Lemonade", []),
		item(ITEMS.mango, CATEGORIES.desserts, "Mango Sticky Rice", [], { soldOut: true }),
	]);
	await db.insert(schema.accounts).values(
		[CURRY_FAN, NEWCOMER].map((principal, index) => ({
			id: principal.id,
			email: `intel-${index}@example.com`,
			role: "customer" as const,
			passwordHash: "unused",
			name: "Test Customer",
			avoidAllergens: principal === CURRY_FAN ? ["milk"] : ["crustaceans"],
		})),
	);

	const pair = (itemA: string, itemB: string, ordersTogether: number) => {
		const [a, b] = [itemA, itemB].sort();
		return { locationSlug: SLUG, itemA: a, itemB: b, ordersTogether };
	};
	// The strongest pairs are with items that cannot be suggested now (sold out, not served today).
	await orders
		.insert(schema.itemPairs)
		.values([
			pair(ITEMS.padThai, ITEMS.mango, 30),
			pair(ITEMS.padThai, ITEMS.roti, 25),
			pair(ITEMS.padThai, ITEMS.springRolls, 20),
			pair(ITEMS.padThai, ITEMS.prawnCrackers, 12),
			pair(ITEMS.padThai, ITEMS.thaiTea, 8),
			pair(ITEMS.greenCurry, ITEMS.lemonade, 10),
		]);
	const orderCounts: [string, string, number][] = [
		[ITEMS.lemonade, CATEGORIES.drinks, 60],
		[ITEMS.mango, CATEGORIES.desserts, 50],
		[ITEMS.padThai, CATEGORIES.mains, 40],
		[ITEMS.roti, CATEGORIES.mains, 30],
		[ITEMS.springRolls, CATEGORIES.sides, 25],
		[ITEMS.greenCurry, CATEGORIES.mains, 20],
		[ITEMS.prawnCrackers, CATEGORIES.sides, 15],
		[ITEMS.thaiTea, CATEGORIES.drinks, 12],
	];
	await orders.insert(schema.dailyItemSales).values(
		orderCounts.map(([itemId, categoryId, orders]) => ({
			locationSlug: SLUG,
			businessDate: addDays(today(), -1),
			itemId,
			categoryId,
			quantity: orders,
			orders,
			revenueMinor: orders * 500,
			currency: "GBP",
		})),
	);

	// The curry fan's three past orders here, each a green curry.
	for (const number of [1, 2, 3]) {
		const orderId = `ord_eu_${String(number).padStart(32, "0")}`;
		await orders.insert(schema.customerOrderHistory).values({
			customerRef: `customer:${CURRY_FAN.id}`,
			orderId,
			locationSlug: SLUG,
			placedAt: `2026-0${number}-01T12:00:00.000Z`,
			status: "picked_up",
			totalMinor: 500,
			currency: "GBP",
		});
		await orders.insert(schema.orderLines).values({
			orderId,
			lineId: "line-1",
			position: 0,
			itemId: ITEMS.greenCurry,
			categoryId: CATEGORIES.mains,
			name: "Green Curry",
			quantity: 1,
			unitPriceMinor: 500,
			lineTotalMinor: 500,
			options: [],
		});
	}

	const categoryDay = (categoryId: string, daysAgo: number, quantity: number) => ({
		locationSlug: SLUG,
		businessDate: addDays(today(), -daysAgo),
		categoryId,
		quantity,
		orders: quantity,
		revenueMinor: quantity * 500,
		currency: "GBP",
	});
	const rows = [
		...Array.from({ length: 120 }, (_, index) => categoryDay(CATEGORIES.mains, index + 1, mainsOn(index + 1))),
		...Array.from({ length: 10 }, (_, index) => categoryDay(CATEGORIES.sides, index + 1, 5 + (index % 3))),
	];
	for (let start = 0; start < rows.length; start += 14) {
		await orders.insert(schema.dailyCategorySales).values(rows.slice(start, start + 14));
	}
}

beforeAll(seed);

interface Recommendations {
	location: string;
	basis: string;
	recommendations: {
		item: { id: string; name: string; price: { amount: number; currency: string } };
		score: number;
		reason: string;
	}[];
}

async function recommendations(query: string, headers: Record<string, string> = {}): Promise<Recommendations> {
	const response = await call(`/api/v1/recommendations?${query}`, { headers });
	expect(response.status, await response.clone().text()).toBe(200);
	return json<Recommendations>(response);
}

const idsOf = (body: Recommendations) => body.recommendations.map((recommendation) => recommendation.item.id);

async function cartWith(itemId: string, headers: Record<string, string> = {}): Promise<string> {
	const created = await send("POST", "/api/v1/carts", { locationSlug: SLUG }, headers);
	const { id } = await json<{ id: string }>(created);
	const added = await send("POST", `/api/v1/carts/${id}/items`, { itemId, quantity: 1 }, headers);
	expect(added.status, await added.clone().text()).toBe(201);
	return id;
}

describe("GET /api/v1/recommendations", () => {
	it("falls back to what is popular here for an anonymous caller, skipping what cannot be ordered now", async () => {
		const body = await recommendations(`location=${SLUG}`);
		expect(body.basis).toBe("popularity");
		expect(idsOf(body).slice(0, 3)).toEqual([ITEMS.lemonade, ITEMS.padThai, ITEMS.springRolls]);
		expect(idsOf(body)).not.toContain(ITEMS.mango);
		expect(idsOf(body)).not.toContain(ITEMS.roti);
		expect(body.recommendations[0]).toMatchObject({
			item: { id: ITEMS.lemonade, name: "Lemonade", price: { amount: 500, currency: "GBP" } },
			reason: "Popular at GoodFood Test Kitchen",
		});
		expect(body.recommendations[0].score).toBeGreaterThan(body.recommendations[1].score);
	});

	it("suggests what is ordered with a guest's cart, never the cart's own items, sold-out or unserved ones", async () => {
		const cart = await cartWith(ITEMS.padThai);
		const body = await recommendations(`location=${SLUG}&cart=${cart}`);
		expect(body.basis).toBe("cart");
		expect(idsOf(body).slice(0, 3)).toEqual([ITEMS.springRolls, ITEMS.prawnCrackers, ITEMS.thaiTea]);
		expect(body.recommendations[0].reason).toBe("Often ordered with Pad Thai");
		expect(idsOf(body)).not.toContain(ITEMS.padThai);
		expect(idsOf(body)).not.toContain(ITEMS.mango);
		expect(idsOf(body)).not.toContain(ITEMS.roti);
	});

	it("leaves out the allergens a guest asks to avoid", async () => {
		const cart = await cartWith(ITEMS.padThai);
		const body = await recommendations(`location=${SLUG}&cart=${cart}&avoid=cereals_containing_gluten,milk`);
		expect(idsOf(body)[0]).toBe(ITEMS.prawnCrackers);
		expect(idsOf(body)).not.toContain(ITEMS.springRolls);
		expect(idsOf(body)).not.toContain(ITEMS.thaiTea);
	});

	it("personalises for a signed-in customer by their history, and never suggests an allergen on their profile", async () => {
		const body = await recommendations(`location=${SLUG}`, await bearer(CURRY_FAN));
		expect(body.basis).toBe("history");
		expect(body.recommendations.slice(0, 2)).toMatchObject([
			{ item: { id: ITEMS.greenCurry }, reason: "You've ordered this 3 times" },
			{ item: { id: ITEMS.lemonade }, reason: "Often ordered with Green Curry" },
		]);
		expect(idsOf(body)).not.toContain(ITEMS.thaiTea);
	});

	it("combines a customer's history with their cart", async () => {
		const headers = await bearer(CURRY_FAN);
		const body = await recommendations(`location=${SLUG}&cart=${await cartWith(ITEMS.padThai, headers)}`, headers);
		expect(body.basis).toBe("history_and_cart");
		expect(idsOf(body)).not.toContain(ITEMS.padThai);
		expect(idsOf(body)).toContain(ITEMS.springRolls);
	});

	it("gives a new customer the popular items that are safe for them", async () => {
		const body = await recommendations(`location=${SLUG}&count=50`, await bearer(NEWCOMER));
		expect(body.basis).toBe("popularity");
		expect(idsOf(body)).not.toContain(ITEMS.prawnCrackers);
		expect(idsOf(body)).toHaveLength(5);
	});

	it("returns count items", async () => {
		expect(idsOf(await recommendations(`location=${SLUG}&count=1`))).toEqual([ITEMS.lemonade]);
	});

	it.each(["0", "51", "ten", "2.5"])("refuses count=%s with 400", async (count) => {
		const response = await call(`/api/v1/recommendations?location=${SLUG}&count=${count}`);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.map((detail) => detail.field)).toEqual(["count"]);
	});

	it("refuses a missing location or an unknown allergen with 400", async () => {
		expect((await call("/api/v1/recommendations")).status).toBe(400);
		expect((await call(`/api/v1/recommendations?location=${SLUG}&avoid=kryptonite`)).status).toBe(400);
	});

	it("answers 404 for an unknown location or cart", async () => {
		const location = await call("/api/v1/recommendations?location=atlantis");
		expect(location.status).toBe(404);
		const unknownCart = `crt_eu_${"0".repeat(32)}`;
		const cart = await call(`/api/v1/recommendations?location=${SLUG}&cart=${unknownCart}`);
		expect(cart.status).toBe(404);
		expect((await errorOf(cart)).code).toBe("cart_not_found");
	});

	it("answers 404 for another customer's cart, signed in as someone else or not at all", async () => {
		const cart = await cartWith(ITEMS.padThai, await bearer(CURRY_FAN));
		const asNewcomer = await call(`/api/v1/recommendations?location=${SLUG}&cart=${cart}`, {
			headers: await bearer(NEWCOMER),
		});
		expect(asNewcomer.status).toBe(404);
		expect((await call(`/api/v1/recommendations?location=${SLUG}&cart=${cart}`)).status).toBe(404);
	});

	it("refuses a cart from another location with 400", async () => {
		const cart = await newCart("london-soho");
		const response = await call(`/api/v1/recommendations?location=${SLUG}&cart=${cart.id}`);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("cart");
	});
});

interface Forecast {
	category: { id: string; name: string };
	date: string;
	predicted: number;
	lower80: number;
	upper80: number;
	lower95: number;
	upper95: number;
	model: string;
	mase: number | null;
	source: string;
	actual: number | null;
	note: string | null;
}

function expectOrdered(forecast: Pick<Forecast, "predicted" | "lower80" | "upper80" | "lower95" | "upper95">): void {
	expect(forecast.lower95).toBeGreaterThanOrEqual(0);
	expect(forecast.lower95).toBeLessThanOrEqual(forecast.lower80);
	expect(forecast.lower80).toBeLessThanOrEqual(forecast.predicted);
	expect(forecast.predicted).toBeLessThanOrEqual(forecast.upper80);
	expect(forecast.upper80).toBeLessThanOrEqual(forecast.upper95);
}

const demand = (category: string, date: string, headers: Record<string, string> = STAFF) =>
	call(`/api/v1/forecasts/demand?location=${SLUG}&category=${category}&date=${date}`, { headers });

describe("GET /api/v1/forecasts/demand", () => {
	it("computes a forecast for today from the sales history, with ordered 80% and 95% intervals", async () => {
		const response = await demand(CATEGORIES.mains, today());
		expect(response.status, await response.clone().text()).toBe(200);
		const forecast = await json<Forecast>(response);
		expect(forecast).toMatchObject({
			category: { id: CATEGORIES.mains, name: "Mains" },
			date: today(),
			source: "computed",
			actual: null,
			note: null,
		});
		expect(["holt-winters", "seasonal-naive"]).toContain(forecast.model);
		expect(forecast.mase).toBeTypeOf("number");
		expectOrdered(forecast);
		// The history's weekly profile around this weekday, scaled by its trend.
		const weekday = mainsOn(7);
		expect(forecast.predicted).toBeGreaterThan(weekday * 0.8);
		expect(forecast.predicted).toBeLessThan(weekday * 1.25);
	});

	it("forecasts up to 14 days ahead, and refuses 15 with 400", async () => {
		const last = await demand(CATEGORIES.mains, addDays(today(), 14));
		expect(last.status).toBe(200);
		expectOrdered(await json<Forecast>(last));
		const beyond = await demand(CATEGORIES.mains, addDays(today(), 15));
		expect(beyond.status).toBe(400);
		expect((await errorOf(beyond)).details?.[0].field).toBe("date");
	});

	it("forecasts a past day from the history before it and gives what actually sold", async () => {
		const forecast = await json<Forecast>(await demand(CATEGORIES.mains, addDays(today(), -10)));
		expect(forecast).toMatchObject({ source: "computed", actual: mainsOn(10) });
		expectOrdered(forecast);
	});

	it("refuses a date before the history, or not a date, with 400", async () => {
		for (const date of [addDays(today(), -120), addDays(today(), -400), "2026-02-30", "soon"]) {
			const response = await demand(CATEGORIES.mains, date);
			expect(response.status, date).toBe(400);
			expect((await errorOf(response)).details?.[0].field, date).toBe("date");
		}
	});

	it("says so when there is too little history, with wide intervals", async () => {
		const forecast = await json<Forecast>(await demand(CATEGORIES.sides, today()));
		expect(forecast).toMatchObject({ model: "seasonal-naive", mase: null, source: "computed" });
		expect(forecast.note).toContain("Only 10 days");
		expectOrdered(forecast);
		expect(forecast.upper95 - forecast.lower95).toBeGreaterThan(forecast.predicted * 0.5);
	});

	it("answers 422 for a category that has never sold, and 400 for a past date of it", async () => {
		const future = await demand(CATEGORIES.drinks, today());
		expect(future.status).toBe(422);
		expect((await errorOf(future)).code).toBe("unprocessable");
		expect((await demand(CATEGORIES.drinks, addDays(today(), -1))).status).toBe(400);
	});

	it("answers 404 for an unknown location or category, or a category of another location", async () => {
		const location = await call(
			`/api/v1/forecasts/demand?location=atlantis&category=${CATEGORIES.mains}&date=${today()}`,
			{ headers: STAFF },
		);
		expect(location.status).toBe(404);
		expect((await demand("cat-int-nothing", today())).status).toBe(404);
		expect((await demand("cat-ldn-drinks", today())).status).toBe(404);
	});

	it("is for staff of the location: 401 anonymous, 403 for customers and other locations' staff", async () => {
		expect((await demand(CATEGORIES.mains, today(), {})).status).toBe(401);
		expect((await demand(CATEGORIES.mains, today(), await bearer(CURRY_FAN))).status).toBe(403);
		expect((await demand(CATEGORIES.mains, today(), await bearer(PRINCIPALS.kitchen))).status).toBe(403);
		expect((await demand(CATEGORIES.mains, today(), await bearer(KITCHEN_HERE))).status).toBe(200);
	});
});

async function runNightly(): Promise<void> {
	await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "0 3 * * *" }), env);
}

async function storedForecasts() {
	return db.select().from(schema.demandForecasts).where(eq(schema.demandForecasts.locationSlug, SLUG));
}

describe("the nightly precompute", () => {
	it("stores today and the next 14 days for every category with sales, once however often it runs", async () => {
		await runNightly();
		const rows = await storedForecasts();
		const dates = Array.from({ length: 15 }, (_, offset) => addDays(today(), offset));
		for (const category of [CATEGORIES.mains, CATEGORIES.sides]) {
			expect(
				rows
					.filter((row) => row.categoryId === category)
					.map((row) => row.date)
					.sort(),
			).toEqual(dates);
		}
		expect(rows.filter((row) => row.categoryId === CATEGORIES.drinks)).toHaveLength(0);
		for (const row of rows) expectOrdered(row);

		await runNightly();
		expect(await storedForecasts()).toHaveLength(rows.length);
	});

	it("stores each sold item's next 15 days too, by category share when it has a day of history", async () => {
		await runNightly();
		const rows = await db
			.select()
			.from(schema.itemDemandForecasts)
			.where(eq(schema.itemDemandForecasts.locationSlug, SLUG));
		// Every item sold yesterday, each for today and the 14 days after.
		expect(new Set(rows.map((row) => row.itemId))).toEqual(new Set(Object.values(ITEMS)));
		expect(rows).toHaveLength(Object.values(ITEMS).length * 15);
		for (const row of rows) {
			expect(row.model).toBe("category-share");
			expectOrdered(row);
		}
	});

	it("is what the forecast endpoint then answers", async () => {
		const date = addDays(today(), 3);
		const [stored] = await db
			.select()
			.from(schema.demandForecasts)
			.where(
				and(
					eq(schema.demandForecasts.locationSlug, SLUG),
					eq(schema.demandForecasts.categoryId, CATEGORIES.mains),
					eq(schema.demandForecasts.date, date),
				),
			);
		const forecast = await json<Forecast>(await demand(CATEGORIES.mains, date));
		expect(forecast).toMatchObject({
			source: "precomputed",
			predicted: stored.predicted,
			upper95: stored.upper95,
			model: stored.model,
		});
	});
});

describe("GET /api/v1/locations/{slug}/forecasts", () => {
	const list = (query: string, headers: Record<string, string>) =>
		call(`/api/v1/locations/${SLUG}/forecasts${query}`, { headers });

	it("lists the next 15 days by date and menu order for the location's kitchen and manager", async () => {
		for (const principal of [KITCHEN_HERE, MANAGER_HERE, PRINCIPALS.admin]) {
			const response = await list("", await bearer(principal));
			expect(response.status).toBe(200);
			const body = await json<{ from: string; to: string; forecasts: Forecast[] }>(response);
			expect(body).toMatchObject({ from: today(), to: addDays(today(), 14) });
			expect(body.forecasts).toHaveLength(30);
			expect(body.forecasts.slice(0, 2).map((forecast) => forecast.category)).toEqual([
				{ id: CATEGORIES.mains, name: "Mains" },
				{ id: CATEGORIES.sides, name: "Sides" },
			]);
			for (const forecast of body.forecasts) expectOrdered(forecast);
		}
	});

	it("narrows to a range", async () => {
		const day = addDays(today(), 2);
		const body = await json<{ forecasts: Forecast[] }>(await list(`?from=${day}&to=${day}`, STAFF));
		expect(body.forecasts.map((forecast) => forecast.date)).toEqual([day, day]);
	});

	it("refuses a reversed or too long range with 400", async () => {
		expect((await list(`?from=${today()}&to=${addDays(today(), -1)}`, STAFF)).status).toBe(400);
		expect((await list(`?from=${today()}&to=${addDays(today(), 92)}`, STAFF)).status).toBe(400);
		expect((await list("?from=yesterday", STAFF)).status).toBe(400);
	});

	it("is for staff of the location: 401 anonymous, 403 for customers and other locations' staff", async () => {
		expect((await list("", {})).status).toBe(401);
		expect((await list("", await bearer(CURRY_FAN))).status).toBe(403);
		expect((await list("", await bearer(PRINCIPALS.manager))).status).toBe(403);
	});

	it("answers 404 for an unknown location", async () => {
		expect((await call("/api/v1/locations/atlantis/forecasts", { headers: STAFF })).status).toBe(404);
	});
});
