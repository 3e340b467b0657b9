/**
 * The admin location API: a location is created and replaced with its region,
 * the region must be configured, and a move to another region waits until the
 * old region holds no order the kitchen still has to finish.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { menuKeys } from "../src/menu/contract";
import type { MenuDocument } from "../src/menu/domain/document";
import type { OrderStatus } from "../src/ordering/domain/order";
import { bearer, call, errorOf, locationInput, PRINCIPALS, STAFF, send } from "./helpers";

const MANAGER = await bearer(PRINCIPALS.manager);
const CUSTOMER = await bearer(PRINCIPALS.customer);

function newSlug(): string {
	return `test-${crypto.randomUUID().slice(0, 8)}`;
}

function putLocation(slug: string, body: unknown, headers: Record<string, string> = STAFF): Promise<Response> {
	return send("PUT", `/api/v1/locations/${slug}`, body, headers);
}

interface LocationBody {
	slug: string;
	region: string;
	menuVersion: number;
	fulfilment: { delivery: { radiusMeters: number } | null };
}

async function createdLocation(region = "eu"): Promise<string> {
	const slug = newSlug();
	const response = await putLocation(slug, locationInput({ region }));
	expect(response.status).toBe(201);
	return slug;
}

/** An order as the projections would have it in the eu region's order database. */
async function plantOrder(slug: string, status: OrderStatus): Promise<string> {
	const id = `ord_eu_${crypto.randomUUID().replaceAll("-", "")}`;
	const now = new Date().toISOString();
	await database(env.ORDERS_EU)
		.insert(schema.orders)
		.values({
			id,
			locationSlug: slug,
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
			placedAt: now,
			businessDate: now.slice(0, 10),
			lastSequence: 1,
			updatedAt: now,
		});
	return id;
}

async function setOrderStatus(id: string, status: OrderStatus): Promise<void> {
	await database(env.ORDERS_EU).update(schema.orders).set({ status }).where(eq(schema.orders.id, id));
}

describe("creating a location", () => {
	it("creates it in its region, readable at once with its menu published to KV", async () => {
		const slug = newSlug();
		const response = await putLocation(slug, locationInput({ region: "us" }));
		expect(response.status).toBe(201);
		const created = (await response.json()) as LocationBody;
		expect(created).toMatchObject({ slug, region: "us", menuVersion: 1 });

		const read = (await (await call(`/api/v1/locations/${slug}`)).json()) as LocationBody;
		expect(read.region).toBe("us");
		const menu = (await (await call(`/api/v1/locations/${slug}/menu`)).json()) as MenuDocument;
		expect(menu.location.region).toBe("us");
		const stored = await env.MENU_KV.get<MenuDocument>(menuKeys.document(slug, 1), "json");
		expect(stored?.location.region).toBe("us");
	});

	it("refuses a location without a region with 400 naming region", async () => {
		const { region: _, ...withoutRegion } = locationInput();
		const slug = newSlug();
		const response = await putLocation(slug, withoutRegion);
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("validation_failed");
		expect(error.details).toEqual([expect.objectContaining({ field: "region" })]);
		expect((await call(`/api/v1/locations/${slug}`)).status).toBe(404);
	});

	it("refuses a region that is not configured with 422 listing the configured ones", async () => {
		const slug = newSlug();
		const response = await putLocation(slug, locationInput({ region: "mars" }));
		expect(response.status).toBe(422);
		const error = await errorOf(response);
		expect(error.code).toBe("unknown_region");
		expect(error.message).toContain("eu, us, apac");
		expect(error.details).toEqual([expect.objectContaining({ field: "region", configured: ["eu", "us", "apac"] })]);
		expect((await call(`/api/v1/locations/${slug}`)).status).toBe(404);
	});

	it("refuses a time zone that does not exist, naming it", async () => {
		const response = await putLocation(newSlug(), locationInput({ timeZone: "Europe/Atlantis" }));
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual([expect.objectContaining({ field: "timeZone" })]);
	});

	it("refuses a delivery fee in another currency than the location's, naming the field", async () => {
		const response = await putLocation(
			newSlug(),
			locationInput({
				fulfilment: { pickup: true, delivery: { radiusMeters: 3000, fee: { amount: 299, currency: "EUR" } } },
			}),
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details).toEqual([
			expect.objectContaining({ field: "fulfilment.delivery.fee.currency" }),
		]);
	});
});

describe("replacing a location", () => {
	it("replaces its details and bumps its menu version", async () => {
		const slug = await createdLocation();
		const response = await putLocation(
			slug,
			locationInput({ name: "GoodFood Curtain Road", fulfilment: { pickup: true, delivery: null } }),
		);
		expect(response.status).toBe(200);
		const replaced = (await response.json()) as LocationBody & { name: string };
		expect(replaced).toMatchObject({ name: "GoodFood Curtain Road", menuVersion: 2, fulfilment: { delivery: null } });
		const menu = (await (await call(`/api/v1/locations/${slug}/menu`)).json()) as MenuDocument;
		expect(menu.version).toBe(2);
		expect(menu.location.name).toBe("GoodFood Curtain Road");
	});

	it("changes nothing, not even the menu version, when sent the location as it is", async () => {
		const slug = await createdLocation();
		const again = await putLocation(slug, locationInput());
		expect(again.status).toBe(200);
		expect(((await again.json()) as LocationBody).menuVersion).toBe(1);
	});

	it("refuses to change the currency of a location that sells items", async () => {
		const response = await putLocation(
			"london-soho",
			locationInput({ currency: "EUR", fulfilment: { pickup: true, delivery: null } }),
		);
		expect(response.status).toBe(409);
		expect((await errorOf(response)).details).toEqual([expect.objectContaining({ field: "currency" })]);
	});
});

