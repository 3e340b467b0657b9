/**
 * The cart's share of the graph: carts, their lines and totals, and checkout.
 * Every resolver calls the function the REST route calls (cart-commands.ts),
 * with its arguments checked by the route's own schemas, so both front doors
 * give the same answers and the same refusals.
 */
import { parse } from "graphql";
import { validated, withoutNulls } from "../graph/arguments";
import type { GraphPart } from "../graph/part";
import { locationBySlug } from "../menu/graph";
import { readOrderAs } from "../ordering/order-commands";
import { addCartLine, checkoutCart, openCart, removeCartLine, updateCartLine, viewCart } from "./cart-commands";
import {
	AddLineInput,
	CartIdParam,
	CartPreviewQuery,
	type CartView,
	CheckoutInput,
	CreateCartInput,
	IdempotencyHeader,
	LineIdParam,
	orderInputError,
	type PlacedOrderView,
	UpdateLineInput,
} from "./schemas";

type CartLine = CartView["lines"][number];

const orderInput = { refusal: orderInputError };

function cartId(cart: string): string {
	return validated(CartIdParam, { cartId: cart }).cartId;
}

function lineOf(cart: string, line: string): { cartId: string; lineId: string } {
	return validated(LineIdParam, { cartId: cart, lineId: line });
}

