/**
 * Notifications: customer e-mails through the development sink (currency and
 * local time per location), one e-mail per job however often it is delivered,
 * preferences, a failing provider retried into the dead-letter queue, webhook
 * registration (validation and access), signed deliveries that verify with the
 * documented algorithm, fan-out from the order-events consumer, and an order
 * placed over HTTP reaching the inbox through both queues (happy path, errors,
 * security).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { app } from "../src/app";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { handleDeadNotifications, handleNotifications } from "../src/notifications/consumer";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { verifyWebhookSignature } from "../src/notifications/domain/webhooks";
import { developmentSink } from "../src/notifications/email";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope, OrderEventPayload, OrderEventType, OrderPlacedPayload } from "../src/ordering/events";
import { projectOrderEvent } from "../src/ordering/projections";
import {
	bearer,
	call,
	cartWithFlatWhite,
	checkout,
	errorOf,
	json,
	PICKUP_TOMORROW,
	PRINCIPALS,
	STAFF,
	send,
} from "./helpers";

const db = database(env.DB);

// Other test files place orders at london-soho, whose events fan out in the background;
// webhooks are only ever registered at tokyo-shibuya, where nothing else orders.
const HOOK_LOCATION = "tokyo-shibuya";
const HOOK_HOST = "https://hooks.example.test";
const PROVIDER_URL = "https://email-provider.example.test";
const SHIBUYA_MANAGER = await bearer({ id: "acc-test-manager-shibuya", role: "manager", locations: [HOOK_LOCATION] });

afterEach(() => {
	vi.restoreAllMocks();
});

/** Keeps the consumers' expected warnings and errors out of the test output; returns what was logged. */
function quietLogs() {
	const lines: Record<string, unknown>[] = [];
	for (const level of ["log", "warn", "error"] as const) {
		vi.spyOn(console, level).mockImplementation((line: unknown) => {
			if (typeof line === "string" && line.startsWith("{")) lines.push(JSON.parse(line));
		});
	}
	return lines;
}

function uniqueEmail(): string {
	return `ada+${crypto.randomUUID()}@example.com`;
}

function orderId(): string {
	return `ord_${crypto.randomUUID().replaceAll("-", "")}`;
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
function placedEvent(
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
	};
	return statusEvent("OrderPlaced", id, 1, payload);
}

function statusEvent<T extends OrderEventType>(
	type: T,
	id: string,
	sequence: number,
	payload: OrderEventPayload<T>,
): OrderEventEnvelope {
	const occurredAt = new Date(Date.UTC(2030, 6, 1, 10, 5 + sequence)).toISOString();
	return { id: crypto.randomUUID(), type, occurredAt, orderId: id, sequence, payload } as OrderEventEnvelope;
}

/** Projects events into the read models without the consumer, so nothing is fanned out in the background. */
async function project(...events: OrderEventEnvelope[]): Promise<void> {
	for (const event of events) await db.batch(projectOrderEvent(db, event, new Date().toISOString()));
}

function emailJob(event: OrderEventEnvelope, recipient: string): NotificationJob {
	return { channel: "email", recipient, event };
}

let messageCounter = 0;
type Handler = (batch: MessageBatch<unknown>, env: Env) => Promise<void>;

/** Runs one batch through a consumer; reports acks, retries and each retry's delay. */
async function deliver(
	bodies: unknown[],
	{
		attempts = 1,
		handler = handleNotifications,
		queue = "goodfood-notifications",
		on = env,
	}: { attempts?: number; handler?: Handler; queue?: string; on?: Env } = {},
) {
	const messages = bodies.map((body) => {
		messageCounter += 1;
		return { id: `ntf-${messageCounter}`, timestamp: Date.now(), attempts, body };
	});
	const batch = createMessageBatch(queue, messages);
	const delays = new Map<string, number | undefined>();
	for (const message of batch.messages) {
		const retry = message.retry.bind(message);
		vi.spyOn(message, "retry").mockImplementation((options) => {
			delays.set(message.id, options?.delaySeconds);
			retry(options);
		});
	}
	await handler(batch, on);
	const result = await getQueueResult(batch, createExecutionContext());
	return { ids: messages.map((message) => message.id), result, delays };
}

