/**
 * The back office's webhook tools: a webhook's recent deliveries from the
 * notification log of every region (happy path, limit), and a signed test
 * ping that verifies like a real delivery and says how the receiver answered:
 * accepted, refused, unreachable, too slow (happy path and errors); both only
 * for the location's managers and admins, and only for a live webhook of the
 * location (security, 404).
 */
import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { verifyWebhookSignature } from "../src/notifications/domain/webhooks";
import { bearer, call, errorOf, json, PRINCIPALS, STAFF } from "./helpers";
import {
	HOOK_HOST,
	HOOK_LOCATION,
	intercept,
	orderId,
	type Registered,
	registered,
	remove,
} from "./notifications-helpers";

const MANAGER = await bearer({ id: "acc-test-manager-shibuya-ops", role: "manager", locations: [HOOK_LOCATION] });

interface Delivery {
	eventId: string;
	eventType: string;
	orderId: string;
	status: string;
	attempts: number;
	lastError: string | null;
	updatedAt: string;
}

interface Ping {
	delivered: boolean;
	status: number | null;
	durationMs: number;
	error: string | null;
}

let webhook: Registered;
let other: Registered;

function deliveries(id: string, headers: Record<string, string> = MANAGER, query = "", location = HOOK_LOCATION) {
	return call(`/api/v1/locations/${location}/webhooks/${id}/deliveries${query}`, { headers });
}

function ping(id: string, headers: Record<string, string> = MANAGER, location = HOOK_LOCATION) {
	return call(`/api/v1/locations/${location}/webhooks/${id}/test`, { method: "POST", headers });
}

/** A row of the notification log, as the notifications consumer leaves it. */
function logRow(
	recipient: string,
	status: "sent" | "failed" | "dead",
	updatedAt: string,
	lastError: string | null = null,
) {
	return {
		eventId: crypto.randomUUID(),
		channel: "webhook" as const,
		recipient,
		orderId: orderId("apac"),
		eventType: "OrderPlaced" as const,
		status,
		attempts: status === "sent" ? 1 : 3,
		lastError,
		createdAt: updatedAt,
		updatedAt,
	};
}

const ROWS = {
	older: "2030-05-01T10:00:00.000Z",
	failed: "2030-05-01T11:00:00.000Z",
	moved: "2030-05-01T12:00:00.000Z",
	newest: "2030-05-01T13:00:00.000Z",
};

beforeAll(async () => {
	webhook = await registered({ url: `${HOOK_HOST}/ops/${crypto.randomUUID()}` });
	other = await registered({ url: `${HOOK_HOST}/ops-other/${crypto.randomUUID()}` });
	const apac = database(env.ORDERS_APAC);
	await apac
		.insert(schema.notificationLog)
		.values([
			logRow(webhook.id, "sent", ROWS.older),
			logRow(webhook.id, "failed", ROWS.failed, "webhook answered 500: upstream broke"),
			logRow(webhook.id, "sent", ROWS.newest),
			logRow(other.id, "sent", "2030-05-01T14:00:00.000Z"),
			{ ...logRow(webhook.id, "sent", "2030-05-01T15:00:00.000Z"), channel: "email" as const },
		]);
	// A delivery of an order placed before the location moved region stays in the old region's log.
	await database(env.ORDERS_EU)
		.insert(schema.notificationLog)
		.values({
			...logRow(webhook.id, "dead", ROWS.moved, "webhook unreachable: connection refused"),
			orderId: orderId("eu"),
		});
});

afterAll(async () => {
	await remove(webhook.id);
	await remove(other.id);
});

afterEach(() => {
	vi.restoreAllMocks();
});

describe("a webhook's deliveries", () => {
	it("lists the webhook's deliveries from every region, most recent first, with why one failed", async () => {
		const response = await deliveries(webhook.id);
		expect(response.status).toBe(200);
		const body = await json<{ deliveries: Delivery[] }>(response);
		expect(body.deliveries.map((delivery) => delivery.updatedAt)).toEqual([
			ROWS.newest,
			ROWS.moved,
			ROWS.failed,
			ROWS.older,
		]);
		expect(body.deliveries[1]).toMatchObject({
			eventType: "OrderPlaced",
			status: "dead",
			attempts: 3,
			lastError: "webhook unreachable: connection refused",
		});
		expect(body.deliveries[1].orderId).toMatch(/^ord_eu_/);
		expect(body.deliveries[2]).toMatchObject({ status: "failed", lastError: "webhook answered 500: upstream broke" });
	});

	it("keeps to the limit asked for, and refuses a limit out of range naming it", async () => {
		const body = await json<{ deliveries: Delivery[] }>(await deliveries(webhook.id, STAFF, "?limit=2"));
		expect(body.deliveries.map((delivery) => delivery.updatedAt)).toEqual([ROWS.newest, ROWS.moved]);
		const refused = await deliveries(webhook.id, STAFF, "?limit=0");
		expect(refused.status).toBe(400);
		expect((await errorOf(refused)).details?.map((detail) => detail.field)).toEqual(["limit"]);
	});

	it("answers an empty list for a webhook nothing was delivered to yet", async () => {
		const fresh = await registered({ url: `${HOOK_HOST}/ops-fresh/${crypto.randomUUID()}` });
		try {
			expect(await json(await deliveries(fresh.id))).toEqual({ deliveries: [] });
		} finally {
			await remove(fresh.id);
		}
	});
});

