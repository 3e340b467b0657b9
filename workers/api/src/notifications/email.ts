/**
 * Sending e-mail: Resend's HTTP API in deployed environments, and locally a
 * sink that keeps every message in D1 for `GET /api/v1/dev/emails`. Which one
 * runs is configuration (`EMAIL_PROVIDER`), never a code path.
 */

import type { Database } from "../db/client";
import { recordInOutboxOnce } from "./repository";

export interface EmailMessage {
	to: string;
	subject: string;
	text: string;
	html: string;
	/** The provider sends a message with a key it has seen once only (Resend keeps keys for 24 hours). */
	idempotencyKey: string;
}

export interface EmailSender {
	/** Resolves with the provider's message id; rejects when the message may not have been accepted. */
	send(message: EmailMessage): Promise<{ id: string }>;
}

/** The optional secret is not declared in wrangler.toml, so it is absent from the generated Env. */
type EmailEnv = Env & { RESEND_API_KEY?: string };

export const EMAIL_PROVIDERS = ["sink", "resend"] as const;

const PROVIDER_TIMEOUT_MS = 10_000;
const DEVELOPMENT_ENVIRONMENTS = ["development", "test"];

/** Whether development-only conveniences (the e-mail sink and its route) may run here. */
export function isDevelopment(env: Env): boolean {
	return DEVELOPMENT_ENVIRONMENTS.includes(String(env.ENVIRONMENT));
}

/** Resend's `POST /emails`; `baseUrl` is configurable so tests can point it at a fake provider. */
export function resendSender(options: { apiKey: string; from: string; baseUrl: string }): EmailSender {
	const endpoint = `${options.baseUrl.replace(/\/+$/, "")}/emails`;
	return {
		async send(message) {
			let response: Response;
			try {
				response = await fetch(endpoint, {
					method: "POST",
					headers: {
						authorization: `Bearer ${options.apiKey}`,
						"content-type": "application/json",
						"idempotency-key": message.idempotencyKey,
					},
					body: JSON.stringify({
						from: options.from,
						to: [message.to],
						subject: message.subject,
						text: message.text,
						html: message.html,
					}),
					signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
				});
			} catch (error) {
				throw new Error(`Resend unreachable: ${error instanceof Error ? error.message : String(error)}`);
			}
			const answer = await response.text();
			if (!response.ok) throw new Error(`Resend answered ${response.status}: ${answer.slice(0, 300)}`);
			const id = (JSON.parse(answer) as { id?: unknown }).id;
			if (typeof id !== "string") throw new Error(`Resend answered ${response.status} without a message id`);
			return { id };
		},
	};
}

/**
 * Keeps each message in the global D1 database instead of sending it, like a
 * mailbox every developer can read. Like the provider, it keeps a message with
 * a key it has seen once only, answering a repeat with the first message's id.
 * The job's log row is in the order's region, so, as with the provider, the
 * send is recorded after it, in a second statement.
 */
export function developmentSink(db: Database, from: string): EmailSender {
	const rowOf = (message: EmailMessage) => ({
		id: `sink_${crypto.randomUUID()}`,
		toAddress: message.to,
		fromAddress: from,
		subject: message.subject,
		text: message.text,
		html: message.html,
		idempotencyKey: message.idempotencyKey,
		createdAt: new Date().toISOString(),
	});
	return {
		async send(message) {
			const row = rowOf(message);
			return { id: await recordInOutboxOnce(db, row) };
		},
	};
}

/**
 * The sender the configuration names. A misconfiguration throws, so the job
 * fails, retries and ends in the dead-letter queue with the reason logged,
 * rather than e-mail silently going nowhere; in particular the sink refuses to
 * run outside development and tests.
 */
export function emailSenderFor(env: EmailEnv, db: Database): EmailSender {
	const provider = String(env.EMAIL_PROVIDER);
	const from = String(env.EMAIL_FROM);
	if (provider === "resend") {
		if (!env.RESEND_API_KEY) throw new Error("EMAIL_PROVIDER is resend but the RESEND_API_KEY secret is not set");
		return resendSender({ apiKey: env.RESEND_API_KEY, from, baseUrl: String(env.RESEND_API_URL) });
	}
	if (provider === "sink") {
		if (!isDevelopment(env)) throw new Error(`The e-mail sink only runs in development, not in ${env.ENVIRONMENT}`);
		return developmentSink(db, from);
	}
	throw new Error(`Unknown EMAIL_PROVIDER ${provider}; expected one of ${EMAIL_PROVIDERS.join(", ")}`);
}