function deliverDead(bodies: unknown[]) {
	return deliver(bodies, { handler: handleDeadNotifications, queue: "goodfood-notifications-dlq" });
}

interface SinkEmail {
	id: string;
	to: string;
	from: string;
	subject: string;
	text: string;
	html: string;
	idempotencyKey: string | null;
}

async function inbox(address: string): Promise<SinkEmail[]> {
	const response = await call(`/api/v1/dev/emails?to=${encodeURIComponent(address)}`);
	expect(response.status).toBe(200);
	return (await json<{ emails: SinkEmail[] }>(response)).emails;
}

function logRow(job: NotificationJob) {
	const { notificationLog } = schema;
	return db
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
function intercept(origin: string, answer: (request: Request) => Response | Promise<Response>) {
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

describe("customer e-mails", () => {
	it("e-mails placed, confirmed and ready in pounds and London time, from text and HTML", async () => {
		const email = uniqueEmail();
		const id = orderId();
		const placed = placedEvent(id, "london-soho", { email });
		const confirmed = statusEvent("OrderConfirmed", id, 2, { estimatedReadyAt: "2030-07-01T11:20:00.000Z" });
		const ready = statusEvent("OrderReady", id, 3, {});
		await project(placed, confirmed, ready);

		const { ids, result } = await deliver([placed, confirmed, ready].map((event) => emailJob(event, email)));

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		expect(result.retryMessages).toEqual([]);
		const emails = await inbox(email);
		expect(emails.map((message) => message.subject).sort()).toEqual(
			[
				`Order #${id.slice(4, 12).toUpperCase()} confirmed: ready around 12:20 BST`,
				`Order #${id.slice(4, 12).toUpperCase()} is ready to collect`,
				`We've got your order #${id.slice(4, 12).toUpperCase()} at GoodFood Soho`,
			].sort(),
		);
		const welcome = emails.find((message) => message.subject.startsWith("We've got"));
		expect(welcome).toMatchObject({ to: email, from: "GoodFood <orders@goodfood.local>" });
		expect(welcome?.text).toContain("2 × Flat White  £7.60");
		expect(welcome?.text).toContain("Total: £7.60");
		expect(welcome?.text).toContain("placed Mon 1 Jul, 11:06 BST");
		expect(welcome?.html).toContain("Extra hot &lt;please&gt;");
		expect(welcome?.idempotencyKey).toBe(`goodfood/${placed.id}/email`);
		const eta = emails.find((message) => message.subject.includes("confirmed"));
		expect(eta?.text).toContain("It should be ready around Mon 1 Jul, 12:20 BST.");
		expect(await logRow(emailJob(placed, email))).toMatchObject({ status: "sent", attempts: 1, lastError: null });
	});

	it("e-mails in yen and Tokyo time, and says why the restaurant cancelled", async () => {
		const email = uniqueEmail();
		const id = orderId();
		const placed = placedEvent(id, "tokyo-shibuya", { email });
		const confirmed = statusEvent("OrderConfirmed", id, 2, { estimatedReadyAt: "2030-07-01T03:20:00.000Z" });
		const cancelled = statusEvent("OrderCancelled", id, 3, { reason: "Out of matcha", cancelledBy: "staff" });
		await project(placed, confirmed, cancelled);

		await deliver([placed, confirmed, cancelled].map((event) => emailJob(event, email)));

		const emails = await inbox(email);
		expect(emails).toHaveLength(3);
		expect(emails.find((message) => message.subject.startsWith("We've got"))?.text).toContain("Total: ¥1,180");
		expect(emails.find((message) => message.subject.includes("confirmed"))?.subject).toMatch(
			/ready around 12:20 GMT\+9$/,
		);
		const cancellation = emails.find((message) => message.subject.includes("cancelled"));
		expect(cancellation?.text).toContain("GoodFood Shibuya has cancelled your order");
		expect(cancellation?.text).toContain("(¥1,180)");
		expect(cancellation?.text).toContain("Reason: Out of matcha");
	});

	it("lists the sink newest first, and answers 404 outside development", async () => {
		const email = uniqueEmail();
		const id = orderId();
		const placed = placedEvent(id, "new-york-chelsea", { email });
		const ready = statusEvent("OrderReady", id, 2, {});
		await project(placed, ready);
		await deliver([emailJob(placed, email)]);
		await deliver([emailJob(ready, email)]);

		const emails = await inbox(email);
		expect(emails.map((message) => message.subject)).toEqual([
			expect.stringContaining("is ready to collect"),
			expect.stringContaining("We've got your order"),
		]);
		expect(emails[1].text).toContain("Total: $9.00");

		const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
		const hidden = await app.fetch(new Request("https://goodfood.test/api/v1/dev/emails?limit=oops"), production);
		expect(hidden.status).toBe(404);
		expect((await errorOf(hidden)).code).toBe("not_found");
	});
});

describe("one e-mail per event", () => {
	it("sends once for a job delivered twice in one batch, and again in a later batch", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const first = await deliver([job, structuredClone(job)]);
		const later = await deliver([structuredClone(job)], { attempts: 2 });

		expect(first.result.explicitAcks.sort()).toEqual([...first.ids].sort());
		expect(later.result.explicitAcks).toEqual(later.ids);
		expect(await inbox(email)).toHaveLength(1);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1 });
	});

	it("sends once when two batches race for the same job", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const [a, b] = await Promise.all([deliver([job]), deliver([structuredClone(job)])]);

		expect(await inbox(email)).toHaveLength(1);
		const settled = [...a.result.explicitAcks, ...b.result.explicitAcks];
		const retried = [...a.result.retryMessages, ...b.result.retryMessages];
		expect(settled.length + retried.length).toBe(2);
		expect(settled.length).toBeGreaterThanOrEqual(1);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1 });
	});
});

