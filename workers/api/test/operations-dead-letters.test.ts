/**
 * Dead letters in the back office: admins list the order events whose retries
 * ran out, from every region, and send them back onto the order-events queue
 * one at a time or all at once (happy path); a letter is sent once however
 * often it is replayed, and a failed send leaves it pending (idempotency and
 * errors); unknown letters are 404 and only admins may see or replay (security).
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import { replayPending } from "../src/operations/replay";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { handleQueue } from "../src/queues";
import { bearer, call, errorOf, json, newOrderId, PRINCIPALS, STAFF } from "./helpers";
import { deliver, event, findOrder, freshBusinessDate, placed } from "./order-projections-helpers";
import { deliverBatch } from "./queue-helpers";

const DLQ = "goodfood-order-events-dlq";

interface DeadLetter {
	region: string;
	queue: string;
	messageId: string;
	eventId: string | null;
	eventType: string | null;
	orderId: string | null;
	reason: string;
	attempts: number;
	deadAt: string;
	replayedAt: string | null;
}

/** What the replays sent onto the order-events queue, in place of the real queue. */
let sent: unknown[];
let failSends: boolean;
let restoreQueue: () => void;

beforeEach(() => {
	vi.spyOn(console, "error").mockImplementation(() => {});
	vi.spyOn(console, "warn").mockImplementation(() => {});
	sent = [];
	failSends = false;
	const bindings = env as unknown as Record<string, unknown>;
	const original = bindings.ORDER_EVENTS;
	const recording = {
		send: async (body: unknown) => {
			if (failSends) throw new Error("queue unavailable");
			sent.push(body);
		},
		sendBatch: async (messages: Iterable<MessageSendRequest>) => {
			if (failSends) throw new Error("queue unavailable");
			for (const { body } of messages) sent.push(body);
		},
	};
	Object.assign(bindings, { ORDER_EVENTS: recording });
	restoreQueue = () => Object.assign(bindings, { ORDER_EVENTS: original });
});

afterEach(() => {
	restoreQueue();
	vi.restoreAllMocks();
});

/** Kills events as the runtime would: through the dead-letter queue's consumer, which records each in its order's region. */
async function killed(events: unknown[], queue = DLQ): Promise<string[]> {
	const { ids } = await deliverBatch(queue, handleQueue, events, {
		attempts: 10,
		idPrefix: `dead-${crypto.randomUUID()}`,
	});
	return ids;
}

function list(query = "", headers: Record<string, string> = STAFF) {
	return call(`/api/v1/admin/dead-letters${query}`, { headers });
}

function replay(region: string, messageId: string, headers: Record<string, string> = STAFF, queue = DLQ) {
	return call(`/api/v1/admin/dead-letters/${region}/${queue}/${messageId}/replay`, { method: "POST", headers });
}

function replayAll(headers: Record<string, string> = STAFF) {
	return call("/api/v1/admin/dead-letters/replay", { method: "POST", headers });
}

async function letters(state: string): Promise<DeadLetter[]> {
	const response = await list(`?state=${state}&limit=200`);
	expect(response.status).toBe(200);
	return (await json<{ deadLetters: DeadLetter[] }>(response)).deadLetters;
}

