/**
 * What the workers bind, read from their wrangler configs (the one declaration),
 * as the resources an environment needs and the rules the configs must keep.
 * Pure: configs in, resources and problems out; no files, no network.
 */

/** The project's resource prefix: every resource it owns is named `goodfood…`. */
export const PROJECT = "goodfood";

export const DEPLOYED_ENVIRONMENTS = ["staging", "production"] as const;
export type DeployedEnvironment = (typeof DEPLOYED_ENVIRONMENTS)[number];
/** development is the configs' top level: local only, never created in an account. */
export type Environment = "development" | DeployedEnvironment;
export const ENVIRONMENTS: readonly Environment[] = ["development", ...DEPLOYED_ENVIRONMENTS];

/**
 * Where a D1 database that is not a region's order database lives. A region's
 * database (`ORDERS_<REGION>`) takes its place from `vars.REGIONS`, which the
 * worker reads too; the global database's place matters only when it is
 * created, so it is declared here, once for every environment, rather than as
 * a var no code reads. Western Europe: the primary takes every write (sign-ups,
 * catalogue edits, webhooks), next to the first region and the back office;
 * read replicas serve reads everywhere else.
 */
export const DATABASE_LOCATIONS: Record<string, Placement> = {
	DB: { locationHint: "weur" },
};

/**
 * Databases served through D1's read replicas. The api reads the global database only through Sessions
 * API sessions (`withSession`), whose bookmarks keep a client's own writes visible on a replica, and every
 * region reads it (the catalogue on every menu miss and cart add, accounts on every sign-in). The regional
 * order databases are read mostly by their own region, so they keep their one copy.
 */
export const READ_REPLICATED_DATABASES: readonly string[] = ["DB"];

/** D1's own choices (wrangler's LOCATION_CHOICES and D1's jurisdictions); a Durable Object hint such as `sam` is not one. */
export const D1_LOCATION_HINTS = ["weur", "eeur", "apac", "oc", "wnam", "enam"] as const;
export const D1_JURISDICTIONS = ["eu", "fedramp"] as const;

export interface Placement {
	locationHint?: string;
	jurisdiction?: string;
}

/** The part of wrangler's normalized config (`unstable_readConfig`) this module reads. */
export interface WorkerConfig {
	name: string;
	triggers?: { crons?: string[] };
	vars?: Record<string, unknown>;
	d1_databases?: { binding: string; database_name?: string; database_id?: string }[];
	kv_namespaces?: { binding: string; id?: string }[];
	r2_buckets?: { binding: string; bucket_name?: string; jurisdiction?: string }[];
	queues?: {
		producers?: { binding: string; queue: string }[];
		consumers?: { queue: string; dead_letter_queue?: string }[];
	};
	analytics_engine_datasets?: { binding: string; dataset?: string }[];
	ratelimits?: { name: string; namespace_id: string }[];
	services?: { binding: string; service: string; entrypoint?: string }[];
	durable_objects?: { bindings?: { name: string; class_name: string }[] };
	version_metadata?: { binding: string };
	images?: { binding: string };
	assets?: { binding?: string };
}

/** One worker: its config in each environment and the crons its scheduled handler answers. */
export interface Worker {
	key: string;
	configPath: string;
	configs: Record<Environment, WorkerConfig>;
	cronHandlers: readonly string[];
}

/** Who makes a missing resource: this script, or wrangler's provisioning on the first deploy. */
export type CreatedBy = "script" | "provisioning";

export type DesiredResource =
	| { type: "d1"; name: string; placement: Placement; readReplication?: "auto"; boundBy: string[] }
	| { type: "kv"; name: string; boundBy: string[] }
	| { type: "queue"; name: string; createdBy: CreatedBy; boundBy: string[] }
	| { type: "r2"; name: string; jurisdiction?: string; boundBy: string[] };

/** Who makes a resource when the account lacks it. */
export function madeBy(resource: DesiredResource): CreatedBy {
	if (resource.type === "queue") return resource.createdBy;
	return resource.type === "r2" ? "provisioning" : "script";
}

