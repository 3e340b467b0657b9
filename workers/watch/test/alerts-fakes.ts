/**
 * The outside world of the alert cron, faked at `fetch`: Analytics Engine's
 * SQL API answering each query by what it asks (an objective's source, or
 * the operational signals), an alert webhook and Resend that record what
 * they receive, and the minute-by-minute run of the scheduled handler.
 */
import { createScheduledController } from "cloudflare:test";
import { env as testEnv } from "cloudflare:workers";
import { vi } from "vitest";
import type { Signals } from "../src/alerts/analytics";
import { WINDOW_NAMES, type WindowCounts } from "../src/alerts/burn-rate";
import { OBJECTIVES, type Objective } from "../src/alerts/objectives";
import worker, { CRONS } from "../src/index";

export const ACCOUNT_ID = "0123456789abcdef0123456789abcdef";
export const WEBHOOK_URL = "https://hooks.example/goodfood-alerts";
/** The watch project's bindings (`cloudflare:workers` types `env` as every worker's Env merged). */
export const env = testEnv as unknown as WatchEnv;

const SQL_API = `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT_ID}/analytics_engine/sql`;

/** The watch's development env with an account, a token and a webhook, as a deployed one has. */
export function deployedEnv(overrides: Partial<Record<keyof WatchEnv, unknown>> = {}): WatchEnv {
	return {
		...env,
		CLOUDFLARE_ACCOUNT_ID: ACCOUNT_ID,
		ANALYTICS_API_TOKEN: "test-analytics-token",
		ALERT_WEBHOOK_URL: WEBHOOK_URL,
		...overrides,
	} as WatchEnv; // CLOUDFLARE_ACCOUNT_ID's generated type is "", the literal every wrangler.toml environment declares.
}

const windows = (total: number, bad: number): WindowCounts =>
	Object.fromEntries(WINDOW_NAMES.map((window) => [window, { total, bad }])) as WindowCounts;

/** Steady traffic with no bad events. */
export const HEALTHY = windows(10_000, 0);
/** 20% bad over every window: a burn rate of 20 on a 99% objective, 2000 on the 99.99% menu one. */
export const BURNING = windows(10_000, 2_000);

export { windows };

export interface FakeWorld {
	/** What each objective's sources answer (every source of an objective the same)… */
	objectives: Partial<Record<Objective["id"], WindowCounts>>;
	/** …unless a source, named by its `events` condition, answers for itself. */
	sources: Record<string, WindowCounts>;
	signals: Signals;
	/** The status the SQL API answers with; 200 by default. */
	analyticsStatus: number;
	/** The statuses the webhook answers with, one per post, then 200. */
	webhookAnswers: number[];
	sqlQueries: string[];
	webhookPosts: { status: number; body: Record<string, unknown> }[];
	resendPosts: { headers: Headers; body: Record<string, unknown> }[];
}

const answer = (row: Record<string, number | string>) =>
	Response.json({
		meta: Object.keys(row).map((name) => ({ name, type: "UInt64" })),
		data: [row],
		rows: 1,
		rows_before_limit_at_least: 1,
	});

function countsRow(counts: WindowCounts): Record<string, string> {
	// Quoted, as the SQL API answers 64-bit integers.
	return Object.fromEntries(
		WINDOW_NAMES.flatMap((window) => [
			[`total_${window}`, String(counts[window].total)],
			[`bad_${window}`, String(counts[window].bad)],
		]),
	);
}

/** Stubs `fetch` with the fake world; returns the world to steer and inspect. */
export function fakeWorld(): FakeWorld {
	const world: FakeWorld = {
		objectives: {},
		sources: {},
		signals: { captureFailing: 0, outboxStale: 0, probeRuns: 3, probeFailed: 0 },
		analyticsStatus: 200,
		webhookAnswers: [],
		sqlQueries: [],
		webhookPosts: [],
		resendPosts: [],
	};
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const request = new Request(input, init);
		const body = await request.text();
		if (request.url === SQL_API) {
			if (request.headers.get("authorization") !== "Bearer test-analytics-token") {
				return new Response("unauthorised", { status: 401 });
			}
			world.sqlQueries.push(body);
			if (world.analyticsStatus !== 200) return new Response("unavailable", { status: world.analyticsStatus });
			if (body.includes("AS capture_failing")) {
				const { captureFailing, outboxStale, probeRuns, probeFailed } = world.signals;
				return answer({
					capture_failing: captureFailing,
					outbox_stale: outboxStale,
					probe_runs: probeRuns,
					probe_failed: probeFailed,
				});
			}
			for (const objective of OBJECTIVES) {
				const source = objective.sources.find(({ events, bad }) => body.includes(events) && body.includes(bad));
				if (source) return answer(countsRow(world.sources[source.events] ?? world.objectives[objective.id] ?? HEALTHY));
			}
			return new Response(`unexpected query: ${body}`, { status: 400 });
		}
		if (request.url === WEBHOOK_URL) {
			const status = world.webhookAnswers.shift() ?? 200;
			world.webhookPosts.push({ status, body: JSON.parse(body) });
			return new Response(null, { status });
		}
		if (request.url === "https://api.resend.com/emails") {
			world.resendPosts.push({ headers: request.headers, body: JSON.parse(body) });
			return Response.json({ id: `re_${world.resendPosts.length}` });
		}
		throw new Error(`No fake for ${request.method} ${request.url}`);
	});
	return world;
}

export const FIRST_MINUTE = Date.UTC(2026, 11, 7, 12, 0);
export const minute = (index: number) => new Date(FIRST_MINUTE + index * 60_000);

/** Runs the every-minute cron once, at the given minute, through the worker's scheduled handler. */
export async function runMinute(index: number, watchEnv: WatchEnv): Promise<void> {
	const controller = createScheduledController({ scheduledTime: minute(index), cron: CRONS.serviceLevels });
	await worker.scheduled(controller, watchEnv);
}

/** The webhook posts that were taken (2xx), for one alert. */
export const delivered = (world: FakeWorld, alert: string) =>
	world.webhookPosts.filter((post) => post.status < 300 && post.body.alert === alert).map((post) => post.body);

export interface IncidentRow {
	id: string;
	alert: string;
	opened_at: string;
	last_seen_at: string;
	resolved_at: string | null;
	notified_at: string | null;
}

export async function incidents(alert: string): Promise<IncidentRow[]> {
	const { results } = await env.DB.prepare("SELECT * FROM alert_incidents WHERE alert = ? ORDER BY opened_at")
		.bind(alert)
		.all<IncidentRow>();
	return results;
}

/** The sink's alert e-mails, oldest first. */
export async function sinkEmails(): Promise<{ subject: string; text: string; to_address: string }[]> {
	const { results } = await env.DB.prepare(
		"SELECT subject, text, to_address FROM dev_outbox WHERE subject LIKE '[%' ORDER BY rowid",
	).all<{ subject: string; text: string; to_address: string }>();
	return results;
}

/** A clean slate: no incidents, no kept e-mails, no dead letters. */
export async function clearAlertState(): Promise<void> {
	await env.DB.batch([env.DB.prepare("DELETE FROM alert_incidents"), env.DB.prepare("DELETE FROM dev_outbox")]);
	for (const orders of [env.ORDERS_EU, env.ORDERS_US, env.ORDERS_APAC]) {
		await orders.prepare("DELETE FROM dead_letters").run();
	}
}
