/**
 * Reading `[vars.REGIONS]`: the part of regions.ts that needs no Workers types,
 * so scripts (npm run dev, db:migrate, the end-to-end platform) check
 * wrangler.toml with the same rules, and the same messages, as the worker.
 */
import { z } from "zod";

/** A region's name: short lowercase letters, so it fits in ids, binding names and bookmarks. */
export const REGION_NAME = /^[a-z]{2,12}$/;
/** The bookmark name of the database every region shares (catalogue, accounts, webhooks), so no region may take it. */
export const GLOBAL_DATABASE = "global";

export const LOCATION_HINTS = [
	"wnam",
	"enam",
	"sam",
	"weur",
	"eeur",
	"apac",
	"apac-ne",
	"apac-se",
	"oc",
	"afr",
	"me",
] as const;
export const JURISDICTIONS = ["eu", "us", "fedramp", "fedramp-high"] as const;

const RegionSettingsSchema = z.strictObject({
	locationHint: z.enum(LOCATION_HINTS),
	jurisdiction: z.enum(JURISDICTIONS).optional(),
});

/** The Durable Object location hints, as workers-types names them, so this module needs no worker types. */
export type LocationHint = (typeof LOCATION_HINTS)[number];
export type Jurisdiction = (typeof JURISDICTIONS)[number];

/** Configuration that cannot work; thrown on first use so the worker never serves with it. */
export class RegionConfigError extends Error {
	override name = "RegionConfigError";
}

/** The binding a region's order database is bound as. */
export function orderDatabaseBinding(region: string): string {
	return `ORDERS_${region.toUpperCase()}`;
}

export interface RegionSettings {
	name: string;
	locationHint: LocationHint;
	jurisdiction?: Jurisdiction;
	/** The binding of its order database. */
	binding: string;
}

/** REGIONS given as text (a secret or a `--var`), read as JSON. */
function parseJsonSettings(text: string, fix: string): unknown {
	try {
		return JSON.parse(text);
	} catch (error) {
		throw new RegionConfigError(
			`REGIONS is text but not JSON (${error instanceof Error ? error.message : String(error)}) ${fix}`,
		);
	}
}

/**
 * Checks `REGIONS` against the D1 bindings present, with a message that says
 * what to fix. Scripts check wrangler.toml with it before anything starts.
 */
export function readRegionSettings(config: unknown, databaseBindings: ReadonlySet<string>): RegionSettings[] {
	const fix = "(docs/regions.md says how to add a region)";
	if (config === undefined || config === null || config === "") {
		throw new RegionConfigError(
			`REGIONS is not set: wrangler.toml's [vars.REGIONS] must name at least one region ${fix}`,
		);
	}
	const parsed = typeof config === "string" ? parseJsonSettings(config, fix) : config;
	if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
		throw new RegionConfigError(
			`REGIONS must be a table of regions by name, such as { eu = { locationHint = "weur" } } ${fix}`,
		);
	}
	const entries = Object.entries(parsed as Record<string, unknown>);
	if (entries.length === 0) throw new RegionConfigError(`REGIONS names no region ${fix}`);
	return entries.map(([name, settings]) => {
		if (!REGION_NAME.test(name)) {
			throw new RegionConfigError(`REGIONS names "${name}": a region's name is 2 to 12 lowercase letters ${fix}`);
		}
		if (name === GLOBAL_DATABASE) {
			throw new RegionConfigError(
				`REGIONS names "${name}": that name is the global database's in bookmarks; call the region something else ${fix}`,
			);
		}
		const checked = RegionSettingsSchema.safeParse(settings);
		if (!checked.success) {
			const issue = checked.error.issues[0];
			const where = ["REGIONS", name, ...issue.path.map(String)].join(".");
			throw new RegionConfigError(`${where}: ${issue.message} ${fix}`);
		}
		const binding = orderDatabaseBinding(name);
		if (!databaseBindings.has(binding)) {
			throw new RegionConfigError(
				`REGIONS names the region "${name}", but there is no D1 database bound as ${binding}: add it to wrangler.toml and apply migrations/regional to it ${fix}`,
			);
		}
		return { name, ...checked.data, binding };
	});
}
