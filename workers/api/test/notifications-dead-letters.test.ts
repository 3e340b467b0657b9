/**
 * A failing e-mail provider: retried with a growing backoff, then dead in the
 * notification log through the dead-letter queue with the provider's reason;
 * an unreachable provider or a missing key fails the same way.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handleDeadNotifications } from "../src/notifications/consumer";
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
	uniqueEmail,
} from "./notifications-helpers";

const PROVIDER_URL = "https://email-provider.example.test";

afterEach(() => {
	vi.restoreAllMocks();
});

function deliverDead(bodies: unknown[]) {
	return deliver(bodies, { handler: handleDeadNotifications, queue: "goodfood-notifications-dlq" });
}

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
		expect(first.retryDelays.get(first.ids[0])).toBe(30);
		expect(await logRow(job)).toMatchObject({ status: "failed", attempts: 1 });

		const second = await deliver([job], { attempts: 2, on: providerEnv });
		expect(second.retryDelays.get(second.ids[0])).toBe(60);
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
