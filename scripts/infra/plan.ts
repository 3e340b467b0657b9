/**
 * What to do to an account so it holds an environment's declared resources:
 * a pure diff of the desired resources against what the account lists.
 */
import type { ExistingResources } from "./cloudflare-api";
import { type DeployedEnvironment, type DesiredResource, PROJECT } from "./declaration";

export type Action =
	/** Missing; `npm run infra -- apply` creates it. */
	| { action: "create"; resource: DesiredResource }
	/** Missing; wrangler's provisioning creates it on the first deploy (R2 buckets, queues a producer names). */
	| { action: "provision"; resource: DesiredResource }
	| { action: "exists"; resource: DesiredResource; id: string }
	/** Exists, with a setting apply changes in place (a D1 database's read replication). */
	| { action: "configure"; resource: DesiredResource; id: string; change: string }
	/** Exists but cannot be fixed in place (a D1 jurisdiction is set only at creation). */
	| { action: "drift"; resource: DesiredResource; problem: string }
	/** In the account with this environment's name, declared nowhere: reported, never deleted. */
	| { action: "undeclared"; type: DesiredResource["type"]; name: string };

export function plan(
	desired: readonly DesiredResource[],
	existing: ExistingResources,
	environment: DeployedEnvironment,
): Action[] {
	const actions = desired.map((resource) => actionFor(resource, existing));
	const declared = new Set(desired.map((resource) => `${resource.type}:${resource.name}`));
	const ours = (name: string) => name.startsWith(PROJECT) && name.split(/[-_]/).includes(environment);
	const undeclared = (type: DesiredResource["type"], names: string[]): Action[] =>
		names
			.filter((name) => ours(name) && !declared.has(`${type}:${name}`))
			.map((name) => ({ action: "undeclared", type, name }));
	return [
		...actions,
		...undeclared(
			"d1",
			existing.d1.map((d) => d.name),
		),
		...undeclared(
			"kv",
			existing.kv.map((k) => k.title),
		),
		...undeclared(
			"queue",
			existing.queues.map((q) => q.queue_name),
		),
		...undeclared(
			"r2",
			existing.r2.map((r) => r.name),
		),
	];
}

/** What the account's listing says to do about one declared resource. */
function actionFor(resource: DesiredResource, existing: ExistingResources): Action {
	switch (resource.type) {
		case "d1": {
			const database = existing.d1.find((candidate) => candidate.name === resource.name);
			if (!database) return { action: "create", resource };
			const has = database.jurisdiction ?? undefined;
			const wants = resource.placement.jurisdiction;
			if (has !== wants) {
				return {
					action: "drift",
					resource,
					problem: `D1 ${resource.name} is in jurisdiction ${has ?? "(none)"}, declared ${wants ?? "(none)"}: a jurisdiction is set only when a database is created; move its data to a new database`,
				};
			}
			if (resource.readReplication && database.readReplication !== resource.readReplication) {
				return {
					action: "configure",
					resource,
					id: database.uuid,
					change: `read replication ${database.readReplication ?? "disabled"} → ${resource.readReplication}`,
				};
			}
			return { action: "exists", resource, id: database.uuid };
		}
		case "kv": {
			const matches = existing.kv.filter((candidate) => candidate.title === resource.name);
			if (matches.length > 1) {
				return {
					action: "drift",
					resource,
					problem: `${matches.length} KV namespaces are titled ${resource.name}; keep one`,
				};
			}
			return matches[0] ? { action: "exists", resource, id: matches[0].id } : { action: "create", resource };
		}
		case "queue": {
			const queue = existing.queues.find((candidate) => candidate.queue_name === resource.name);
			if (queue) return { action: "exists", resource, id: queue.queue_id };
			return resource.createdBy === "script" ? { action: "create", resource } : { action: "provision", resource };
		}
		case "r2": {
			const bucket = existing.r2.find((candidate) => candidate.name === resource.name);
			if (!bucket) return { action: "provision", resource };
			if ((bucket.jurisdiction ?? undefined) !== resource.jurisdiction) {
				return {
					action: "drift",
					resource,
					problem: `R2 ${resource.name} is in jurisdiction ${bucket.jurisdiction ?? "(none)"}, declared ${resource.jurisdiction ?? "(none)"}`,
				};
			}
			return { action: "exists", resource, id: bucket.name };
		}
	}
}

/** A line per action, for the terminal. */
export function describe(action: Action): string {
	if (action.action === "undeclared") return `undeclared  ${action.type} ${action.name} (declared nowhere; left alone)`;
	const { resource } = action;
	const what = `${resource.type} ${resource.name}${placementText(resource)}`;
	switch (action.action) {
		case "create":
			return `create      ${what}`;
		case "provision":
			return `provision   ${what} (created by wrangler on the first deploy)`;
		case "exists":
			return `exists      ${what} ${action.id}`;
		case "configure":
			return `configure   ${what} ${action.id}: ${action.change}`;
		case "drift":
			return `DRIFT       ${what}: ${action.problem}`;
	}
}

export function placementText(resource: DesiredResource): string {
	if (resource.type === "d1") {
		const { jurisdiction, locationHint } = resource.placement;
		const parts = [
			jurisdiction ? `jurisdiction ${jurisdiction}` : locationHint ? `location ${locationHint}` : "",
			resource.readReplication ? `read replicas ${resource.readReplication}` : "",
		].filter(Boolean);
		return parts.length > 0 ? ` (${parts.join(", ")})` : "";
	}
	if (resource.type === "r2" && resource.jurisdiction) return ` (jurisdiction ${resource.jurisdiction})`;
	return "";
}