describe("pay at pickup", () => {
	it("is off unless set, and once set is shown in the location, its menu and the menu published to KV", async () => {
		const slug = await createdLocation();
		expect(((await (await call(`/api/v1/locations/${slug}`)).json()) as { payAtPickup: boolean }).payAtPickup).toBe(
			false,
		);

		const response = await putLocation(slug, locationInput({ payAtPickup: true }));
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ payAtPickup: true, menuVersion: 2 });
		expect(await (await call(`/api/v1/locations/${slug}`)).json()).toMatchObject({ payAtPickup: true });
		const menu = (await (await call(`/api/v1/locations/${slug}/menu`)).json()) as MenuDocument;
		expect(menu.location.payAtPickup).toBe(true);
		const stored = await env.MENU_KV.get<MenuDocument>(menuKeys.document(slug, 2), "json");
		expect(stored?.location.payAtPickup).toBe(true);

		// The same body again is no change; leaving the field out turns it off.
		expect(
			((await (await putLocation(slug, locationInput({ payAtPickup: true }))).json()) as LocationBody).menuVersion,
		).toBe(2);
		expect(await (await putLocation(slug, locationInput())).json()).toMatchObject({
			payAtPickup: false,
			menuVersion: 3,
		});
	});

	it("is refused without pickup, or when not a boolean, naming payAtPickup", async () => {
		for (const body of [
			locationInput({ payAtPickup: true, fulfilment: { pickup: false, delivery: null } }),
			locationInput({ payAtPickup: "yes" }),
		]) {
			const response = await putLocation(newSlug(), body);
			expect(response.status).toBe(400);
			expect((await errorOf(response)).details).toEqual([expect.objectContaining({ field: "payAtPickup" })]);
		}
	});

	it("is on for the demo's London Soho", async () => {
		expect(await (await call("/api/v1/locations/london-soho")).json()).toMatchObject({ payAtPickup: true });
		expect(await (await call("/api/v1/locations/tokyo-shibuya")).json()).toMatchObject({ payAtPickup: false });
	});
});

describe("moving a location to another region", () => {
	it("is refused while the location has an unfinished order in its current region", async () => {
		const slug = await createdLocation("eu");
		await plantOrder(slug, "picked_up");
		await plantOrder(slug, "preparing");

		const response = await putLocation(slug, locationInput({ region: "us" }));
		expect(response.status).toBe(409);
		const error = await errorOf(response);
		expect(error.code).toBe("location_has_open_orders");
		expect(error.message).toContain("1 unfinished order");
		expect(error.details).toEqual([expect.objectContaining({ field: "region", currentRegion: "eu", openOrders: 1 })]);
		const unchanged = (await (await call(`/api/v1/locations/${slug}`)).json()) as LocationBody;
		expect(unchanged).toMatchObject({ region: "eu", menuVersion: 1 });
	});

	it("is allowed once every order there is finished, and the menu then names the new region", async () => {
		const slug = await createdLocation("eu");
		const order = await plantOrder(slug, "ready");
		expect((await putLocation(slug, locationInput({ region: "us" }))).status).toBe(409);

		await setOrderStatus(order, "picked_up");
		const response = await putLocation(slug, locationInput({ region: "us" }));
		expect(response.status).toBe(200);
		expect(((await response.json()) as LocationBody).region).toBe("us");
		const menu = (await (await call(`/api/v1/locations/${slug}/menu`)).json()) as MenuDocument;
		expect(menu.location.region).toBe("us");
	});

	it("gives a location from before regions, with none set, its region whatever it holds", async () => {
		const slug = await createdLocation("eu");
		await plantOrder(slug, "placed");
		await database(env.DB).update(schema.locations).set({ region: "" }).where(eq(schema.locations.slug, slug));
		const response = await putLocation(slug, locationInput({ region: "eu" }));
		expect(response.status).toBe(200);
		expect(((await response.json()) as LocationBody).region).toBe("eu");
	});

	it("does not count another location's open orders, nor stop a change that keeps the region", async () => {
		const slug = await createdLocation("eu");
		await plantOrder(newSlug(), "placed");
		await plantOrder(slug, "placed");
		expect((await putLocation(slug, locationInput({ name: "Still in eu" }))).status).toBe(200);

		const other = await createdLocation("eu");
		expect((await putLocation(other, locationInput({ region: "apac" }))).status).toBe(200);
	});
});

describe("who may change locations", () => {
	it("refuses managers and customers with 403, and anonymous callers with 401", async () => {
		const slug = newSlug();
		for (const headers of [MANAGER, CUSTOMER]) {
			const response = await putLocation(slug, locationInput(), headers);
			expect(response.status).toBe(403);
			expect((await errorOf(response)).code).toBe("forbidden");
		}
		expect((await putLocation(slug, locationInput(), {})).status).toBe(401);
		expect((await call(`/api/v1/locations/${slug}`)).status).toBe(404);
	});
});
