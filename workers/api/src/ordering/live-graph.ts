/**
 * Live tracking in the graph: subscriptions over Server-Sent Events (yoga's
 * default for `Accept: text/event-stream`), fed by the very WebSockets the REST
 * live routes relay: the order's Cart object and the location's KitchenFeed.
 * Access is judged as REST judges it (`accessOf`, then the order's own object;
 * `assertStaffAt` for the kitchen).
 */
import { assertStaffAt } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { objectIn } from "@goodfood/platform/regions";
import { parse } from "graphql";
import type { KitchenMessage } from "../../../../durable-objects/src/kitchen-feed";
import type { LiveMessage } from "../../../../durable-objects/src/live";
import { cartObject } from "../cart/carts";
import { currentRegionOf } from "../cart/location-region";
import { validated } from "../graph/arguments";
import type { GraphContext } from "../graph/context";
import type { GraphPart } from "../graph/part";
import { SlugParam } from "../menu/schemas";
import type { OrderAccess } from "./domain/access";
import { remembered } from "./graph";
import { socketMessages, upgradeHeaders } from "./live-stream";
import { accessOf, readOrderAs } from "./order-commands";
import type { OrderView } from "./order-views";
import { OrderIdParam } from "./routes";

/** One change to an order as a subscriber sees it; the first is the order as it stands (event null). */
export interface OrderUpdate {
	orderId: string;
	sequence: number;
	event: string | null;
	status: string;
	occurredAt: string;
	estimatedReadyAt: string | null;
	estimatedReadyAtLocal: string | null;
	reason: string | null;
}

/** An update as resolvers hold it: with the access it was read with, and the order itself when the stream carried it. */
interface HeldUpdate extends OrderUpdate {
	access: OrderAccess;
	view?: OrderView;
}

/** The update a live message makes: the snapshot is the order as it stands, an event one change. */
export function orderUpdateOf(message: LiveMessage): OrderUpdate {
	if (message.type === "snapshot") {
		const { order } = message;
		const latest = order.timeline.at(-1);
		return {
			orderId: order.id,
			sequence: message.sequence,
			event: null,
			status: order.status,
			occurredAt: latest?.occurredAt ?? order.placedAt,
			estimatedReadyAt: order.estimatedReadyAt,
			estimatedReadyAtLocal: order.estimatedReadyAtLocal,
			reason: latest?.reason ?? null,
		};
	}
	return {
		orderId: message.orderId,
		sequence: message.sequence,
		event: message.event,
		status: message.status,
		occurredAt: message.occurredAt,
		estimatedReadyAt: message.estimatedReadyAt ?? null,
		estimatedReadyAtLocal: message.estimatedReadyAtLocal ?? null,
		reason: message.reason ?? null,
	};
}

/**
 * One order's updates: the snapshot first, then each event after `after`, or,
 * without it, after the snapshot, which already stands for the events the
 * object's catch-up repeats.
 */
function orderUpdates(socket: WebSocket, access: OrderAccess, after: number | undefined) {
	let shownUpTo = after;
	return socketMessages<HeldUpdate>(socket, (message) => {
		const live = message as LiveMessage;
		if (live.type === "snapshot") {
			shownUpTo ??= live.sequence;
			return { ...orderUpdateOf(live), access, view: live.order };
		}
		if (live.type !== "event" || shownUpTo === undefined || live.sequence <= shownUpTo) return undefined;
		shownUpTo = live.sequence;
		return { ...orderUpdateOf(live), access };
	});
}

/** A kitchen feed message as the board's subscription gives it; the feed's greeting is not one. */
function kitchenUpdateOf(message: unknown): KitchenMessage | undefined {
	const update = message as KitchenMessage;
	return update.type === "order" ? update : undefined;
}

/** The socket a Durable Object answered an upgrade with, or the refusal REST would give. */
function acceptedSocket(response: Response, what: string): WebSocket {
	if (response.status === 404) throw ApiError.notFound(what);
	if (!response.webSocket) throw new Error(`The ${what} live stream answered ${response.status} without a WebSocket`);
	return response.webSocket;
}

interface OrderSubscriptionArgs {
	orderId: string;
	token?: string | null;
	after?: number | null;
}

