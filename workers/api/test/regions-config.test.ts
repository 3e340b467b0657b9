/**
 * A REGIONS configuration that cannot work is refused at once, on every
 * request, with the message that says what to fix, and logged as an error
 * once; /ready reports it, and checks each region's database when it works.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { CONFIGURATION_RETRY_DELAY_SECONDS } from "@goodfood/platform/regions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { app } from "../src/app";
import worker from "../src/index";
import { errorOf, json, STAFF } from "./helpers";

interface ReadyBody {
	status: string;
	checks: Record<string, { ok: boolean; error?: string }>;
}

async function fetchWith(path: string, bindings: Record<string, unknown>, init: RequestInit = {}): Promise<Response> {
	const ctx = createExecutionContext();
	const response = await app.fetch(new Request(`https://goodfood.test${path}`, init), { ...env, ...bindings }, ctx);
	await waitOnExecutionContext(ctx);
	return response;
}

afterEach(() => vi.restoreAllMocks());

describe("a broken REGIONS configuration", () => {
	it("answers every API request 500 configuration_invalid naming what to fix, and serves nothing", async () => {
		const broken = { REGIONS: { sa: { locationHint: "sam" } } };
		for (const path of ["/api/v1/locations", "/api/v1/locations/london-soho/menu"]) {
			const response = await fetchWith(path, broken);
			expect(response.status).toBe(500);
			const error = await errorOf(response);
			expect(error.code).toBe("configuration_invalid");
			expect(error.message).toContain('"sa"');
			expect(error.message).toContain("ORDERS_SA");
			expect(error.requestId).toBeTruthy();
		}
		const write = await fetchWith("/api/v1/locations/london-soho/items/itm-ldn-flat-white", broken, {
			method: "PATCH",
			headers: { ...STAFF, "content-type": "application/json" },
			body: JSON.stringify({ name: "Never written" }),
		});
		expect(write.status).toBe(500);
		const menu = await fetchWith("/api/v1/locations/london-soho/menu", {});
		const names = ((await menu.json()) as { categories: { items: { name: string }[] }[] }).categories.flatMap(
			(category) => category.items.map((item) => item.name),
		);
		expect(names).not.toContain("Never written");
	});

	it("names an unknown location hint and the region it belongs to", async () => {
		const response = await fetchWith("/api/v1/locations", { REGIONS: { eu: { locationHint: "moon" } } });
		expect(response.status).toBe(500);
		const { message } = await errorOf(response);
		expect(message).toContain("REGIONS.eu.locationHint");
		expect(message).toContain("weur");
	});

	it("says REGIONS is not set when it is missing", async () => {
		const response = await fetchWith("/api/v1/locations", { REGIONS: undefined });
		expect(response.status).toBe(500);
		expect((await errorOf(response)).message).toContain("REGIONS is not set");
	});

	it("logs the error once, not once a request", async () => {
		const errors = vi.spyOn(console, "error").mockImplementation(() => {});
		const brokenEnv = { ...env, REGIONS: { eu: { locationHint: "weur" }, xx: { locationHint: "weur" } } };
		for (let attempt = 0; attempt < 3; attempt++) {
			const ctx = createExecutionContext();
			const response = await app.fetch(new Request("https://goodfood.test/api/v1/locations"), brokenEnv, ctx);
			await waitOnExecutionContext(ctx);
			expect(response.status).toBe(500);
		}
		const lines = errors.mock.calls.map(([line]) => String(line)).filter((line) => line.includes("ORDERS_XX"));
		expect(lines).toHaveLength(1);
		expect(JSON.parse(lines[0])).toMatchObject({ level: "error", message: expect.stringContaining("configuration") });
	});

	it("still answers /health, and /ready 503 with the error", async () => {
		const broken = { REGIONS: { sa: { locationHint: "sam" } } };
		expect((await fetchWith("/health", broken)).status).toBe(200);
		const ready = await fetchWith("/ready", broken);
		expect(ready.status).toBe(503);
		const body = await json<ReadyBody>(ready);
		expect(body.checks.regions).toMatchObject({ ok: false, error: expect.stringContaining("ORDERS_SA") });
	});
});

describe("queues and crons under a broken REGIONS configuration", () => {
	const brokenEnv = { ...env, REGIONS: { sa: { locationHint: "sam" } } } as unknown as Env;

	it("keeps a queue batch for when the configuration is fixed, processing none of it", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		vi.spyOn(console, "warn").mockImplementation(() => {});
		const message = { id: "m1", timestamp: new Date(), attempts: 1, body: {}, ack: vi.fn(), retry: vi.fn() };
		const batch = {
			queue: "goodfood-order-events",
			messages: [message],
			ackAll: vi.fn(),
			retryAll: vi.fn(),
		} as unknown as MessageBatch<unknown>;
		await worker.queue(batch, brokenEnv, createExecutionContext());
		expect(batch.retryAll).toHaveBeenCalledWith({ delaySeconds: CONFIGURATION_RETRY_DELAY_SECONDS });
		expect(batch.ackAll).not.toHaveBeenCalled();
		expect(message.ack).not.toHaveBeenCalled();
		expect(message.retry).not.toHaveBeenCalled();
	});

	it("skips a cron run, saying why", async () => {
		vi.spyOn(console, "error").mockImplementation(() => {});
		const warnings = vi.spyOn(console, "warn").mockImplementation(() => {});
		const controller = { cron: "*/10 * * * *", scheduledTime: Date.now(), noRetry: () => {} } as ScheduledController;
		await worker.scheduled(controller, brokenEnv);
		const lines = warnings.mock.calls.map(([line]) => JSON.parse(String(line)) as { message: string; error: string });
		expect(lines).toEqual([
			expect.objectContaining({
				message: expect.stringContaining("*/10 * * * *"),
				error: expect.stringContaining("ORDERS_SA"),
			}),
		]);
	});
});

describe("/ready with regions", () => {
	it("checks each region's order database", async () => {
		const response = await fetchWith("/ready", {});
		expect(response.status).toBe(200);
		const body = await json<ReadyBody>(response);
		expect(body.checks).toMatchObject({
			regions: { ok: true },
			"orders.eu": { ok: true },
			"orders.us": { ok: true },
			"orders.apac": { ok: true },
		});
	});

	it("answers 503 naming the region whose database fails", async () => {
		const brokenD1 = {
			prepare: () => {
				throw new Error("the us order database is down");
			},
			withSession: () => {
				throw new Error("the us order database is down");
			},
		} as unknown as D1Database;
		const response = await fetchWith("/ready", { ORDERS_US: brokenD1 });
		expect(response.status).toBe(503);
		const body = await json<ReadyBody>(response);
		expect(body.checks["orders.us"]).toMatchObject({ ok: false, error: "the us order database is down" });
		expect(body.checks["orders.eu"].ok).toBe(true);
	});
});