/**
 * A KV namespace's title in an environment: from its binding name, so every
 * worker binding MENU_KV shares one namespace (the api writes menus, the edge
 * reads them), and the id is looked up by title rather than pasted.
 */
export function kvNamespaceTitle(binding: string, environment: DeployedEnvironment): string {
	return `${PROJECT}-${binding.toLowerCase().replaceAll("_", "-")}-${environment}`;
}

/** The resources an environment needs, each once however many workers bind it. */
export function desiredResources(workers: readonly Worker[], environment: DeployedEnvironment): DesiredResource[] {
	const resources = new Map<string, DesiredResource>();
	const add = (resource: DesiredResource, boundBy: string) => {
		const key = `${resource.type}:${resource.name}`;
		const known = resources.get(key) ?? resource;
		if (!known.boundBy.includes(boundBy)) known.boundBy.push(boundBy);
		resources.set(key, known);
	};
	for (const worker of workers) {
		const config = worker.configs[environment];
		const by = (binding: string) => `${config.name}.${binding}`;
		for (const database of config.d1_databases ?? []) {
			if (!database.database_name) continue;
			const placement = databasePlacement(config, database.binding) ?? {};
			const replicated = READ_REPLICATED_DATABASES.includes(database.binding);
			add(
				{
					type: "d1",
					name: database.database_name,
					placement,
					...(replicated && { readReplication: "auto" as const }),
					boundBy: [],
				},
				by(database.binding),
			);
		}
		for (const namespace of config.kv_namespaces ?? []) {
			add({ type: "kv", name: kvNamespaceTitle(namespace.binding, environment), boundBy: [] }, by(namespace.binding));
		}
		for (const bucket of config.r2_buckets ?? []) {
			if (!bucket.bucket_name) continue;
			add({ type: "r2", name: bucket.bucket_name, jurisdiction: bucket.jurisdiction, boundBy: [] }, by(bucket.binding));
		}
	}
	// Provisioning creates a queue a producer binding names; a queue only consumed
	// (a dead-letter queue) must exist before the deploy, which refuses a consumer of a missing queue.
	const produced = new Set(
		workers.flatMap((worker) => (worker.configs[environment].queues?.producers ?? []).map((p) => p.queue)),
	);
	for (const worker of workers) {
		const config = worker.configs[environment];
		const queue = (name: string, boundBy: string) =>
			add({ type: "queue", name, createdBy: produced.has(name) ? "provisioning" : "script", boundBy: [] }, boundBy);
		for (const producer of config.queues?.producers ?? []) queue(producer.queue, `${config.name}.${producer.binding}`);
		for (const consumer of config.queues?.consumers ?? []) {
			queue(consumer.queue, `${config.name} (consumer)`);
			if (consumer.dead_letter_queue)
				queue(consumer.dead_letter_queue, `${config.name} (dead letters of ${consumer.queue})`);
		}
	}
	const order = { d1: 0, kv: 1, queue: 2, r2: 3 };
	return [...resources.values()].sort((a, b) => order[a.type] - order[b.type] || a.name.localeCompare(b.name));
}

/** Where a database binding lives: its region's entry in `vars.REGIONS`, or DATABASE_LOCATIONS. */
export function databasePlacement(config: WorkerConfig, binding: string): Placement | undefined {
	const region = regionOfBinding(binding);
	if (region === undefined) return DATABASE_LOCATIONS[binding];
	const regions = (config.vars?.REGIONS ?? {}) as Record<string, Placement>;
	const placement = regions[region];
	return placement && { locationHint: placement.locationHint, jurisdiction: placement.jurisdiction };
}

function regionOfBinding(binding: string): string | undefined {
	return /^ORDERS_([A-Z0-9_]+)$/.exec(binding)?.[1]?.toLowerCase();
}

/** A rule a config breaks, in words that name the worker, environment and binding. */
export type Problem = string;

