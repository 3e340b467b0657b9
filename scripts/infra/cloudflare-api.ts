/**
 * The few Cloudflare API calls the infrastructure script makes, with the paths
 * and bodies wrangler itself uses (node_modules/wrangler: listDatabases,
 * createD1Database, listKVNamespaces, createKVNamespace, listQueues,
 * listR2Buckets). fetch is injected, so tests answer from fixtures.
 */

export const CLOUDFLARE_API = "https://api.cloudflare.com/client/v4";

export type ReadReplicationMode = "auto" | "disabled";

export interface ExistingD1 {
	uuid: string;
	name: string;
	jurisdiction?: string | null;
	/** Read from the database itself (the list does not carry it), and only for databases declared replicated. */
	readReplication?: ReadReplicationMode;
}
export interface ExistingKv {
	id: string;
	title: string;
}
export interface ExistingQueue {
	queue_id: string;
	queue_name: string;
}
export interface ExistingR2 {
	name: string;
	jurisdiction?: string;
}

/** What an account holds, of the kinds the workers bind. */
export interface ExistingResources {
	d1: ExistingD1[];
	kv: ExistingKv[];
	queues: ExistingQueue[];
	r2: ExistingR2[];
}

type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

interface Envelope<T> {
	success: boolean;
	errors?: { code: number; message: string }[];
	result: T;
	result_info?: { page?: number; per_page?: number; total_count?: number; cursor?: string };
}

export class CloudflareApiError extends Error {
	constructor(
		readonly path: string,
		readonly status: number,
		readonly errors: { code: number; message: string }[],
	) {
		super(
			`Cloudflare API ${path} answered ${status}: ${errors.map((e) => `${e.code} ${e.message}`).join("; ") || "no details"}`,
		);
	}
}

/** The list calls an account's plan makes, for `--dry-run` to print. */
export function listCalls(
	accountId: string,
	r2Jurisdictions: readonly string[] = [],
	replicatedDatabases: readonly string[] = [],
): string[] {
	const account = `/accounts/${accountId}`;
	return [
		`GET ${account}/d1/database?per_page=100`,
		`GET ${account}/storage/kv/namespaces?per_page=100`,
		`GET ${account}/queues`,
		`GET ${account}/r2/buckets`,
		...r2Jurisdictions.map((jurisdiction) => `GET ${account}/r2/buckets (cf-r2-jurisdiction: ${jurisdiction})`),
		...replicatedDatabases.map((name) => `GET ${account}/d1/database/<id of ${name}> (its read replication)`),
	];
}

export function cloudflareApi(options: { accountId: string; apiToken: string; fetch?: Fetch }) {
	const fetchFn: Fetch = options.fetch ?? ((url, init) => fetch(url, init));
	const account = `/accounts/${options.accountId}`;

	async function call<T>(path: string, init: RequestInit = {}): Promise<Envelope<T>> {
		const response = await fetchFn(`${CLOUDFLARE_API}${path}`, {
			...init,
			headers: { Authorization: `Bearer ${options.apiToken}`, "Content-Type": "application/json", ...init.headers },
		});
		const body = (await response.json().catch(() => undefined)) as Envelope<T> | undefined;
		if (!response.ok || !body?.success) throw new CloudflareApiError(path, response.status, body?.errors ?? []);
		return body;
	}

	/** Every page of a page-numbered list (D1, KV, queues). */
	async function listPages<T>(path: string, perPage: number): Promise<T[]> {
		const results: T[] = [];
		for (let page = 1; ; page++) {
			const separator = path.includes("?") ? "&" : "?";
			const { result, result_info } = await call<T[]>(`${path}${separator}per_page=${perPage}&page=${page}`);
			results.push(...result);
			const total = result_info?.total_count;
			const more = total !== undefined ? page * perPage < total : result.length === perPage;
			if (!more || result.length === 0) return results;
		}
	}

	async function listR2(jurisdiction?: string): Promise<ExistingR2[]> {
		const buckets: ExistingR2[] = [];
		let cursor: string | undefined;
		do {
			const query = `?per_page=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
			const headers: Record<string, string> = jurisdiction ? { "cf-r2-jurisdiction": jurisdiction } : {};
			const { result, result_info } = await call<{ buckets: ExistingR2[] }>(`${account}/r2/buckets${query}`, {
				headers,
			});
			buckets.push(
				...result.buckets.map((bucket) => ({ name: bucket.name, jurisdiction: bucket.jurisdiction ?? jurisdiction })),
			);
			cursor = result_info?.cursor || undefined;
		} while (cursor);
		return buckets;
	}

	return {
		/** What the account holds; R2 buckets in a jurisdiction are listed only when asked for by it. */
		async listExisting(r2Jurisdictions: readonly string[] = []): Promise<ExistingResources> {
			const [d1, kv, queues, ...r2] = await Promise.all([
				listPages<ExistingD1>(`${account}/d1/database`, 100),
				listPages<ExistingKv>(`${account}/storage/kv/namespaces`, 100),
				listPages<ExistingQueue>(`${account}/queues`, 100),
				listR2(),
				...r2Jurisdictions.map((jurisdiction) => listR2(jurisdiction)),
			]);
			return {
				d1: d1.map(({ uuid, name, jurisdiction }) => ({ uuid, name, jurisdiction })),
				kv: kv.map(({ id, title }) => ({ id, title })),
				queues: queues.map(({ queue_id, queue_name }) => ({ queue_id, queue_name })),
				r2: r2.flat(),
			};
		},

		/** A jurisdiction replaces the location hint: D1 ignores the hint when both are sent. */
		async createD1(name: string, placement: { locationHint?: string; jurisdiction?: string }): Promise<ExistingD1> {
			const body = placement.jurisdiction
				? { name, jurisdiction: placement.jurisdiction }
				: { name, ...(placement.locationHint && { primary_location_hint: placement.locationHint }) };
			const { result } = await call<ExistingD1>(`${account}/d1/database`, {
				method: "POST",
				body: JSON.stringify(body),
			});
			return {
				uuid: result.uuid,
				name: result.name,
				jurisdiction: result.jurisdiction ?? placement.jurisdiction ?? null,
			};
		},

		/** The database's read replication mode; a database never configured answers without one (disabled). */
		async readReplicationOf(uuid: string): Promise<ReadReplicationMode> {
			const { result } = await call<{ read_replication?: { mode?: ReadReplicationMode } }>(
				`${account}/d1/database/${uuid}`,
			);
			return result.read_replication?.mode ?? "disabled";
		},

		async setReadReplication(uuid: string, mode: ReadReplicationMode): Promise<void> {
			await call(`${account}/d1/database/${uuid}`, {
				method: "PUT",
				body: JSON.stringify({ read_replication: { mode } }),
			});
		},

		async createKv(title: string): Promise<ExistingKv> {
			const { result } = await call<ExistingKv>(`${account}/storage/kv/namespaces`, {
				method: "POST",
				body: JSON.stringify({ title }),
			});
			return { id: result.id, title: result.title ?? title };
		},

		async createQueue(name: string): Promise<ExistingQueue> {
			const { result } = await call<ExistingQueue>(`${account}/queues`, {
				method: "POST",
				body: JSON.stringify({ queue_name: name }),
			});
			return { queue_id: result.queue_id, queue_name: result.queue_name ?? name };
		},
	};
}

export type CloudflareApi = ReturnType<typeof cloudflareApi>;
