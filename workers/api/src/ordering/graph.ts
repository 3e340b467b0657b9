/**
 * Ordering's share of the graph: orders (an entity, by id), their events and
 * timeline, one-shot placement, the kitchen's status changes, cancellation and
 * a location's order list. Every resolver calls the function the REST route
 * calls (order-commands.ts, staff-order-routes.ts), so access, contact
 * details and refusals are decided once: an order is read by staff of its
 * location, by the customer who placed it, or with its tracking token.
 */
import { parse } from "graphql";
import { OneShotOrderInput, orderInputError } from "../cart/schemas";
import { validated, withoutNulls } from "../graph/arguments";
import type { GraphContext } from "../graph/context";
import type { GraphPart } from "../graph/part";
import { locationBySlug } from "../menu/graph";
import { SlugParam } from "../menu/schemas";
import { PAYMENT_STATUSES } from "../payments/domain/payment";
import type { RefundView } from "../payments/schemas";
import type { OrderAccess } from "./domain/access";
import { ORDER_STATUSES } from "./domain/order";
import {
	accessOf,
	cancelOrder,
	changeOrderStatus,
	placeOneShotOrder,
	readOrder,
	readOrderEventsAs,
} from "./order-commands";
import { CancelInput, type OrderView, StatusChangeInput } from "./order-views";
import { OrderIdParam } from "./routes";
import { StaffOrdersQuery } from "./schemas";
import { locationOrders, type StaffOrder } from "./staff-order-routes";

/** The access each order view was read with, so its events are read with the same. */
const accessOfView = new WeakMap<OrderView, OrderAccess>();

/** Remembers the access a view was read with, so its `events` are read with the same (also for live updates). */
export function remembered(view: OrderView, access: OrderAccess): OrderView {
	accessOfView.set(view, access);
	return view;
}

function orderId(order: string): string {
	return validated(OrderIdParam, { orderId: order }).orderId;
}

/** The caller's access as REST judges it (a token argument, X-Tracking-Token or the signed-in principal). */
async function readAs(context: GraphContext, id: string, token: string | undefined): Promise<OrderView> {
	const access = accessOf(context.c, token);
	const view = await readOrder(context.c, id, token);
	return access ? remembered(view, access) : view;
}

/** A changed order, remembered with the access that changed it. */
function changedBy(context: GraphContext, view: OrderView, token?: string): OrderView {
	const access = accessOf(context.c, token);
	return access ? remembered(view, access) : view;
}

const upper = (status: string) => status.toUpperCase();