describe("a send whose bookkeeping fails", () => {
	/** env whose D1 fails the write that marks a job sent, `failures` times. */
	function failingMarkSent(failures: number) {
		let left = failures;
		const real = env.DB;
		const DB = new Proxy(real, {
			get(target, property) {
				if (property !== "prepare")
					return Reflect.get(target, property).bind?.(target) ?? Reflect.get(target, property);
				return (query: string) => {
					if (!/^update "notification_log" set .*"provider_message_id" = \?/.test(query) || left <= 0) {
						return target.prepare(query);
					}
					left -= 1;
					const fail = async () => {
						throw new Error("D1_ERROR: database is locked");
					};
					const statement = { run: fail, all: fail, raw: fail, first: fail };
					return { ...statement, bind: () => statement };
				};
			},
		});
		return { ...env, DB } as Env;
	}

	it("is never sent again: the write is retried, and the message acked even when it keeps failing", async () => {
		const logged = quietLogs();
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const first = await deliver([job], { on: failingMarkSent(10) });
		expect(first.result.explicitAcks).toEqual(first.ids);
		expect(first.result.retryMessages).toEqual([]);
		expect(await inbox(email)).toHaveLength(1);
		expect(logged).toContainEqual(
			expect.objectContaining({ level: "error", message: "notification sent but not recorded" }),
		);

		// A stray redelivery finds the row still claimed and does not send.
		const again = await deliver([structuredClone(job)], { attempts: 2 });
		expect(again.result.retryMessages).toHaveLength(1);
		expect(await inbox(email)).toHaveLength(1);
	});

	it("records the send once the write goes through on a retry within the delivery", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const first = await deliver([job], { on: failingMarkSent(1) });
		expect(first.result.explicitAcks).toEqual(first.ids);
		expect(await inbox(email)).toHaveLength(1);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1, providerMessageId: expect.any(String) });
	});

	it("the development sink keeps a message with an idempotency key it has seen once only", async () => {
		const email = uniqueEmail();
		const sink = developmentSink(database(env.DB), "GoodFood <orders@goodfood.local>");
		const message = {
			to: email,
			subject: "Hi",
			text: "Hi",
			html: "<p>Hi</p>",
			idempotencyKey: `goodfood/${crypto.randomUUID()}/email`,
		};

		const first = await sink.send(message);
		const repeat = await sink.send({ ...message });
		const other = await sink.send({ ...message, idempotencyKey: `goodfood/${crypto.randomUUID()}/email` });

		expect(repeat.id).toBe(first.id);
		expect(other.id).not.toBe(first.id);
		expect(await inbox(email)).toHaveLength(2);
	});
});

