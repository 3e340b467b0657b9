import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("the watch worker", () => {
	it("answers its health check, and 404 elsewhere", async () => {
		const health = await SELF.fetch("https://watch.test/health");
		expect(health.status).toBe(200);
		expect(await health.json()).toEqual({ status: "ok", worker: "watch" });
		expect((await SELF.fetch("https://watch.test/anything")).status).toBe(404);
	});
});
