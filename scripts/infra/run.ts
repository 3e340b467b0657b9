/**
 * `npm run infra -- <plan|apply|resolve> --env <staging|production> [--dry-run]`
 * (docs/infrastructure.md). Reads CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID,
 * the variables wrangler reads; without a token, plan is a dry run.
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type CloudflareApi, cloudflareApi, type ExistingResources, listCalls } from "./cloudflare-api";
import {
	DEPLOYED_ENVIRONMENTS,
	type DeployedEnvironment,
	type DesiredResource,
	desiredResources,
	madeBy,
	validate,
	type Worker,
} from "./declaration";
import { type Action, describe, placementText, plan } from "./plan";
import { writeResolvedConfigs } from "./resolve";
import { REPOSITORY_ROOT, readWorkers } from "./workers";

type Log = (line: string) => void;

/**
 * Creates what the plan says to create and configures what it says to configure; each change is logged as
 * it lands, so a failure part-way shows what was made.
 */
export async function apply(actions: readonly Action[], api: CloudflareApi, log: Log): Promise<number> {
	let changed = 0;
	for (const action of actions) {
		if (action.action !== "create" && action.action !== "configure") continue;
		const { resource } = action;
		const id = action.action === "create" ? await createResource(resource, api) : action.id;
		if (action.action === "create")
			log(`created     ${resource.type} ${resource.name}${placementText(resource)} ${id}`);
		// A new database starts without replicas, like one whose setting drifted.
		if (resource.type === "d1" && resource.readReplication) {
			await api.setReadReplication(id, resource.readReplication);
			log(`configured  d1 ${resource.name} ${id}: read replication ${resource.readReplication}`);
		}
		changed++;
	}
	return changed;
}

/** The read replication mode of each declared-replicated database that exists: the list does not say. */
async function inspectReadReplication(
	desired: readonly DesiredResource[],
	existing: ExistingResources,
	api: CloudflareApi,
): Promise<void> {
	for (const resource of desired) {
		if (resource.type !== "d1" || !resource.readReplication) continue;
		const database = existing.d1.find((candidate) => candidate.name === resource.name);
		if (database) database.readReplication = await api.readReplicationOf(database.uuid);
	}
}

async function createResource(resource: DesiredResource, api: CloudflareApi): Promise<string> {
	switch (resource.type) {
		case "d1":
			return (await api.createD1(resource.name, resource.placement)).uuid;
		case "kv":
			return (await api.createKv(resource.name)).id;
		case "queue":
			return (await api.createQueue(resource.name)).queue_id;
		case "r2":
			throw new Error(`R2 bucket ${resource.name} is created by wrangler's provisioning, not by this script`);
	}
}

function r2Jurisdictions(desired: readonly DesiredResource[]): string[] {
	return [
		...new Set(
			desired.flatMap((resource) => (resource.type === "r2" && resource.jurisdiction ? [resource.jurisdiction] : [])),
		),
	];
}

/** The whole command; returns the exit code. Injected workers and api make it testable without files or network. */
export async function runInfra(
	argv: readonly string[],
	options: {
		env?: Record<string, string | undefined>;
		workers?: Worker[];
		api?: CloudflareApi;
		root?: string;
		log?: Log;
	} = {},
): Promise<number> {
	const log = options.log ?? ((line: string) => console.log(line));
	const variables = options.env ?? process.env;
	const { positionals, values } = parseArgs({
		args: [...argv],
		allowPositionals: true,
		options: { env: { type: "string" }, "dry-run": { type: "boolean", default: false } },
	});
	const command = positionals[0];
	const environment = values.env as DeployedEnvironment;
	if (!["plan", "apply", "resolve"].includes(command ?? "") || !DEPLOYED_ENVIRONMENTS.includes(environment)) {
		log("usage: npm run infra -- <plan|apply|resolve> --env <staging|production> [--dry-run]");
		return 2;
	}

	const workers = options.workers ?? (await readWorkers(options.root));
	const problems = validate(workers);
	if (problems.length > 0) {
		log(`The wrangler configs break ${problems.length} rule(s) (docs/infrastructure.md#validation):`);
		for (const problem of problems) log(`  ${problem}`);
		return 1;
	}
	const desired = desiredResources(workers, environment);

	const apiToken = variables.CLOUDFLARE_API_TOKEN;
	const accountId = variables.CLOUDFLARE_ACCOUNT_ID;
	const dryRun = values["dry-run"] || (!apiToken && !options.api);
	if (dryRun) {
		if (command !== "plan") {
			log(`${command} needs CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID (only plan has a dry run)`);
			return 2;
		}
		log(`${environment}: the configs are valid; the resources they declare:`);
		for (const resource of desired) {
			log(
				`  ${resource.type} ${resource.name}${placementText(resource)}  [made by ${madeBy(resource)}; bound by ${resource.boundBy.join(", ")}]`,
			);
		}
		log("Dry run: no calls made. With a token, plan would check:");
		const replicated = desired.flatMap((resource) =>
			resource.type === "d1" && resource.readReplication ? [resource.name] : [],
		);
		for (const call of listCalls(accountId || "<CLOUDFLARE_ACCOUNT_ID>", r2Jurisdictions(desired), replicated)) {
			log(`  ${call}`);
		}
		return 0;
	}
	if (!options.api && !accountId) {
		log("CLOUDFLARE_ACCOUNT_ID is not set");
		return 2;
	}
	const api = options.api ?? cloudflareApi({ accountId: accountId as string, apiToken: apiToken as string });

	const existing = await api.listExisting(r2Jurisdictions(desired));
	await inspectReadReplication(desired, existing, api);
	const actions = plan(desired, existing, environment);
	const drift = actions.filter((action) => action.action === "drift");

	if (command === "resolve") {
		if (drift.length > 0) return reportDrift(drift, log);
		const paths = await writeResolvedConfigs(
			options.root ?? REPOSITORY_ROOT,
			workers.map((worker) => worker.configPath),
			environment,
			existing,
			accountId,
		);
		for (const path of paths) log(`wrote ${path}`);
		return 0;
	}

	log(`${environment}:`);
	for (const action of actions) log(`  ${describe(action)}`);
	if (drift.length > 0) return reportDrift(drift, log);
	if (command === "plan") return 0;

	const changed = await apply(actions, api, log);
	log(changed === 0 ? "Nothing to change." : `Changed ${changed}.`);
	return 0;
}

function reportDrift(drift: Action[], log: Log): number {
	log(`${drift.length} resource(s) differ from their declaration and cannot be changed in place; nothing was created:`);
	for (const action of drift) log(`  ${describe(action)}`);
	return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	runInfra(process.argv.slice(2)).then(
		(code) => process.exit(code),
		(error: unknown) => {
			console.error(error instanceof Error ? error.message : error);
			process.exit(1);
		},
	);
}
