import { regionsOf } from "./regions";

/**
 * Readiness: whether the bindings a worker needs answer, each checked with a
 * cheap call and a deadline, so a load balancer or an operator can tell a
 * broken binding from a live process (`/health` says only the latter).
 */
export type Probe = () => Promise<unknown>;

export interface Readiness {
	status: "ready" | "unavailable";
	checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

const PROBE_TIMEOUT_MS = 2000;

function withDeadline(probe: Probe): Promise<unknown> {
	return Promise.race([
		probe(),
		new Promise((_, reject) =>
			setTimeout(() => reject(new Error(`no answer in ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS),
		),
	]);
}

export async function checkReadiness(probes: Record<string, Probe>): Promise<Readiness> {
	const entries = await Promise.all(
		Object.entries(probes).map(async ([name, probe]) => {
			const started = Date.now();
			try {
				await withDeadline(probe);
				return [name, { ok: true, ms: Date.now() - started }] as const;
			} catch (error) {
				return [
					name,
					{ ok: false, ms: Date.now() - started, error: error instanceof Error ? error.message : String(error) },
				] as const;
			}
		}),
	);
	const checks = Object.fromEntries(entries);
	return { status: entries.every(([, check]) => check.ok) ? "ready" : "unavailable", checks };
}

/** A queue producer cannot be asked anything without sending; a binding that is not a producer fails here. */
export async function queueBinding(queue: Queue | undefined): Promise<void> {
	if (typeof queue?.send !== "function" || typeof queue.sendBatch !== "function") {
		throw new Error("not a queue producer binding");
	}
}

/**
 * The api worker's bindings: the global D1 database, each region's order
 * database, the KV menu cache and the order-events queue. `regions` checks the
 * REGIONS configuration itself; when it cannot work, its error says what to
 * fix and no region's database can be named.
 */
export function apiProbes(env: Env): Record<string, Probe> {
	const probes: Record<string, Probe> = {
		d1: () => env.DB.prepare("SELECT 1 AS ok").first(),
		kv: () => env.MENU_KV.get("readiness-probe"),
		queue: () => queueBinding(env.ORDER_EVENTS),
	};
	let regions: ReturnType<typeof regionsOf>;
	try {
		regions = regionsOf(env);
	} catch (error) {
		probes.regions = () => Promise.reject(error);
		return probes;
	}
	probes.regions = async () => regions.all.length;
	for (const region of regions.all) {
		probes[`orders.${region.name}`] = () => region.orders.prepare("SELECT 1 AS ok").first();
	}
	return probes;
}
