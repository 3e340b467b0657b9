import { describe, expect, it } from "vitest";
import { distanceMeters, nearestFirst } from "./geo";

describe("distanceMeters", () => {
	it("measures London to Paris as about 344 km", () => {
		const km =
			distanceMeters({ latitude: 51.5074, longitude: -0.1278 }, { latitude: 48.8566, longitude: 2.3522 }) / 1000;
		expect(km).toBeGreaterThan(340);
		expect(km).toBeLessThan(348);
	});
});

describe("nearestFirst", () => {
	it("orders places by distance and reports it in whole meters", () => {
		const places = [
			{ name: "far", coordinates: { latitude: 10, longitude: 10 } },
			{ name: "near", coordinates: { latitude: 0, longitude: 0.001 } },
		];
		const ordered = nearestFirst(places, { latitude: 0, longitude: 0 });
		expect(ordered.map((place) => place.name)).toEqual(["near", "far"]);
		expect(ordered[0].distanceMeters).toBe(111);
	});
});