describe("the list", () => {
	it("shows every region's dead letters, newest first, with why each died, by state", async () => {
		const eu = placed(newOrderId("eu"), { businessDate: freshBusinessDate() });
		const [euId] = await killed([eu]);
		const us = event("OrderConfirmed", newOrderId("us"), 2, { estimatedReadyAt: "2030-01-01T09:30:00.000Z" });
		const [usId] = await killed([us]);

		const pending = await letters("pending");
		const mine = pending.filter((letter) => [euId, usId].includes(letter.messageId));
		// The US one died last.
		expect(mine).toEqual([
			{
				region: "us",
				queue: DLQ,
				messageId: usId,
				eventId: us.id,
				eventType: "OrderConfirmed",
				orderId: us.orderId,
				reason: "retries exhausted: its OrderPlaced was never projected",
				attempts: 10,
				deadAt: expect.any(String),
				replayedAt: null,
			},
			expect.objectContaining({ region: "eu", messageId: euId, eventId: eu.id, eventType: "OrderPlaced" }),
		]);
		const deadAts = pending.map((letter) => letter.deadAt);
		expect(deadAts).toEqual([...deadAts].sort().reverse());

		expect(await replay("eu", euId)).toHaveProperty("status", 200);
		expect((await letters("pending")).map((letter) => letter.messageId)).not.toContain(euId);
		expect((await letters("replayed")).find((letter) => letter.messageId === euId)?.replayedAt).toEqual(
			expect.any(String),
		);
		expect((await letters("all")).map((letter) => letter.messageId)).toEqual(expect.arrayContaining([euId, usId]));
	});

	it("keeps to the limit, and refuses an unknown state or limit naming them", async () => {
		await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() }), { nonsense: true }]);
		const body = await json<{ deadLetters: DeadLetter[] }>(await list("?state=all&limit=1"));
		expect(body.deadLetters).toHaveLength(1);
		const refused = await list("?state=lost&limit=500");
		expect(refused.status).toBe(400);
		expect((await errorOf(refused)).details?.map((detail) => detail.field).sort()).toEqual(["limit", "state"]);
	});
});

describe("replaying one letter", () => {
	it("sends the stored event back onto the order-events queue, where the consumer projects it", async () => {
		const order = newOrderId("eu");
		const dead = placed(order, { businessDate: freshBusinessDate() });
		const [messageId] = await killed([dead]);
		expect(await findOrder(order)).toBeUndefined();

		const response = await replay("eu", messageId);
		expect(response.status).toBe(200);
		const result = await json<{ replayed: boolean; replayedAt: string }>(response);
		expect(result.replayed).toBe(true);
		expect(Math.abs(Date.parse(result.replayedAt) - Date.now())).toBeLessThan(60_000);
		expect(sent).toEqual([dead]);

		const { result: consumed } = await deliver(sent);
		expect(consumed.explicitAcks).toHaveLength(1);
		expect(await findOrder(order)).toMatchObject({ id: order, status: "placed" });
	});

	it("is idempotent: a second replay answers replayed false with the first time, and sends nothing", async () => {
		const [messageId] = await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() })]);
		const first = await json<{ replayed: boolean; replayedAt: string }>(await replay("eu", messageId));
		const second = await replay("eu", messageId);
		expect(second.status).toBe(200);
		expect(await json(second)).toEqual({ replayed: false, replayedAt: first.replayedAt });
		expect(sent).toHaveLength(1);
	});

	it("sends once when two replays race", async () => {
		const [messageId] = await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() })]);
		const answers = await Promise.all([replay("eu", messageId), replay("eu", messageId)]);
		const results = await Promise.all(answers.map((answer) => json<{ replayed: boolean }>(answer)));
		expect(results.map((result) => result.replayed).sort()).toEqual([false, true]);
		expect(sent).toHaveLength(1);
	});

	it("leaves the letter pending when the queue refuses it, so a later replay sends it", async () => {
		const dead = placed(newOrderId("eu"), { businessDate: freshBusinessDate() });
		const [messageId] = await killed([dead]);
		failSends = true;
		const refused = await replay("eu", messageId);
		expect(refused.status).toBe(503);
		expect((await errorOf(refused)).code).toBe("unavailable");
		expect((await letters("pending")).map((letter) => letter.messageId)).toContain(messageId);

		failSends = false;
		expect(await json(await replay("eu", messageId))).toMatchObject({ replayed: true });
		expect(sent).toEqual([dead]);
	});

	it("records who replayed it in the audit log, before and after", async () => {
		const [messageId] = await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() })]);
		const { replayedAt } = await json<{ replayedAt: string }>(await replay("eu", messageId));
		const entry = await env.DB.prepare("SELECT actor_id, before, after FROM audit_log WHERE target = ?")
			.bind(`/api/v1/admin/dead-letters/eu/${DLQ}/${messageId}/replay`)
			.first<{ actor_id: string; before: string; after: string }>();
		expect(entry?.actor_id).toBe(PRINCIPALS.admin.id);
		expect(JSON.parse(entry?.before ?? "")).toEqual({ replayedAt: null });
		expect(JSON.parse(entry?.after ?? "")).toEqual({ replayedAt });
	});

	it("answers 404 for an unknown letter, queue or region, and 400 for a malformed id", async () => {
		const [messageId] = await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() })]);
		for (const response of [
			await replay("eu", "no-such-message"),
			await replay("us", messageId),
			await replay("eu", messageId, STAFF, "goodfood-notifications-dlq"),
			await replay("mars", messageId),
		]) {
			expect(response.status).toBe(404);
			expect((await errorOf(response)).code).toBe("not_found");
		}
		const malformed = await replay("eu", "not%20an%20id");
		expect(malformed.status).toBe(400);
		expect((await errorOf(malformed)).details?.map((detail) => detail.field)).toEqual(["messageId"]);
		expect(sent).toHaveLength(0);
	});
});

