/** Menu reads: locations, menus and search — happy paths and every validation error. */
import { describe, expect, it } from "vitest";
import { call, errorOf } from "./helpers";

describe("GET /api/v1/locations", () => {
	it("lists every seeded location with its currency and time zone", async () => {
		const response = await call("/api/v1/locations");
		expect(response.status).toBe(200);
		const { locations } = (await response.json()) as {
			locations: { slug: string; currency: string; timeZone: string }[];
		};
		expect(locations.map((location) => location.slug).sort()).toEqual([
			"london-soho",
			"new-york-chelsea",
			"tokyo-shibuya",
		]);
		expect(locations.find((location) => location.slug === "tokyo-shibuya")).toMatchObject({
			currency: "JPY",
			timeZone: "Asia/Tokyo",
		});
	});

	it("names each location's region, where its new orders are kept", async () => {
		const { locations } = (await (await call("/api/v1/locations")).json()) as {
			locations: { slug: string; region: string }[];
		};
		expect(Object.fromEntries(locations.map((location) => [location.slug, location.region]))).toEqual({
			"london-soho": "eu",
			"new-york-chelsea": "us",
			"tokyo-shibuya": "apac",
		});
		const one = (await (await call("/api/v1/locations/new-york-chelsea")).json()) as { region: string };
		expect(one.region).toBe("us");
		const menu = (await (await call("/api/v1/locations/tokyo-shibuya/menu")).json()) as {
			location: { region: string };
		};
		expect(menu.location.region).toBe("apac");
	});

	it("orders locations nearest first from lat/lng and reports the distance", async () => {
		const response = await call("/api/v1/locations?lat=35.68&lng=139.76");
		const { locations } = (await response.json()) as { locations: { slug: string; distanceMeters: number }[] };
		expect(locations.map((location) => location.slug)).toEqual(["tokyo-shibuya", "london-soho", "new-york-chelsea"]);
		expect(locations[0].distanceMeters).toBeLessThan(10_000);
		expect(locations[1].distanceMeters).toBeGreaterThan(locations[0].distanceMeters);
	});

	it("answers 400 naming lng when lat comes alone", async () => {
		const response = await call("/api/v1/locations?lat=51.5");
		expect(response.status).toBe(400);
		const error = await errorOf(response);
		expect(error.code).toBe("validation_failed");
		expect(error.details?.map((issue) => issue.field)).toEqual(["lng"]);
		expect(error.requestId).toBeTruthy();
	});

	it("answers 400 naming lat when it is not a number", async () => {
		const response = await call("/api/v1/locations?lat=north&lng=0");
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("lat");
	});

	it("answers 400 naming the field when lat or lng is given empty, instead of reading it as 0", async () => {
		for (const [query, field] of [
			["lat=&lng=0", "lat"],
			["lat=51.5&lng=", "lng"],
			["lat=%20&lng=0", "lat"],
		]) {
			const response = await call(`/api/v1/locations?${query}`);
			expect(response.status, query).toBe(400);
			const error = await errorOf(response);
			expect(error.code, query).toBe("validation_failed");
			expect(
				error.details?.map((issue) => issue.field),
				query,
			).toEqual([field]);
		}
	});
});

describe("GET /api/v1/locations/{slug}", () => {
	it("returns the location with fulfilment options and opening hours", async () => {
		const response = await call("/api/v1/locations/london-soho");
		expect(response.status).toBe(200);
		const location = (await response.json()) as Record<string, unknown>;
		expect(location).toMatchObject({
			slug: "london-soho",
			currency: "GBP",
			timeZone: "Europe/London",
			taxRateBps: 2000,
			fulfilment: { pickup: true, delivery: { radiusMeters: 3000, fee: { amount: 299, currency: "GBP" } } },
		});
		expect(location.openingHours).toHaveProperty("mon");
		expect(typeof location.openNow).toBe("boolean");
	});

	it("answers an unknown location with 404 in the error envelope", async () => {
		const response = await call("/api/v1/locations/atlantis", { headers: { "x-request-id": "req-123" } });
		expect(response.status).toBe(404);
		expect(await response.json()).toEqual({
			error: { code: "not_found", message: "Location not found", requestId: "req-123" },
		});
		expect(response.headers.get("x-request-id")).toBe("req-123");
	});

	it("answers a malformed slug with 400 naming slug", async () => {
		const response = await call("/api/v1/locations/NOT_A_SLUG");
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("slug");
	});
});

