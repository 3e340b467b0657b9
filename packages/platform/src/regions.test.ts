import { describe, expect, it } from "vitest";
import { objectIn, parseRegions, RegionConfigError, readRegionSettings } from "./regions";

const ALL_DATABASES = new Set(["ORDERS_EU", "ORDERS_US", "ORDERS_APAC"]);

function fakeD1(): D1Database {
	return { prepare: () => undefined, withSession: () => undefined } as unknown as D1Database;
}

/** The configuration error's message, failing the test if the configuration was accepted. */
function configErrorOf(config: unknown, databases: ReadonlySet<string> = ALL_DATABASES): string {
	try {
		readRegionSettings(config, databases);
	} catch (error) {
		expect(error).toBeInstanceOf(RegionConfigError);
		return (error as Error).message;
	}
	throw new Error("the configuration was accepted");
}

describe("readRegionSettings", () => {
	it("reads each region with its binding, in configuration order", () => {
		const settings = readRegionSettings(
			{ eu: { locationHint: "weur", jurisdiction: "eu" }, us: { locationHint: "enam" } },
			ALL_DATABASES,
		);
		expect(settings).toEqual([
			{ name: "eu", locationHint: "weur", jurisdiction: "eu", binding: "ORDERS_EU" },
			{ name: "us", locationHint: "enam", binding: "ORDERS_US" },
		]);
	});

	it("reads REGIONS given as JSON text, as a secret or --var gives it", () => {
		expect(readRegionSettings('{"apac":{"locationHint":"apac"}}', ALL_DATABASES)).toEqual([
			{ name: "apac", locationHint: "apac", binding: "ORDERS_APAC" },
		]);
	});

	it("names the region and the field of an unknown location hint, with the hints there are", () => {
		const message = configErrorOf({ eu: { locationHint: "europe" } });
		expect(message).toContain("REGIONS.eu.locationHint");
		expect(message).toContain('"weur"');
		expect(message).toContain("docs/regions.md");
	});

	it("names a setting it does not know, such as a misspelt one", () => {
		expect(configErrorOf({ eu: { locationHint: "weur", jurisdicton: "eu" } })).toContain("jurisdicton");
	});

	it("names an unknown jurisdiction", () => {
		expect(configErrorOf({ eu: { locationHint: "weur", jurisdiction: "uk" } })).toContain("REGIONS.eu.jurisdiction");
	});

	it("refuses a name that cannot be part of an id, a binding or a bookmark", () => {
		for (const name of ["EU", "e", "eu-west", "eu1", "global_x"]) {
			const message = configErrorOf({ [name]: { locationHint: "weur" } });
			expect(message).toContain(`"${name}"`);
			expect(message).toContain("2 to 12 lowercase letters");
		}
	});

	it("refuses a region called global, the global database's name in bookmarks", () => {
		const message = configErrorOf({ global: { locationHint: "weur" } }, new Set(["ORDERS_GLOBAL"]));
		expect(message).toContain('"global"');
		expect(message).toContain("bookmarks");
	});

	it("names the missing database binding of a region", () => {
		const message = configErrorOf({ eu: { locationHint: "weur" }, sa: { locationHint: "sam" } });
		expect(message).toContain('"sa"');
		expect(message).toContain("ORDERS_SA");
		expect(message).toContain("migrations/regional");
	});

	it("says so when REGIONS is missing, empty, or not a table", () => {
		expect(configErrorOf(undefined)).toContain("REGIONS is not set");
		expect(configErrorOf("")).toContain("REGIONS is not set");
		expect(configErrorOf({})).toContain("REGIONS names no region");
		expect(configErrorOf(["eu"])).toContain("table of regions");
		expect(configErrorOf("eu,us")).toContain("not JSON");
		expect(configErrorOf("{eu:")).toContain("not JSON");
	});
});

describe("parseRegions", () => {
	it("gives each region its order database from the env, and finds regions by name", () => {
		const eu = fakeD1();
		const us = fakeD1();
		const regions = parseRegions(
			{ eu: { locationHint: "weur", jurisdiction: "eu" }, us: { locationHint: "enam" } },
			{ ORDERS_EU: eu, ORDERS_US: us, DB: fakeD1() },
		);
		expect(regions.all.map((region) => region.name)).toEqual(["eu", "us"]);
		expect(regions.get("eu")?.orders).toBe(eu);
		expect(regions.get("us")?.orders).toBe(us);
		expect(regions.get("apac")).toBeUndefined();
	});

	it("does not take a binding that is not a D1 database for a region's database", () => {
		expect(() =>
			parseRegions({ eu: { locationHint: "weur" } }, { ORDERS_EU: { get: () => null } as unknown }),
		).toThrowError(/ORDERS_EU/);
	});
});

describe("objectIn", () => {
	it("creates a region's object in its jurisdiction, near its location hint", () => {
		const calls: string[] = [];
		const namespace = {
			jurisdiction: (name: string) => {
				calls.push(`jurisdiction ${name}`);
				return namespace;
			},
			idFromName: (name: string) => `id:${name}`,
			get: (id: string, options: { locationHint: string }) => {
				calls.push(`get ${id} near ${options.locationHint}`);
				return {};
			},
		} as unknown as DurableObjectNamespace;
		const [eu, us] = parseRegions(
			{ eu: { locationHint: "weur", jurisdiction: "eu" }, us: { locationHint: "enam" } },
			{ ORDERS_EU: fakeD1(), ORDERS_US: fakeD1() },
		).all;
		objectIn(namespace, eu, "crt_eu_1");
		objectIn(namespace, us, "crt_us_1");
		expect(calls).toEqual(["jurisdiction eu", "get id:crt_eu_1 near weur", "get id:crt_us_1 near enam"]);
	});
});