async function subscribeToOrder({ orderId, token, after }: OrderSubscriptionArgs, { c }: GraphContext) {
	const id = validated(OrderIdParam.shape.orderId, orderId, { argument: "orderId" });
	if (after != null && after < 0) {
		throw new ApiError("validation_failed", "Invalid after", [{ field: "after", message: "must not be negative" }]);
	}
	const access = accessOf(c, token ?? undefined);
	if (!access) throw ApiError.notFound("Order");
	// The same door as REST's live route: the object checks the access where the order lives.
	const response = await cartObject(c.env, id).fetch(`https://cart.internal/live?after=${after ?? 0}`, {
		headers: upgradeHeaders({ "x-order-access": JSON.stringify(access) }),
	});
	return orderUpdates(acceptedSocket(response, "Order"), access, after ?? undefined);
}

async function subscribeToKitchen({ location }: { location: string }, { c }: GraphContext) {
	const slug = validated(SlugParam.shape.slug, location, { argument: "location" });
	const staff = assertStaffAt(c, slug);
	// The feed of the location's current region, as the REST kitchen feed follows.
	const feed = objectIn(c.env.KITCHEN_FEEDS, await currentRegionOf(c.env, c.var.d1, slug), slug);
	const response = await feed.fetch("https://kitchen.internal/live", {
		headers: upgradeHeaders({ "x-staff-id": staff.id, "x-location": slug }),
	});
	return socketMessages(acceptedSocket(response, "Location"), kitchenUpdateOf);
}

const passOn = <T>(update: T) => update;

export const liveGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"A change to an order, as its live stream carries it. The first is the order as it stands (event null)."
		type OrderUpdate {
			orderId: ID!
			"The order's event sequence number: subscribe again with after set to it to get only what came later."
			sequence: Int!
			"The event that made the change (OrderConfirmed, OrderReady…); null for the first update, the current state."
			event: String
			"The order's status after it."
			status: OrderStatus!
			"When the change happened (ISO 8601); for the first update, the latest change so far."
			occurredAt: String!
			"When the order should be ready (ISO 8601), once confirmed."
			estimatedReadyAt: String
			"The same on the location's clock (HH:MM)."
			estimatedReadyAtLocal: String
			"Why it was rejected or cancelled."
			reason: String
			"The whole order as it stands (read again for each change, only when asked for), as the caller may see it."
			order: Order!
		}

		"What the kitchen needs to start on a new order."
		type KitchenTicket {
			fulfilment: Fulfilment!
			"The time asked for (ISO 8601); null for as soon as possible."
			requestedFor: String
			contactName: String!
			lines: [KitchenTicketLine!]!
		}

		type KitchenTicketLine {
			name: String!
			quantity: Int!
			options: [String!]!
			note: String
		}

		"A new order or a status change at a location, as its kitchen board is told."
		type KitchenOrderUpdate {
			orderId: ID!
			sequence: Int!
			"OrderPlaced for a new order, else the event that changed it."
			event: String!
			status: OrderStatus!
			occurredAt: String!
			estimatedReadyAt: String
			estimatedReadyAtLocal: String
			reason: String
			"For a new order (OrderPlaced): what to cook; null otherwise."
			ticket: KitchenTicket
		}

		extend type Subscription {
			"""
			An order's changes, first the order as it stands, then one update per change. For whoever may read the
			order: its tracking token (token, or the X-Tracking-Token header) for a guest, the customer who placed it,
			or staff of its location. Others are told not_found, as REST tells them.
			"""
			orderUpdated(orderId: ID!, token: String, after: Int): OrderUpdate!
			"New orders and status changes at a location, for its staff (kitchen, managers) and admins."
			kitchenOrders(location: ID!): KitchenOrderUpdate!
		}
	`),
	resolvers: {
		Subscription: {
			orderUpdated: {
				subscribe: (_, args: OrderSubscriptionArgs, context: GraphContext) => subscribeToOrder(args, context),
				resolve: passOn,
			},
			kitchenOrders: {
				subscribe: (_, args: { location: string }, context: GraphContext) => subscribeToKitchen(args, context),
				resolve: passOn,
			},
		},
		OrderUpdate: {
			// The first update carries the order; a later one reads it, with the subscription's access.
			order: async (update: HeldUpdate, _, { c }: GraphContext) =>
				remembered(update.view ?? (await readOrderAs(c, update.orderId, update.access)), update.access),
		},
		KitchenOrderUpdate: {
			ticket: (update: KitchenMessage) => update.order ?? null,
		},
	},
};