describe("preferences", () => {
	beforeEach(() => {
		quietLogs();
	});

	async function customer(orderUpdates: boolean): Promise<string> {
		const id = `acc-notify-${crypto.randomUUID()}`;
		await db.insert(schema.accounts).values({
			id,
			email: `${id}@example.com`,
			role: "customer",
			passwordHash: "not-used-here",
			name: "Grace Hopper",
			notificationPreferences: { orderUpdates, marketing: false },
		});
		return id;
	}

	it("sends nothing to a customer who opted out of order updates, and logs the job skipped", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email }, await customer(false));
		await project(placed);
		const job = emailJob(placed, email);

		const { ids, result } = await deliver([job]);

		expect(result.explicitAcks).toEqual(ids);
		expect(await inbox(email)).toEqual([]);
		expect(await logRow(job)).toMatchObject({
			status: "skipped",
			attempts: 0,
			lastError: "the customer opted out of order updates",
		});
	});

	it("logs a job in its event's trace and request, and an older job without a request id still parses", async () => {
		const lines = quietLogs();
		const email = uniqueEmail();
		const traceId = crypto.randomUUID().replaceAll("-", "");
		const requestId = `req-${crypto.randomUUID()}`;
		const placed = {
			...placedEvent(orderId(), "london-soho", { email }, await customer(false)),
			traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
			requestId,
		};
		const older = placedEvent(orderId(), "london-soho", { email }, await customer(false));
		await project(placed, older);

		const { ids, result } = await deliver([emailJob(placed, email), emailJob(older, email)]);

		expect(result.explicitAcks).toEqual(ids);
		const skipped = lines.filter((line) => line.message === "notification skipped");
		expect(skipped.find((line) => line.eventId === placed.id)).toMatchObject({
			level: "info",
			traceId,
			spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
			requestId,
			orderId: placed.orderId,
			channel: "email",
			reason: "the customer opted out of order updates",
		});
		// The delivery is its own span, a child of the one that recorded the event.
		expect(skipped.find((line) => line.eventId === placed.id)?.spanId).not.toBe("00f067aa0ba902b7");
		const olderLine = skipped.find((line) => line.eventId === older.id);
		expect(olderLine?.traceId).toMatch(/^[0-9a-f]{32}$/);
		expect(olderLine).not.toHaveProperty("requestId");
		// Never the customer's address.
		expect(JSON.stringify(skipped)).not.toContain(email);
	});

	it("e-mails nobody about an order whose customer has since deleted their account", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email }, await customer(true));
		await project(placed);
		// What DELETE /customers/me does to the read model.
		await db
			.update(schema.orders)
			.set({ customerRef: null, contactEmail: "deleted@invalid.example" })
			.where(eq(schema.orders.id, placed.orderId));
		const job = emailJob(placed, email);

		const { ids, result } = await deliver([job]);

		expect(result.explicitAcks).toEqual(ids);
		expect(await inbox(email)).toEqual([]);
		// Logged, but under the erased placeholder: the log keeps no address of an erased customer.
		expect(await logRow(job)).toBeUndefined();
		expect(await logRow({ ...job, recipient: "deleted@invalid.example" })).toMatchObject({
			status: "skipped",
			lastError: "the order's contact was erased",
		});
	});

	it("e-mails a customer who kept order updates on", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email }, await customer(true));
		await project(placed);

		await deliver([emailJob(placed, email)]);

		expect(await inbox(email)).toHaveLength(1);
	});
});

