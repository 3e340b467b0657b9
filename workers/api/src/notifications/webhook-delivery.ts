/** Signed POSTs to restaurant integrations: an order event, or a `ping` an operator sends to try the webhook. */
import { randomHex } from "@goodfood/platform/crypto";
import type { OrderEventEnvelope } from "../ordering/events";
import { signWebhook, WEBHOOK_HEADERS, webhookBody } from "./domain/webhooks";

const DELIVERY_TIMEOUT_MS = 10_000;

/** Shorter than a delivery's: someone is waiting for the answer on the back-office screen. */
export const PING_TIMEOUT_MS = 5_000;

/** The `x-goodfood-event` of a test delivery; a receiver should answer 2xx and otherwise ignore it. */
export const PING_EVENT = "ping";

interface Signed {
	type: string;
	deliveryId: string;
	body: string;
	traceparent?: string;
}

/**
 * Posts a body signed for this moment, so each retry carries a fresh
 * timestamp that passes the receiver's tolerance. Redirects are not followed:
 * a webhook answers at the URL it was registered with, or the delivery fails.
 * Throws when the receiver cannot be reached or does not answer in time.
 */
async function postSigned(
	webhook: { url: string; secret: string },
	signed: Signed,
	now: Date,
	timeoutMs: number,
): Promise<Response> {
	const timestamp = Math.floor(now.getTime() / 1000);
	const headers: Record<string, string> = {
		"content-type": "application/json",
		"user-agent": "GoodFood-Webhooks/1",
		[WEBHOOK_HEADERS.event]: signed.type,
		[WEBHOOK_HEADERS.delivery]: signed.deliveryId,
		[WEBHOOK_HEADERS.timestamp]: String(timestamp),
		[WEBHOOK_HEADERS.signature]: await signWebhook(webhook.secret, timestamp, signed.body),
	};
	if (signed.traceparent) headers.traceparent = signed.traceparent;
	try {
		return await fetch(webhook.url, {
			method: "POST",
			headers,
			body: signed.body,
			redirect: "manual",
			signal: AbortSignal.timeout(timeoutMs),
		});
	} catch (error) {
		if (error instanceof Error && error.name === "TimeoutError") {
			throw new Error(`webhook did not answer within ${timeoutMs / 1000} s`);
		}
		throw new Error(`webhook unreachable: ${error instanceof Error ? error.message : String(error)}`);
	}
}

/** Why a non-2xx answer failed, with the start of what the receiver said; null for a 2xx, whose body is dropped. */
async function refusal(response: Response): Promise<string | null> {
	if (response.status >= 200 && response.status <= 299) {
		await response.body?.cancel();
		return null;
	}
	const answer = (await response.text().catch(() => "")).slice(0, 200);
	return `webhook answered ${response.status}${answer ? `: ${answer}` : ""}`;
}

/** Posts the event, signed. Throws unless the receiver answers 2xx. */
export async function deliverWebhook(
	webhook: { url: string; secret: string; locationSlug: string },
	event: OrderEventEnvelope,
	now: Date,
): Promise<number> {
	const response = await postSigned(
		webhook,
		{
			type: event.type,
			deliveryId: event.id,
			body: JSON.stringify(webhookBody(event, webhook.locationSlug)),
			traceparent: event.traceparent,
		},
		now,
		DELIVERY_TIMEOUT_MS,
	);
	const refused = await refusal(response);
	if (refused) throw new Error(refused);
	return response.status;
}

/** The body of a test delivery: what an order event's body has, less the order. */
export interface PingBody {
	id: string;
	type: typeof PING_EVENT;
	occurredAt: string;
	locationSlug: string;
	webhookId: string;
}

export interface PingResult {
	delivered: boolean;
	/** The receiver's HTTP status; null when it could not be reached or did not answer in time. */
	status: number | null;
	durationMs: number;
	error: string | null;
}

/**
 * Sends a `ping` signed exactly as deliveries are (same headers, same
 * signature over timestamp and body) and says what happened instead of
 * throwing. Nothing is logged in the notification log: a ping is no event.
 */
export async function pingWebhook(
	webhook: { id: string; url: string; secret: string; locationSlug: string },
	now: Date,
	timeoutMs = PING_TIMEOUT_MS,
): Promise<PingResult> {
	const body: PingBody = {
		id: `ping_${randomHex(16)}`,
		type: PING_EVENT,
		occurredAt: now.toISOString(),
		locationSlug: webhook.locationSlug,
		webhookId: webhook.id,
	};
	const started = Date.now();
	try {
		const response = await postSigned(
			webhook,
			{ type: PING_EVENT, deliveryId: body.id, body: JSON.stringify(body) },
			now,
			timeoutMs,
		);
		const refused = await refusal(response);
		return { delivered: refused === null, status: response.status, durationMs: Date.now() - started, error: refused };
	} catch (error) {
		return {
			delivered: false,
			status: null,
			durationMs: Date.now() - started,
			error: error instanceof Error ? error.message : String(error),
		};
	}
}
