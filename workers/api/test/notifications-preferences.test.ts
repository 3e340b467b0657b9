/**
 * Notification preferences and privacy: nothing to a customer who opted out
 * or whose account was erased, and the jobs logged in their event's trace
 * without the customer's address.
 */
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as schema from "../src/db/schema";
import type { OrderEventEnvelope } from "../src/ordering/events";
import {
	db,
	deliver,
	emailJob,
	inbox,
	logRow,
	orderId,
	ordersOf,
	placedEmailJob,
	placedEvent,
	project,
	quietLogs,
	uniqueEmail,
} from "./notifications-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

/** The job as a test builds it (the send reads the order) and as fan-out queues it (it carries its order). */
const JOB_SHAPES = [
	["a job that reads its order", async (event: OrderEventEnvelope, email: string) => emailJob(event, email)],
	["a job that carries its order", placedEmailJob],
] as const;

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

	it.each(JOB_SHAPES)(
		"sends nothing to a customer who opted out of order updates, and logs the job skipped (%s)",
		async (_, jobOf) => {
			const email = uniqueEmail();
			const placed = placedEvent(orderId(), "london-soho", { email }, await customer(false));
			await project(placed);
			const job = await jobOf(placed, email);

			const { ids, result } = await deliver([job]);

			expect(result.explicitAcks).toEqual(ids);
			expect(await inbox(email)).toEqual([]);
			expect(await logRow(job)).toMatchObject({
				status: "skipped",
				attempts: 0,
				lastError: "the customer opted out of order updates",
			});
		},
	);

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

	it.each(JOB_SHAPES)(
		"e-mails nobody about an order whose customer has since deleted their account (%s)",
		async (_, jobOf) => {
			const email = uniqueEmail();
			const placed = placedEvent(orderId(), "london-soho", { email }, await customer(true));
			await project(placed);
			// What DELETE /customers/me does to the read model.
			await ordersOf(placed.orderId)
				.update(schema.orders)
				.set({ customerRef: null, contactEmail: "deleted@invalid.example" })
				.where(eq(schema.orders.id, placed.orderId));
			const job = await jobOf(placed, email);

			const { ids, result } = await deliver([job]);

			expect(result.explicitAcks).toEqual(ids);
			expect(await inbox(email)).toEqual([]);
			// Logged, but under the erased placeholder: the log keeps no address of an erased customer.
			expect(await logRow(job)).toBeUndefined();
			expect(await logRow({ ...job, recipient: "deleted@invalid.example" })).toMatchObject({
				status: "skipped",
				lastError: "the order's contact was erased",
			});
		},
	);

	it.each(JOB_SHAPES)(
		"e-mails a customer who kept order updates on, once for a job delivered twice (%s)",
		async (_, jobOf) => {
			const email = uniqueEmail();
			const placed = placedEvent(orderId(), "london-soho", { email }, await customer(true));
			await project(placed);
			const job = await jobOf(placed, email);

			await deliver([job]);
			await deliver([job]);

			expect(await inbox(email)).toHaveLength(1);
			expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1 });
		},
	);
});
