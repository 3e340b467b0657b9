/**
 * Messages for live order tracking, and Server-Sent Events framing. The same
 * messages go to WebSocket and SSE clients of an order and, in summary, to
 * the kitchen feed of its location.
 */
import { localClock } from "../../workers/api/src/menu/domain/availability";
import type { RecordedEvent } from "../../workers/api/src/ordering/domain/order";
import { type OrderStatus, STATUS_AFTER } from "../../workers/api/src/ordering/domain/order";
import type { OrderEventType } from "../../workers/api/src/ordering/events";
import type { OrderView } from "../../workers/api/src/ordering/order-views";

export interface SnapshotMessage {
	type: "snapshot";
	sequence: number;
	order: OrderView;
}

export interface EventMessage {
	type: "event";
	orderId: string;
	sequence: number;
	event: OrderEventType;
	occurredAt: string;
	status: OrderStatus;
	estimatedReadyAt?: string;
	/** The ETA on the location's wall clock, HH:MM. */
	estimatedReadyAtLocal?: string;
	reason?: string;
}

export type LiveMessage = SnapshotMessage | EventMessage;

export function eventMessage(
	orderId: string,
	{ sequence, occurredAt, event }: RecordedEvent,
	timeZone: string,
): EventMessage {
	const message: EventMessage = {
		type: "event",
		orderId,
		sequence,
		event: event.type,
		occurredAt,
		status: STATUS_AFTER[event.type],
	};
	if (event.type === "OrderConfirmed" || event.type === "OrderPreparationStarted") {
		message.estimatedReadyAt = event.payload.estimatedReadyAt;
		message.estimatedReadyAtLocal = localTime(event.payload.estimatedReadyAt, timeZone);
	}
	if (event.type === "OrderRejected" || event.type === "OrderCancelled") message.reason = event.payload.reason;
	return message;
}

export function localTime(instant: string, timeZone: string): string {
	return localClock(new Date(instant), timeZone).time;
}

const encoder = new TextEncoder();

/** One SSE frame; the id lets a reconnecting client resume with Last-Event-ID. */
export function sseFrame(message: LiveMessage): Uint8Array {
	const name = message.type === "snapshot" ? "snapshot" : "order-event";
	return encoder.encode(`id: ${message.sequence}\nevent: ${name}\ndata: ${JSON.stringify(message)}\n\n`);
}

/**
 * The `after` a client asks for: `?after=` for WebSockets, or Last-Event-ID when
 * an SSE stream resumes; null unless it is a whole sequence number (the api
 * worker refuses those first, so this only guards the object's own door).
 */
export function resumeAfter(url: URL, lastEventId: string | null): number | null {
	const after = Number(url.searchParams.get("after") ?? lastEventId ?? "0");
	return Number.isSafeInteger(after) && after >= 0 ? after : null;
}
