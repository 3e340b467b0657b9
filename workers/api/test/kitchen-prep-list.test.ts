/**
 * The prep list through the worker: item sales seeded straight into the eu
 * region's read models for a test location, the nightly job run, then
 * GET /locations/{slug}/prep-list: each item's units and 80% range from its
 * own model or its category's share, stock on hand from the kitchen object,
 * bad dates and who may see it.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import { regionNamed } from "@goodfood/platform/regions";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import worker from "../src/index";
import { addDays } from "../src/intelligence/domain/calendar";
import { kitchenOf } from "../src/kitchen/kitchens";
import { localClock, WEEKDAYS } from "../src/menu/domain/availability";
import { bearer, call, errorOf, json, PRINCIPALS, STAFF } from "./helpers";

const SLUG = "prep-test";
const EMPTY_SLUG = "prep-test-empty";
const TIME_ZONE = "Europe/London";
const db = database(env.DB);
const orders = database(env.ORDERS_EU);

const CATEGORIES = { mains: "cat-prep-mains", drinks: "cat-prep-drinks" } as const;
const ITEMS = {
	padThai: "itm-prep-pad-thai",
	greenCurry: "itm-prep-green-curry",
	lemonade: "itm-prep-lemonade",
	neverSold: "itm-prep-never-sold",
} as const;

const KITCHEN_HERE: Principal = { id: "acc-prep-kitchen", role: "kitchen", locations: [SLUG] };
const MANAGER_HERE: Principal = { id: "acc-prep-manager", role: "manager", locations: [SLUG] };

const today = () => localClock(new Date(), TIME_ZONE).date;
const tomorrow = () => addDays(today(), 1);
/** Busier at the weekend, by the date's own weekday (Sunday first), so any date's truth is known. */
const WEEKLY = [0.7, 0.8, 0.85, 0.9, 1, 1.3, 1.45];
const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
/** Pad Thai: 120 days of a clean weekly pattern, enough for its own model. */
const padThaiOn = (date: string) => Math.round(20 * WEEKLY[weekday(date)]);
/** Green Curry: new, ten days of 5 a day, too short for its own model. */
const GREEN_CURRY_DAYS = 10;
/** Lemonade: sells two on most days, too few units a day for its own model. */
const lemonadeOn = (date: string) => (weekday(date) === 1 ? 0 : 2);

const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

