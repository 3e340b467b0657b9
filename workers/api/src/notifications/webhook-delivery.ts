/** One signed POST of an order event to a restaurant integration. */
import type { OrderEventEnvelope } from "../ordering/events";
import { signWebhook, WEBHOOK_HEADERS, webhookBody } from "./domain/webhooks";

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Posts the event, signed for this moment, so each retry carries a fresh
 * timestamp that passes the receiver's tolerance. Redirects are not followed:
 * a webhook answers at the URL it was registered with, or the delivery fails.
 * Throws unless the receiver answers 2xx.
 */
export async function deliverWebhook(
	webhook: { url: string; secret: string; locationSlug: string },
	event: OrderEventEnvelope,
	now: Date,
): Promise<number> {
	const body = JSON.stringify(webhookBody(event, webhook.locationSlug));
	const timestamp = Math.floor(now.getTime() / 1000);
	const headers: Record<string, string> = {
		"content-type": "application/json",
		"user-agent": "GoodFood-Webhooks/1",
		[WEBHOOK_HEADERS.event]: event.type,
		[WEBHOOK_HEADERS.delivery]: event.id,
		[WEBHOOK_HEADERS.timestamp]: String(timestamp),
		[WEBHOOK_HEADERS.signature]: await signWebhook(webhook.secret, timestamp, body),
	};
	if (event.traceparent) headers.traceparent = event.traceparent;

	let response: Response;
	try {
		response = await fetch(webhook.url, {
			method: "POST",
			headers,
			body,
			redirect: "manual",
			signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
		});
	} catch (error) {
		throw new Error(`webhook unreachable: ${error instanceof Error ? error.message : String(error)}`);
	}
	if (response.status < 200 || response.status > 299) {
		const answer = (await response.text().catch(() => "")).slice(0, 200);
		throw new Error(`webhook answered ${response.status}${answer ? `: ${answer}` : ""}`);
	}
	await response.body?.cancel();
	return response.status;
}
