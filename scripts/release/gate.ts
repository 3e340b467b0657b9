/**
 * The health gate between two traffic steps of a rollout: how the new version's requests compare with
 * the running version's, read from the environment's requests dataset in Workers Analytics Engine
 * (`blob1` worker, `blob8` version id, `double1` status, `double2` latency in ms; layout in docs/operations.md).
 */

/** The workers the pipeline rolls out gradually (the watch has no traffic to gate). */
export type RolloutWorker = "api" | "menu-edge";

/**
 * Each worker's p99 latency budget. The edge's is the service level objective itself (edge p99 < 100 ms,
 * docs/service-levels.md): a version that misses it at 10% would burn the objective at 100%. The api
 * answers behind the edge with D1 writes, Durable Object calls and the payment provider on a checkout, so
 * its requests are slower by nature; 500 ms is where a storefront action starts to feel stuck.
 */
export const P99_BUDGET_MS: Record<RolloutWorker, number> = { "menu-edge": 100, api: 500 };

/**
 * Below this many requests one 5xx is 2% and the p99 is the slowest request: the numbers say nothing,
 * so the gate waits one more soak period, then passes with a warning rather than blocking a quiet
 * environment (staging at night) forever.
 */
export const MIN_REQUESTS = 50;

/** A new version may fail up to 1% of requests (client aborts, a provider's 5xx) before it counts as worse. */
export const ERROR_RATE_FLOOR = 0.01;

/** …or up to twice the running version's rate, when that is higher: the release must not double the errors. */
export const ERROR_RATE_MULTIPLIER = 2;

/**
 * "Clearly worse" latency: 50% slower than the running version at p99 *and* at least 25 ms slower, so
 * jitter on fast cached reads (4 ms against 7 ms) does not fail a release.
 */
export const P99_REGRESSION_FACTOR = 1.5;
export const P99_REGRESSION_FLOOR_MS = 25;

/** One version's requests in the gate's window, weighted by `_sample_interval`. */
export interface VersionTraffic {
	requests: number;
	errors: number;
	p99Ms: number;
}

export interface GateInput {
	worker: RolloutWorker;
	/** The version being rolled out. */
	candidate: VersionTraffic;
	/** The running version in the same window; null when it served nothing (at 100% it gets no traffic). */
	baseline: VersionTraffic | null;
	/** True once the gate has already waited one extra soak period for traffic. */
	extendedSoak: boolean;
}

export type GateDecision =
	| { verdict: "pass"; notes: string[] }
	| { verdict: "wait"; notes: string[] }
	| { verdict: "fail"; reasons: string[]; notes: string[] };

const percent = (rate: number) => `${(rate * 100).toFixed(2)}%`;

/** The gate rule: pass, fail with every reason, or wait one more soak period for enough traffic. */
export function decideGate({ worker, candidate, baseline, extendedSoak }: GateInput): GateDecision {
	const notes: string[] = [];
	if (candidate.requests < MIN_REQUESTS) {
		const seen = `${candidate.requests} request(s) on the new version, fewer than ${MIN_REQUESTS}`;
		if (!extendedSoak) return { verdict: "wait", notes: [`${seen}: waiting one more soak period`] };
		return {
			verdict: "pass",
			notes: [`WARNING: ${seen} even after an extra soak period: passing without evidence`],
		};
	}

	const comparable = baseline !== null && baseline.requests >= MIN_REQUESTS ? baseline : null;
	if (comparable === null) {
		notes.push(
			`the running version served ${baseline?.requests ?? 0} request(s) in the window: absolute thresholds only`,
		);
	}

	const reasons: string[] = [];
	const errorRate = candidate.errors / candidate.requests;
	const baselineRate = comparable ? comparable.errors / comparable.requests : 0;
	const errorLimit = Math.max(ERROR_RATE_FLOOR, ERROR_RATE_MULTIPLIER * baselineRate);
	if (errorRate > errorLimit) {
		reasons.push(
			`error rate ${percent(errorRate)} (${candidate.errors}/${candidate.requests}) is above ${percent(errorLimit)}` +
				(comparable ? ` (running version: ${percent(baselineRate)})` : ""),
		);
	}

	const budget = P99_BUDGET_MS[worker];
	if (candidate.p99Ms > budget) {
		reasons.push(`p99 ${Math.round(candidate.p99Ms)} ms is over the ${worker} budget of ${budget} ms`);
	}
	if (
		comparable &&
		candidate.p99Ms > comparable.p99Ms * P99_REGRESSION_FACTOR &&
		candidate.p99Ms - comparable.p99Ms > P99_REGRESSION_FLOOR_MS
	) {
		reasons.push(
			`p99 ${Math.round(candidate.p99Ms)} ms is clearly worse than the running version's ${Math.round(comparable.p99Ms)} ms`,
		);
	}

	notes.push(
		`new version: ${candidate.requests} requests, ${percent(errorRate)} errors, p99 ${Math.round(candidate.p99Ms)} ms`,
	);
	return reasons.length > 0 ? { verdict: "fail", reasons, notes } : { verdict: "pass", notes };
}

