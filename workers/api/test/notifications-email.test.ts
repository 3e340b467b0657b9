/**
 * Customer e-mails through the development sink: currency and local time per
 * location, and one e-mail per job however often, and however concurrently,
 * it is delivered, even when recording the send fails.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../src/app";
import { database } from "../src/db/client";
import { developmentSink } from "../src/notifications/email";
import { trackingTokenFor } from "../src/ordering/domain/access";
import { errorOf } from "./helpers";
import {
	deliver,
	emailJob,
	inbox,
	intercept,
	logRow,
	orderId,
	placedEvent,
	project,
	quietLogs,
	statusEvent,
	uniqueEmail,
} from "./notifications-helpers";

afterEach(() => {
	vi.restoreAllMocks();
});

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

	it("e-mails a refund with its amount, reason and the order's tracking link, and nothing for a capture", async () => {
		const email = uniqueEmail();
		const id = orderId();
		const reference = id.slice(4, 12).toUpperCase();
		const facts = { provider: "simulator", intentId: "pi_sim_refund", amount: 760, currency: "GBP" };
		const placed = placedEvent(id, "london-soho", { email });
		const authorised = statusEvent("PaymentAuthorised", id, 2, { ...facts, attempt: 1 });
		const pickedUp = statusEvent("OrderPickedUp", id, 3, {});
		const captured = statusEvent("PaymentCaptured", id, 4, { ...facts, method: "card" });
		const refunded = statusEvent("PaymentRefunded", id, 5, {
			...facts,
			amount: 250,
			refundId: `re_${id}`,
			reason: "Cold <coffee>",
		});
		await project(placed, authorised, pickedUp, captured, refunded);

		const { ids, result } = await deliver([emailJob(captured, email), emailJob(refunded, email)]);

		expect(result.explicitAcks.sort()).toEqual([...ids].sort());
		const emails = await inbox(email);
		expect(emails.map((message) => message.subject)).toEqual([`Refund of £2.50 for order #${reference}`]);
		const [refund] = emails;
		expect(refund.text).toContain(`GoodFood Soho has refunded £2.50 of your order #${reference} (£7.60)`);
		expect(refund.text).toContain("Reason: Cold <coffee>");
		const link = `http://localhost:8787/orders/${id}?token=${await trackingTokenFor(id, env.TRACKING_TOKEN_SECRET)}`;
		expect(refund.text).toContain(`See your order: ${link}`);
		expect(refund.html).toContain(`<a href="${link}">See your order</a>`);
		expect(refund.html).toContain("Cold &lt;coffee&gt;");
		expect(await logRow(emailJob(captured, email))).toMatchObject({ status: "skipped" });
		expect(await logRow(emailJob(refunded, email))).toMatchObject({ status: "sent" });
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
	const PROVIDER_URL = "https://email-provider.example.test";

	/** A provider that accepts every message; the requests it was sent. */
	function provider() {
		return intercept(PROVIDER_URL, () => Response.json({ id: `re_${crypto.randomUUID()}` }));
	}

	/**
	 * env, sending through `provider()`, whose eu order database (where the
	 * notification log of the tests' orders is) fails the write that marks a job sent, `failures` times.
	 */
	function failingMarkSent(failures: number, { sendThroughProvider = true } = {}) {
		let left = failures;
		const real = env.ORDERS_EU;
		const ORDERS_EU = new Proxy(real, {
			get(target, property) {
				if (property !== "prepare")
					return Reflect.get(target, property).bind?.(target) ?? Reflect.get(target, property);
				return (query: string) => {
					if (!/^update notification_log set status = 'sent'/i.test(query) || left <= 0) {
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
		const sending = sendThroughProvider
			? { EMAIL_PROVIDER: "resend", RESEND_API_KEY: "re_test_key", RESEND_API_URL: PROVIDER_URL }
			: {};
		return { ...env, ...sending, ORDERS_EU } as unknown as Env;
	}

	it("is never sent again: the write is retried, and the message acked even when it keeps failing", async () => {
		const logged = quietLogs();
		const sent = provider();
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const first = await deliver([job], { on: failingMarkSent(10) });
		expect(first.result.explicitAcks).toEqual(first.ids);
		expect(first.result.retryMessages).toEqual([]);
		expect(sent).toHaveLength(1);
		expect(logged).toContainEqual(
			expect.objectContaining({ level: "error", message: "notification sent but not recorded" }),
		);

		// A stray redelivery finds the row still claimed and does not send.
		const again = await deliver([structuredClone(job)], { attempts: 2, on: failingMarkSent(0) });
		expect(again.result.retryMessages).toHaveLength(1);
		expect(sent).toHaveLength(1);
	});

	it("records the send once the write goes through on a retry within the delivery", async () => {
		const sent = provider();
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		const first = await deliver([job], { on: failingMarkSent(1) });
		expect(first.result.explicitAcks).toEqual(first.ids);
		expect(sent).toHaveLength(1);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1, providerMessageId: expect.any(String) });
	});

	it("through the development sink, keeps the message once and records it when the write goes through on a retry", async () => {
		quietLogs();
		const email = uniqueEmail();
		const placed = placedEvent(orderId(), "london-soho", { email });
		await project(placed);
		const job = emailJob(placed, email);

		// The sink is global and the log regional: like a provider's send, the message is kept, then recorded.
		const first = await deliver([job], { on: failingMarkSent(1, { sendThroughProvider: false }) });
		expect(first.result.explicitAcks).toEqual(first.ids);
		const kept = await inbox(email);
		expect(kept).toHaveLength(1);
		expect(await logRow(job)).toMatchObject({ status: "sent", attempts: 1, providerMessageId: kept[0].id });

		// Delivered again, it is settled: nothing more is kept.
		const again = await deliver([structuredClone(job)], { attempts: 2 });
		expect(again.result.explicitAcks).toEqual(again.ids);
		expect(await inbox(email)).toHaveLength(1);
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