describe("a test ping", () => {
	it("posts a ping signed as deliveries are, and says the receiver took it", async () => {
		// The body is read where the request was made: a test cannot read another request's streams.
		const bodies: string[] = [];
		const requests = intercept(HOOK_HOST, async (request) => {
			bodies.push(await request.text());
			return new Response("ok");
		});
		const response = await ping(webhook.id);
		expect(response.status).toBe(200);
		const result = await json<Ping>(response);
		expect(result).toMatchObject({ delivered: true, status: 200, error: null });
		expect(result.durationMs).toBeGreaterThanOrEqual(0);

		expect(requests).toHaveLength(1);
		const [request] = requests;
		expect(request.url).toBe(webhook.url);
		expect(request.method).toBe("POST");
		expect(request.headers.get("x-goodfood-event")).toBe("ping");
		const [body] = bodies;
		const parsed = JSON.parse(body) as Record<string, unknown>;
		expect(parsed).toMatchObject({ type: "ping", locationSlug: HOOK_LOCATION, webhookId: webhook.id });
		expect(request.headers.get("x-goodfood-delivery")).toBe(parsed.id);
		const timestamp = request.headers.get("x-goodfood-timestamp") ?? "";
		const signature = request.headers.get("x-goodfood-signature") ?? "";
		// The receiver checks it with the same secret and algorithm as any delivery; a wrong secret fails.
		expect(await verifyWebhookSignature(webhook.secret, timestamp, body, signature)).toBe(true);
		expect(await verifyWebhookSignature(other.secret, timestamp, body, signature)).toBe(false);
	});

	it("records the ping and its outcome in the audit log", async () => {
		intercept(HOOK_HOST, () => new Response("ok"));
		await ping(webhook.id);
		const entry = await env.DB.prepare(
			"SELECT location_slug, before, after FROM audit_log WHERE target = ? ORDER BY id DESC LIMIT 1",
		)
			.bind(`/api/v1/locations/${HOOK_LOCATION}/webhooks/${webhook.id}/test`)
			.first<{ location_slug: string; before: string | null; after: string }>();
		expect(entry?.location_slug).toBe(HOOK_LOCATION);
		expect(JSON.parse(entry?.after ?? "{}")).toMatchObject({ webhookId: webhook.id, delivered: true, status: 200 });
	});

	it("says what went wrong when the receiver refuses, cannot be reached, or is too slow", async () => {
		intercept(HOOK_HOST, () => new Response("upstream broke", { status: 500 }));
		expect(await json<Ping>(await ping(webhook.id))).toMatchObject({
			delivered: false,
			status: 500,
			error: "webhook answered 500: upstream broke",
		});
		vi.restoreAllMocks();

		// A redirect is not followed: the webhook answers where it was registered, or not at all.
		intercept(HOOK_HOST, () => new Response(null, { status: 301, headers: { location: "https://elsewhere.test/" } }));
		expect(await json<Ping>(await ping(webhook.id))).toMatchObject({ delivered: false, status: 301 });
		vi.restoreAllMocks();

		intercept(HOOK_HOST, () => {
			throw new TypeError("connection refused");
		});
		expect(await json<Ping>(await ping(webhook.id))).toMatchObject({
			delivered: false,
			status: null,
			error: "webhook unreachable: connection refused",
		});
		vi.restoreAllMocks();

		// What fetch throws when the ping's deadline passes: the receiver is given 5 s.
		const requests = intercept(HOOK_HOST, (request) => {
			expect(request.signal).toBeDefined();
			throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
		});
		expect(await json<Ping>(await ping(webhook.id))).toMatchObject({
			delivered: false,
			status: null,
			error: "webhook did not answer within 5 s",
		});
		expect(requests).toHaveLength(1);
	});
});

describe("who may look and try", () => {
	it("answers 401 anonymously, 403 to kitchen staff, customers and other locations' managers", async () => {
		expect((await deliveries(webhook.id, {})).status).toBe(401);
		expect((await ping(webhook.id, {})).status).toBe(401);
		const kitchen = await bearer({ id: "acc-test-kitchen-shibuya-ops", role: "kitchen", locations: [HOOK_LOCATION] });
		for (const headers of [kitchen, await bearer(PRINCIPALS.customer), await bearer(PRINCIPALS.manager)]) {
			expect((await deliveries(webhook.id, headers)).status).toBe(403);
			expect((await ping(webhook.id, headers)).status).toBe(403);
		}
	});

	it("answers 404 for an unknown webhook, a removed one, and one of another location, sending nothing", async () => {
		const requests = intercept(HOOK_HOST, () => new Response("ok"));
		const removed = await registered({ url: `${HOOK_HOST}/ops-removed/${crypto.randomUUID()}` });
		await remove(removed.id);
		for (const id of ["whk_unknown", removed.id]) {
			expect((await deliveries(id)).status).toBe(404);
			expect((await ping(id)).status).toBe(404);
		}
		// The admin may ask anywhere, but the webhook belongs to Shibuya, not Soho.
		expect((await deliveries(webhook.id, STAFF, "", "london-soho")).status).toBe(404);
		expect((await ping(webhook.id, STAFF, "london-soho")).status).toBe(404);
		expect(requests).toHaveLength(0);
	});
});