describe("replaying every pending letter", () => {
	it("sends each pending letter once, counts them, and a second call finds none", async () => {
		const events = [
			placed(newOrderId("eu"), { businessDate: freshBusinessDate() }),
			placed(newOrderId("us"), { businessDate: freshBusinessDate() }),
			placed(newOrderId("apac"), { businessDate: freshBusinessDate() }),
		];
		await killed(events);
		const pendingBefore = (await letters("pending")).length;
		expect(pendingBefore).toBeGreaterThanOrEqual(3);

		const first = await replayAll();
		expect(first.status).toBe(200);
		const counts = await json<{ replayed: number; alreadyReplayed: number }>(first);
		expect(counts).toEqual({ replayed: pendingBefore, alreadyReplayed: 0 });
		expect(sent).toHaveLength(pendingBefore);
		for (const dead of events)
			expect(sent.filter((body) => (body as OrderEventEnvelope).id === dead.id)).toHaveLength(1);
		expect(await letters("pending")).toEqual([]);

		expect(await json(await replayAll())).toEqual({ replayed: 0, alreadyReplayed: 0 });
		expect(sent).toHaveLength(pendingBefore);
	});

	it("counts a letter another replay took between the look and the claim as already replayed, and sends it no more", async () => {
		const [won, taken] = await killed([
			placed(newOrderId("eu"), { businessDate: freshBusinessDate() }),
			placed(newOrderId("eu"), { businessDate: freshBusinessDate() }),
		]);
		expect(await json(await replay("eu", taken))).toMatchObject({ replayed: true });
		sent = [];
		const log = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };
		const counts = await replayPending(
			env,
			database(env.ORDERS_EU),
			[
				{ queue: DLQ, messageId: won },
				{ queue: DLQ, messageId: taken },
			],
			new Date(),
			log as never,
		);
		expect(counts).toEqual({ replayed: 1, alreadyReplayed: 1 });
		expect(sent).toHaveLength(1);
	});
});

describe("who may see and replay", () => {
	it("answers 401 anonymously and 403 to everyone but admins, sending nothing", async () => {
		const [messageId] = await killed([placed(newOrderId("eu"), { businessDate: freshBusinessDate() })]);
		expect((await list("", {})).status).toBe(401);
		expect((await replay("eu", messageId, {})).status).toBe(401);
		expect((await replayAll({})).status).toBe(401);
		for (const principal of [PRINCIPALS.manager, PRINCIPALS.kitchen, PRINCIPALS.customer]) {
			const headers = await bearer(principal);
			for (const response of [
				await list("", headers),
				await replay("eu", messageId, headers),
				await replayAll(headers),
			]) {
				expect(response.status).toBe(403);
				expect((await errorOf(response)).code).toBe("forbidden");
			}
		}
		expect(sent).toHaveLength(0);
		expect((await letters("pending")).map((letter) => letter.messageId)).toContain(messageId);
	});
});