/** Every rule, over every worker and environment. Empty when the configs can be deployed as declared. */
export function validate(workers: readonly Worker[]): Problem[] {
	return [
		...workers.flatMap((worker) => DEPLOYED_ENVIRONMENTS.flatMap((environment) => bindingParity(worker, environment))),
		...workers.flatMap((worker) => DEPLOYED_ENVIRONMENTS.flatMap((environment) => noPastedIds(worker, environment))),
		...workers.flatMap((worker) => ENVIRONMENTS.flatMap((environment) => databasePlacements(worker, environment))),
		...ENVIRONMENTS.flatMap((environment) => sharedBindingsAgree(workers, environment)),
		...ENVIRONMENTS.flatMap((environment) => queuesAgree(workers, environment)),
		...rateLimitNamespacesUnique(workers),
		...workers.flatMap(cronsHandled),
	];
}

type BindingKind =
	| "d1"
	| "kv"
	| "r2"
	| "queue"
	| "analytics"
	| "ratelimit"
	| "service"
	| "durable object"
	| "version metadata"
	| "images"
	| "assets";

/** Each binding of a config, with the name of what it points at (outside its worker), if anything. */
export function bindingsOf(
	config: WorkerConfig,
): { binding: string; kind: BindingKind; target?: string; separator: "-" | "_" }[] {
	return [
		...(config.d1_databases ?? []).map((d) => ({
			binding: d.binding,
			kind: "d1" as const,
			target: d.database_name,
			separator: "-" as const,
		})),
		...(config.kv_namespaces ?? []).map((k) => ({ binding: k.binding, kind: "kv" as const, separator: "-" as const })),
		...(config.r2_buckets ?? []).map((r) => ({
			binding: r.binding,
			kind: "r2" as const,
			target: r.bucket_name,
			separator: "-" as const,
		})),
		...(config.queues?.producers ?? []).map((q) => ({
			binding: q.binding,
			kind: "queue" as const,
			target: q.queue,
			separator: "-" as const,
		})),
		...(config.analytics_engine_datasets ?? []).map((a) => ({
			binding: a.binding,
			kind: "analytics" as const,
			target: a.dataset,
			separator: "_" as const,
		})),
		...(config.ratelimits ?? []).map((r) => ({ binding: r.name, kind: "ratelimit" as const, separator: "-" as const })),
		...(config.services ?? []).map((s) => ({
			binding: s.binding,
			kind: "service" as const,
			target: s.service,
			separator: "-" as const,
		})),
		...(config.durable_objects?.bindings ?? []).map((d) => ({
			binding: d.name,
			kind: "durable object" as const,
			separator: "-" as const,
		})),
		...(config.version_metadata
			? [{ binding: config.version_metadata.binding, kind: "version metadata" as const, separator: "-" as const }]
			: []),
		...(config.images ? [{ binding: config.images.binding, kind: "images" as const, separator: "-" as const }] : []),
		...(config.assets?.binding
			? [{ binding: config.assets.binding, kind: "assets" as const, separator: "-" as const }]
			: []),
	];
}

/**
 * An environment declares every binding development declares, of the same kind,
 * and no other; each names development's resource with the environment's suffix
 * (`-staging`; `_staging` for a dataset), so nothing points at another environment's.
 */
function bindingParity(worker: Worker, environment: DeployedEnvironment): Problem[] {
	const development = bindingsOf(worker.configs.development);
	const deployed = bindingsOf(worker.configs[environment]);
	const where = `${worker.configPath} [env.${environment}]`;
	const problems: Problem[] = [];
	for (const binding of development) {
		const match = deployed.find(
			(candidate) => candidate.binding === binding.binding && candidate.kind === binding.kind,
		);
		if (!match) {
			problems.push(`${where}: ${binding.kind} binding ${binding.binding} is declared in development but missing`);
			continue;
		}
		if (binding.target === undefined) continue;
		const expected = `${binding.target}${binding.separator}${environment}`;
		if (match.target !== expected) {
			const other = ENVIRONMENTS.find((name) => name !== environment && match.target?.split(/[-_]/).includes(name));
			problems.push(
				`${where}: ${binding.binding} names ${match.target}${other ? `, which belongs to ${other}` : ""}; expected ${expected}`,
			);
		}
	}
	for (const binding of deployed) {
		if (!development.some((candidate) => candidate.binding === binding.binding && candidate.kind === binding.kind)) {
			problems.push(`${where}: ${binding.kind} binding ${binding.binding} is not declared in development`);
		}
	}
	const expectedName = `${worker.configs.development.name}-${environment}`;
	if (worker.configs[environment].name !== expectedName) {
		problems.push(`${where}: the worker is named ${worker.configs[environment].name}; expected ${expectedName}`);
	}
	const developmentConsumers = (worker.configs.development.queues?.consumers ?? []).map(
		(c) => `${c.queue}-${environment}`,
	);
	const deployedConsumers = (worker.configs[environment].queues?.consumers ?? []).map((c) => c.queue);
	for (const queue of developmentConsumers.filter((q) => !deployedConsumers.includes(q))) {
		problems.push(`${where}: no consumer of ${queue}, which development consumes`);
	}
	for (const queue of deployedConsumers.filter((q) => !developmentConsumers.includes(q))) {
		problems.push(`${where}: consumes ${queue}, which development does not`);
	}
	return problems;
}

