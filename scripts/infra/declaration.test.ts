/**
 * The declaration read from the real wrangler configs: the resources each
 * environment needs, where its databases live, and the rules a config change
 * must keep (each rule shown failing on a config broken the way it guards against).
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	type DeployedEnvironment,
	desiredResources,
	madeBy,
	validate,
	type Worker,
	type WorkerConfig,
} from "./declaration";
import { readWorkers } from "./workers";

let workers: Worker[];
beforeAll(async () => {
	workers = await readWorkers();
}, 60_000);

/** A copy of the real workers with one config changed, as a careless edit would. */
function edited(key: string, environment: keyof Worker["configs"], change: (config: WorkerConfig) => void): Worker[] {
	const copy = structuredClone(workers);
	const worker = copy.find((candidate) => candidate.key === key);
	if (!worker) throw new Error(`no worker ${key}`);
	change(worker.configs[environment]);
	return copy;
}

describe("the real configs", () => {
	it("keep every rule", () => {
		expect(validate(workers)).toEqual([]);
	});

	it.each<DeployedEnvironment>(["staging", "production"])(
		"declare %s's databases, namespaces, queues and bucket",
		(environment) => {
			const resources = desiredResources(workers, environment).map((resource) => ({
				type: resource.type,
				name: resource.name,
				madeBy: madeBy(resource),
				...(resource.type === "d1" && { placement: resource.placement }),
			}));
			const e = environment;
			expect(resources).toEqual([
				{
					type: "d1",
					name: `goodfood-orders-apac-${e}`,
					madeBy: "script",
					placement: { locationHint: "apac", jurisdiction: undefined },
				},
				{
					type: "d1",
					name: `goodfood-orders-eu-${e}`,
					madeBy: "script",
					placement: { locationHint: "weur", jurisdiction: "eu" },
				},
				{
					type: "d1",
					name: `goodfood-orders-us-${e}`,
					madeBy: "script",
					placement: { locationHint: "enam", jurisdiction: undefined },
				},
				{ type: "d1", name: `goodfood-${e}`, madeBy: "script", placement: { locationHint: "weur" } },
				{ type: "kv", name: `goodfood-menu-kv-${e}`, madeBy: "script" },
				{ type: "kv", name: `goodfood-revocations-${e}`, madeBy: "script" },
				// Only consumed (it is the notifications' dead-letter queue): wrangler provisions no such queue.
				{ type: "queue", name: `goodfood-notifications-dlq-${e}`, madeBy: "script" },
				{ type: "queue", name: `goodfood-notifications-${e}`, madeBy: "provisioning" },
				{ type: "queue", name: `goodfood-order-events-dlq-${e}`, madeBy: "provisioning" },
				{ type: "queue", name: `goodfood-order-events-${e}`, madeBy: "provisioning" },
				{ type: "r2", name: `goodfood-menu-images-${e}`, madeBy: "provisioning" },
			]);
		},
	);

	it("shares one menu namespace and one set of databases between the workers that bind them", () => {
		const resources = desiredResources(workers, "production");
		expect(resources.find((resource) => resource.name === "goodfood-menu-kv-production")?.boundBy).toEqual([
			"goodfood-api-production.MENU_KV",
			"goodfood-menu-edge-production.MENU_KV",
		]);
		expect(resources.find((resource) => resource.name === "goodfood-orders-eu-production")?.boundBy).toEqual([
			"goodfood-api-production.ORDERS_EU",
			"goodfood-watch-production.ORDERS_EU",
		]);
	});
});

