/** Request and response schemas of the notifications context, for validation and the API document. */
import { z } from "@hono/zod-openapi";
import { IdParam, SlugParam } from "../menu/schemas";
import { ORDER_EVENT_TYPES, type OrderEventType } from "../ordering/events";
import { NOTIFICATION_STATUSES } from "./domain/jobs";
import { isAllowedWebhookUrl } from "./domain/webhooks";

/** The event types a webhook may name: a PaymentFailed never leaves its order (the cart reopens), so none is ever delivered. */
export const WEBHOOK_EVENT_TYPES = ORDER_EVENT_TYPES.filter((type) => type !== "PaymentFailed") as [
	OrderEventType,
	...OrderEventType[],
];

const WebhookEvents = z
	.union([z.literal("all"), z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1).max(WEBHOOK_EVENT_TYPES.length)])
	.openapi({
		description:
			'"all" (every event type, including ones added later) or a list of event types. Payment events (PaymentAuthorised, PaymentCaptured, PaymentVoided, PaymentRefunded) follow the order\'s OrderPlaced; a card order reaches webhooks only once its payment is authorised',
		example: ["OrderPlaced", "OrderCancelled"],
	});

export const WebhookInput = z
	.object({
		url: z
			.string()
			.trim()
			.max(2048)
			.refine(isAllowedWebhookUrl, "must be an absolute https:// URL")
			.openapi({ format: "uri", example: "https://pos.example.com/goodfood/events" }),
		events: WebhookEvents.default("all"),
	})
	.openapi("WebhookInput");

export const WebhookView = z
	.object({
		id: z.string().openapi({ example: "whk_4f1c2a9be0d34c7e8a1b5d6f7a8b9c0d" }),
		url: z.string(),
		events: WebhookEvents,
		createdAt: z.string(),
	})
	.openapi("Webhook");

export const WebhookCreated = WebhookView.extend({
	secret: z.string().openapi({
		description:
			"The signing secret, shown only now. x-goodfood-signature is v1= and the hex HMAC-SHA256, keyed with this secret, of the x-goodfood-timestamp value, a dot and the raw body",
	}),
}).openapi("WebhookCreated");

export const WebhookListView = z.object({ webhooks: z.array(WebhookView) }).openapi("WebhookList");

export const WebhookParams = SlugParam.extend({
	id: IdParam.openapi({ param: { name: "id", in: "path" }, example: "whk_4f1c2a9be0d34c7e8a1b5d6f7a8b9c0d" }),
});

export const WebhookDeliveriesQuery = z.object({
	limit: z.coerce.number().int().min(1).max(200).default(50).openapi({ description: "How many deliveries to list" }),
});

export const WebhookDeliveriesView = z
	.object({
		deliveries: z.array(
			z.object({
				eventId: z.string().openapi({ description: "The event, also the x-goodfood-delivery header the receiver saw" }),
				eventType: z.enum(ORDER_EVENT_TYPES),
				orderId: z.string(),
				status: z.enum(NOTIFICATION_STATUSES).openapi({
					description:
						"sending (in flight), sent, failed (will be retried), dead (retries ran out) or skipped (the webhook was removed meanwhile)",
				}),
				attempts: z.number().int().min(0),
				lastError: z.string().nullable().openapi({ description: "Why the last attempt failed, if it did" }),
				updatedAt: z.string(),
			}),
		),
	})
	.openapi("WebhookDeliveries");

export const WebhookPingResult = z
	.object({
		delivered: z.boolean().openapi({ description: "The receiver answered 2xx" }),
		status: z
			.number()
			.int()
			.nullable()
			.openapi({ description: "The receiver's HTTP status; null when it could not be reached or did not answer" }),
		durationMs: z.number().int().min(0),
		error: z.string().nullable().openapi({ example: "webhook answered 500: upstream broke" }),
	})
	.openapi("WebhookPing");

export const DevEmailsQuery = z.object({
	to: z.email().optional().openapi({ description: "Only messages to this address" }),
	limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const DevEmailsView = z
	.object({
		emails: z.array(
			z.object({
				id: z.string(),
				to: z.string(),
				from: z.string(),
				subject: z.string(),
				text: z.string(),
				html: z.string(),
				idempotencyKey: z.string().nullable(),
				createdAt: z.string(),
			}),
		),
	})
	.openapi("DevEmails");
