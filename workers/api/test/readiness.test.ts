/** /health says the process is alive; /ready says whether D1 (global and each region's), KV and the queue binding answer. */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../src/app";
import { call, json } from "./helpers";

interface ReadyBody {
	status: string;
	checks: Record<string, { ok: boolean; error?: string }>;
}

function readyWith(bindings: Partial<Env>) {
	return app.request("https://goodfood.test/ready", {}, { ...env, ...bindings });
}

describe("/ready", () => {
	it("answers 200 when every binding answers", async () => {
		const response = await call("/ready");
		expect(response.status).toBe(200);
		const body = await json<ReadyBody>(response);
		expect(body.status).toBe("ready");
		expect(Object.keys(body.checks).sort()).toEqual([
			"d1",
			"kv",
			"orders.apac",
			"orders.eu",
			"orders.us",
			"queue",
			"regions",
		]);
	});

	it("answers 503 naming D1 when the database fails", async () => {
		const brokenD1 = {
			prepare: () => {
				throw new Error("D1 is down");
			},
		} as unknown as D1Database;
		const response = await readyWith({ DB: brokenD1 });
		expect(response.status).toBe(503);
		const body = await json<ReadyBody>(response);
		expect(body.checks.d1).toMatchObject({ ok: false, error: "D1 is down" });
		expect(body.checks.kv.ok).toBe(true);
	});

	it("answers 503 when KV or the queue binding is broken", async () => {
		const brokenKv = { get: () => Promise.reject(new Error("KV is down")) } as unknown as KVNamespace;
		expect((await readyWith({ MENU_KV: brokenKv })).status).toBe(503);
		const notAQueue = {} as Queue;
		const body = await json<ReadyBody>(await readyWith({ ORDER_EVENTS: notAQueue }));
		expect(body.checks.queue).toMatchObject({ ok: false, error: "not a queue producer binding" });
	});
});
