/**
 * Regions: where order data and the objects that hold orders live.
 *
 * Configuration, not code: wrangler.toml's `[vars.REGIONS]` names each region
 * with the Durable Object location hint its objects are created near and, where
 * the law asks for one, its jurisdiction; each region's order read models live
 * in the D1 database bound as `ORDERS_<NAME>`. A location belongs to one region
 * (a column of the catalogue); an order belongs to the region its cart was
 * opened in, for good (the region is part of its id).
 */
import { z } from "zod";

/** A region's name: short lowercase letters, so it fits in ids, binding names and bookmarks. */
export const REGION_NAME = /^[a-z]{2,12}$/;
/** The bookmark name of the database every region shares (catalogue, accounts, webhooks), so no region may take it. */
export const GLOBAL_DATABASE = "global";

const LOCATION_HINTS = [
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
const JURISDICTIONS = ["eu", "fedramp", "fedramp-high"] as const;

const RegionSettingsSchema = z.strictObject({
	locationHint: z.enum(LOCATION_HINTS),
	jurisdiction: z.enum(JURISDICTIONS).optional(),
});

export interface Region {
	name: string;
	/** Where Durable Objects holding this region's orders are created. */
	locationHint: DurableObjectLocationHint;
	/** Set where the region's data must stay inside a legal boundary (`eu`). */
	jurisdiction?: DurableObjectJurisdiction;
	/** The region's order read models. */
	orders: D1Database;
}

export interface Regions {
	/** In configuration order. */
	all: readonly Region[];
	get(name: string): Region | undefined;
}

/** Configuration that cannot work; thrown on first use so the worker never serves with it. */
export class RegionConfigError extends Error {
	override name = "RegionConfigError";
}

/** The binding a region's order database is bound as. */
export function orderDatabaseBinding(region: string): string {
	return `ORDERS_${region.toUpperCase()}`;
}

function isD1(value: unknown): value is D1Database {
	const candidate = value as Partial<D1Database> | undefined;
	return typeof candidate?.prepare === "function" && typeof candidate.withSession === "function";
}

export interface RegionSettings {
	name: string;
	locationHint: DurableObjectLocationHint;
	jurisdiction?: DurableObjectJurisdiction;
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

/** The regions of a worker's env, each with its order database. */
export function parseRegions(config: unknown, env: Record<string, unknown>): Regions {
	const databases = new Set(Object.keys(env).filter((name) => isD1(env[name])));
	const all = readRegionSettings(config, databases).map(
		({ binding, ...settings }): Region => ({ ...settings, orders: env[binding] as D1Database }),
	);
	const byName = new Map(all.map((region) => [region.name, region]));
	return { all, get: (name) => byName.get(name) };
}

const parsedFor = new WeakMap<object, Regions | RegionConfigError>();

/**
 * The worker's regions, checked once per env object (an isolate keeps its
 * env). Configuration that cannot work throws the same RegionConfigError on
 * every call, without being parsed again.
 */
export function regionsOf(env: Env): Regions {
	let regions = parsedFor.get(env);
	if (!regions) {
		try {
			regions = parseRegions(env.REGIONS, env as unknown as Record<string, unknown>);
		} catch (error) {
			if (!(error instanceof RegionConfigError)) throw error;
			regions = error;
		}
		parsedFor.set(env, regions);
	}
	if (regions instanceof RegionConfigError) throw regions;
	return regions;
}

/**
 * How long a queue batch waits before it is offered again while the
 * configuration cannot work: long enough that the queue's retries (10) outlast
 * a fix and a redeploy, rather than running into the dead-letter queue within minutes.
 */
export const CONFIGURATION_RETRY_DELAY_SECONDS = 3_600;

const reportedFor = new WeakSet<object>();

/**
 * The configuration error of this env, reported through `report` the first
 * time this isolate meets it (each request, batch or cron run refused after
 * that would only repeat it); undefined when the regions can work.
 */
export function refusedConfiguration(
	env: Env,
	report: (error: RegionConfigError) => void,
): RegionConfigError | undefined {
	const error = regionConfigErrorOf(env);
	if (error && !reportedFor.has(env)) {
		reportedFor.add(env);
		report(error);
	}
	return error;
}

/** The configuration error of this env, or undefined when its regions can work. */
export function regionConfigErrorOf(env: Env): RegionConfigError | undefined {
	try {
		regionsOf(env);
		return undefined;
	} catch (error) {
		if (error instanceof RegionConfigError) return error;
		throw error;
	}
}

/** The region by name; a name configuration lost (a region removed while data still names it) is a configuration error. */
export function regionNamed(env: Env, name: string): Region {
	const region = regionsOf(env).get(name);
	if (!region) throw new RegionConfigError(`the region "${name}" is not in REGIONS, but data names it`);
	return region;
}

/** A Durable Object of a region: from its jurisdiction's namespace where it has one, created near it. */
export function objectIn<T extends Rpc.DurableObjectBranded | undefined>(
	namespace: DurableObjectNamespace<T>,
	region: Region,
	name: string,
): DurableObjectStub<T> {
	const scoped = region.jurisdiction ? namespace.jurisdiction(region.jurisdiction) : namespace;
	return scoped.get(scoped.idFromName(name), { locationHint: region.locationHint });
}