export const orderingGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		enum OrderStatus {
			${ORDER_STATUSES.map(upper).join("\n")}
		}

		type DeliveryAddress {
			line1: String!
			line2: String
			city: String!
			postcode: String!
			latitude: Float!
			longitude: Float!
		}

		"Email and phone only for staff of the order's location and the customer who placed it; a tracking token shows a name."
		type OrderContact {
			name: String!
			email: String
			phone: String
		}

		type OrderLineOption {
			name: String!
			priceDelta: Money!
		}

		type OrderLine {
			id: ID!
			itemId: ID!
			name: String!
			quantity: Int!
			unitPrice: Money!
			options: [OrderLineOption!]!
			note: String
			lineTotal: Money!
		}

		"One step of the order's status history."
		type OrderTimelineEntry {
			sequence: Int!
			status: OrderStatus!
			occurredAt: String!
			estimatedReadyAt: String
			reason: String
		}

		"An event of the order's stream, as GET /orders/{id}/events shows it."
		type OrderEvent {
			sequence: Int!
			id: ID!
			type: String!
			occurredAt: String!
			"The event's payload as JSON text, without contact details unless the caller may see them."
			payload: String!
		}

		enum PaymentStatus {
			${PAYMENT_STATUSES.map(upper).join("\n")}
		}

		"Money given back on an order, with why."
		type Refund {
			id: ID!
			amount: Money!
			reason: String!
			occurredAt: String!
		}

		type PaymentFailure {
			"The decline code the customer is shown: insufficient_funds, authentication_failed, expired…"
			code: String!
			message: String!
		}

		enum PaymentNextActionType {
			"Send the customer to url."
			REDIRECT
		}

		"A second step the customer must complete (3-D Secure) while the payment is REQUIRES_ACTION."
		type PaymentNextAction {
			type: PaymentNextActionType!
			url: String!
		}

		"An order's payment. Amounts are the order's total, tip included, in its currency."
		type Payment {
			"Null for an order placed before payments."
			method: PaymentMethodKind
			status: PaymentStatus!
			amount: Money!
			captured: Money!
			refunded: Money!
			refunds: [Refund!]!
			"Why the card was not authorised, once it failed."
			failure: PaymentFailure
			nextAction: PaymentNextAction
		}

		"An order, readable by staff of its location, the customer who placed it, or with its tracking token."
		type Order @key(fields: "id") {
			id: ID!
			status: OrderStatus!
			location: Location!
			timeZone: String!
			fulfilment: Fulfilment!
			deliveryAddress: DeliveryAddress
			requestedFor: String
			contact: OrderContact!
			lines: [OrderLine!]!
			totals: Totals!
			placedAt: String!
			"When the kitchen's load predicted it ready at placement; estimatedReadyAt replaces it once the kitchen confirms."
			predictedReadyAt: String
			"The expected ready time (ETA), once confirmed."
			estimatedReadyAt: String
			"The ETA on the location's clock (HH:MM, in timeZone)."
			estimatedReadyAtLocal: String
			"Status history with times."
			timeline: [OrderTimelineEntry!]!
			"Statuses the caller may move the order to next."
			allowedNext: [OrderStatus!]!
			events: [OrderEvent!]!
			payment: Payment!
		}

		type StaffOrderLine {
			id: ID!
			itemId: ID!
			name: String!
			quantity: Int!
			"Names of the chosen options."
			options: [String!]!
			note: String
		}

		"An order on a location's kitchen list (GET /locations/{slug}/orders): its read model, with the full order a field away."
		type StaffOrder {
			id: ID!
			status: OrderStatus!
			fulfilment: Fulfilment!
			placedAt: String!
			requestedFor: String
			"When the kitchen's load predicted it ready at placement: what the confirm dialog starts from."
			predictedReadyAt: String
			estimatedReadyAt: String
			contactName: String!
			totals: Totals!
			lines: [StaffOrderLine!]!
			"How it is paid, for the board: a pay-at-pickup order is paid at handover."
			payment: StaffOrderPayment!
			order: Order!
		}

		type StaffOrderPayment {
			"Null for an order placed before payments."
			method: PaymentMethodKind
			status: PaymentStatus!
		}

		input OrderItemInput {
			item: ID!
			quantity: Int
			options: [ID!]
			note: String
		}

		input PlaceOrderInput {
			location: ID!
			items: [OrderItemInput!]!
			fulfilment: Fulfilment!
			deliveryAddress: DeliveryAddressInput
			contact: ContactInput!
			requestedTime: String
			tip: MoneyInput
			payment: PaymentInput!
		}

		extend type Query {
			"The order; token is its tracking token (a guest's way in). Without access it is not found."
			order(id: ID!, token: String): Order!
			"A location's latest orders, newest first (its staff and admins)."
			locationOrders(location: ID!, status: [OrderStatus!], limit: Int): [StaffOrder!]!
		}

		extend type Mutation {
			"Places an order in one call (POST /orders) and authorises its payment, as checkout does. The same key and input answer the same order."
			placeOrder(idempotencyKey: String!, input: PlaceOrderInput!): PlacedOrder!
			"Moves the order through the kitchen (staff of its location): confirmed needs etaMinutes, rejected and cancelled a reason."
			changeOrderStatus(order: ID!, status: OrderStatus!, etaMinutes: Int, reason: String): Order!
			"Cancels the order: its customer (or token holder) before it is confirmed, its staff until it is ready."
			cancelOrder(order: ID!, token: String, reason: String): Order!
		}
	`),
	resolvers: {
		OrderStatus: Object.fromEntries(ORDER_STATUSES.map((status) => [upper(status), status])),
		PaymentStatus: Object.fromEntries(PAYMENT_STATUSES.map((status) => [upper(status), status])),
		PaymentNextActionType: { REDIRECT: "redirect" },
		Refund: { id: (refund: RefundView) => refund.refundId },
		Order: {
			__resolveReference: ({ id }: { id: string }, context: GraphContext) => readAs(context, orderId(id), undefined),
			location: (order: OrderView, _, context) => locationBySlug(context, order.locationSlug),
			events: async (order: OrderView, _, context: GraphContext) => {
				const access = accessOfView.get(order) ?? accessOf(context.c, undefined);
				if (!access) return [];
				const { events } = await readOrderEventsAs(context.c, order.id, access);
				return events.map((event) => ({ ...event, payload: JSON.stringify(event.payload) }));
			},
		},
		OrderLine: { id: (line: OrderView["lines"][number]) => line.lineId },
		StaffOrderLine: { id: (line: StaffOrder["lines"][number]) => line.lineId },
		StaffOrder: {
			contactName: (order: StaffOrder) => order.contact.name,
			order: (order: StaffOrder, _, context: GraphContext) => readAs(context, order.id, undefined),
		},
		Query: {
			order: (_, args: { id: string; token?: string | null }, context: GraphContext) =>
				readAs(context, orderId(args.id), args.token ?? undefined),
			locationOrders: (
				_,
				args: { location: string; status?: string[] | null; limit?: number | null },
				{ c }: GraphContext,
			) => {
				const { slug } = validated(SlugParam, { slug: args.location }, { argument: "location" });
				const query = validated(StaffOrdersQuery, withoutNulls({ status: args.status?.join(","), limit: args.limit }));
				return locationOrders(
					c,
					slug,
					args.status?.length ? (args.status as StaffOrder["status"][]) : undefined,
					query.limit,
				);
			},
		},
		Mutation: {
			placeOrder: (_, args: { idempotencyKey: string; input: Record<string, unknown> }, { c }: GraphContext) => {
				const { location, items, ...checkout } = withoutNulls(args.input) as Record<string, unknown>;
				const input = validated(
					OneShotOrderInput,
					{
						...checkout,
						locationSlug: location,
						items: (items as { item: string }[]).map(({ item, ...line }) => ({ itemId: item, ...line })),
					},
					{ refusal: orderInputError, argument: "input" },
				);
				return placeOneShotOrder(c, args.idempotencyKey, input);
			},
			changeOrderStatus: async (
				_,
				args: { order: string; status: string; etaMinutes?: number | null; reason?: string | null },
				context: GraphContext,
			) => {
				const id = orderId(args.order);
				const change = validated(
					StatusChangeInput,
					withoutNulls({ status: args.status, etaMinutes: args.etaMinutes, reason: args.reason }),
				);
				return changedBy(context, await changeOrderStatus(context.c, id, change));
			},
			cancelOrder: async (
				_,
				args: { order: string; token?: string | null; reason?: string | null },
				context: GraphContext,
			) => {
				const id = orderId(args.order);
				const { reason } = validated(CancelInput, withoutNulls({ reason: args.reason }));
				const token = args.token ?? undefined;
				return changedBy(context, await cancelOrder(context.c, id, token, reason), token);
			},
		},
	},
};
