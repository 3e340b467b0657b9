/**
 * Faults on the queues' side of the pipeline: a message delivered twice, a
 * consumer that fails part of a batch, and an e-mail job re-run after a crash
 * in the middle of its send. Each time, every order is projected once and
 * every customer e-mailed once.
 */
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { developmentSink } from "../src/notifications/email";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope } from "../src/ordering/events";
import {
	db,
	deliver,
	emailJob,
	inbox,
	intercept,
	logRow,
	orderId,
	placedEvent,
	project,
	quietLogs,
	uniqueEmail,
} from "./notifications-helpers";

/** The test orders are at london-soho, in the eu region: their read models and notification log are in its database. */
const orderData = database(env.ORDERS_EU);

const PROVIDER_URL = "https://email-provider.example.test";
const PROVIDER_ENV = {
	...env,
	EMAIL_PROVIDER: "resend",
	RESEND_API_KEY: "re_test_key",
	RESEND_API_URL: PROVIDER_URL,
} as unknown as Env;

afterEach(() => {
	vi.restoreAllMocks();
});

/** A notifications producer that keeps the jobs it is sent, or refuses those of the orders in `failFor`. */
function notificationsQueue(failFor: Set<string> = new Set()) {
	const jobs: NotificationJob[] = [];
	const queue = {
		send: async () => {},
		sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
			const batch = [...messages].map((message) => message.body);
			if (batch.some((job) => failFor.has(job.event.orderId))) throw new Error("Queue send failed");
			jobs.push(...batch);
		},
	};
	return { jobs, on: { ...env, NOTIFICATIONS: queue } as unknown as Env };
}

function orderEvents(events: unknown[], on: Env, attempts = 1) {
	return deliver(events, { handler: handleOrderEvents, queue: "goodfood-order-events", on, attempts });
}

async function projectionsOf(id: string) {
	const [orders, processed] = await Promise.all([
		orderData.select().from(schema.orders).where(eq(schema.orders.id, id)).all(),
		orderData.select().from(schema.orderStatusHistory).where(eq(schema.orderStatusHistory.orderId, id)).all(),
	]);
	return { orders: orders.length, processed: processed.length };
}

function placedFor(email: string): OrderEventEnvelope {
	return placedEvent(orderId(), "london-soho", { email });
}

describe("a duplicate queue delivery", () => {
	it("is projected once and e-mailed once, whether the copy comes in the same batch or a later one", async () => {
		const email = uniqueEmail();
		const placed = placedFor(email);
		const { jobs, on } = notificationsQueue();

		const first = await orderEvents([placed, structuredClone(placed)], on);
		const later = await orderEvents([structuredClone(placed)], on, 2);
		expect(first.result.explicitAcks.sort()).toEqual([...first.ids].sort());
		expect(later.result.explicitAcks).toEqual(later.ids);
		expect(await projectionsOf(placed.orderId)).toEqual({ orders: 1, processed: 1 });

		// Every copy fans out (the consumer cannot tell a copy from a redelivery after a crash);
		// the notification log sends one e-mail whatever the number of jobs.
		expect(jobs.length).toBeGreaterThanOrEqual(2);
		const notified = await deliver(jobs);
		expect(notified.result.explicitAcks.sort()).toEqual([...notified.ids].sort());
		await deliver([structuredClone(jobs[0])], { attempts: 2 });

		expect(await inbox(email)).toHaveLength(1);
		expect(await logRow(emailJob(placed, email))).toMatchObject({ status: "sent", attempts: 1 });
	});
});

