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

/** One log line per event, in the event's trace, so the order's journey shows where it stalled. */
function eventLog(event: OrderEventEnvelope) {
	return spanLogger(continueTrace(event.traceparent), event.requestId);
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
			failed: ({ message, attempts, reason }) => {
				const event = envelopeOf(message);
				eventLog(event).error("outbox send failed", {
					orderId: event.orderId,
					sequence: event.sequence,
					attempts,
					reason,
				});
			},
			deadLettered: ({ message, attempts, reason }) => {
				const event = envelopeOf(message);
				eventLog(event).error("outbox gave up: event sent to the dead-letter queue", {
					orderId: event.orderId,
					sequence: event.sequence,
					attempts,
					reason,
				});
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
