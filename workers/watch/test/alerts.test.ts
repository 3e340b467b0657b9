/**
 * The every-minute alert cron, run minute after minute through the watch's
 * scheduled handler against a fake Analytics Engine, webhook and Resend
 * (alerts-fakes.ts) and the real D1 databases: once per incident, not once per
 * minute; resolved once; retried when a send fails; dead letters per region;
 * the operational signals; and what happens when it cannot see.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openIncident } from "../src/alerts/incidents";
import { OBJECTIVES } from "../src/alerts/objectives";
import {
	BURNING,
	clearAlertState,
	delivered,
	deployedEnv,
	env,
	type FakeWorld,
	fakeWorld,
	HEALTHY,
	incidents,
	minute,
	runMinute,
	sinkEmails,
	WEBHOOK_URL,
	windows,
} from "./alerts-fakes";

let world: FakeWorld;

beforeEach(async () => {
	await clearAlertState();
	world = fakeWorld();
});

afterEach(() => {
	vi.restoreAllMocks();
});

describe("a burning objective", () => {
	it("alerts once per incident: one webhook and one e-mail while it burns, one resolved message, a new incident for a new burn", async () => {
		const watch = deployedEnv();
		world.objectives.menu_availability = BURNING;
		for (let index = 0; index < 5; index++) await runMinute(index, watch);

		const [firing, ...repeats] = delivered(world, "slo:menu_availability");
		expect(repeats).toEqual([]);
		expect(firing).toMatchObject({
			status: "firing",
			severity: "page",
			environment: "development",
			title: "Menu availability is burning its error budget",
			runbook: `${env.OPERATIONS_DOCS_URL}#menu-availability-burn`,
			openedAt: minute(0).toISOString(),
			resolvedAt: null,
		});
		expect(firing.summary).toMatch(
			/^Menu availability \(99\.99%\): burn rate 2000\.0 over 1h and 2000\.0 over 5m \(fast burn/,
		);
		expect(firing.firstLook).toMatch(/5xx on \/menu/);
		expect(await sinkEmails()).toEqual([
			expect.objectContaining({
				to_address: env.ALERT_EMAIL_TO,
				subject: "[FIRING] [development] Menu availability is burning its error budget",
			}),
		]);
		const [open] = await incidents("slo:menu_availability");
		expect(open).toMatchObject({ last_seen_at: minute(4).toISOString(), resolved_at: null });

		world.objectives.menu_availability = HEALTHY;
		for (let index = 5; index < 8; index++) await runMinute(index, watch);
		const afterRecovery = delivered(world, "slo:menu_availability");
		expect(afterRecovery.map((post) => post.status)).toEqual(["firing", "resolved"]);
		expect(afterRecovery[1]).toMatchObject({ incident: firing.incident, resolvedAt: minute(5).toISOString() });
		expect((await sinkEmails()).map((email) => email.subject.slice(0, 10))).toEqual(["[FIRING] [", "[RESOLVED]"]);

		world.objectives.menu_availability = BURNING;
		await runMinute(8, watch);
		const all = delivered(world, "slo:menu_availability");
		expect(all.map((post) => post.status)).toEqual(["firing", "resolved", "firing"]);
		expect(all[2].incident).not.toBe(firing.incident);
		const rows = await incidents("slo:menu_availability");
		expect(rows.map((row) => row.resolved_at)).toEqual([minute(5).toISOString(), null]);
		// Nothing else burned, and the other objectives were asked every minute.
		expect(world.webhookPosts.every((post) => post.body.alert === "slo:menu_availability")).toBe(true);
		expect(world.sqlQueries.filter((sql) => sql.includes("FROM goodfood_requests\n"))).toHaveLength(9 * 3);
	});

	it("counts the probe's failed runs toward order placement", async () => {
		// A quiet hour: 100 checkouts, none failed, and 3 of the probe's 12 runs failed: 3 / 112 bad, a burn rate of 26.8.
		const [checkouts, probeRuns] = OBJECTIVES.find((objective) => objective.id === "order_placement")?.sources ?? [];
		world.sources[checkouts.events] = windows(100, 0);
		world.sources[probeRuns.events] = windows(12, 3);
		await runMinute(0, deployedEnv());
		const [firing] = delivered(world, "slo:order_placement");
		expect(firing.summary).toBe(
			"Order placement success (99.9%): burn rate 26.8 over 1h and 26.8 over 5m (fast burn, above 14.4)",
		);
		expect(world.sqlQueries.filter((sql) => sql.includes("FROM goodfood_order_events\n"))).toEqual([
			expect.stringContaining(probeRuns.events),
			expect.stringContaining(OBJECTIVES[3].sources[0].events),
			expect.stringContaining("AS capture_failing"),
		]);
	});
});

describe("incidents", () => {
	it("stay one open per alert when two runs open the same one at once", async () => {
		const [first, second] = await Promise.all([
			openIncident(env.DB, "outbox_stale", "run one", minute(0)),
			openIncident(env.DB, "outbox_stale", "run two", minute(0)),
		]);
		expect([first, second].sort()).toEqual([false, true]);
		expect(await incidents("outbox_stale")).toHaveLength(1);
	});
});

describe("notifications", () => {
	it("retries a webhook that failed at the next minute, and sends it once", async () => {
		const watch = deployedEnv();
		world.objectives.edge_latency = BURNING;
		world.webhookAnswers = [500];
		await runMinute(0, watch);
		expect(world.webhookPosts.map((post) => post.status)).toEqual([500]);
		expect((await incidents("slo:edge_latency"))[0].notified_at).toBeNull();

		await runMinute(1, watch);
		await runMinute(2, watch);
		expect(world.webhookPosts.map((post) => post.status)).toEqual([500, 200]);
		expect((await incidents("slo:edge_latency"))[0].notified_at).toBe(minute(1).toISOString());
		// The e-mail went out at the first attempt; its idempotency key kept the retry from sending it again.
		expect(await sinkEmails()).toHaveLength(1);
	});

	it("e-mails through Resend where EMAIL_PROVIDER is resend, with a key per incident and status", async () => {
		const watch = deployedEnv({ EMAIL_PROVIDER: "resend", RESEND_API_KEY: "re_test_key" });
		world.objectives.projection_lag = BURNING;
		await runMinute(0, watch);
		world.objectives.projection_lag = HEALTHY;
		await runMinute(1, watch);

		expect(world.resendPosts).toHaveLength(2);
		const [firing, resolved] = world.resendPosts;
		expect(firing.headers.get("authorization")).toBe("Bearer re_test_key");
		expect(firing.body).toMatchObject({
			from: env.EMAIL_FROM,
			to: [env.ALERT_EMAIL_TO],
			subject: "[FIRING] [development] Projection lag is burning its error budget",
		});
		expect(firing.body.text).toContain(`${env.OPERATIONS_DOCS_URL}#projection-lag-burn`);
		const [incident] = await incidents("slo:projection_lag");
		expect(firing.headers.get("idempotency-key")).toBe(`alert:${incident.id}:firing`);
		expect(resolved.headers.get("idempotency-key")).toBe(`alert:${incident.id}:resolved`);
		expect(await sinkEmails()).toEqual([]);
	});

	it("skips the webhook with a log line when ALERT_WEBHOOK_URL is unset, and still e-mails", async () => {
		const warn = vi.spyOn(console, "warn");
		world.objectives.menu_availability = BURNING;
		await runMinute(0, deployedEnv({ ALERT_WEBHOOK_URL: undefined }));
		expect(world.webhookPosts).toEqual([]);
		expect(warn.mock.calls.map(([line]) => JSON.parse(String(line)).message)).toContain(
			"alert webhook skipped: ALERT_WEBHOOK_URL is not set",
		);
		expect(await sinkEmails()).toHaveLength(1);
		expect((await incidents("slo:menu_availability"))[0].notified_at).toBe(minute(0).toISOString());
	});

	it("keeps a notification owed when the e-mail cannot go, e.g. the sink outside development", async () => {
		const error = vi.spyOn(console, "error");
		world.objectives.menu_availability = BURNING;
		await runMinute(0, deployedEnv({ ENVIRONMENT: "production" }));
		expect(delivered(world, "slo:menu_availability")).toHaveLength(1);
		expect(await sinkEmails()).toEqual([]);
		expect((await incidents("slo:menu_availability"))[0].notified_at).toBeNull();
		const failures = error.mock.calls.map(([line]) => JSON.parse(String(line)));
		expect(failures).toContainEqual(
			expect.objectContaining({
				message: "alert notification failed; retried next minute",
				error: "The e-mail sink only runs in development, not in production",
			}),
		);
	});
});

async function deadLetter(orders: D1Database, messageId: string): Promise<void> {
	await orders
		.prepare(
			`INSERT INTO dead_letters (queue, message_id, event_id, order_id, event_type, body, reason, attempts, dead_at)
VALUES ('goodfood-order-events-dlq', ?1, 'evt_1', 'ord_1', 'OrderPlaced', '{}', 'consumer threw', 5, ?2)`,
		)
		.bind(messageId, minute(0).toISOString())
		.run();
}

describe("dead letters", () => {
	it("alert once while pending in ORDERS_US, and resolve once replayed, with Analytics Engine skipped locally", async () => {
		const log = vi.spyOn(console, "log");
		// Local development: no account, so only the databases are read.
		const watch: WatchEnv = { ...env, ALERT_WEBHOOK_URL: WEBHOOK_URL };
		await deadLetter(env.ORDERS_US, "msg_1");
		await deadLetter(env.ORDERS_US, "msg_2");
		await runMinute(0, watch);
		await runMinute(1, watch);

		const [firing, ...rest] = delivered(world, "dead_letters");
		expect(rest).toEqual([]);
		expect(firing).toMatchObject({
			status: "firing",
			summary: "pending dead letters: 2 in us",
			runbook: `${env.OPERATIONS_DOCS_URL}#dead-letters-pending`,
		});
		expect(world.sqlQueries).toEqual([]);
		const skipped = log.mock.calls.filter(([line]) => String(line).includes("analytics checks skipped"));
		expect(skipped).toHaveLength(2);

		await env.ORDERS_US.prepare("UPDATE dead_letters SET replayed_at = ?").bind(minute(2).toISOString()).run();
		await runMinute(2, watch);
		await runMinute(3, watch);
		expect(delivered(world, "dead_letters").map((post) => post.status)).toEqual(["firing", "resolved"]);
		// The SLO alerts were unknown, not ok: nothing about them was opened or resolved.
		expect(world.webhookPosts.every((post) => post.body.alert === "dead_letters")).toBe(true);
	});
});

describe("operational signals", () => {
	it("alert on a failing capture, a stale outbox and a failing probe, and on a probe gone silent", async () => {
		const watch = deployedEnv();
		world.signals = { captureFailing: 1, outboxStale: 2, probeRuns: 3, probeFailed: 2 };
		await runMinute(0, watch);
		expect(delivered(world, "payment_capture")[0]).toMatchObject({
			summary: "1 payment_capture_failing point(s) in the last 15 minutes",
			runbook: `${env.OPERATIONS_DOCS_URL}#payment-capture-failing`,
		});
		expect(delivered(world, "outbox_stale")[0].runbook).toBe(`${env.OPERATIONS_DOCS_URL}#outbox-stale`);
		expect(delivered(world, "probe_failing")[0].summary).toBe(
			"2 of 3 synthetic probe runs failed in the last 15 minutes",
		);

		// One failed run is a blip: the probe's incident resolves; silence opens a new one.
		world.signals = { captureFailing: 0, outboxStale: 0, probeRuns: 3, probeFailed: 1 };
		await runMinute(1, watch);
		world.signals = { captureFailing: 0, outboxStale: 0, probeRuns: 0, probeFailed: 0 };
		await runMinute(2, watch);
		expect(delivered(world, "probe_failing").map((post) => [post.status, post.summary])).toEqual([
			["firing", "2 of 3 synthetic probe runs failed in the last 15 minutes"],
			["resolved", "2 of 3 synthetic probe runs failed in the last 15 minutes"],
			["firing", "no synthetic probe run in the last 15 minutes"],
		]);
		expect(delivered(world, "payment_capture").map((post) => post.status)).toEqual(["firing", "resolved"]);
	});

	it("leave open incidents open while Analytics Engine cannot be read", async () => {
		const watch = deployedEnv();
		world.objectives.menu_availability = BURNING;
		await runMinute(0, watch);
		world.analyticsStatus = 503;
		await runMinute(1, watch);
		await runMinute(2, watch);
		expect(delivered(world, "slo:menu_availability").map((post) => post.status)).toEqual(["firing"]);
		expect((await incidents("slo:menu_availability"))[0].resolved_at).toBeNull();
		// Unknown is not ok: the signals' alerts were never opened. What goes out is that the watch is blind, once.
		expect(world.webhookPosts.map((post) => [post.body.alert, post.body.status])).toEqual([
			["slo:menu_availability", "firing"],
			["analytics_unreadable", "firing"],
		]);
		expect(delivered(world, "analytics_unreadable")[0].summary).toMatch(/Analytics Engine read\(s\) failed/);

		// It can read again: the blind spot resolves, and the burn it saw before is still open.
		world.analyticsStatus = 200;
		await runMinute(3, watch);
		expect(delivered(world, "analytics_unreadable").map((post) => post.status)).toEqual(["firing", "resolved"]);
		expect((await incidents("slo:menu_availability"))[0].resolved_at).toBeNull();
	});

	it("say so when a deployed watch has no account to read Analytics Engine with", async () => {
		const staging = deployedEnv({
			CLOUDFLARE_ACCOUNT_ID: "",
			ENVIRONMENT: "staging",
			EMAIL_PROVIDER: "resend",
			RESEND_API_KEY: "re_test_key",
		});
		await runMinute(0, staging);
		await runMinute(1, staging);
		expect(delivered(world, "analytics_unreadable").map((post) => [post.status, post.summary])).toEqual([
			["firing", expect.stringContaining("CLOUDFLARE_ACCOUNT_ID is empty outside development")],
		]);
		expect(world.resendPosts.map((post) => post.body.subject)).toEqual([
			"[FIRING] [staging] The watch cannot read Analytics Engine: the objectives are not being checked",
		]);
		expect(world.sqlQueries).toEqual([]);
	});
});
