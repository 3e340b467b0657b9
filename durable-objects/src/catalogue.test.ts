import { describe, expect, it } from "vitest";
import type { LocationSummary } from "../../workers/api/src/menu/domain/document";
import { CatalogueCache, type LocationCatalogue } from "./catalogue";

const catalogue = (slug: string, price: number): LocationCatalogue => ({
	location: { slug } as LocationSummary,
	items: new Map([
		[
			"itm",
			{
				id: "itm",
				locationSlug: slug,
				categoryId: "cat",
				name: "Tea",
				priceMinor: price,
				soldOut: false,
				availability: [],
				categoryAvailability: [],
				modifierGroups: [],
			},
		],
	]),
});

function clockAndLoads() {
	let now = 0;
	const loads: string[] = [];
	let price = 100;
	return {
		cache: new CatalogueCache(10_000, () => now),
		load: async (slug: string) => {
			loads.push(slug);
			return slug === "nowhere" ? undefined : catalogue(slug, price);
		},
		loads,
		advance: (ms: number) => {
			now += ms;
		},
		setPrice: (value: number) => {
			price = value;
		},
	};
}

describe("CatalogueCache", () => {
	it("reads a location once for many carts while fresh, and again once it is older than its max age", async () => {
		const { cache, load, loads, advance, setPrice } = clockAndLoads();
		const first = await Promise.all([cache.get("soho", load), cache.get("soho", load), cache.get("soho", load)]);
		expect(loads).toEqual(["soho"]);
		expect(first.map((found) => found?.items.get("itm")?.priceMinor)).toEqual([100, 100, 100]);
		expect(cache.peek("soho")?.items.get("itm")?.priceMinor).toBe(100);

		setPrice(120);
		advance(9_999);
		expect((await cache.get("soho", load))?.items.get("itm")?.priceMinor).toBe(100);
		advance(1);
		expect(cache.peek("soho")).toBeUndefined();
		expect((await cache.get("soho", load))?.items.get("itm")?.priceMinor).toBe(120);
		expect(loads).toEqual(["soho", "soho"]);
	});

	it("keeps each location apart", async () => {
		const { cache, load, loads } = clockAndLoads();
		await cache.get("soho", load);
		await cache.get("chelsea", load);
		expect(loads).toEqual(["soho", "chelsea"]);
		expect(cache.peek("chelsea")?.location.slug).toBe("chelsea");
	});

	it("keeps neither an unknown location nor a failed read, so the next call reads again", async () => {
		const { cache, load, loads } = clockAndLoads();
		expect(await cache.get("nowhere", load)).toBeUndefined();
		expect(await cache.get("nowhere", load)).toBeUndefined();
		expect(loads).toEqual(["nowhere", "nowhere"]);

		const failing = async () => {
			throw new Error("D1 unavailable");
		};
		await expect(cache.get("soho", failing)).rejects.toThrow("D1 unavailable");
		expect((await cache.get("soho", load))?.location.slug).toBe("soho");
	});
});
