/**
 * The staff order list a kitchen board polls: a location's orders from the
 * read models, newest first, read through the request's D1 session so a
 * client holding a bookmark sees at least what it last saw.
 *
 * It reads the region the location is in now: orders placed before the
 * location moved region stay in the old region's database (each order lives
 * where its cart was opened) and are reached by id, not through this list.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { assertStaffAt, bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, type z } from "@hono/zod-openapi";
import { and, asc, desc, eq, inArray, type SQL } from "drizzle-orm";
import type { Context } from "hono";
import { currentRegionOf } from "../cart/location-region";
import { type Database, database } from "../db/client";
import * as schema from "../db/schema";
import { money } from "../menu/domain/money";
import { SlugParam } from "../menu/schemas";
import type { OrderStatus } from "./domain/order";
import { StaffOrderListSchema, StaffOrdersQuery, statusesOf } from "./schemas";

export type StaffOrder = z.infer<typeof StaffOrderListSchema>["orders"][number];

/** A location's latest orders with their lines, in one round trip to its region's database. */
async function listOrders(
	db: Database,
	slug: string,
	statuses: OrderStatus[] | undefined,
	limit: number,
): Promise<StaffOrder[]> {
	const { orders, orderLines } = schema;
	const filters: SQL[] = [eq(orders.locationSlug, slug)];
	if (statuses) filters.push(inArray(orders.status, statuses));
	const latest = db
		.select({ id: orders.id })
		.from(orders)
		.where(and(...filters))
		.orderBy(desc(orders.placedAt), desc(orders.id))
		.limit(limit);
	const [orderRows, lineRows] = await db.batch([
		db
			.select()
			.from(orders)
			.where(and(...filters))
			.orderBy(desc(orders.placedAt), desc(orders.id))
			.limit(limit),
		db
			.select()
			.from(orderLines)
			.where(inArray(orderLines.orderId, latest))
			.orderBy(asc(orderLines.orderId), asc(orderLines.position)),
	]);

	const linesByOrder = new Map<string, StaffOrder["lines"]>();
	for (const line of lineRows) {
		const lines = linesByOrder.get(line.orderId) ?? [];
		lines.push({
			lineId: line.lineId,
			itemId: line.itemId,
			name: line.name,
			quantity: line.quantity,
			options: line.options.map((option) => option.name),
			note: line.note,
		});
		linesByOrder.set(line.orderId, lines);
	}
	return orderRows.map((order) => ({
		id: order.id,
		status: order.status,
		fulfilment: order.fulfilment,
		placedAt: order.placedAt,
		requestedFor: order.requestedFor,
		predictedReadyAt: order.predictedReadyAt,
		estimatedReadyAt: order.estimatedReadyAt,
		contact: { name: order.contactName },
		totals: {
			subtotal: money(order.subtotalMinor, order.currency),
			tax: money(order.taxMinor, order.currency),
			taxIncluded: order.taxIncluded,
			deliveryFee: money(order.deliveryFeeMinor, order.currency),
			tip: money(order.tipMinor, order.currency),
			total: money(order.totalMinor, order.currency),
		},
		lines: linesByOrder.get(order.id) ?? [],
		// Rows projected before payments have neither column set.
		payment: { method: order.paymentMethod ?? null, status: order.paymentStatus ?? "not_recorded" },
	}));
}

/**
 * A location's latest orders, for its staff (admins everywhere): 403 for anyone
 * else, 404 for an unknown location. Its region's database holds its orders.
 */
export async function locationOrders(
	c: Context<AppEnv>,
	slug: string,
	statuses: OrderStatus[] | undefined,
	limit: number,
): Promise<StaffOrder[]> {
	assertStaffAt(c, slug);
	const region = await currentRegionOf(c.env, c.var.d1, slug);
	return listOrders(database(c.var.orderData.in(region)), slug, statuses, limit);
}

export const staffOrderRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/locations/{slug}/orders",
		tags: ["Orders (staff)"],
		summary: "A location's orders, newest first, optionally only those in the given statuses",
		security: bearerSecurity,
		middleware: [staffAtLocation()],
		request: { params: SlugParam, query: StaffOrdersQuery },
		responses: {
			200: jsonContent(StaffOrderListSchema, "Orders with their lines"),
			...errorResponses(400, 401, 403, 404),
		},
	}),
	async (c) => {
		const { slug } = c.req.valid("param");
		const { status, limit } = c.req.valid("query");
		const orders = await locationOrders(c, slug, statusesOf(status), limit);
		c.header("cache-control", "no-store");
		return c.json({ orders }, 200);
	},
);
