/**
 * The nightly payment reconciliation: which orders count as stuck at
 * `authorised` (their rows planted in a region's order database), how a run
 * counts what it settled and what failed, and one run through the nightly
 * cron against a real order's Cart object.
 */
import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { Logger } from "@goodfood/platform/log";
import { eq, inArray } from "drizzle-orm";
import { afterEach, describe, expect, it, onTestFinished, vi } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import worker from "../src/index";
import type { OrderStatus } from "../src/ordering/domain/order";
import type { PaymentStatus } from "../src/payments/domain/payment";
import {
	findStuckPayments,
	type Reconcile,
	reconcilePayments,
	reconcilePaymentsNightly,
} from "../src/payments/reconcile-cron";
import { CRONS } from "../src/scheduled";
import { call, cartWithFlatWhite, checkout, json, newOrderId, PICKUP_TOMORROW, STAFF, send } from "./helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

const HOUR = 3_600_000;
/** The us region's database holds only the orders this file plants there. */
const US_ORDERS = database(env.ORDERS_US);

let nights = 0;
/** A night no other test runs at, far enough ahead that every row planted for it is its own. */
function aNight(): Date {
	nights += 1;
	return new Date(Date.UTC(2040, 0, nights, 3));
}

async function plant(status: OrderStatus, paymentStatus: PaymentStatus | null, updatedAt: Date): Promise<string> {
	const id = newOrderId("us");
	const at = updatedAt.toISOString();
	await US_ORDERS.insert(schema.orders).values({
		id,
		locationSlug: "new-york-chelsea",
		status,
		fulfilment: "pickup",
		contactName: "Ada Lovelace",
		contactEmail: "ada@example.com",
		contactPhone: "+1 212 555 0100",
		currency: "USD",
		subtotalMinor: 900,
		taxMinor: 80,
		taxIncluded: false,
		deliveryFeeMinor: 0,
		tipMinor: 0,
		totalMinor: 980,
		placedAt: at,
		businessDate: at.slice(0, 10),
		lastSequence: 3,
		updatedAt: at,
		paymentMethod: paymentStatus === null ? null : "card",
		paymentStatus,
	});
	return id;
}

/** A logger that keeps its lines. */
function recordingLog() {
	const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
	const log: Logger = {
		debug: (message, fields) => lines.push({ level: "debug", message, fields }),
		info: (message, fields) => lines.push({ level: "info", message, fields }),
		warn: (message, fields) => lines.push({ level: "warn", message, fields }),
		error: (message, fields) => lines.push({ level: "error", message, fields }),
		with: () => log,
	};
	return { log, lines };
}

describe("which payments are stuck", () => {
	it("selects authorised payments of finished orders past the grace, and any untouched for a day; finished first", async () => {
		const now = aNight();
		const ago = (hours: number) => new Date(now.getTime() - hours * HOUR);
		const pickedUp = await plant("picked_up", "authorised", ago(2));
		const delivered = await plant("delivered", "authorised", ago(3));
		const cancelled = await plant("cancelled", "authorised", ago(4));
		const rejectedLongAgo = await plant("rejected", "authorised", ago(30));
		const untouched = await plant("confirmed", "authorised", ago(25));
		// Not stuck: a handover a moment ago (its capture may be under way), an order still in the
		// kitchen today, payments already captured, released or taken at the counter, an order from before payments.
		await plant("picked_up", "authorised", ago(0.5));
		await plant("confirmed", "authorised", ago(23));
		await plant("picked_up", "captured", ago(48));
		await plant("cancelled", "voided", ago(48));
		await plant("placed", "due_at_pickup", ago(72));
		await plant("placed", null, ago(72));

		const stuck = await findStuckPayments(US_ORDERS, now, 200);

		expect(stuck).toEqual([
			{ orderId: rejectedLongAgo, owed: "release" },
			{ orderId: cancelled, owed: "release" },
			{ orderId: delivered, owed: "capture" },
			{ orderId: pickedUp, owed: "capture" },
			{ orderId: untouched, owed: "stale" },
		]);
		expect(await findStuckPayments(US_ORDERS, now, 2)).toEqual(stuck.slice(0, 2));
	});
});