describe("GET /api/v1/locations/{slug}/menu", () => {
	it("returns categories, prices in the location's currency, allergens and modifier groups", async () => {
		const response = await call("/api/v1/locations/london-soho/menu");
		expect(response.status).toBe(200);
		const menu = (await response.json()) as {
			version: number;
			categories: {
				id: string;
				items: { id: string; price: unknown; allergens: string[]; modifierGroups: unknown[] }[];
			}[];
		};
		const items = menu.categories.flatMap((category) => category.items);
		const flatWhite = items.find((item) => item.id === "itm-ldn-flat-white");
		expect(flatWhite).toMatchObject({
			price: { amount: 340, currency: "GBP" },
			allergens: ["milk"],
			modifierGroups: [
				{ id: "grp-ldn-flat-white-milk", minSelections: 1, maxSelections: 1 },
				{ id: "grp-ldn-flat-white-extras", minSelections: 0, maxSelections: 2 },
			],
		});
		expect(menu.categories.find((category) => category.id === "cat-ldn-breakfast")).toMatchObject({
			availability: [{ from: "07:00", until: "11:00" }],
		});
		expect(menu.version).toBeGreaterThanOrEqual(1);
	});

	it("shows a sold-out item as unavailable with the reason", async () => {
		const response = await call("/api/v1/locations/london-soho/menu");
		const menu = (await response.json()) as {
			categories: { items: { soldOut: boolean; availableNow: boolean; unavailableReason: string | null }[] }[];
		};
		const soldOut = menu.categories.flatMap((category) => category.items).filter((item) => item.soldOut);
		expect(soldOut).toHaveLength(1);
		expect(soldOut[0]).toMatchObject({ availableNow: false, unavailableReason: "sold_out" });
	});

	it("answers 404 for an unknown location", async () => {
		expect((await call("/api/v1/locations/atlantis/menu")).status).toBe(404);
	});
});

describe("GET /api/v1/menu/search", () => {
	it("finds items by words in their name, best match first", async () => {
		const response = await call("/api/v1/menu/search?q=flat%20white&location=london-soho");
		expect(response.status).toBe(200);
		const { results } = (await response.json()) as { results: { item: { id: string }; location: { slug: string } }[] };
		expect(results[0].item.id).toBe("itm-ldn-flat-white");
		expect(results.every((result) => result.location.slug === "london-soho")).toBe(true);
	});

	it("matches word prefixes and dietary tags across locations", async () => {
		const response = await call("/api/v1/menu/search?q=vega");
		const { results } = (await response.json()) as {
			results: { item: { dietaryTags: string[] }; location: { slug: string } }[];
		};
		expect(results.length).toBeGreaterThan(1);
		expect(new Set(results.map((result) => result.location.slug)).size).toBeGreaterThan(1);
	});

	it("treats FTS syntax in the query as plain words", async () => {
		const response = await call(`/api/v1/menu/search?q=${encodeURIComponent('flat" OR * NEAR(')}`);
		expect(response.status).toBe(200);
	});

	it("answers 400 naming q when the query is empty", async () => {
		const response = await call("/api/v1/menu/search?q=%20");
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("q");
	});

	it("answers 404 for an unknown location", async () => {
		expect((await call("/api/v1/menu/search?q=tea&location=atlantis")).status).toBe(404);
	});
});

describe("the gateway basics", () => {
	it("answers /health", async () => {
		const response = await call("/health");
		expect(await response.json()).toEqual({ status: "ok", worker: "api" });
	});

	it("answers an unknown route with 404 in the envelope", async () => {
		const response = await call("/api/v1/nothing-here");
		expect(response.status).toBe(404);
		expect((await errorOf(response)).code).toBe("not_found");
	});

	it("returns a D1 bookmark with each API response", async () => {
		const response = await call("/api/v1/locations");
		expect(response.headers.get("x-d1-bookmark")).toBeTruthy();
	});
});