export const cartGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"How an order reaches its customer."
		enum Fulfilment {
			PICKUP
			DELIVERY
		}

		enum CartStatus {
			OPEN
			CHECKED_OUT
		}

		"What an order or cart costs, in minor units of its currency."
		type Totals {
			subtotal: Money!
			tax: Money!
			"true: tax is part of the subtotal; false: added on top."
			taxIncluded: Boolean!
			deliveryFee: Money!
			tip: Money!
			total: Money!
		}

		type CartLineOption {
			groupId: ID!
			optionId: ID!
			name: String!
			priceDelta: Money!
		}

		type CartLine {
			id: ID!
			itemId: ID!
			name: String!
			quantity: Int!
			unitPrice: Money!
			options: [CartLineOption!]!
			note: String
			lineTotal: Money!
		}

		"A cart at one location. Its id is its secret: whoever holds it may change the cart."
		type Cart {
			id: ID!
			location: Location!
			currency: String!
			status: CartStatus!
			"The order the cart became, once checked out."
			orderId: ID
			lines: [CartLine!]!
			itemCount: Int!
			fulfilment: Fulfilment!
			totals: Totals!
			expiresAt: String
		}

		type CartLineAdded {
			line: CartLine!
			cart: Cart!
		}

		"A placed order. The tracking token lets a guest read and follow it; it is shown once."
		type PlacedOrder {
			orderId: ID!
			"PLACED, or AWAITING_PAYMENT while the card's second step (payment.nextAction) is not completed."
			status: OrderStatus!
			trackingToken: String!
			payment: Payment!
			"When the kitchen's load predicts it ready (ISO): checkout shows it as ready in about N min."
			predictedReadyAt: String
			"The order, as the caller may see it (a guest sees it as its tracking token shows it)."
			order: Order!
		}

		input ContactInput {
			name: String!
			email: String!
			phone: String!
		}

		"Coordinates come from the client's address lookup or geolocation; the delivery radius is checked against them."
		input DeliveryAddressInput {
			line1: String!
			line2: String
			city: String!
			postcode: String!
			latitude: Float!
			longitude: Float!
		}

		input MoneyInput {
			amount: Int!
			currency: String!
		}

		enum PaymentMethodKind {
			"Authorised at checkout, captured when the order is handed over."
			CARD
			"Paid at the counter: pickup only, at a location that allows it."
			PAY_AT_PICKUP
		}

		"How a checkout pays. The other fields are for CARD; paymentMethod is required with it."
		input PaymentInput {
			method: PaymentMethodKind!
			"The card, tokenised in the browser: a Stripe PaymentMethod id, or with the simulator pm_sim_<test card number> (docs/payments.md)."
			paymentMethod: String
			"The total the customer was shown; refused when it is not the order's total."
			amount: MoneyInput
			"A path on this site the card's second step (3-D Secure) sends the customer back to."
			returnPath: String
		}

		input CheckoutInput {
			fulfilment: Fulfilment!
			"Required for delivery."
			deliveryAddress: DeliveryAddressInput
			contact: ContactInput!
			"\\"asap\\" (the default) or an ISO 8601 time within opening hours."
			requestedTime: String
			tip: MoneyInput
			payment: PaymentInput!
		}

		extend type Query {
			"The cart with totals for pickup (the default) or delivery and a tip in minor units."
			cart(id: ID!, fulfilment: Fulfilment, tip: Int): Cart!
		}

		extend type Mutation {
			"Starts an empty cart at a location; a signed-in customer owns it."
			createCart(location: ID!): Cart!
			"Adds an item with its options; identical lines merge."
			addCartItem(cart: ID!, item: ID!, quantity: Int, options: [ID!], note: String): CartLineAdded!
			"Changes a line's quantity, options or note (null clears the note)."
			updateCartItem(cart: ID!, line: ID!, quantity: Int, options: [ID!], note: String): Cart!
			removeCartItem(cart: ID!, line: ID!): Cart!
			"Places the order and authorises its payment: a declined card is refused with payment_declined and the cart stays open. The same key with the same input answers the same order; with another input, idempotency_key_reused."
			checkout(cart: ID!, idempotencyKey: String!, input: CheckoutInput!): PlacedOrder!
		}
	`),
	resolvers: {
		Fulfilment: { PICKUP: "pickup", DELIVERY: "delivery" },
		CartStatus: { OPEN: "open", CHECKED_OUT: "checked_out" },
		PaymentMethodKind: { CARD: "card", PAY_AT_PICKUP: "pay_at_pickup" },
		Cart: {
			location: (cart: CartView, _, context) => locationBySlug(context, cart.locationSlug),
		},
		CartLine: { id: (line: CartLine) => line.lineId },
		PlacedOrder: {
			// The one who placed it reads it as REST would: a customer by account, anyone else by the token.
			order: (placed: PlacedOrderView, _, { c, principal }) =>
				readOrderAs(
					c,
					placed.orderId,
					principal?.role === "customer"
						? { kind: "customer", customerId: principal.id }
						: { kind: "tracking", token: placed.trackingToken },
				),
		},
		Query: {
			cart: (_, args: { id: string; fulfilment?: string | null; tip?: number | null }, { c }) => {
				const preview = validated(
					CartPreviewQuery,
					withoutNulls({ fulfilment: args.fulfilment, tip: args.tip }),
					orderInput,
				);
				return viewCart(c, cartId(args.id), preview.fulfilment, preview.tip);
			},
		},
		Mutation: {
			createCart: (_, { location }: { location: string }, { c }) =>
				openCart(c, validated(CreateCartInput, { locationSlug: location }).locationSlug),
			addCartItem: async (
				_,
				args: { cart: string; item: string; quantity?: number | null; options?: string[] | null; note?: string | null },
				{ c },
			) => {
				const id = cartId(args.cart);
				const line = validated(
					AddLineInput,
					withoutNulls({ itemId: args.item, quantity: args.quantity, options: args.options, note: args.note }),
					orderInput,
				);
				const { lineId, cart } = await addCartLine(c, id, line);
				return { cart, line: cart.lines.find((each) => each.lineId === lineId) };
			},
			updateCartItem: (
				_,
				args: { cart: string; line: string; quantity?: number | null; options?: string[] | null; note?: string | null },
				{ c },
			) => {
				const { cartId, lineId } = lineOf(args.cart, args.line);
				// An explicit null note clears it, as in REST; an absent one leaves it.
				const patch = validated(
					UpdateLineInput,
					{ quantity: args.quantity ?? undefined, options: args.options ?? undefined, note: args.note },
					orderInput,
				);
				return updateCartLine(c, cartId, lineId, patch);
			},
			removeCartItem: (_, args: { cart: string; line: string }, { c }) => {
				const { cartId, lineId } = lineOf(args.cart, args.line);
				return removeCartLine(c, cartId, lineId);
			},
			checkout: (_, args: { cart: string; idempotencyKey: string; input: Record<string, unknown> }, { c }) => {
				const id = cartId(args.cart);
				const key = validated(IdempotencyHeader, { "idempotency-key": args.idempotencyKey })["idempotency-key"];
				const input = validated(CheckoutInput, withoutNulls(args.input), { ...orderInput, argument: "input" });
				return checkoutCart(c, id, key, input);
			},
		},
	},
};
