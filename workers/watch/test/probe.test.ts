/**
 * The synthetic probe inside the watch: provisioning its location and kitchen
 * account in the real D1 schema, and a run whose front door is down (this
 * project's FRONT_DOOR answers 503), which must fail loudly: its failed
 * points, naming the step, and an error for the cron. The whole journey to
 * ready runs against the api in workers/api/test/synthetic-probe.test.ts.
 */
import { env as workerEnv } from "cloudflare:workers";
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "../../api/src/accounts/domain/passwords";
import { probeIds, provisionProbe } from "../src/probe/provision";
import { type ProbeEnv, probeOnce, runSyntheticProbe } from "../src/probe/run";

const log = spanLogger(continueTrace(undefined));
// The global Env merges every worker's bindings; this project runs the watch's.
const env = workerEnv as unknown as WatchEnv;

/** An Analytics Engine dataset that keeps what is written, to read back. */
function recordingDataset(): AnalyticsEngineDataset & { points: AnalyticsEngineDataPoint[] } {
	const points: AnalyticsEngineDataPoint[] = [];
	return { points, writeDataPoint: (point) => void points.push(point ?? {}) };
}

type RecordedProbeEnv = ProbeEnv & { ORDER_METRICS: ReturnType<typeof recordingDataset> };

function probeEnv(overrides: Partial<Omit<ProbeEnv, "ORDER_METRICS">> = {}): RecordedProbeEnv {
	return { ...env, ...overrides, ORDER_METRICS: recordingDataset() };
}

async function countRows(table: string, column: string, value: string): Promise<number> {
	const row = await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE ${column} = ?`)
		.bind(value)
		.first<{ n: number }>();
	return row?.n ?? 0;
}

describe("the synthetic probe's provisioning", () => {
	it("creates a hidden location with one orderable item and a hidden kitchen account, once however often it runs", async () => {
		const slug = `probe-${crypto.randomUUID().slice(0, 8)}`;
		const email = `${slug}@goodfood.internal`;
		const probe = probeEnv({ PROBE_LOCATION: slug, PROBE_EMAIL: email });
		await provisionProbe(probe);
		await provisionProbe(probe);

		const location = await env.DB.prepare("SELECT * FROM locations WHERE slug = ?")
			.bind(slug)
			.first<Record<string, unknown>>();
		expect(location).toMatchObject({ synthetic: 1, pay_at_pickup: 1, pickup_enabled: 1, region: "eu" });
		expect(await countRows("items", "location_slug", slug)).toBe(1);
		expect(await countRows("categories", "location_slug", slug)).toBe(1);
		const account = await env.DB.prepare("SELECT * FROM accounts WHERE email = ?")
			.bind(email)
			.first<Record<string, string | number>>();
		expect(account).toMatchObject({ role: "kitchen", synthetic: 1, locations: JSON.stringify([slug]) });
		expect(account?.email_verified_at).toBeTruthy();
		expect(await verifyPassword(env.PROBE_PASSWORD, String(account?.password_hash))).toBe(true);
		expect(await countRows("accounts", "email", email)).toBe(1);
		expect(account?.id).toBe(probeIds(slug).accountId);
	});

	it("rewrites the account's password hash when PROBE_PASSWORD changes", async () => {
		const slug = `probe-${crypto.randomUUID().slice(0, 8)}`;
		const email = `${slug}@goodfood.internal`;
		await provisionProbe(probeEnv({ PROBE_LOCATION: slug, PROBE_EMAIL: email }));
		await provisionProbe(probeEnv({ PROBE_LOCATION: slug, PROBE_EMAIL: email, PROBE_PASSWORD: "rotated-secret-42" }));

		const hash = await env.DB.prepare("SELECT password_hash AS hash FROM accounts WHERE email = ?")
			.bind(email)
			.first<{ hash: string }>();
		expect(await verifyPassword("rotated-secret-42", String(hash?.hash))).toBe(true);
		expect(await verifyPassword(env.PROBE_PASSWORD, String(hash?.hash))).toBe(false);
	});

	it("refuses to run without a password rather than provisioning an account nobody can sign in to", async () => {
		const probe = probeEnv({ PROBE_PASSWORD: "" });
		await expect(probeOnce(probe, new Date(), log)).rejects.toThrow(/failed at provision: PROBE_PASSWORD is not set/);
		expect(probe.ORDER_METRICS.points.at(-1)?.blobs).toEqual(["probe_run", "failed", "provision", "development"]);
	});
});

describe("a probe run whose front door is down", () => {
	it("writes the failed step and a failed run naming it, then throws", async () => {
		const probe = probeEnv();
		const run = probeOnce(probe, new Date(), log);
		await expect(run).rejects.toThrow(/synthetic probe failed at menu: GET \/api\/menu\/goodfood-probe answered 503/);

		const [provision, menu, summary, ...rest] = probe.ORDER_METRICS.points;
		expect(rest).toEqual([]);
		expect(provision).toMatchObject({
			indexes: ["probe"],
			blobs: ["probe_step", "provision", "ok", "development", ""],
		});
		expect(menu).toMatchObject({ indexes: ["probe"], blobs: ["probe_step", "menu", "failed", "development", ""] });
		expect(menu.doubles?.[0]).toBeGreaterThanOrEqual(0);
		expect(summary).toMatchObject({ indexes: ["probe"], blobs: ["probe_run", "failed", "menu", "development"] });
		expect(summary.doubles?.[0]).toBeGreaterThanOrEqual(0);
	});

	it("fails the cron run itself", async () => {
		await expect(runSyntheticProbe(env, new Date(), log)).rejects.toThrow(/failed at menu/);
	});
});