describe("a failing e-mail provider", () => {
	let logged: Record<string, unknown>[] = [];
	beforeEach(() => {
		logged = quietLogs();
	});

	const providerEnv = {
		...env,
		EMAIL_PROVIDER: "resend",
		RESEND_API_KEY: "re_test_key",
		RESEND_API_URL: PROVIDER_URL,
	} as unknown as Env;

	async function placedJob() {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		return emailJob(placed, email);
	}

	it("is retried with a growing backoff, then ends dead in the log with the provider's reason", async () => {
		const job = await placedJob();
		const requests = intercept(PROVIDER_URL, () =>
			Response.json({ statusCode: 503, message: "Service unavailable" }, { status: 503 }),
		);

		const first = await deliver([job], { on: providerEnv });
		expect(first.result.explicitAcks).toEqual([]);
		expect(first.result.retryMessages).toEqual([expect.objectContaining({ msgId: first.ids[0] })]);
		expect(first.delays.get(first.ids[0])).toBe(30);
		expect(await logRow(job)).toMatchObject({ status: "failed", attempts: 1 });

		const second = await deliver([job], { attempts: 2, on: providerEnv });
		expect(second.delays.get(second.ids[0])).toBe(60);
		const failed = await logRow(job);
		expect(failed).toMatchObject({ status: "failed", attempts: 2 });
		expect(failed?.lastError).toMatch(/^Resend answered 503: .*Service unavailable/);

		expect(requests).toHaveLength(2);
		const [request] = requests;
		expect(request.url).toBe(`${PROVIDER_URL}/emails`);
		expect(request.method).toBe("POST");
		expect(request.headers.get("authorization")).toBe("Bearer re_test_key");
		expect(request.headers.get("idempotency-key")).toBe(`goodfood/${job.event.id}/email`);
		expect(await request.json()).toMatchObject({
			from: "GoodFood <orders@goodfood.local>",
			to: [job.recipient],
			subject: expect.stringContaining("We've got your order"),
			text: expect.stringContaining("£7.60"),
			html: expect.stringContaining("<strong>£7.60</strong>"),
		});

		// The queue moves the message to the dead-letter queue after its last retry.
		const dead = await deliverDead([job]);
		expect(dead.result.explicitAcks).toEqual(dead.ids);
		const row = await logRow(job);
		expect(row).toMatchObject({ status: "dead", attempts: 2 });
		expect(row?.lastError).toMatch(/^Resend answered 503/);
		expect(await inbox(job.recipient)).toEqual([]);
		expect(logged.find((line) => line.message === "notification dead-lettered")).toMatchObject({
			level: "error",
			eventId: job.event.id,
			status: "dead",
			lastError: row?.lastError,
		});
		const consumerLines = logged.filter((line) => String(line.message).includes("notification"));
		expect(consumerLines.length).toBeGreaterThan(0);
		expect(JSON.stringify(consumerLines)).not.toContain(job.recipient);
	});

	it("counts an unreachable provider as a failure too", async () => {
		const job = await placedJob();
		intercept(PROVIDER_URL, () => {
			throw new TypeError("Network connection lost.");
		});

		const { result } = await deliver([job], { on: providerEnv });

		expect(result.retryMessages).toHaveLength(1);
		expect((await logRow(job))?.lastError).toBe("Resend unreachable: Network connection lost.");
	});

	it("records the provider's message id once it accepts, and the dead-letter consumer leaves it sent", async () => {
		const job = await placedJob();
		intercept(PROVIDER_URL, () => Response.json({ id: "re_msg_42" }));

		const { ids, result } = await deliver([job], { on: providerEnv });
		await deliverDead([job]);

		expect(result.explicitAcks).toEqual(ids);
		expect(await logRow(job)).toMatchObject({ status: "sent", providerMessageId: "re_msg_42", lastError: null });
	});

	it("fails, rather than sending nowhere, when the provider's key is missing", async () => {
		const job = await placedJob();
		const unkeyed = { ...env, EMAIL_PROVIDER: "resend" } as unknown as Env;

		const { result } = await deliver([job], { on: unkeyed });

		expect(result.retryMessages).toHaveLength(1);
		expect((await logRow(job))?.lastError).toContain("RESEND_API_KEY");
	});
});

interface Registered {
	id: string;
	url: string;
	secret: string;
	events: string[] | "all";
}

