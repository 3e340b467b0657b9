/** The accounts' e-mailed links, as a test reads them: from the development sink's mailbox in D1. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../src/index";
import { send } from "./helpers";

export interface SentEmail {
	subject: string;
	text: string;
	html: string;
}

/** Every e-mail the sink kept for an address, oldest first. */
export async function inboxOf(address: string): Promise<SentEmail[]> {
	const { results } = await env.DB.prepare(
		"SELECT subject, text, html FROM dev_outbox WHERE to_address = ? ORDER BY rowid",
	)
		.bind(address)
		.all<SentEmail>();
	return results;
}

/** The token of the newest link to a web app page (`/reset-password`, `/verify-email`, `/invitation`) e-mailed to an address. */
export async function linkTokenFor(address: string, page: string): Promise<string> {
	const pattern = new RegExp(`${page}\\?token=([A-Za-z0-9_%-]+)`);
	const tokens = (await inboxOf(address)).flatMap((email) => {
		const match = email.text.match(pattern);
		return match ? [decodeURIComponent(match[1])] : [];
	});
	const token = tokens.at(-1);
	if (!token) throw new Error(`no ${page} link e-mailed to ${address}`);
	return token;
}

/** Confirms an account's address with the link registration e-mailed to it. */
export async function verifyEmailOf(address: string): Promise<void> {
	const token = await linkTokenFor(address, "/verify-email");
	const response = await send("POST", "/api/v1/auth/verify-email", { token });
	if (response.status !== 200) throw new Error(`not verified: ${response.status} ${await response.text()}`);
}

/** A request through the worker whose work after the answer (`waitUntil`) has finished when it resolves. */
export async function sendSettled(
	method: string,
	path: string,
	body: unknown,
	headers: Record<string, string> = {},
): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await worker.fetch(
		new Request(`https://goodfood.test${path}`, {
			method,
			headers: { "content-type": "application/json", ...headers },
			body: JSON.stringify(body),
		}),
		env,
		ctx,
	);
	await waitOnExecutionContext(ctx);
	return response;
}