/** The thresholds as one line, for the dry run and the log. */
export function describeGate(worker: RolloutWorker, soakSeconds: number): string {
	return (
		`soak ${soakSeconds} s, then: error rate <= max(${percent(ERROR_RATE_FLOOR)}, ${ERROR_RATE_MULTIPLIER} x running version's); ` +
		`p99 <= ${P99_BUDGET_MS[worker]} ms and not > ${P99_REGRESSION_FACTOR} x running version's (+${P99_REGRESSION_FLOOR_MS} ms); ` +
		`< ${MIN_REQUESTS} requests: one more soak, then pass with a warning`
	);
}

/**
 * Which of a worker's requests its gate reads. The edge relays every API call to the api worker (route
 * `/*`); those take the api's time and errors, which the api's own gate reads, so the edge is judged on
 * what it answers itself (menus, photos, health), as the edge-latency objective is.
 */
const GATED_REQUESTS: Record<RolloutWorker, string> = {
	api: "blob1 = 'api'",
	"menu-edge": "blob1 = 'menu-edge' AND blob3 != '/*'",
};

const VERSION_ID = /^[0-9a-f-]{36}$/i;
const DATASET = /^[a-z0-9_]+$/;

export interface GateQuery {
	dataset: string;
	worker: RolloutWorker;
	candidateVersion: string;
	baselineVersion: string;
	/** Seconds back from now: the time since the traffic step this gate follows. */
	windowSeconds: number;
}

/**
 * The Analytics Engine SQL for both versions' traffic. `sumIf` and `quantileExactWeighted` are the
 * dialect's conditional sum and weighted quantile; both weigh rows by `_sample_interval`.
 */
export function gateSql({ dataset, worker, candidateVersion, baselineVersion, windowSeconds }: GateQuery): string {
	for (const id of [candidateVersion, baselineVersion]) {
		if (!VERSION_ID.test(id)) throw new Error(`not a Worker version id: ${JSON.stringify(id)}`);
	}
	if (!DATASET.test(dataset)) throw new Error(`not a dataset name: ${JSON.stringify(dataset)}`);
	return [
		"SELECT blob8 AS version,",
		"  sum(_sample_interval) AS requests,",
		"  sumIf(_sample_interval, double1 >= 500) AS errors,",
		"  quantileExactWeighted(0.99)(double2, _sample_interval) AS p99_ms",
		`FROM ${dataset}`,
		`WHERE ${GATED_REQUESTS[worker]}`,
		`  AND (blob8 = '${candidateVersion}' OR blob8 = '${baselineVersion}')`,
		`  AND timestamp > NOW() - INTERVAL '${Math.max(1, Math.ceil(windowSeconds))}' SECOND`,
		"GROUP BY version",
		"FORMAT JSON",
	].join("\n");
}

/** The SQL API's JSON answer (`FORMAT JSON`): numbers may come back as strings (64-bit integers). */
export interface SqlAnswer {
	data: Record<string, unknown>[];
}

/** Each version's traffic from the answer; a version that served nothing in the window is null. */
export function readGateAnswer(
	answer: SqlAnswer,
	candidateVersion: string,
	baselineVersion: string,
): { candidate: VersionTraffic | null; baseline: VersionTraffic | null } {
	const byVersion = new Map(answer.data.map((row) => [String(row.version), row]));
	const traffic = (id: string): VersionTraffic | null => {
		const row = byVersion.get(id);
		if (!row) return null;
		const read = (name: string) => {
			const value = Number(row[name]);
			if (!Number.isFinite(value)) throw new Error(`Analytics Engine answered ${name}=${String(row[name])}`);
			return value;
		};
		return { requests: read("requests"), errors: read("errors"), p99Ms: read("p99_ms") };
	};
	return { candidate: traffic(candidateVersion), baseline: traffic(baselineVersion) };
}