async function seedLocation(slug: string): Promise<void> {
	await db.insert(schema.locations).values({
		slug,
		name: `Prep ${slug}`,
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
}

async function seed(): Promise<void> {
	await seedLocation(SLUG);
	await seedLocation(EMPTY_SLUG);
	await db.insert(schema.categories).values([
		// Drinks first on the menu: the list follows menu order, not names.
		{ id: CATEGORIES.drinks, locationSlug: SLUG, name: "Drinks", position: 1 },
		{ id: CATEGORIES.mains, locationSlug: SLUG, name: "Mains", position: 2 },
	]);
	const item = (id: string, categoryId: string, name: string) => ({
		id,
		locationSlug: SLUG,
		categoryId,
		name,
		priceMinor: 500,
		allergens: [],
	});
	await db
		.insert(schema.items)
		.values([
			item(ITEMS.padThai, CATEGORIES.mains, "Pad Thai"),
			item(ITEMS.greenCurry, CATEGORIES.mains, "Green Curry"),
			item(ITEMS.lemonade, CATEGORIES.drinks, "Lemonade"),
			item(ITEMS.neverSold, CATEGORIES.drinks, "Iced Coffee"),
		]);

	const itemRows: (typeof schema.dailyItemSales.$inferInsert)[] = [];
	const categoryRows: (typeof schema.dailyCategorySales.$inferInsert)[] = [];
	const sale = (businessDate: string, quantity: number) => ({
		locationSlug: SLUG,
		businessDate,
		quantity,
		orders: quantity,
		revenueMinor: quantity * 500,
		currency: "GBP",
	});
	for (let daysAgo = 1; daysAgo <= 120; daysAgo++) {
		const date = addDays(today(), -daysAgo);
		const padThai = padThaiOn(date);
		const curry = daysAgo <= GREEN_CURRY_DAYS ? 5 : 0;
		const lemonade = lemonadeOn(date);
		itemRows.push({ ...sale(date, padThai), itemId: ITEMS.padThai, categoryId: CATEGORIES.mains });
		if (curry > 0) itemRows.push({ ...sale(date, curry), itemId: ITEMS.greenCurry, categoryId: CATEGORIES.mains });
		if (lemonade > 0) itemRows.push({ ...sale(date, lemonade), itemId: ITEMS.lemonade, categoryId: CATEGORIES.drinks });
		categoryRows.push({ ...sale(date, padThai + curry), categoryId: CATEGORIES.mains });
		if (lemonade > 0) categoryRows.push({ ...sale(date, lemonade), categoryId: CATEGORIES.drinks });
	}
	for (let start = 0; start < itemRows.length; start += 10) {
		await orders.insert(schema.dailyItemSales).values(itemRows.slice(start, start + 10));
	}
	for (let start = 0; start < categoryRows.length; start += 12) {
		await orders.insert(schema.dailyCategorySales).values(categoryRows.slice(start, start + 12));
	}
}

interface PrepItem {
	item: { id: string; name: string };
	category: { id: string; name: string };
	expected: number;
	lower80: number;
	upper80: number;
	predicted: number;
	model: string;
	stockOnHand: number | null;
}
interface PrepList {
	location: string;
	date: string;
	generatedAt: string | null;
	note: string | null;
	items: PrepItem[];
}

const prepList = (slug: string, query = "", headers: Record<string, string> = STAFF) =>
	call(`/api/v1/locations/${slug}/prep-list${query}`, { headers });

beforeAll(async () => {
	await seed();
	await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: "0 3 * * *" }), env);
	await kitchenOf(env, regionNamed(env, "eu"), SLUG).setStock(
		[{ itemId: ITEMS.padThai, optionId: null, count: 12 }],
		TIME_ZONE,
	);
});

