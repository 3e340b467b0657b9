/**
 * JSON over fetch to the public API. Every refusal arrives in one envelope,
 * `{ error: { code, message, details } }`, and becomes an `ApiFailure` that
 * forms can spread over the controls its details name.
 */
import type { ErrorCode, ErrorEnvelope, FieldIssue } from "./types";

export type { FieldIssue };

/** Why a request failed: the API's code, or the app's own when the API was not reached or did not answer in the envelope. */
export type FailureCode = ErrorCode | "network" | "unexpected";

export class ApiFailure extends Error {
	constructor(
		readonly status: number,
		readonly code: FailureCode,
		message: string,
		readonly details?: unknown,
	) {
		super(message);
	}

	/** Messages by field path (`contact.email`, `deliveryAddress`), from validation details. */
	get fields(): Record<string, string> {
		const fields: Record<string, string> = {};
		if (Array.isArray(this.details)) {
			for (const issue of this.details as FieldIssue[]) {
				if (issue && typeof issue.field === "string") fields[issue.field] ??= issue.message;
			}
		}
		return fields;
	}

	/** Cart lines the refusal names (sold out, not served at that time, price changed). */
	get lineIds(): string[] {
		const details = this.details as { lines?: unknown } | undefined;
		if (details && Array.isArray(details.lines)) {
			return details.lines.map((line) => (typeof line === "string" ? line : (line as { lineId: string }).lineId));
		}
		return [];
	}

	/** The slots a slot_full refusal offers instead (ISO starts, soonest first). */
	get freeSlots(): string[] {
		const details = this.details as { freeSlots?: unknown } | undefined;
		if (details && Array.isArray(details.freeSlots)) {
			return details.freeSlots.filter((start): start is string => typeof start === "string");
		}
		return [];
	}
}

/** Where requests get their bearer token, and how they renew it once when it has expired. */
export interface Credentials {
	accessToken(): string | undefined;
	renew(): Promise<boolean>;
}

let credentials: Credentials = { accessToken: () => undefined, renew: async () => false };

export function setCredentials(source: Credentials): void {
	credentials = source;
}

/** The signed-in account's access token, for where fetch cannot carry it: a WebSocket's subprotocols. */
export function currentAccessToken(): string | undefined {
	return credentials.accessToken();
}

export interface RequestOptions {
	method?: string;
	/** Sent as JSON; a Blob (a file) is sent as its own bytes with its own type. */
	body?: unknown;
	headers?: Record<string, string>;
	/** Send the signed-in account's token (default true). */
	authenticated?: boolean;
}

async function send(path: string, options: RequestOptions): Promise<Response> {
	const headers: Record<string, string> = { accept: "application/json", ...options.headers };
	const raw = options.body instanceof Blob ? options.body : undefined;
	if (raw) headers["content-type"] = raw.type || "application/octet-stream";
	else if (options.body !== undefined) headers["content-type"] = "application/json";
	const token = options.authenticated === false ? undefined : credentials.accessToken();
	if (token) headers.authorization = `Bearer ${token}`;
	try {
		return await fetch(path, {
			method: options.method ?? "GET",
			headers,
			body: raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
		});
	} catch {
		throw new ApiFailure(0, "network", "GoodFood cannot be reached. Check your connection and try again.");
	}
}

async function failureOf(response: Response): Promise<ApiFailure> {
	try {
		const body = (await response.json()) as Partial<ErrorEnvelope>;
		if (body.error) return new ApiFailure(response.status, body.error.code, body.error.message, body.error.details);
	} catch {
		// Not the envelope: a proxy or the runtime answered.
	}
	return new ApiFailure(response.status, "unexpected", `Something went wrong (HTTP ${response.status}). Try again.`);
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
	let response = await send(path, options);
	if (response.status === 401 && options.authenticated !== false && credentials.accessToken()) {
		if (await credentials.renew()) response = await send(path, options);
	}
	if (!response.ok) throw await failureOf(response);
	if (response.status === 204) return undefined as T;
	return (await response.json()) as T;
}

/** A message for anything thrown while talking to the API. */
export function messageOf(error: unknown): string {
	if (error instanceof ApiFailure) return error.message;
	return error instanceof Error ? error.message : "Something went wrong. Try again.";
}

/** A GraphQL answer: data, and any refusals with the REST code in `extensions.code`. */
interface GraphAnswer<T> {
	data?: T | null;
	errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
}

/** Where every API route the app calls lives. */
export const V1 = "/api/v1";

const GRAPHQL_PATH = `${V1}/graphql`;

/**
 * One GraphQL operation against /api/v1/graphql. A refusal carries its REST
 * code and details in the first error's extensions, so it becomes the same
 * `ApiFailure` a REST refusal does; an expired token is renewed once, as for REST.
 */
export async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
	const options: RequestOptions = { method: "POST", body: { query, variables } };
	let response = await send(GRAPHQL_PATH, options);
	if (response.status === 401 && credentials.accessToken()) {
		if (await credentials.renew()) response = await send(GRAPHQL_PATH, options);
	}
	let body: (GraphAnswer<T> & Partial<ErrorEnvelope>) | undefined;
	try {
		body = (await response.json()) as GraphAnswer<T> & Partial<ErrorEnvelope>;
	} catch {
		// Not JSON: a proxy or the runtime answered.
	}
	// The gateway refused before the graph ran (an invalid token, a rate limit): the REST envelope.
	if (body?.error) throw new ApiFailure(response.status, body.error.code, body.error.message, body.error.details);
	const [error] = body?.errors ?? [];
	if (error) {
		const code = (error.extensions?.code ?? "unexpected") as FailureCode;
		throw new ApiFailure(response.status, code, error.message, error.extensions?.details);
	}
	if (!response.ok || !body?.data) {
		throw new ApiFailure(response.status, "unexpected", `Something went wrong (HTTP ${response.status}). Try again.`);
	}
	return body.data;
}