function register(body: unknown, headers: Record<string, string> = STAFF, location = HOOK_LOCATION) {
	return send("POST", `/api/v1/locations/${location}/webhooks`, body, headers);
}

async function registered(body: unknown): Promise<Registered> {
	const response = await register(body);
	expect(response.status).toBe(201);
	return json<Registered>(response);
}

function remove(id: string, headers: Record<string, string> = STAFF) {
	return call(`/api/v1/locations/${HOOK_LOCATION}/webhooks/${id}`, { method: "DELETE", headers });
}

describe("webhook registration", () => {
	it("registers, lists without the secret, and removes a webhook, for the location's manager", async () => {
		const url = `${HOOK_HOST}/pos/${crypto.randomUUID()}`;
		const created = await register({ url, events: ["OrderPlaced", "OrderCancelled"] }, SHIBUYA_MANAGER);
		expect(created.status).toBe(201);
		const webhook = await json<Registered>(created);
		expect(webhook).toMatchObject({ url, events: ["OrderPlaced", "OrderCancelled"] });
		expect(webhook.id).toMatch(/^whk_[0-9a-f]{32}$/);
		expect(webhook.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);

		const listed = await call(`/api/v1/locations/${HOOK_LOCATION}/webhooks`, { headers: SHIBUYA_MANAGER });
		expect(listed.status).toBe(200);
		const { webhooks } = await json<{ webhooks: Record<string, unknown>[] }>(listed);
		const shown = webhooks.find((entry) => entry.id === webhook.id);
		expect(shown).toMatchObject({ url, events: ["OrderPlaced", "OrderCancelled"] });
		expect(shown).not.toHaveProperty("secret");

		expect((await remove(webhook.id, SHIBUYA_MANAGER)).status).toBe(204);
		expect((await remove(webhook.id, SHIBUYA_MANAGER)).status).toBe(404);
		const after = await json<{ webhooks: { id: string }[] }>(
			await call(`/api/v1/locations/${HOOK_LOCATION}/webhooks`, { headers: STAFF }),
		);
		expect(after.webhooks.map((entry) => entry.id)).not.toContain(webhook.id);
	});

	it("subscribes to every event unless told otherwise", async () => {
		const webhook = await registered({ url: `${HOOK_HOST}/all` });
		expect(webhook.events).toBe("all");
		await remove(webhook.id);
	});

	it("refuses a URL that is not https with 400 naming url", async () => {
		for (const url of ["http://pos.example.com/hook", "ftp://pos.example.com", "not a url"]) {
			const response = await register({ url });
			expect(response.status, url).toBe(400);
			const error = await errorOf(response);
			expect(error.code).toBe("validation_failed");
			expect(error.details?.map((issue) => issue.field)).toEqual(["url"]);
		}
	});

	it("refuses an unknown event type with 400 naming events", async () => {
		const response = await register({ url: `${HOOK_HOST}/x`, events: ["OrderEaten"] });
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toMatch(/^events/);
	});

	it("answers 401 anonymously, 403 to kitchen staff and other locations' managers, 404 for an unknown location", async () => {
		const body = { url: `${HOOK_HOST}/x` };
		expect((await register(body, {})).status).toBe(401);
		expect((await call(`/api/v1/locations/${HOOK_LOCATION}/webhooks`)).status).toBe(401);

		const kitchen = await bearer({ id: "acc-test-kitchen-shibuya", role: "kitchen", locations: [HOOK_LOCATION] });
		const asKitchen = await register(body, kitchen);
		expect(asKitchen.status).toBe(403);
		expect((await errorOf(asKitchen)).code).toBe("forbidden");
		expect((await register(body, await bearer(PRINCIPALS.kitchen), "london-soho")).status).toBe(403);

		const otherManager = await bearer(PRINCIPALS.manager);
		expect((await register(body, otherManager)).status).toBe(403);
		expect((await call(`/api/v1/locations/${HOOK_LOCATION}/webhooks`, { headers: otherManager })).status).toBe(403);
		expect((await remove("whk_0", otherManager)).status).toBe(403);

		expect((await register(body, STAFF, "atlantis")).status).toBe(404);
	});
});

