/**
 * Accounts' share of the graph: `me` (the signed-in account, as GET
 * /customers/me answers it, with its order history) and `updateMe` (PATCH
 * /customers/me). Both call the functions the REST routes call
 * (accounts/profile.ts), so they refuse and answer alike.
 *
 * A history entry's lines come from the regions' read models, loaded for all
 * the entries of an operation at once: one statement per region holding some
 * of them, however many orders are shown.
 */
import type { AppEnv } from "@goodfood/platform/app";
import { signedIn } from "@goodfood/platform/auth";
import { ApiError } from "@goodfood/platform/errors";
import { regionsOf } from "@goodfood/platform/regions";
import DataLoader from "dataloader";
import { asc, inArray } from "drizzle-orm";
import { parse } from "graphql";
import type { Context } from "hono";
import { regionOfId } from "../cart/identity";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { type GraphContext, perOperation } from "../graph/context";
import type { GraphPart } from "../graph/part";
import { locationBySlug } from "../menu/graph";
import { readOrder } from "../ordering/order-commands";
import type { OrderView } from "../ordering/order-views";
import {
	accountOfCaller,
	changeProfile,
	currentAccount,
	ORDER_HISTORY_LIMIT,
	type OrderHistoryEntry,
	orderHistory,
	parseProfilePatch,
} from "./profile";
import { type AccountRow, profileOf } from "./repository";

type OrderLineRow = typeof schema.orderLines.$inferSelect;

/** A history entry as the graph's resolvers pass it on: the entry, with the id the `Order` entity keys on. */
interface HistoryOrder extends OrderHistoryEntry {
	id: string;
}

/** D1 binds at most 100 parameters a statement. */
const IDS_PER_STATEMENT = 90;

function chunks<T>(values: T[], size: number): T[][] {
	const result: T[][] = [];
	for (let start = 0; start < values.length; start += size) result.push(values.slice(start, start + size));
	return result;
}

/**
 * The lines of many orders, from the read model of each order's region: one
 * batch per region, each of one statement per 90 orders.
 */
async function linesOfOrders(c: Context<AppEnv>, orderIds: readonly string[]): Promise<OrderLineRow[][]> {
	const regions = regionsOf(c.env);
	// A loop, not Map.groupBy: the web app's type check (ES2023) reads this module too.
	const byRegion = new Map<string, string[]>();
	for (const id of orderIds) byRegion.set(regionOfId(id), [...(byRegion.get(regionOfId(id)) ?? []), id]);
	const found = new Map<string, OrderLineRow[]>();
	await Promise.all(
		[...byRegion].map(async ([name, ids]) => {
			const region = regions.get(name);
			if (!region) return;
			const db = database(c.var.orderData.in(region));
			const [first, ...rest] = chunks(ids, IDS_PER_STATEMENT).map((part) =>
				db
					.select()
					.from(schema.orderLines)
					.where(inArray(schema.orderLines.orderId, part))
					.orderBy(asc(schema.orderLines.orderId), asc(schema.orderLines.position)),
			);
			for (const rows of await db.batch([first, ...rest])) {
				for (const row of rows) found.set(row.orderId, [...(found.get(row.orderId) ?? []), row]);
			}
		}),
	);
	return orderIds.map((id) => found.get(id) ?? []);
}

/** The operation's loader of order lines: every entry asked for in one operation is read together. */
function orderLinesLoader(context: GraphContext): DataLoader<string, OrderLineRow[]> {
	return perOperation(context, "accounts.orderLines", () => new DataLoader((ids) => linesOfOrders(context.c, ids)));
}

/** A read model line as GET /orders/{id} shows it (`OrderLine` in ordering's part). */
function lineView(line: OrderLineRow, currency: string): OrderView["lines"][number] {
	const money = (amount: number) => ({ amount, currency });
	return {
		lineId: line.lineId,
		itemId: line.itemId,
		name: line.name,
		quantity: line.quantity,
		unitPrice: money(line.unitPriceMinor),
		options: line.options.map((option) => ({ name: option.name, priceDelta: money(option.priceDelta) })),
		note: line.note,
		lineTotal: money(line.lineTotalMinor),
	};
}

function historyLimit(limit: number | null | undefined): number {
	if (limit == null) return ORDER_HISTORY_LIMIT;
	if (!Number.isInteger(limit) || limit < 1 || limit > ORDER_HISTORY_LIMIT) {
		throw new ApiError("validation_failed", "Invalid limit", [
			{ field: "limit", message: `must be between 1 and ${ORDER_HISTORY_LIMIT}` },
		]);
	}
	return limit;
}

