/**
 * A Cloudflare account in memory, answering the API calls cloudflare-api.ts
 * makes (lists paged as the real API pages them, creations that show up in the
 * next list), for tests with no network.
 */
import type { ExistingResources } from "./cloudflare-api";

export interface RecordedCall {
	method: string;
	path: string;
	body?: unknown;
	headers: Record<string, string>;
}

export function fakeAccount(accountId: string, initial: Partial<ExistingResources> = {}) {
	const state: ExistingResources = {
		d1: [...(initial.d1 ?? [])],
		kv: [...(initial.kv ?? [])],
		queues: [...(initial.queues ?? [])],
		r2: [...(initial.r2 ?? [])],
	};
	const calls: RecordedCall[] = [];
	let nextId = 1;
	const newId = () => `id-${nextId++}`;
	const ok = (result: unknown, result_info?: unknown) =>
		new Response(JSON.stringify({ success: true, errors: [], result, result_info }), { status: 200 });
	const page = <T>(items: T[], url: URL) => {
		const perPage = Number(url.searchParams.get("per_page") ?? 20);
		const number = Number(url.searchParams.get("page") ?? 1);
		return ok(items.slice((number - 1) * perPage, number * perPage), {
			page: number,
			per_page: perPage,
			total_count: items.length,
		});
	};

	async function fetch(input: string, init: RequestInit = {}): Promise<Response> {
		const url = new URL(input);
		const method = init.method ?? "GET";
		const headers = Object.fromEntries(new Headers(init.headers).entries());
		const body = typeof init.body === "string" ? JSON.parse(init.body) : undefined;
		const path = url.pathname.replace("/client/v4", "");
		calls.push({ method, path, body, headers });
		if (headers.authorization !== "Bearer test-token") {
			return new Response(
				JSON.stringify({ success: false, errors: [{ code: 10000, message: "Authentication error" }] }),
				{ status: 403 },
			);
		}
		const account = `/accounts/${accountId}`;
		const databaseId = path.match(new RegExp(`^${account}/d1/database/([^/]+)$`))?.[1];
		const database = databaseId && state.d1.find((candidate) => candidate.uuid === databaseId);
		if (databaseId && !database) {
			return new Response(JSON.stringify({ success: false, errors: [{ code: 7404, message: "No such database" }] }), {
				status: 404,
			});
		}
		if (database && method === "GET") {
			return ok({ ...database, read_replication: { mode: database.readReplication ?? "disabled" } });
		}
		if (database && method === "PUT") {
			database.readReplication = body.read_replication.mode;
			return ok({ ...database, read_replication: body.read_replication });
		}
		switch (`${method} ${path}`) {
			case `GET ${account}/d1/database`:
				return page(state.d1, url);
			case `POST ${account}/d1/database`: {
				const database = { uuid: newId(), name: body.name, jurisdiction: body.jurisdiction ?? null };
				state.d1.push(database);
				return ok({ ...database, created_in_region: body.primary_location_hint?.toUpperCase() });
			}
			case `GET ${account}/storage/kv/namespaces`:
				return page(state.kv, url);
			case `POST ${account}/storage/kv/namespaces`: {
				const namespace = { id: newId(), title: body.title };
				state.kv.push(namespace);
				return ok(namespace);
			}
			case `GET ${account}/queues`:
				return page(state.queues, url);
			case `POST ${account}/queues`: {
				const queue = { queue_id: newId(), queue_name: body.queue_name };
				state.queues.push(queue);
				return ok(queue);
			}
			case `GET ${account}/r2/buckets`: {
				const jurisdiction = headers["cf-r2-jurisdiction"];
				return ok({ buckets: state.r2.filter((bucket) => bucket.jurisdiction === jurisdiction) });
			}
		}
		return new Response(
			JSON.stringify({ success: false, errors: [{ code: 7003, message: `No route for ${method} ${path}` }] }),
			{
				status: 404,
			},
		);
	}

	return {
		state,
		calls,
		fetch,
		creations: () => calls.filter((call) => call.method === "POST"),
		settings: () => calls.filter((call) => call.method === "PUT"),
	};
}
