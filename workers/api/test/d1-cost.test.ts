/**
 * What one order costs D1, in statements (a statement of a `batch()` counts
 * one), on the global database and the regions' order databases together,
 * from placement through notification: the placement request (the Cart
 * object's catalogue reads on the primary, then the in-request projection),
 * the order-events consumer, the notifications consumer, and the outbox's
 * reconciliation. The worker's own bindings are swapped for a counting D1 and
 * a queue the test holds, so nothing runs in the background and every
 * statement lands in the phase that ran it.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { handleOrderEvents } from "../src/ordering/consumer";
import type { OrderEventEnvelope } from "../src/ordering/events";
import { countInPlace, countingD1, type D1Counter, d1Counter } from "./d1-counting";
import { CONTACT, cartStub, json, PICKUP_TOMORROW, registerCustomer, send } from "./helpers";
import { deliver, quietLogs } from "./notifications-helpers";

const LOCATION = "london-soho";

/**
 * The most statements each phase of one order may run: a regression must not
 * add one, and a failure names the phase and lists its statements. Before
 * issue 13 a guest's one-shot order ran 31 and a customer's checkout 32;
 * after it 14 and 16.
 *
 * Issue 14 (order data per region) put the orders in a database per region,
 * and a statement can no longer join them with the global catalogue, accounts
 * and webhooks, so some reads became two:
 * - placement (one-shot order): +1, the location's region, read before the
 *   order's object can be named (kept in memory for seconds, so a busy
 *   location pays it rarely; a cart pays it when it is opened, before checkout);
 * - order-events consumer: +1, the locations' e-mail details and webhooks (global)
 *   beside the orders' placement and projected events (regional);
 * - notifications consumer (customer): +1, the account's notification
 *   preferences (global) beside the order (regional);
 * - reconciliation: +1, the location's webhooks (global) beside the order's
 *   projected events and settled notifications (regional).
 *
 * Issue 15 (payments) pays each order by card: its OrderPlaced reaches the
 * read models only once the card is authorised, followed by a PaymentAuthorised
 * (the intent id). The request projects the OrderPlaced alone, which says
 * authorised already; the consumer projects the PaymentAuthorised: +2 there,
 * its ledger row and the order row's intent. Nothing else moved.
 */
const PHASES = [
	"placement",
	"in-request projection",
	"order-events consumer",
	"notifications consumer",
	"development e-mail sink",
	"reconciliation",
] as const;
type Phase = (typeof PHASES)[number];
type Ceilings = Record<Phase, number>;

interface Harness {
	counter: D1Counter;
	/** What the objects' outboxes sent to the order-events queue, not yet delivered. */
	held: OrderEventEnvelope[];
	restore: () => void;
}

let harness: Harness;

/** Swaps the worker's D1 and order-events queue (shared by its requests, consumers and objects) for counting and holding ones. */
function swapBindings(): Harness {
	const bindings = env as unknown as Record<string, unknown>;
	const saved = { DB: bindings.DB, ORDER_EVENTS: bindings.ORDER_EVENTS };
	const counter = d1Counter();
	const held: OrderEventEnvelope[] = [];
	const queue = {
		send: async (body: OrderEventEnvelope) => {
			held.push(body);
		},
		sendBatch: async (messages: Iterable<MessageSendRequest<OrderEventEnvelope>>) => {
			for (const { body } of messages) held.push(body);
		},
	};
	Object.assign(bindings, { DB: countingD1(env.DB, counter), ORDER_EVENTS: queue });
	// The regions' databases are reached through the regions parsed from the env, so they are counted in place.
	const uncount = [env.ORDERS_EU, env.ORDERS_US, env.ORDERS_APAC].map((orders) => countInPlace(orders, counter));
	return {
		counter,
		held,
		restore: () => {
			Object.assign(bindings, saved);
			for (const undo of uncount) undo();
		},
	};
}

beforeEach(() => {
	quietLogs();
	harness = swapBindings();
});

afterEach(() => {
	harness.restore();
	vi.restoreAllMocks();
});

type Stub = DurableObjectStub<CartDurableObject>;

/** Counts `run` under `phase`. */
async function during<T>(phase: Phase | "setup", run: () => Promise<T>): Promise<T> {
	harness.counter.phase = phase;
	try {
		return await run();
	} finally {
		harness.counter.phase = "after";
	}
}

/**
 * Runs a placement request counted as `placement`, then splits off what the
 * request wrote to the read models: everything from the ledger insert on.
 */
