/** Calls into the api worker exactly as a client would, through its fetch handler. */
import { env, exports } from "cloudflare:workers";

export const STAFF = { authorization: `Bearer ${env.STAFF_TOKEN}` };

export function call(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, init));
}

export function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
	return call(path, {
		method,
		headers: { "content-type": "application/json", ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

export interface ErrorEnvelope {
	error: { code: string; message: string; details?: { field: string; message: string }[]; requestId: string };
}

/** The fields an error response names, from its details. */
export async function errorOf(response: Response): Promise<ErrorEnvelope["error"]> {
	const body = (await response.json()) as ErrorEnvelope;
	return body.error;
}
