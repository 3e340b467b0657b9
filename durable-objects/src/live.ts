/**
 * Messages for live order tracking, and Server-Sent Events framing. The same
 * messages go to WebSocket and SSE clients of an order and, in summary, to
 * the kitchen feed of its location.
 */
import type { OrderStatus, RecordedEvent } from "../../workers/api/src/ordering/domain/order";
import { localTime } from "../../workers/api/src/ordering/domain/view";
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
	/** The order's status after this event (a payment event may leave it as it was). */
	status: OrderStatus,
): EventMessage {
	const message: EventMessage = {
		type: "event",
		orderId,
		sequence,
		event: event.type,
		occurredAt,
		status,
	};
	if (event.type === "OrderConfirmed" || event.type === "OrderPreparationStarted") {
		message.estimatedReadyAt = event.payload.estimatedReadyAt;
		message.estimatedReadyAtLocal = localTime(event.payload.estimatedReadyAt, timeZone);
	}
	if (event.type === "OrderRejected" || event.type === "OrderCancelled") message.reason = event.payload.reason;
	if (event.type === "PaymentFailed") message.reason = event.payload.message;
	return message;
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

/**
 * An order's live clients: hibernatable WebSockets, which the runtime keeps
 * while the object sleeps, and SSE streams, which cannot hibernate and are
 * held in memory while open.
 */
export class LiveClients {
	private readonly streams = new Set<WritableStreamDefaultWriter<Uint8Array>>();

	constructor(private readonly ctx: DurableObjectState) {}

	/** Answers a WebSocket upgrade or an SSE request, sending the catch-up messages first. */
	connect(request: Request, access: string, after: number, catchUp: LiveMessage[]): Response {
		if (request.headers.get("upgrade")?.toLowerCase() === "websocket") {
			const { 0: client, 1: server } = new WebSocketPair();
			this.ctx.acceptWebSocket(server);
			server.serializeAttachment({ access, after, connectedAt: Date.now() });
			for (const message of catchUp) server.send(JSON.stringify(message));
			return new Response(null, { status: 101, webSocket: client });
		}
		const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
		const writer = writable.getWriter();
		this.streams.add(writer);
		for (const message of catchUp) this.write(writer, sseFrame(message));
		return new Response(readable, {
			headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache, no-transform" },
		});
	}

	broadcast(message: LiveMessage): void {
		const text = JSON.stringify(message);
		for (const socket of this.ctx.getWebSockets()) {
			try {
				socket.send(text);
			} catch {
				// The socket is closing; the runtime drops it.
			}
		}
		const frame = sseFrame(message);
		for (const writer of this.streams) this.write(writer, frame);
	}

	private write(writer: WritableStreamDefaultWriter<Uint8Array>, frame: Uint8Array): void {
		void writer.write(frame).catch(() => this.streams.delete(writer));
	}
}