describe("validation catches", () => {
	it("a binding development declares and production lacks", () => {
		const broken = edited("api", "production", (config) => {
			config.kv_namespaces = config.kv_namespaces?.filter((namespace) => namespace.binding !== "REVOCATIONS");
		});
		expect(validate(broken)).toEqual([
			"wrangler.toml [env.production]: kv binding REVOCATIONS is declared in development but missing",
		]);
	});

	it("a rate-limit namespace reused between staging and production", () => {
		const broken = edited("menu-edge", "production", (config) => {
			for (const limit of config.ratelimits ?? []) limit.namespace_id = "2006";
		});
		expect(validate(broken)).toEqual([
			"rate-limit namespace_id 2006 is shared by goodfood-menu-edge-staging.RATE_LIMIT_MENU_ORIGIN (staging) and goodfood-menu-edge-production.RATE_LIMIT_MENU_ORIGIN (production); each needs its own",
		]);
	});

	it("a cron no handler answers", () => {
		const broken = structuredClone(workers);
		const watch = broken.find((worker) => worker.key === "watch") as Worker;
		for (const config of Object.values(watch.configs))
			config.triggers = { crons: ["* * * * *", "*/5 * * * *", "0 * * * *"] };
		expect(validate(broken)).toEqual([`workers/watch/wrangler.toml: cron "0 * * * *" has no handler in watch's CRONS`]);
	});

	it("a handler no cron schedules", () => {
		const broken = structuredClone(workers);
		const api = broken.find((worker) => worker.key === "api") as Worker;
		for (const config of Object.values(api.configs)) config.triggers = { crons: ["0 3 * * *"] };
		expect(validate(broken)).toEqual([`api's CRONS handles "*/10 * * * *", which wrangler.toml never schedules`]);
	});

	it("a staging binding naming a production resource", () => {
		const broken = edited("menu-edge", "staging", (config) => {
			const bucket = config.r2_buckets?.find((candidate) => candidate.binding === "MENU_IMAGES");
			if (bucket) bucket.bucket_name = "goodfood-menu-images-production";
		});
		expect(validate(broken)).toEqual([
			"workers/menu-edge/wrangler.toml [env.staging]: MENU_IMAGES names goodfood-menu-images-production, which belongs to production; expected goodfood-menu-images-staging",
			"staging: MENU_IMAGES is goodfood-menu-images-staging in goodfood-api-staging but goodfood-menu-images-production in goodfood-menu-edge-staging",
		]);
	});

	it("a service binding to another environment's worker", () => {
		const broken = edited("watch", "production", (config) => {
			const frontDoor = config.services?.find((service) => service.binding === "FRONT_DOOR");
			if (frontDoor) frontDoor.service = "goodfood-menu-edge-staging";
		});
		expect(validate(broken)).toEqual([
			"workers/watch/wrangler.toml [env.production]: FRONT_DOOR names goodfood-menu-edge-staging, which belongs to staging; expected goodfood-menu-edge-production",
		]);
	});

	it("an Analytics Engine dataset without the environment's suffix", () => {
		const broken = edited("api", "staging", (config) => {
			const requests = config.analytics_engine_datasets?.find((dataset) => dataset.binding === "REQUEST_METRICS");
			if (requests) requests.dataset = "goodfood_requests";
		});
		expect(validate(broken)).toContain(
			"wrangler.toml [env.staging]: REQUEST_METRICS names goodfood_requests; expected goodfood_requests_staging",
		);
	});

	it("a dead-letter queue no worker declares", () => {
		const broken = edited("api", "staging", (config) => {
			const consumers = config.queues?.consumers ?? [];
			if (config.queues)
				config.queues.consumers = consumers.filter(
					(consumer) => consumer.queue !== "goodfood-notifications-dlq-staging",
				);
		});
		expect(validate(broken)).toEqual([
			"wrangler.toml [env.staging]: no consumer of goodfood-notifications-dlq-staging, which development consumes",
			"staging: goodfood-api-staging's consumer of goodfood-notifications-staging dead-letters to goodfood-notifications-dlq-staging, which no worker produces to or consumes",
		]);
	});

	it("a queue sent to and never consumed", () => {
		const broken = edited("api", "development", (config) => {
			config.queues?.producers?.push({ binding: "AUDIT_EVENTS", queue: "goodfood-audit-events" });
		});
		expect(validate(broken)).toContain(
			"development: goodfood-api.AUDIT_EVENTS sends to goodfood-audit-events, which no worker consumes",
		);
	});

	it("a resource id pasted into a deployed environment", () => {
		const broken = edited("menu-edge", "production", (config) => {
			for (const namespace of config.kv_namespaces ?? []) namespace.id = "0123456789abcdef0123456789abcdef";
		});
		expect(validate(broken)).toEqual([
			"workers/menu-edge/wrangler.toml [env.production]: KV binding MENU_KV has an id; remove it (npm run infra -- resolve fills it from goodfood-menu-kv-production)",
		]);
	});

	it("a region whose location D1 does not offer, and a region without its database", () => {
		const broken = structuredClone(workers);
		for (const worker of broken.filter((candidate) => candidate.key === "api" || candidate.key === "watch")) {
			const config = worker.configs.production;
			config.vars = {
				...config.vars,
				REGIONS: { ...(config.vars?.REGIONS as object), apac: { locationHint: "sam" }, sa: { locationHint: "wnam" } },
			};
		}
		expect(validate(broken)).toEqual([
			"wrangler.toml [env.production]: ORDERS_APAC's location hint sam is not a D1 location (weur, eeur, apac, oc, wnam, enam)",
			"wrangler.toml [env.production]: region sa has no ORDERS_SA database binding",
			"workers/watch/wrangler.toml [env.production]: ORDERS_APAC's location hint sam is not a D1 location (weur, eeur, apac, oc, wnam, enam)",
			"workers/watch/wrangler.toml [env.production]: region sa has no ORDERS_SA database binding",
		]);
	});

	it("two workers placing one database differently", () => {
		const broken = edited("watch", "staging", (config) => {
			config.vars = { ...config.vars, REGIONS: { ...(config.vars?.REGIONS as object), eu: { locationHint: "weur" } } };
		});
		expect(validate(broken)).toEqual([
			`staging: ORDERS_EU is placed {"locationHint":"weur","jurisdiction":"eu"} by goodfood-api-staging but {"locationHint":"weur"} by goodfood-watch-staging`,
		]);
	});
});