/** Outside development, D1 and KV are found by name: a pasted id would outlive the resource it named. */
function noPastedIds(worker: Worker, environment: DeployedEnvironment): Problem[] {
	const config = worker.configs[environment];
	const where = `${worker.configPath} [env.${environment}]`;
	return [
		...(config.kv_namespaces ?? [])
			.filter((k) => k.id)
			.map(
				(k) =>
					`${where}: KV binding ${k.binding} has an id; remove it (npm run infra -- resolve fills it from ${kvNamespaceTitle(k.binding, environment)})`,
			),
		...(config.d1_databases ?? [])
			.filter((d) => d.database_id)
			.map(
				(d) =>
					`${where}: D1 binding ${d.binding} has a database_id; remove it (found by database_name ${d.database_name})`,
			),
		...(config.d1_databases ?? [])
			.filter((d) => !d.database_name)
			.map((d) => `${where}: D1 binding ${d.binding} has no database_name`),
	];
}

/** Every database has a place D1 accepts; every region has its database. */
function databasePlacements(worker: Worker, environment: Environment): Problem[] {
	const config = worker.configs[environment];
	const where = environment === "development" ? worker.configPath : `${worker.configPath} [env.${environment}]`;
	const problems: Problem[] = [];
	for (const database of config.d1_databases ?? []) {
		const placement = databasePlacement(config, database.binding);
		if (!placement) {
			problems.push(
				regionOfBinding(database.binding)
					? `${where}: ${database.binding} has no region ${regionOfBinding(database.binding)} in vars.REGIONS`
					: `${where}: ${database.binding} has no location; add it to DATABASE_LOCATIONS in scripts/infra/declaration.ts`,
			);
			continue;
		}
		if (placement.jurisdiction !== undefined) {
			if (!(D1_JURISDICTIONS as readonly string[]).includes(placement.jurisdiction)) {
				problems.push(
					`${where}: ${database.binding}'s jurisdiction ${placement.jurisdiction} is not a D1 jurisdiction (${D1_JURISDICTIONS.join(", ")})`,
				);
			}
		} else if (!(D1_LOCATION_HINTS as readonly string[]).includes(placement.locationHint ?? "")) {
			problems.push(
				`${where}: ${database.binding}'s location hint ${placement.locationHint ?? "(none)"} is not a D1 location (${D1_LOCATION_HINTS.join(", ")})`,
			);
		}
	}
	const regions = Object.keys((config.vars?.REGIONS ?? {}) as Record<string, unknown>);
	for (const region of regions) {
		const binding = `ORDERS_${region.toUpperCase()}`;
		if (!(config.d1_databases ?? []).some((d) => d.binding === binding)) {
			problems.push(`${where}: region ${region} has no ${binding} database binding`);
		}
	}
	return problems;
}