function hex(bytes: ArrayBuffer): string {
	return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("webhook deliveries", () => {
	beforeEach(() => {
		quietLogs();
	});

	it("posts the event signed as documented: v1= and the hex HMAC-SHA256 of timestamp, a dot and the body", async () => {
		const webhook = await registered({ url: `${HOOK_HOST}/signed/${crypto.randomUUID()}` });
		try {
			const requests = intercept(HOOK_HOST, () => new Response("ok"));
			const id = orderId();
			const placed = placedEvent(id, HOOK_LOCATION, { email: uniqueEmail() });
			await project(placed);
			const job: NotificationJob = { channel: "webhook", recipient: webhook.id, event: placed };

			const { ids, result } = await deliver([job]);

			expect(result.explicitAcks).toEqual(ids);
			expect(requests).toHaveLength(1);
			const [request] = requests;
			expect(request.url).toBe(webhook.url);
			expect(request.headers.get("content-type")).toBe("application/json");
			expect(request.headers.get("x-goodfood-event")).toBe("OrderPlaced");
			expect(request.headers.get("x-goodfood-delivery")).toBe(placed.id);
			const timestamp = request.headers.get("x-goodfood-timestamp") ?? "";
			expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
			const signature = request.headers.get("x-goodfood-signature") ?? "";
			const body = await request.text();
			expect(JSON.parse(body)).toMatchObject({
				id: placed.id,
				type: "OrderPlaced",
				orderId: id,
				sequence: 1,
				locationSlug: HOOK_LOCATION,
				payload: { totals: { currency: "JPY", total: 1180 } },
			});

			expect(await verifyWebhookSignature(webhook.secret, timestamp, body, signature)).toBe(true);
			const key = await crypto.subtle.importKey(
				"raw",
				new TextEncoder().encode(webhook.secret),
				{ name: "HMAC", hash: "SHA-256" },
				false,
				["sign"],
			);
			const expected = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${timestamp}.${body}`));
			expect(signature).toBe(`v1=${hex(expected)}`);

			const tampered = body.replace('"total":1180', '"total":1');
			expect(tampered).not.toBe(body);
			expect(await verifyWebhookSignature(webhook.secret, timestamp, tampered, signature)).toBe(false);
			expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1 });
		} finally {
			await remove(webhook.id);
		}
	});

	it("retries a receiver answering 500, and drops the job once the webhook is removed", async () => {
		const webhook = await registered({ url: `${HOOK_HOST}/flaky/${crypto.randomUUID()}` });
		intercept(HOOK_HOST, () => new Response("upstream broke", { status: 500 }));
		const placed = placedEvent(orderId(), HOOK_LOCATION, { email: uniqueEmail() });
		await project(placed);
		const job: NotificationJob = { channel: "webhook", recipient: webhook.id, event: placed };

		const failed = await deliver([job]);
		expect(failed.result.retryMessages).toHaveLength(1);
		expect(failed.delays.get(failed.ids[0])).toBe(30);
		expect(await logRow(job)).toMatchObject({
			status: "failed",
			attempts: 1,
			lastError: "webhook answered 500: upstream broke",
		});

		await remove(webhook.id);
		const retried = await deliver([job], { attempts: 2 });
		expect(retried.result.explicitAcks).toEqual(retried.ids);
		expect(await logRow(job)).toMatchObject({ status: "skipped", lastError: "the webhook was removed" });
	});
});

describe("fan-out from the order-events consumer", () => {
	function recordingQueue(fail = false) {
		const sent: NotificationJob[] = [];
		const queue = {
			send: async () => {},
			sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
				if (fail) throw new Error("Queue send failed");
				for (const message of messages) sent.push(message.body);
			},
		};
		return { sent, on: { ...env, NOTIFICATIONS: queue } as unknown as Env };
	}

	function orderEvents(bodies: unknown[], on: Env, attempts = 1) {
		return deliver(bodies, { handler: handleOrderEvents, queue: "goodfood-order-events", on, attempts });
	}

	it("queues the customer's e-mail and one delivery per subscribed webhook, and the same jobs for a redelivered event", async () => {
		const everything = await registered({ url: `${HOOK_HOST}/fan-out/${crypto.randomUUID()}` });
		const cancellations = await registered({
			url: `${HOOK_HOST}/fan-out/${crypto.randomUUID()}`,
			events: ["OrderCancelled"],
		});
		try {
			const { sent, on } = recordingQueue();
			const email = uniqueEmail();
			const id = orderId();
			const placed = placedEvent(id, HOOK_LOCATION, { email });
			const preparing = statusEvent("OrderPreparationStarted", id, 2, { estimatedReadyAt: "2030-07-01T03:30:00.000Z" });

			await orderEvents([placed, preparing, structuredClone(placed)], on);

			// The redelivered OrderPlaced queues its jobs again (the staff request may have projected an
			// event the queue now brings), and the notification log sends each job once (tested above).
			const queued = sent.map((job) => [job.event.type, job.channel, job.recipient].join(" "));
			expect(queued.sort()).toEqual(
				[
					`OrderPlaced email ${email}`,
					`OrderPlaced email ${email}`,
					`OrderPlaced webhook ${everything.id}`,
					`OrderPlaced webhook ${everything.id}`,
					`OrderPreparationStarted webhook ${everything.id}`,
				].sort(),
			);
		} finally {
			await remove(everything.id);
			await remove(cancellations.id);
		}
	});

	it("hands the event's request id on to its jobs and logs the fan-out failure with it", async () => {
		const lines = quietLogs();
		const email = uniqueEmail();
		const requestId = `req-${crypto.randomUUID()}`;
		const placed = { ...placedEvent(orderId(), HOOK_LOCATION, { email }), requestId };

		const failing = recordingQueue(true);
		await orderEvents([placed], failing.on);
		expect(lines.find((line) => line.message === "notification fan-out failed")).toMatchObject({
			eventId: placed.id,
			requestId,
		});

		const working = recordingQueue();
		await orderEvents([placed], working.on, 2);
		expect(working.sent.map((job) => job.event.requestId)).toEqual([requestId]);
		expect(lines.find((line) => line.message === "order event already projected")).toMatchObject({
			eventId: placed.id,
			requestId,
		});
	});

	it("retries the event when its notifications cannot be queued, and queues them on the redelivery", async () => {
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), HOOK_LOCATION, { email });
		const failing = recordingQueue(true);
		quietLogs();

		const first = await orderEvents([placed], failing.on);
		expect(first.result.retryMessages).toHaveLength(1);

		const working = recordingQueue();
		const second = await orderEvents([placed], working.on, 2);
		expect(second.result.explicitAcks).toEqual(second.ids);
		expect(working.sent.map((job) => [job.channel, job.recipient])).toEqual([["email", email]]);
	});
});

describe("end to end", () => {
	it("an order placed over HTTP reaches the customer's inbox through both queues, then its confirmation", async () => {
		const email = uniqueEmail();
		const cart = await cartWithFlatWhite();
		const placed = await checkout(cart.id, { ...PICKUP_TOMORROW(), contact: { ...PICKUP_TOMORROW().contact, email } });
		expect(placed.status).toBe(201);
		const { orderId: id } = await json<{ orderId: string }>(placed);

		await vi.waitFor(
			async () =>
				expect((await inbox(email)).map((message) => message.subject)).toEqual([
					expect.stringContaining("We've got your order"),
				]),
			{ timeout: 20_000, interval: 200 },
		);

		const confirmed = await send("POST", `/api/v1/orders/${id}/status`, { status: "confirmed", etaMinutes: 20 }, STAFF);
		expect(confirmed.status).toBe(200);
		await vi.waitFor(
			async () =>
				expect((await inbox(email)).map((message) => message.subject)[0]).toMatch(
					/confirmed: ready around \d\d:\d\d (GMT|BST)$/,
				),
			{ timeout: 20_000, interval: 200 },
		);
		expect(await inbox(email)).toHaveLength(2);
	}, 45_000);
});
