/**
 * Webhooks: registration (validation and access) by a location's manager, and
 * signed deliveries that verify with the documented algorithm, retried when
 * the receiver fails and dropped once the webhook is removed.
 */
import { toHex } from "@goodfood/platform/crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { NotificationJob } from "../src/notifications/domain/jobs";
import { verifyWebhookSignature } from "../src/notifications/domain/webhooks";
import { bearer, call, errorOf, json, PRINCIPALS, STAFF } from "./helpers";
import {
	deliver,
	HOOK_HOST,
	HOOK_LOCATION,
	intercept,
	logRow,
	orderId,
	placedEvent,
	project,
	quietLogs,
	type Registered,
	register,
	registered,
	remove,
	uniqueEmail,
} from "./notifications-helpers";

const SHIBUYA_MANAGER = await bearer({ id: "acc-test-manager-shibuya", role: "manager", locations: [HOOK_LOCATION] });

afterEach(() => {
	vi.restoreAllMocks();
});

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

	it("subscribes to payment events, but not to a failed payment, which never leaves its order", async () => {
		const events = ["PaymentAuthorised", "PaymentCaptured", "PaymentVoided", "PaymentRefunded"];
		const webhook = await registered({ url: `${HOOK_HOST}/payments`, events });
		expect(webhook.events).toEqual(events);
		await remove(webhook.id);

		const failed = await register({ url: `${HOOK_HOST}/x`, events: ["PaymentFailed"] });
		expect(failed.status).toBe(400);
		expect((await errorOf(failed)).details?.[0].field).toMatch(/^events/);
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

describe("webhook deliveries", () => {
	beforeEach(() => {
		quietLogs();
	});

	it("posts the event signed as documented: v1= and the hex HMAC-SHA256 of timestamp, a dot and the body", async () => {
		const webhook = await registered({ url: `${HOOK_HOST}/signed/${crypto.randomUUID()}` });
		try {
			const requests = intercept(HOOK_HOST, () => new Response("ok"));
			const id = orderId("apac");
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
			expect(signature).toBe(`v1=${toHex(expected)}`);

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
		const placed = placedEvent(orderId("apac"), HOOK_LOCATION, { email: uniqueEmail() });
		await project(placed);
		const job: NotificationJob = { channel: "webhook", recipient: webhook.id, event: placed };

		const failed = await deliver([job]);
		expect(failed.result.retryMessages).toHaveLength(1);
		expect(failed.retryDelays.get(failed.ids[0])).toBe(30);
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
