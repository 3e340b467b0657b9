/**
 * Reading Workers Analytics Engine from the watch: its SQL API (one POST of
 * SQL text per query, answered `{ meta, data, rows }`), and the queries the
 * minute check asks: per objective source, the events and bad events over
 * each burn-rate window in one statement; and the operational signals
 * (failing captures, stale outboxes, the probe's runs) in another. Every
 * count is weighted by `_sample_interval`, as Analytics Engine samples.
 */
import { BURN_WINDOWS, WINDOW_NAMES, type WindowCounts } from "./burn-rate";
import type { DatasetName, SliSource } from "./objectives";

const API_BASE = "https://api.cloudflare.com/client/v4";
const QUERY_TIMEOUT_MS = 10_000;

export interface AnalyticsSettings {
	accountId: string;
	token: string;
	datasets: Record<DatasetName, string>;
}

/** The SQL settings from the watch's env, or undefined where there is no account to ask (local development). */
export function analyticsSettings(env: WatchEnv): AnalyticsSettings | undefined {
	const accountId: string = env.CLOUDFLARE_ACCOUNT_ID;
	if (!accountId) return undefined;
	return {
		accountId,
		token: env.ANALYTICS_API_TOKEN ?? "",
		datasets: { requests: env.REQUEST_DATASET, orderEvents: env.ORDER_EVENTS_DATASET },
	};
}

export type SqlRow = Record<string, unknown>;

/** The rows of a SQL API answer; throws on anything else, so a changed format is an error, not a zero. */
export function sqlRows(answer: unknown): SqlRow[] {
	const data = (answer as { data?: unknown } | null)?.data;
	if (!Array.isArray(data)) throw new Error("Analytics Engine answered without a data array");
	return data as SqlRow[];
}

/** A number column; 64-bit integers may come quoted, and an empty aggregate as null. */
export function numberColumn(row: SqlRow | undefined, column: string): number {
	const value = row?.[column];
	if (value === undefined || value === null) return 0;
	const number = Number(value);
	if (!Number.isFinite(number)) throw new Error(`Analytics Engine column ${column} is not a number: ${String(value)}`);
	return number;
}

/** Runs one query; rejects with the API's status and the start of its answer when it fails. */
export async function querySql(settings: AnalyticsSettings, sql: string): Promise<SqlRow[]> {
	const response = await fetch(`${API_BASE}/accounts/${settings.accountId}/analytics_engine/sql`, {
		method: "POST",
		headers: { authorization: `Bearer ${settings.token}` },
		body: sql,
		signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
	});
	const text = await response.text();
	if (!response.ok) throw new Error(`Analytics Engine SQL API answered ${response.status}: ${text.slice(0, 300)}`);
	return sqlRows(JSON.parse(text));
}

const within = (minutes: number) => `timestamp > NOW() - INTERVAL '${minutes}' MINUTE`;
const LONGEST_WINDOW = Math.max(...Object.values(BURN_WINDOWS));

/** One source's events and bad events over every burn window: `total_5m`, `bad_5m`, … `bad_6h`. */
export function windowCountsQuery(source: SliSource, dataset: string): string {
	const columns = WINDOW_NAMES.flatMap((window) => [
		`sumIf(_sample_interval, ${within(BURN_WINDOWS[window])}) AS total_${window}`,
		`sumIf(_sample_interval, ${within(BURN_WINDOWS[window])} AND (${source.bad})) AS bad_${window}`,
	]);
	return `SELECT ${columns.join(",\n\t")}
FROM ${dataset}
WHERE ${within(LONGEST_WINDOW)} AND (${source.events})
FORMAT JSON`;
}

/** `windowCountsQuery`'s answer as counts; no row at all is no events. */
export function windowCountsOf(rows: SqlRow[]): WindowCounts {
	const [row] = rows;
	return Object.fromEntries(
		WINDOW_NAMES.map((window) => [
			window,
			{ total: numberColumn(row, `total_${window}`), bad: numberColumn(row, `bad_${window}`) },
		]),
	) as WindowCounts;
}

/** How far back each signal looks, in minutes. */
export const SIGNAL_WINDOWS = { captureFailing: 15, outboxStale: 10, probe: 15 } as const;

/** The operational signals in the order-events dataset, in one statement. */
export function signalsQuery(dataset: string): string {
	const longest = Math.max(...Object.values(SIGNAL_WINDOWS));
	return `SELECT sumIf(_sample_interval, index1 = 'payments' AND blob1 = 'payment_capture_failing' AND ${within(SIGNAL_WINDOWS.captureFailing)}) AS capture_failing,
	sumIf(_sample_interval, index1 = 'outbox' AND blob1 IN ('outbox_stale', 'outbox_reconcile_gave_up') AND ${within(SIGNAL_WINDOWS.outboxStale)}) AS outbox_stale,
	sumIf(_sample_interval, index1 = 'probe' AND blob1 = 'probe_run' AND ${within(SIGNAL_WINDOWS.probe)}) AS probe_runs,
	sumIf(_sample_interval, index1 = 'probe' AND blob1 = 'probe_run' AND blob2 = 'failed' AND ${within(SIGNAL_WINDOWS.probe)}) AS probe_failed
FROM ${dataset}
WHERE ${within(longest)} AND index1 IN ('payments', 'outbox', 'probe')
FORMAT JSON`;
}

export interface Signals {
	captureFailing: number;
	outboxStale: number;
	probeRuns: number;
	probeFailed: number;
}

export function signalsOf(rows: SqlRow[]): Signals {
	const [row] = rows;
	return {
		captureFailing: numberColumn(row, "capture_failing"),
		outboxStale: numberColumn(row, "outbox_stale"),
		probeRuns: numberColumn(row, "probe_runs"),
		probeFailed: numberColumn(row, "probe_failed"),
	};
}