export const accountsGraph: GraphPart = {
	typeDefs: parse(/* GraphQL */ `
		"A signed-in account: its profile, as GET /customers/me answers it, and its orders."
		type Customer @key(fields: "id") {
			id: ID!
			email: String!
			"customer, kitchen, manager or admin."
			role: String!
			name: String!
			phone: String
			"The locations a staff account works at; empty for customers and admins."
			locations: [String!]!
			addresses: [SavedAddress!]!
			dietaryPreferences: [String!]!
			avoidAllergens: [String!]!
			favouriteLocation: String
			notificationPreferences: NotificationPreferences!
			"The language menus are presented in when a request names none (en, ja, es), or null to follow the browser."
			language: String
			"Whether the address has been confirmed with the link e-mailed to it; until then updateMe saves no addresses (email_unverified)."
			emailVerified: Boolean!
			createdAt: String!
			"The account's orders from every region, newest first (at most 200, the default)."
			orders(limit: Int): [CustomerOrder!]!
		}

		type SavedAddress {
			label: String!
			line1: String!
			line2: String
			city: String!
			postcode: String!
			latitude: Float!
			longitude: Float!
		}

		type NotificationPreferences {
			orderUpdates: Boolean!
			marketing: Boolean!
		}

		"""
		One order of the history, as the customer's order history read model keeps it
		(what GET /customers/me/orders lists), with its lines; the full order, as
		GET /orders/{id} answers it, is a field away (one read of the order's own
		object each, so ask for it on the few orders a screen opens).
		"""
		type CustomerOrder {
			id: ID!
			locationSlug: ID!
			location: Location!
			placedAt: String!
			status: OrderStatus!
			total: Money!
			"What was ordered, as placed; options by name, so a reorder can match them on today's menu."
			lines: [OrderLine!]!
			order: Order!
		}

		"""
		A change to the profile, as PATCH /customers/me takes it: only the fields
		given change. Every rule (lengths, phone format, known allergens and diets,
		at most 10 addresses) is checked as REST checks it, and a refusal is
		validation_failed naming the field (e.g. addresses.0.postcode).
		"""
		input ProfilePatchInput {
			name: String
			"null removes the phone number."
			phone: String
			"Replaces every saved address."
			addresses: [SavedAddressInput!]
			dietaryPreferences: [String!]
			avoidAllergens: [String!]
			"null forgets the favourite."
			favouriteLocation: String
			notificationPreferences: NotificationPreferencesInput
			"""
			en, ja or es; null follows the browser's Accept-Language. Access tokens issued
			from the next sign-in or refresh on carry it.
			"""
			language: String
		}

		input SavedAddressInput {
			label: String
			line1: String
			line2: String
			city: String
			postcode: String
			latitude: Float
			longitude: Float
		}

		input NotificationPreferencesInput {
			orderUpdates: Boolean
			marketing: Boolean
		}

		extend type Query {
			"The signed-in account (staff get their own), or null when anonymous."
			me: Customer
		}

		extend type Mutation {
			"Changes the signed-in account's profile (PATCH /customers/me); unauthorized when anonymous."
			updateMe(input: ProfilePatchInput!): Customer!
		}
	`),
	resolvers: {
		Query: {
			me: async (_, __, { c }) => {
				const account = await accountOfCaller(c);
				return account ? { ...profileOf(account), account } : null;
			},
		},
		Mutation: {
			updateMe: async (_, { input }: { input: unknown }, { c }) => {
				signedIn(c);
				const patch = parseProfilePatch(input);
				const updated = await changeProfile(c, await currentAccount(c), patch);
				return { ...profileOf(updated), account: updated };
			},
		},
		Customer: {
			// Only the caller's own account resolves; anyone else's is null, as no route shows another's profile.
			__resolveReference: async ({ id }: { id: string }, { c }: GraphContext) => {
				const account = await accountOfCaller(c);
				return account && account.id === id ? { ...profileOf(account), account } : null;
			},
			orders: async (
				{ account }: { account: AccountRow },
				{ limit }: { limit?: number | null },
				{ c },
			): Promise<HistoryOrder[]> =>
				(await orderHistory(c, account, historyLimit(limit))).map((entry) => ({ ...entry, id: entry.orderId })),
		},
		CustomerOrder: {
			location: (order: HistoryOrder, _, context: GraphContext) => locationBySlug(context, order.locationSlug),
			lines: async (order: HistoryOrder, _, context: GraphContext) =>
				(await orderLinesLoader(context).load(order.id)).map((line) => lineView(line, order.total.currency)),
			// As GET /orders/{id} reads it, with the caller's access: the customer placed it.
			order: (order: HistoryOrder, _, { c }: GraphContext) => readOrder(c, order.id, undefined),
		},
	},
};