async function placeCounted(place: () => Promise<Response>): Promise<string> {
	const before = harness.counter.statements.length;
	const response = await during("placement", place);
	expect(response.status).toBe(201);
	const ours = harness.counter.statements.slice(before);
	const projection = ours.findIndex((statement) => /insert into "?order_status_history/i.test(statement.sql));
	expect(projection, "the placement projected its OrderPlaced in the request").toBeGreaterThanOrEqual(0);
	for (const statement of ours.slice(projection)) statement.phase = "in-request projection";
	return (await json<{ orderId: string }>(response)).orderId;
}

/** Delivers the order's held events through the order-events consumer, then its jobs through the notifications consumer. */
async function deliverCounted(orderId: string, stub: Stub) {
	await vi.waitFor(() => expect(harness.held.some((event) => event.orderId === orderId)).toBe(true), {
		timeout: 10_000,
		interval: 20,
	});
	const events = harness.held.splice(0);
	const jobs: NotificationJob[] = [];
	const notifications = {
		send: async () => {},
		sendBatch: async (messages: Iterable<MessageSendRequest<NotificationJob>>) => {
			for (const { body } of messages) jobs.push(body);
		},
	};
	const on = { ...env, NOTIFICATIONS: notifications } as unknown as Env;
	const projected = await during("order-events consumer", () =>
		deliver(events, { handler: handleOrderEvents, queue: "goodfood-order-events", on }),
	);
	expect(projected.result.explicitAcks).toEqual(projected.ids);
	expect(jobs.map((job) => job.channel)).toEqual(["email"]);

	const before = harness.counter.statements.length;
	const notified = await during("notifications consumer", () => deliver(jobs));
	expect(notified.result.explicitAcks).toEqual(notified.ids);
	for (const statement of harness.counter.statements.slice(before)) {
		if (/"dev_outbox"/.test(statement.sql)) statement.phase = "development e-mail sink";
	}

	// The grace period passes: the object's alarm asks the read models whether its event was projected and e-mailed.
	const confirmed = await during("reconciliation", () =>
		runInDurableObject(stub, async (instance: CartDurableObject, state) => {
			state.storage.sql.exec("UPDATE outbox SET next_attempt_at = 0");
			await instance.alarm();
			const left = state.storage.sql.exec("SELECT count(*) AS n FROM outbox").one().n;
			await state.storage.deleteAlarm();
			return left;
		}),
	);
	expect(confirmed, "reconciliation confirmed the event and emptied the outbox").toBe(0);
}

function report(title: string): Record<string, number> {
	const counts = harness.counter.byPhase();
	delete counts.setup;
	delete counts.after;
	const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
	const lines = Object.entries(counts).map(([phase, n]) => `  ${phase.padEnd(26)} ${n}`);
	console.info(`D1 statements for ${title}: ${total}\n${lines.join("\n")}`);
	return counts;
}

function expectWithinCeilings(counts: Record<string, number>, ceilings: Ceilings) {
	expect(Object.keys(counts).filter((phase) => !(phase in ceilings))).toEqual([]);
	for (const [phase, ceiling] of Object.entries(ceilings)) {
		expect(
			counts[phase] ?? 0,
			`D1 statements in ${phase}:\n${harness.counter.sqlOf(phase).join("\n")}`,
		).toBeLessThanOrEqual(ceiling);
	}
}

describe("D1 statements per order", () => {
	it("a guest's one-shot order, placement through notification", async () => {
		const key = crypto.randomUUID();
		const orderId = await placeCounted(() =>
			send(
				"POST",
				"/api/v1/orders",
				{
					...PICKUP_TOMORROW(),
					contact: { ...CONTACT, email: `${crypto.randomUUID()}@example.com` },
					locationSlug: LOCATION,
					items: [{ itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] }],
				},
				{ "idempotency-key": key },
			),
		);
		const stub = cartStub(orderId) as Stub;
		await deliverCounted(orderId, stub);
		// Before issue 13: placement 8, in-request projection 8, order-events consumer 4, notifications consumer 5, sink 2, reconciliation 4.
		// Before issue 14: placement 4, order-events consumer 1, reconciliation 1 (see the list above for each +1).
		expectWithinCeilings(report("a guest's one-shot order"), {
			placement: 5,
			"in-request projection": 5,
			"order-events consumer": 4,
			"notifications consumer": 2,
			"development e-mail sink": 1,
			reconciliation: 2,
		});
	}, 30_000);

	it("a signed-in customer's checkout, placement through notification", async () => {
		const { customer, cart } = await during("setup", async () => {
			const customer = await registerCustomer();
			const created = await send("POST", "/api/v1/carts", { locationSlug: LOCATION }, customer.headers);
			const cart = await json<{ id: string }>(created);
			const added = await send(
				"POST",
				`/api/v1/carts/${cart.id}/items`,
				{ itemId: "itm-ldn-flat-white", quantity: 2, options: ["opt-ldn-flat-white-milk-oat"] },
				customer.headers,
			);
			expect(added.status).toBe(201);
			return { customer, cart };
		});
		const orderId = await placeCounted(() =>
			send(
				"POST",
				`/api/v1/carts/${cart.id}/checkout`,
				{ ...PICKUP_TOMORROW(), contact: { ...CONTACT, email: customer.email } },
				{ "idempotency-key": crypto.randomUUID(), ...customer.headers },
			),
		);
		const stub = cartStub(orderId) as Stub;
		await deliverCounted(orderId, stub);
		// Before issue 13: placement 4, in-request projection 13, order-events consumer 4, notifications consumer 5, sink 2, reconciliation 4.
		// Before issue 14: order-events consumer 1, notifications consumer 2, reconciliation 1 (see the list above for each +1).
		expectWithinCeilings(report("a signed-in customer's checkout"), {
			placement: 4,
			"in-request projection": 7,
			"order-events consumer": 4,
			"notifications consumer": 3,
			"development e-mail sink": 1,
			reconciliation: 2,
		});
	}, 30_000);
});