describe("GET /api/v1/locations/{slug}/prep-list", () => {
	it("lists tomorrow's items by menu order of category, then name, each with whole units inside its 80% range", async () => {
		const response = await prepList(SLUG);
		expect(response.status, await response.clone().text()).toBe(200);
		const body = await json<PrepList>(response);
		expect(body).toMatchObject({ location: SLUG, date: tomorrow(), note: null });
		expect(body.generatedAt).not.toBeNull();
		// The item that never sold has no forecast, so nothing to prep.
		expect(body.items.map((row) => [row.category.name, row.item.name])).toEqual([
			["Drinks", "Lemonade"],
			["Mains", "Green Curry"],
			["Mains", "Pad Thai"],
		]);
		for (const row of body.items) {
			expect(row.expected).toBe(Math.ceil(row.predicted));
			expect(Number.isInteger(row.lower80) && Number.isInteger(row.upper80)).toBe(true);
			expect(row.lower80).toBeLessThanOrEqual(row.expected);
			expect(row.upper80).toBeGreaterThanOrEqual(row.expected);
			expect(row.lower80).toBeGreaterThanOrEqual(0);
		}
	});

	it("forecasts an item with a long, steady history by its own model", async () => {
		const body = await json<PrepList>(await prepList(SLUG));
		const padThai = body.items.find((row) => row.item.id === ITEMS.padThai);
		expect(padThai?.model).not.toBe("category-share");
		// A clean weekly pattern: tomorrow's units are its weekday's.
		expect(padThai?.predicted).toBeCloseTo(padThaiOn(tomorrow()), 0);
		expect(padThai?.lower80).toBeLessThanOrEqual(padThaiOn(tomorrow()));
		expect(padThai?.upper80).toBeGreaterThanOrEqual(padThaiOn(tomorrow()));
	});

	it("splits the category's forecast by recent share for an item with a short history, with a wider range", async () => {
		const body = await json<PrepList>(await prepList(SLUG));
		const curry = body.items.find((row) => row.item.id === ITEMS.greenCurry);
		const lemonade = body.items.find((row) => row.item.id === ITEMS.lemonade);
		expect(curry?.model).toBe("category-share");
		expect(lemonade?.model).toBe("category-share");
		const [mains] = await db
			.select()
			.from(schema.demandForecasts)
			.where(
				and(
					eq(schema.demandForecasts.locationSlug, SLUG),
					eq(schema.demandForecasts.categoryId, CATEGORIES.mains),
					eq(schema.demandForecasts.date, tomorrow()),
				),
			);
		// Its share is of the ten days since its first sale, not diluted by the days before.
		const lastTen = Array.from({ length: GREEN_CURRY_DAYS }, (_, index) => addDays(today(), -index - 1));
		const padThaiUnits = lastTen.reduce((sum, date) => sum + padThaiOn(date), 0);
		const share = (5 * GREEN_CURRY_DAYS) / (5 * GREEN_CURRY_DAYS + padThaiUnits);
		expect(curry?.predicted).toBeCloseTo(share * mains.predicted, 0);
		// Splitting adds its own spread: wider than the category's range scaled by the share.
		expect((curry?.upper80 ?? 0) - (curry?.lower80 ?? 0)).toBeGreaterThanOrEqual(
			Math.floor(share * (mains.upper80 - mains.lower80)),
		);
	});

	it("gives stock on hand from the kitchen, null for an untracked item", async () => {
		const body = await json<PrepList>(await prepList(SLUG));
		const onHand = Object.fromEntries(body.items.map((row) => [row.item.id, row.stockOnHand]));
		expect(onHand).toEqual({ [ITEMS.padThai]: 12, [ITEMS.greenCurry]: null, [ITEMS.lemonade]: null });
	});

	it("answers today and 14 days ahead", async () => {
		for (const date of [today(), addDays(today(), 14)]) {
			const body = await json<PrepList>(await prepList(SLUG, `?date=${date}`));
			expect(body.date).toBe(date);
			expect(body.items).toHaveLength(3);
		}
	});

	it("refuses a past, malformed or too distant date with 400 naming date", async () => {
		for (const date of [addDays(today(), -1), addDays(today(), 15), "2026-02-30", "tomorrow"]) {
			const response = await prepList(SLUG, `?date=${date}`);
			expect(response.status, date).toBe(400);
			const error = await errorOf(response);
			expect(error.code).toBe("validation_failed");
			expect(error.details?.map((detail) => detail.field)).toEqual(["date"]);
		}
		const far = await errorOf(await prepList(SLUG, `?date=${addDays(today(), 15)}`));
		expect(far.message).toContain("14 days ahead");
		const past = await errorOf(await prepList(SLUG, `?date=${addDays(today(), -1)}`));
		expect(past.message).toContain("past");
	});

	it("answers an empty list with a note before any forecast", async () => {
		const response = await prepList(EMPTY_SLUG);
		expect(response.status).toBe(200);
		const body = await json<PrepList>(response);
		expect(body).toMatchObject({ location: EMPTY_SLUG, date: tomorrow(), items: [], generatedAt: null });
		expect(body.note).toMatch(/No item forecast/);
	});

	it("is for staff of the location: 401 anonymous, 403 for customers and other locations' staff", async () => {
		expect((await prepList(SLUG, "", {})).status).toBe(401);
		expect((await prepList(SLUG, "", await bearer(PRINCIPALS.customer))).status).toBe(403);
		expect((await prepList(SLUG, "", await bearer(PRINCIPALS.kitchen))).status).toBe(403);
		expect((await prepList(SLUG, "", await bearer(PRINCIPALS.manager))).status).toBe(403);
		for (const principal of [KITCHEN_HERE, MANAGER_HERE, PRINCIPALS.admin]) {
			expect((await prepList(SLUG, "", await bearer(principal))).status).toBe(200);
		}
	});

	it("answers 404 for an unknown location", async () => {
		expect((await prepList("atlantis")).status).toBe(404);
	});
});
