/**
 * The Cart object's outbox transport: order events go to the order-events
 * queue; one that ran out of attempts goes to its dead-letter queue, with an
 * error log in the event's own trace and a metric, so a person sees it.
 */
import { spanLogger } from "@goodfood/platform/log";
import { outboxDeadLetterDataPoint, writeDataPoint } from "@goodfood/platform/metrics";
import { type DrainResult, drainOutbox, type OutboxStore } from "@goodfood/platform/outbox";
import { continueTrace } from "@goodfood/platform/trace";
import type { OrderEventEnvelope } from "../../workers/api/src/ordering/events";

type OutboxEnv = Pick<Env, "ORDER_EVENTS" | "ORDER_EVENTS_DEAD_LETTER" | "ORDER_METRICS">;

function envelopeOf(message: string): OrderEventEnvelope {
	return JSON.parse(message) as OrderEventEnvelope;
}

/** One error line per event, in the event's own trace, so the order's journey shows where it stalled. */
function logFailure(event: OrderEventEnvelope, message: string, attempts: number, reason: string): void {
	spanLogger(continueTrace(event.traceparent), event.requestId).error(message, {
		orderId: event.orderId,
		sequence: event.sequence,
		attempts,
		reason,
	});
}

export function sendOrderEvents(store: OutboxStore, env: OutboxEnv): Promise<DrainResult> {
	return drainOutbox(
		store,
		{
			send: (messages) =>
				env.ORDER_EVENTS.sendBatch(messages.map((message) => ({ body: envelopeOf(message), contentType: "json" }))),
			deadLetter: (message) => env.ORDER_EVENTS_DEAD_LETTER.send(envelopeOf(message), { contentType: "json" }),
		},
		{
			failed: ({ message, attempts, reason }) =>
				logFailure(envelopeOf(message), "outbox send failed", attempts, reason),
			deadLettered: ({ message, attempts, reason }) => {
				const event = envelopeOf(message);
				logFailure(event, "outbox gave up: event sent to the dead-letter queue", attempts, reason);
				const { traceId } = continueTrace(event.traceparent);
				writeDataPoint(
					env.ORDER_METRICS,
					outboxDeadLetterDataPoint({
						eventType: event.type,
						orderId: event.orderId,
						sequence: event.sequence,
						attempts,
						traceId,
					}),
				);
			},
		},
	);
}
