/**
 * The manager's list of a location's refunds, newest first, from the refunds
 * the order projections record (one row per PaymentRefunded) in the region
 * the location is in now, read through the request's D1 session like the
 * staff order list. Managers and admins only: the kitchen takes no money back.
 */

import { createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, gte, lt } from "drizzle-orm";
import { currentRegionOf } from "../cart/location-region";
import { database } from "../db/client";
import * as schema from "../db/schema";
import { money } from "../menu/domain/money";
import { MoneySchema, SlugParam } from "../menu/schemas";

const DAY_MS = 86_400_000;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A date (a whole UTC day) or an instant with its offset, as the instant it starts at; NaN when it is neither. */
function instantOf(value: string): number {
	if (!CALENDAR_DATE.test(value) && !DATE_TIME.test(value)) return Number.NaN;
	const time = Date.parse(CALENDAR_DATE.test(value) ? `${value}T00:00:00Z` : value);
	// Date.parse rolls 2030-02-31 over to March; a date that does not round-trip does not exist.
	if (CALENDAR_DATE.test(value) && new Date(time).toISOString().slice(0, 10) !== value) return Number.NaN;
	return time;
}

const Bound = z
	.string()
	.refine((value) => !Number.isNaN(instantOf(value)), "must be a date YYYY-MM-DD or an ISO 8601 date-time with offset");

export const RefundsQuery = z
	.object({
		from: Bound.optional().openapi({
			description: "The earliest refund to list (inclusive); a date means from the start of that UTC day",
			example: "2030-07-01",
		}),
		to: Bound.optional().openapi({
			description: "The latest refund to list (exclusive); a date means up to the end of that UTC day",
			example: "2030-07-31",
		}),
		limit: z.coerce.number().int().min(1).max(200).default(50),
	})
	.superRefine((query, ctx) => {
		// Zod still runs this when a bound was refused above; only two valid bounds are compared.
		if (!query.from || !query.to || Number.isNaN(instantOf(query.from)) || Number.isNaN(instantOf(query.to))) return;
		const range = rangeOf(query.from, query.to);
		if (range.to <= range.from) ctx.addIssue({ code: "custom", path: ["to"], message: "must be later than from" });
	});

/** The half-open range of instants [from, to) the query asks for, as stored timestamps compare. */
function rangeOf(from: string | undefined, to: string | undefined): { from: string; to: string } {
	const start = from === undefined ? 0 : instantOf(from);
	const end = to === undefined ? Date.UTC(9999, 0, 1) : instantOf(to) + (CALENDAR_DATE.test(to) ? DAY_MS : 0);
	return { from: new Date(start).toISOString(), to: new Date(end).toISOString() };
}

export const RefundListItem = z
	.object({
		refundId: z.string(),
		orderId: z.string(),
		amount: MoneySchema,
		reason: z.string(),
		refundedAt: z.string().openapi({ description: "When the refund was recorded (ISO 8601, UTC)" }),
	})
	.openapi("LocationRefund");

export const RefundListSchema = z.object({ refunds: z.array(RefundListItem) }).openapi("LocationRefundList");

export const refundsRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/locations/{slug}/refunds",
		tags: ["Payments (staff)"],
		summary: "A location's refunds, newest first (managers and admins)",
		description:
			"Refunds of the location's orders in its current region, partial ones included, each with its reason. Kitchen staff are refused (403).",
		security: bearerSecurity,
		middleware: [staffAtLocation(["manager", "admin"])],
		request: { params: SlugParam, query: RefundsQuery },
		responses: {
			200: jsonContent(RefundListSchema, "Refunds, newest first"),
			...errorResponses(400, 401, 403, 404),
		},
	}),
	async (c) => {
		const { slug } = c.req.valid("param");
		const { from, to, limit } = c.req.valid("query");
		const range = rangeOf(from, to);
		const region = await currentRegionOf(c.env, c.var.d1, slug);
		const { orderRefunds } = schema;
		const rows = await database(c.var.orderData.in(region))
			.select()
			.from(orderRefunds)
			.where(
				and(
					eq(orderRefunds.locationSlug, slug),
					gte(orderRefunds.refundedAt, range.from),
					lt(orderRefunds.refundedAt, range.to),
				),
			)
			.orderBy(desc(orderRefunds.refundedAt), desc(orderRefunds.refundId))
			.limit(limit);
		c.header("cache-control", "no-store");
		return c.json(
			{
				refunds: rows.map((row) => ({
					refundId: row.refundId,
					orderId: row.orderId,
					amount: money(row.amountMinor, row.currency),
					reason: row.reason,
					refundedAt: row.refundedAt,
				})),
			},
			200,
		);
	},
);