describe("a reconciliation run", () => {
	it("calls each stuck order's object once, counts what changed and what failed, logs and writes a metric per region", async () => {
		// Planted at the real clock's time less two hours, so this run (at the real now) sees them.
		const now = new Date();
		const [settled, unchanged, refused, unreachable] = await Promise.all(
			["picked_up", "delivered", "cancelled", "rejected"].map((status) =>
				plant(status as OrderStatus, "authorised", new Date(now.getTime() - 2 * HOUR)),
			),
		);
		const called: string[] = [];
		const reconcile: Reconcile = async (orderId) => {
			called.push(orderId);
			if (orderId === refused) {
				return { ok: false, violation: { code: "not_found", message: "Order not found" } };
			}
			if (orderId === unreachable) throw new Error("object unreachable");
			return { ok: true, value: { status: "captured", changed: orderId === settled } };
		};
		const points = vi.spyOn(env.ORDER_METRICS, "writeDataPoint");
		const { log, lines } = recordingLog();

		const mine = [settled, unchanged, refused, unreachable];
		// Taken out again afterwards: these orders have no object, which the real cron would count as failures.
		onTestFinished(() =>
			US_ORDERS.delete(schema.orders)
				.where(inArray(schema.orders.id, mine))
				.then(() => undefined),
		);

		const summary = await reconcilePayments(env, now, log, { reconcile });

		expect(called.filter((id) => mine.includes(id)).sort()).toEqual([...mine].sort());
		expect(summary).toMatchObject({ failedRegions: [] });
		expect(summary.changed).toBeGreaterThanOrEqual(1);
		expect(summary.failed).toBeGreaterThanOrEqual(2);
		const failedOrders = lines.filter((line) => line.message.startsWith("stuck payment not reconciled"));
		expect(failedOrders.map((line) => [line.level, line.fields?.orderId])).toEqual(
			expect.arrayContaining([
				["error", refused],
				["error", unreachable],
			]),
		);
		expect(failedOrders.find((line) => line.fields?.orderId === refused)?.fields?.error).toBe(
			"not_found: Order not found",
		);
		expect(lines.find((line) => line.message === "stuck payment settled")?.fields).toMatchObject({ orderId: settled });
		expect(lines.at(-1)).toMatchObject({ level: "warn", message: "payments reconciled" });
		const usPoint = points.mock.calls.map(([point]) => point).find((point) => point?.blobs?.[1] === "us");
		expect(usPoint).toMatchObject({ indexes: ["payments"], blobs: ["payment_reconcile", "us"] });
		expect(usPoint?.doubles?.[0]).toBeGreaterThanOrEqual(2);

		// The nightly job fails the run when anything failed, so the dashboard shows it.
		await expect(reconcilePaymentsNightly(env, now, log, {})).rejects.toThrow(/Payment reconciliation failed/);
	});
});

describe("the nightly cron", () => {
	it("asks a real order's object about a payment the read model shows stuck, and fails nothing", async () => {
		const cart = await cartWithFlatWhite();
		const placed = await checkout(cart.id, PICKUP_TOMORROW());
		expect(placed.status).toBe(201);
		const { orderId } = await json<{ orderId: string }>(placed);
		for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
			const body = status === "confirmed" ? { status, etaMinutes: 10 } : { status };
			expect((await send("POST", `/api/v1/orders/${orderId}/status`, body, STAFF)).status).toBe(200);
		}
		const eu = database(env.ORDERS_EU);
		const row = () => eu.select().from(schema.orders).where(eq(schema.orders.id, orderId)).get();
		await vi.waitFor(async () => expect((await row())?.paymentStatus).toBe("captured"), {
			timeout: 15_000,
			interval: 100,
		});
		// As if the capture had never reached the read model.
		const twoHoursAgo = new Date(Date.now() - 2 * HOUR).toISOString();
		await eu
			.update(schema.orders)
			.set({ paymentStatus: "authorised", updatedAt: twoHoursAgo })
			.where(eq(schema.orders.id, orderId));
		const logged = vi.spyOn(console, "log");
		const warned = vi.spyOn(console, "warn");
		const points = vi.spyOn(env.ORDER_METRICS, "writeDataPoint");

		await worker.scheduled(createScheduledController({ scheduledTime: new Date(), cron: CRONS.nightly }), env);

		const lines = [...logged.mock.calls, ...warned.mock.calls].map(
			([line]) => JSON.parse(String(line)) as Record<string, unknown>,
		);
		const summaryLine = lines.find((line) => line.message === "payments reconciled");
		expect(summaryLine).toMatchObject({ checked: 1, changed: 0, failed: 0, failedRegions: [] });
		// The order's object was asked, in the cron's trace.
		expect(lines).toContainEqual(
			expect.objectContaining({ message: "rpc call", method: "reconcilePayment", traceId: summaryLine?.traceId }),
		);
		const euPoint = points.mock.calls.map(([point]) => point).find((point) => point?.blobs?.[1] === "eu");
		expect(euPoint?.doubles?.[0]).toBe(0);
		// The object knows its card was captured: nothing was owed.
		expect(await json(await call(`/api/v1/orders/${orderId}`, { headers: STAFF }))).toMatchObject({
			payment: { status: "captured" },
		});
	});
});
