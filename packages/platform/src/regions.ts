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
import { RegionConfigError, readRegionSettings } from "./region-settings";

export {
	GLOBAL_DATABASE,
	orderDatabaseBinding,
	REGION_NAME,
	RegionConfigError,
	type RegionSettings,
	readRegionSettings,
} from "./region-settings";

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

function isD1(value: unknown): value is D1Database {
	const candidate = value as Partial<D1Database> | undefined;
	return typeof candidate?.prepare === "function" && typeof candidate.withSession === "function";
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
