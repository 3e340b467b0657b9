/**
 * The account page's one GraphQL request: the profile, as GET /customers/me
 * answers it, and the order history with each order's lines, which over REST
 * took GET /customers/me/orders and then GET /orders/{id} for each reorder.
 * The api's tests validate this query against the served schema
 * (workers/api/test/graphql-accounts.test.ts), as types.ts ties REST's
 * shapes to the routes.
 */
import type { Money, Order, OrderStatus, Profile } from "./types";

export const ACCOUNT_QUERY = /* GraphQL */ `
	query Account {
		me {
			id
			email
			role
			name
			phone
			locations
			addresses { label line1 line2 city postcode latitude longitude }
			dietaryPreferences
			avoidAllergens
			favouriteLocation
			notificationPreferences { orderUpdates marketing }
			language
			emailVerified
			createdAt
			orders {
				id
				locationSlug
				placedAt
				status
				total { amount currency }
				lines { itemId name quantity options { name } note }
			}
		}
	}
`;

type OrderLine = Order["lines"][number];

/** An order of the history; the graph names statuses in capitals (PICKED_UP). */
export interface AccountOrder {
	id: string;
	locationSlug: string;
	placedAt: string;
	status: Uppercase<OrderStatus>;
	total: Money;
	lines: (Pick<OrderLine, "itemId" | "name" | "quantity" | "note"> & { options: { name: string }[] })[];
}

export interface AccountAnswer {
	/** Null when the token names no account any more. */
	me: (Profile & { orders: AccountOrder[] }) | null;
}
