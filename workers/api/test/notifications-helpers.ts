/**
 * What the notifications-*.test.ts files share: order events that project
 * without disturbing other tests' figures, the notifications consumer run on
 * a batch, the development sink's inbox, the notification log, intercepted
 * outbound requests, and webhook registration.
 */
import { env } from "cloudflare:workers";
import { regionNamed } from "@goodfood/platform/regions";
import { and, eq } from "drizzle-orm";
import { expect, vi } from "vitest";
import { regionOfId } from "../src/cart/identity";
import { type Database, database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { handleNotifications } from "../src/notifications/consumer";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import type { OrderEventEnvelope, OrderEventPayload, OrderEventType, OrderPlacedPayload } from "../src/ordering/events";
import { projectOrderEvent } from "../src/ordering/projections";
import { call, json, STAFF, send } from "./helpers";
import { deliverBatch, type QueueHandler } from "./queue-helpers";

/** The global database: accounts, locations, webhooks and the development sink. */
export const db = database(env.DB);

/** The database of the order's region (its id names it): the order's read models and notification log. */
export function ordersOf(orderId: string, on: Env = env): Database {
	return database(regionNamed(on, regionOfId(orderId)).orders);
}

// Other tests place orders at london-soho, whose events fan out in the background;
// webhooks are only ever registered at tokyo-shibuya, where nothing else orders.
export const HOOK_LOCATION = "tokyo-shibuya";
export const HOOK_HOST = "https://hooks.example.test";

/** Keeps the consumers' expected warnings and errors out of the test output; returns what was logged. */
export function quietLogs() {
	const lines: Record<string, unknown>[] = [];
	for (const level of ["log", "warn", "error"] as const) {
		vi.spyOn(console, level).mockImplementation((line: unknown) => {
			if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
		});
	}
	return lines;
}

export function uniqueEmail(): string {
	return `ada+${crypto.randomUUID()}@example.com`;
}

/** A new order id in a region (eu unless told). */
export function orderId(region = "eu"): string {
	return `ord_${region}_${crypto.randomUUID().replaceAll("-", "")}`;
}

const LOCATIONS = {
	"london-soho": { timeZone: "Europe/London", currency: "GBP", itemId: "itm-ldn-flat-white", price: 380 },
	"tokyo-shibuya": { timeZone: "Asia/Tokyo", currency: "JPY", itemId: "itm-tky-matcha-latte", price: 590 },
	"new-york-chelsea": { timeZone: "America/New_York", currency: "USD", itemId: "itm-nyc-cold-brew", price: 450 },
} as const;

/**
 * An OrderPlaced in 2030, with a business date and item no other test counts
 * sales for, and one line (so no item pairs), so projecting it disturbs no
 * other test's figures.
 */
export function placedEvent(
	id: string,
	location: keyof typeof LOCATIONS,
	contact: { email: string; name?: string },
	customerId: string | null = null,
): OrderEventEnvelope {
	const { timeZone, currency, price } = LOCATIONS[location];
	const payload: OrderPlacedPayload = {
		locationSlug: location,
		timeZone,
		businessDate: "2029-07-01",
		fulfilment: "pickup",
		deliveryAddress: null,
		requestedFor: null,
		contact: { name: contact.name ?? "Ada Lovelace", email: contact.email, phone: "+44 20 7946 0000" },
		customerId,
		lines: [
			{
				lineId: "line-1",
				itemId: "itm-notification-test",
				categoryId: "cat-notification-test",
				name: "Flat White",
				quantity: 2,
				unitPrice: price,
				lineTotal: 2 * price,
				options: [],
				note: "Extra hot <please>",
			},
		],
		totals: {
			currency,
			subtotal: 2 * price,
			tax: 0,
			taxIncluded: true,
			deliveryFee: 0,
			tip: 0,
			total: 2 * price,
		},
		payment: { method: "card" },
	};
	return statusEvent("OrderPlaced", id, 1, payload);
}

export function statusEvent<T extends OrderEventType>(
	type: T,
	id: string,
	sequence: number,
	payload: OrderEventPayload<T>,
): OrderEventEnvelope {
	const occurredAt = new Date(Date.UTC(2030, 6, 1, 10, 5 + sequence)).toISOString();
	return { id: crypto.randomUUID(), type, occurredAt, orderId: id, sequence, payload } as OrderEventEnvelope;
}

/**
 * Projects events into the read models of their order's region without the
 * consumer, so nothing is fanned out in the background.
 */
export async function project(...events: OrderEventEnvelope[]): Promise<void> {
	for (const event of events) {
		const orders = regionNamed(env, regionOfId(event.orderId)).orders;
		await orders.batch(projectOrderEvent(orders, event, new Date().toISOString()));
	}
}

export function emailJob(event: OrderEventEnvelope, recipient: string): NotificationJob {
	return { channel: "email", recipient, event };
}

/**
 * An OrderPlaced e-mail job as fan-out queues it from the order-events
 * consumer: carrying the order's location, so the send reads no order.
 */
export async function placedEmailJob(event: OrderEventEnvelope, recipient: string): Promise<NotificationJob> {
	const [location] = await db
		.select({
			name: schema.locations.name,
			addressLine: schema.locations.addressLine,
			city: schema.locations.city,
			postcode: schema.locations.postcode,
			country: schema.locations.country,
			timeZone: schema.locations.timeZone,
		})
		.from(schema.locations)
		.where(eq(schema.locations.slug, (event.payload as OrderPlacedPayload).locationSlug));
	return { channel: "email", recipient, event, location };
}

/** Runs one batch through a consumer, the notifications consumer unless told otherwise. */
export function deliver(
	bodies: unknown[],
	{
		attempts = 1,
		handler = handleNotifications,
		queue = "goodfood-notifications",
		on = env,
	}: { attempts?: number; handler?: QueueHandler; queue?: string; on?: Env } = {},
) {
	return deliverBatch(queue, handler, bodies, { attempts, on, idPrefix: "ntf" });
}

export interface SinkEmail {
	id: string;
	to: string;
	from: string;
	subject: string;
	text: string;
	html: string;
	idempotencyKey: string | null;
}

export async function inbox(address: string): Promise<SinkEmail[]> {
	const response = await call(`/api/v1/dev/emails?to=${encodeURIComponent(address)}`);
	expect(response.status).toBe(200);
	return (await json<{ emails: SinkEmail[] }>(response)).emails;
}

/** The job's row in the notification log, in its order's region. */
export function logRow(job: NotificationJob) {
	const { notificationLog } = schema;
	return ordersOf(job.event.orderId)
		.select()
		.from(notificationLog)
		.where(
			and(
				eq(notificationLog.eventId, job.event.id),
				eq(notificationLog.channel, job.channel),
				eq(notificationLog.recipient, job.recipient),
			),
		)
		.get();
}

/** Intercepts requests to one origin; everything else goes to the real fetch. */
export function intercept(origin: string, answer: (request: Request) => Response | Promise<Response>) {
	const realFetch = globalThis.fetch;
	const seen: Request[] = [];
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		if (!request.url.startsWith(origin)) return realFetch(input, init);
		seen.push(request.clone());
		return answer(request);
	});
	return seen;
}

export interface Registered {
	id: string;
	url: string;
	secret: string;
	events: string[] | "all";
}

export function register(body: unknown, headers: Record<string, string> = STAFF, location = HOOK_LOCATION) {
	return send("POST", `/api/v1/locations/${location}/webhooks`, body, headers);
}

export async function registered(body: unknown): Promise<Registered> {
	const response = await register(body);
	expect(response.status).toBe(201);
	return json<Registered>(response);
}

export function remove(id: string, headers: Record<string, string> = STAFF) {
	return call(`/api/v1/locations/${HOOK_LOCATION}/webhooks/${id}`, { method: "DELETE", headers });
}
