/**
 * Webhook registration for a location's managers and admins, with each
 * webhook's recent deliveries and a signed test delivery, and the development
 * e-mail sink's mailbox, which exists only in development and tests.
 */

import { type AppEnv, createRouter } from "@goodfood/platform/app";
import { bearerSecurity, staffAtLocation } from "@goodfood/platform/auth";
import { randomHex, randomToken } from "@goodfood/platform/crypto";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { auditChange } from "../audit/record";
import { database } from "../db/client";
import { isDevelopment } from "./email";
import {
	disableWebhook,
	insertWebhook,
	liveWebhookAt,
	outbox,
	type WebhookRow,
	webhookDeliveries,
	webhooksAt,
} from "./repository";
import {
	DevEmailsQuery,
	DevEmailsView,
	WebhookCreated,
	WebhookDeliveriesQuery,
	WebhookDeliveriesView,
	WebhookInput,
	WebhookListView,
	WebhookParams,
	WebhookPingResult,
} from "./schemas";
import { pingWebhook } from "./webhook-delivery";

const MAX_WEBHOOKS_PER_LOCATION = 10;

const webhookAccess = {
	tags: ["Webhooks"],
	security: bearerSecurity,
	middleware: [staffAtLocation(["manager", "admin"])],
};

function viewOf(row: WebhookRow) {
	return { id: row.id, url: row.url, events: row.events ?? ("all" as const), createdAt: row.createdAt };
}

/** Elsewhere than development and tests the route answers exactly as if it did not exist, before validating anything. */
const developmentOnly = createMiddleware<AppEnv>(async (c, next) => {
	if (!isDevelopment(c.env)) throw new ApiError("not_found", `No route for ${c.req.method} ${c.req.path}`);
	await next();
});

async function webhookOr404(c: Context<AppEnv>, slug: string, id: string): Promise<WebhookRow> {
	const row = await liveWebhookAt(database(c.var.d1), slug, id);
	if (!row) throw ApiError.notFound("Webhook");
	return row;
}

async function webhooksOr404(c: Context<AppEnv>, slug: string): Promise<WebhookRow[]> {
	const rows = await webhooksAt(database(c.var.d1), slug);
	if (!rows) throw ApiError.notFound("Location");
	return rows;
}

export const notificationRoutes = createRouter()
	.openapi(
		createRoute({
			...webhookAccess,
			method: "post",
			path: "/locations/{slug}/webhooks",
			summary: "Register a webhook for the location's order events; its signing secret is shown once",
			request: {
				params: WebhookParams.pick({ slug: true }),
				body: { content: { "application/json": { schema: WebhookInput } }, required: true },
			},
			responses: {
				201: jsonContent(WebhookCreated, "Registered; keep the secret, it is not shown again"),
				...errorResponses(400, 401, 403, 404, 409),
			},
		}),
		async (c) => {
			const { slug } = c.req.valid("param");
			const input = c.req.valid("json");
			const existing = await webhooksOr404(c, slug);
			if (existing.length >= MAX_WEBHOOKS_PER_LOCATION) {
				throw new ApiError("conflict", `A location has at most ${MAX_WEBHOOKS_PER_LOCATION} webhooks`);
			}
			const row = await insertWebhook(database(c.var.d1), {
				id: `whk_${randomHex(16)}`,
				locationSlug: slug,
				url: input.url,
				secret: randomToken(32),
				events: input.events === "all" ? null : [...new Set(input.events)],
			});
			return c.json({ ...viewOf(row), secret: row.secret }, 201);
		},
	)
	.openapi(
		createRoute({
			...webhookAccess,
			method: "get",
			path: "/locations/{slug}/webhooks",
			summary: "List the location's webhooks (without their secrets)",
			request: { params: WebhookParams.pick({ slug: true }) },
			responses: {
				200: jsonContent(WebhookListView, "The live webhooks, oldest first"),
				...errorResponses(401, 403, 404),
			},
		}),
		async (c) => {
			const rows = await webhooksOr404(c, c.req.valid("param").slug);
			return c.json({ webhooks: rows.map(viewOf) }, 200);
		},
	)
	.openapi(
		createRoute({
			...webhookAccess,
			method: "delete",
			path: "/locations/{slug}/webhooks/{id}",
			summary: "Remove a webhook; deliveries still queued for it are dropped",
			request: { params: WebhookParams },
			responses: { 204: { description: "Removed" }, ...errorResponses(401, 403, 404) },
		}),
		async (c) => {
			const { slug, id } = c.req.valid("param");
			if (!(await disableWebhook(database(c.var.d1), slug, id))) throw ApiError.notFound("Webhook");
			return c.body(null, 204);
		},
	)
	.openapi(
		createRoute({
			...webhookAccess,
			method: "get",
			path: "/locations/{slug}/webhooks/{id}/deliveries",
			summary: "The webhook's recent deliveries, most recently attempted first",
			description:
				"From the notification log of every region (a location moved to another region keeps its older orders, and their deliveries, where they were).",
			request: { params: WebhookParams, query: WebhookDeliveriesQuery },
			responses: {
				200: jsonContent(WebhookDeliveriesView, "The deliveries"),
				...errorResponses(400, 401, 403, 404),
			},
		}),
		async (c) => {
			const { slug, id } = c.req.valid("param");
			const { limit } = c.req.valid("query");
			await webhookOr404(c, slug, id);
			const perRegion = await Promise.all(
				c.var.orderData.everywhere().map(({ session }) => webhookDeliveries(database(session), id, limit)),
			);
			const deliveries = perRegion
				.flat()
				.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0))
				.slice(0, limit);
			c.header("cache-control", "no-store");
			return c.json({ deliveries }, 200);
		},
	)
	.openapi(
		createRoute({
			...webhookAccess,
			method: "post",
			path: "/locations/{slug}/webhooks/{id}/test",
			summary: "Send the webhook a signed ping now and say how the receiver answered",
			description:
				"The ping is signed exactly as deliveries are (x-goodfood-event: ping). A receiver that fails, answers non-2xx or takes over 5 s is still a 200 here, with delivered: false and the reason.",
			request: { params: WebhookParams },
			responses: {
				200: jsonContent(WebhookPingResult, "What the receiver did"),
				...errorResponses(401, 403, 404),
			},
		}),
		async (c) => {
			const { slug, id } = c.req.valid("param");
			const webhook = await webhookOr404(c, slug, id);
			const result = await pingWebhook(webhook, new Date());
			auditChange(c, { before: null, after: { webhookId: id, url: webhook.url, ...result }, locationSlug: slug });
			return c.json(result, 200);
		},
	)
	.openapi(
		createRoute({
			method: "get",
			path: "/dev/emails",
			tags: ["Development"],
			middleware: [developmentOnly],
			summary: "The development e-mail sink: every e-mail the app sent, newest first (development and tests only)",
			request: { query: DevEmailsQuery },
			responses: {
				200: jsonContent(DevEmailsView, "The sink's messages"),
				...errorResponses(400, 404),
			},
		}),
		async (c) => {
			const rows = await outbox(database(c.var.d1), c.req.valid("query"));
			return c.json(
				{
					emails: rows.map((row) => ({
						id: row.id,
						to: row.toAddress,
						from: row.fromAddress,
						subject: row.subject,
						text: row.text,
						html: row.html,
						idempotencyKey: row.idempotencyKey,
						createdAt: row.createdAt,
					})),
				},
				200,
			);
		},
	);
