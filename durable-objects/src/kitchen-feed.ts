/**
 * The kitchen feed: one Durable Object per location that fans out new orders
 * and status changes to the kitchen board's WebSockets. Sockets hibernate
 * between messages; the feed keeps no state of its own, as the board loads the
 * order list from the read model and this feed only tells it what changed.
 */
import { DurableObject } from "cloudflare:workers";
import type { OrderState, RecordedEvent } from "../../workers/api/src/ordering/domain/order";
import type { EventMessage } from "./live";

export interface KitchenMessage {
	type: "order";
	orderId: string;
	sequence: number;
	event: string;
	status: string;
	occurredAt: string;
	estimatedReadyAt?: string;
	estimatedReadyAtLocal?: string;
	reason?: string;
	/** For a new order: what the kitchen needs to start on it. */
	order?: {
		fulfilment: string;
		requestedFor: string | null;
		contactName: string;
		lines: { name: string; quantity: number; options: string[]; note: string | null }[];
	};
}

/** What the kitchen board is told of an event: the live message and, for a new order, what to cook. */
export function kitchenMessage(message: EventMessage, recorded: RecordedEvent, order: OrderState): KitchenMessage {
	return {
		...message,
		type: "order",
		order:
			recorded.event.type === "OrderPlaced"
				? {
						fulfilment: order.fulfilment,
						requestedFor: order.requestedFor,
						contactName: order.contact.name,
						lines: order.lines.map((line) => ({
							name: line.name,
							quantity: line.quantity,
							options: line.options.map((option) => option.name),
							note: line.note,
						})),
					}
				: undefined,
	};
}

export class KitchenFeed extends DurableObject<Env> {
	constructor(ctx: DurableObjectState, env: Env) {
		super(ctx, env);
		// Boards ping every 25 s to notice a dead connection; the runtime answers without waking this object.
		ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
	}

	/**
	 * Accepts a kitchen board's WebSocket; the api worker has already checked the
	 * caller works here (from its bearer token or `bearer.` subprotocol) and names
	 * the `goodfood.v1` subprotocol on the 101 it relays.
	 */
	override async fetch(request: Request): Promise<Response> {
		if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
			return new Response("Expected a WebSocket upgrade", { status: 426 });
		}
		const { 0: client, 1: server } = new WebSocketPair();
		this.ctx.acceptWebSocket(server);
		server.serializeAttachment({ staffId: request.headers.get("x-staff-id"), connectedAt: Date.now() });
		server.send(JSON.stringify({ type: "hello", location: request.headers.get("x-location") }));
		return new Response(null, { status: 101, webSocket: client });
	}

	/** Sends a change to every connected board; answers how many got it. */
	async publish(message: KitchenMessage): Promise<number> {
		const text = JSON.stringify(message);
		let delivered = 0;
		for (const socket of this.ctx.getWebSockets()) {
			try {
				socket.send(text);
				delivered++;
			} catch {
				// A socket closing as we send; the runtime drops it.
			}
		}
		return delivered;
	}

	override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
		if (message === "ping") socket.send("pong");
	}

	override async webSocketClose(socket: WebSocket, code: number, reason: string): Promise<void> {
		// 1005 and 1006 report a close without a code; they cannot be sent back.
		if (code === 1005 || code === 1006) socket.close();
		else socket.close(code, reason);
	}
}