/** One binding name means one resource in an environment, in every worker that binds it. */
function sharedBindingsAgree(workers: readonly Worker[], environment: Environment): Problem[] {
	const seen = new Map<string, { worker: string; target?: string; placement?: string }>();
	const problems: Problem[] = [];
	for (const worker of workers) {
		const config = worker.configs[environment];
		for (const binding of bindingsOf(config)) {
			if (!["d1", "kv", "r2", "analytics"].includes(binding.kind)) continue;
			const key = `${binding.kind}:${binding.binding}`;
			const placement =
				binding.kind === "d1" ? JSON.stringify(databasePlacement(config, binding.binding) ?? {}) : undefined;
			const earlier = seen.get(key);
			if (!earlier) {
				seen.set(key, { worker: config.name, target: binding.target, placement });
			} else if (earlier.target !== binding.target) {
				problems.push(
					`${environment}: ${binding.binding} is ${earlier.target} in ${earlier.worker} but ${binding.target} in ${config.name}`,
				);
			} else if (earlier.placement !== placement) {
				problems.push(
					`${environment}: ${binding.binding} is placed ${earlier.placement} by ${earlier.worker} but ${placement} by ${config.name}`,
				);
			}
		}
	}
	return problems;
}

/** Every dead-letter queue is declared, every produced queue is consumed, every consumed queue is fed. */
function queuesAgree(workers: readonly Worker[], environment: Environment): Problem[] {
	const configs = workers.map((worker) => worker.configs[environment]);
	const producers = configs.flatMap((c) => (c.queues?.producers ?? []).map((p) => ({ worker: c.name, ...p })));
	const consumers = configs.flatMap((c) => (c.queues?.consumers ?? []).map((q) => ({ worker: c.name, ...q })));
	const declared = new Set([...producers.map((p) => p.queue), ...consumers.map((c) => c.queue)]);
	const deadLetterQueues = new Set(consumers.flatMap((c) => (c.dead_letter_queue ? [c.dead_letter_queue] : [])));
	const problems: Problem[] = [];
	for (const consumer of consumers) {
		if (consumer.dead_letter_queue && !declared.has(consumer.dead_letter_queue)) {
			problems.push(
				`${environment}: ${consumer.worker}'s consumer of ${consumer.queue} dead-letters to ${consumer.dead_letter_queue}, which no worker produces to or consumes`,
			);
		}
		if (!producers.some((p) => p.queue === consumer.queue) && !deadLetterQueues.has(consumer.queue)) {
			problems.push(`${environment}: ${consumer.worker} consumes ${consumer.queue}, which nothing sends to`);
		}
	}
	for (const producer of producers) {
		if (!consumers.some((c) => c.queue === producer.queue)) {
			problems.push(
				`${environment}: ${producer.worker}.${producer.binding} sends to ${producer.queue}, which no worker consumes`,
			);
		}
	}
	return problems;
}

/** A rate-limit namespace counts for one binding of one worker in one environment: staging traffic never spends production's limits. */
function rateLimitNamespacesUnique(workers: readonly Worker[]): Problem[] {
	const users = new Map<string, string[]>();
	for (const worker of workers) {
		for (const environment of ENVIRONMENTS) {
			const config = worker.configs[environment];
			for (const limit of config.ratelimits ?? []) {
				users.set(limit.namespace_id, [
					...(users.get(limit.namespace_id) ?? []),
					`${config.name}.${limit.name} (${environment})`,
				]);
			}
		}
	}
	return [...users.entries()]
		.filter(([, names]) => names.length > 1)
		.map(([id, names]) => `rate-limit namespace_id ${id} is shared by ${names.join(" and ")}; each needs its own`);
}

/** Each scheduled cron has a handler, and each handler a schedule (triggers are inherited by every environment). */
function cronsHandled(worker: Worker): Problem[] {
	const problems: Problem[] = [];
	for (const environment of ENVIRONMENTS) {
		for (const cron of worker.configs[environment].triggers?.crons ?? []) {
			if (!worker.cronHandlers.includes(cron)) {
				problems.push(`${worker.configPath}: cron "${cron}" has no handler in ${worker.key}'s CRONS`);
			}
		}
	}
	const scheduled = worker.configs.production.triggers?.crons ?? [];
	for (const cron of worker.cronHandlers.filter((c) => !scheduled.includes(c))) {
		problems.push(`${worker.key}'s CRONS handles "${cron}", which ${worker.configPath} never schedules`);
	}
	return [...new Set(problems)];
}