describe("a consumer failing mid-batch", () => {
	it("retries only the failed messages and acks the rest; the retry projects and e-mails nothing twice", async () => {
		quietLogs();
		const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
		const events = emails.map(placedFor);
		const failing = events[1];
		const broken = notificationsQueue(new Set([failing.orderId]));

		const first = await orderEvents(events, broken.on);

		const [okA, failed, okB] = first.ids;
		expect(first.result.explicitAcks.sort()).toEqual([okA, okB].sort());
		expect(first.result.retryMessages).toEqual([expect.objectContaining({ msgId: failed })]);
		// Projected before its fan-out failed: the retry must not count it again.
		for (const event of events) expect(await projectionsOf(event.orderId)).toEqual({ orders: 1, processed: 1 });

		const healed = notificationsQueue();
		const retry = await orderEvents([structuredClone(failing)], healed.on, 2);
		expect(retry.result.explicitAcks).toEqual(retry.ids);
		expect(await projectionsOf(failing.orderId)).toEqual({ orders: 1, processed: 1 });

		await deliver([...broken.jobs, ...healed.jobs]);
		for (const email of emails) expect(await inbox(email)).toHaveLength(1);
	});

	it("retries the e-mail the provider refused, acks the others, and the provider gets each job's key once accepted", async () => {
		quietLogs();
		const emails = [uniqueEmail(), uniqueEmail(), uniqueEmail()];
		const events = emails.map(placedFor);
		await project(...events);
		const jobs = events.map((event, index) => emailJob(event, emails[index]));
		// A provider that is down for the second address on the first try, and keeps what it accepts by key.
		const accepted = new Map<string, string>();
		let refusals = 1;
		const requests = intercept(PROVIDER_URL, async (request) => {
			const { to } = (await request.json()) as { to: string[] };
			if (to[0] === emails[1] && refusals-- > 0) return Response.json({ message: "unavailable" }, { status: 503 });
			const key = request.headers.get("idempotency-key") ?? "";
			if (!accepted.has(key)) accepted.set(key, `re_${crypto.randomUUID()}`);
			return Response.json({ id: accepted.get(key) });
		});

		const first = await deliver(jobs, { on: PROVIDER_ENV });
		expect(first.result.retryMessages.map((retry) => retry.msgId)).toEqual([first.ids[1]]);
		expect(first.result.explicitAcks.sort()).toEqual([first.ids[0], first.ids[2]].sort());

		// The queue redelivers the refused job, and, as it may, a copy of one already sent.
		const again = await deliver([structuredClone(jobs[1]), structuredClone(jobs[0])], {
			on: PROVIDER_ENV,
			attempts: 2,
		});
		expect(again.result.explicitAcks.sort()).toEqual([...again.ids].sort());

		const keys = events.map((event) => `goodfood/${event.id}/email`);
		expect([...accepted.keys()].sort()).toEqual([...keys].sort());
		// One request per job, and a second only for the one refused: nothing sent twice.
		expect(requests.map((request) => request.headers.get("idempotency-key")).sort()).toEqual(
			[keys[0], keys[1], keys[1], keys[2]].sort(),
		);
		expect(await logRow(jobs[1])).toMatchObject({ status: "sent", attempts: 2 });
		expect(await logRow(jobs[0])).toMatchObject({ status: "sent", attempts: 1 });
	});
});

describe("an e-mail job re-run after a crash mid-send", () => {
	it("does not send twice: the lapsed claim is taken over and the sink answers the first message for the job's key", async () => {
		const email = uniqueEmail();
		const placed = placedFor(email);
		await project(placed);
		const job = emailJob(placed, email);
		// The crashed delivery claimed the job and the message went out under the job's key,
		// then the process died before the log said sent.
		const crashedAt = new Date(Date.now() - 5 * 60_000).toISOString();
		await orderData.insert(schema.notificationLog).values({
			eventId: placed.id,
			channel: "email",
			recipient: email,
			orderId: placed.orderId,
			eventType: placed.type,
			status: "sending",
			attempts: 1,
			createdAt: crashedAt,
			updatedAt: crashedAt,
		});
		const sink = developmentSink(db, "GoodFood <orders@goodfood.local>");
		const first = await sink.send({
			to: email,
			subject: "Your order",
			text: "…",
			html: "<p>…</p>",
			idempotencyKey: `goodfood/${placed.id}/email`,
		});

		const rerun = await deliver([job], { attempts: 2 });

		expect(rerun.result.explicitAcks).toEqual(rerun.ids);
		const mails = await inbox(email);
		expect(mails).toEqual([expect.objectContaining({ id: first.id, idempotencyKey: `goodfood/${placed.id}/email` })]);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 2, providerMessageId: first.id });
		const rows = await orderData
			.select()
			.from(schema.notificationLog)
			.where(and(eq(schema.notificationLog.eventId, placed.id), eq(schema.notificationLog.channel, "email")))
			.all();
		expect(rows).toHaveLength(1);
	});
});
