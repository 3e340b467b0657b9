// The release gate's rule on answers recorded from the Analytics Engine SQL API (FORMAT JSON, where the
// weighted sums come back as strings): pass, too many errors, too slow, and too little traffic.
import { describe, expect, it } from "vitest";
import { decideGate, gateSql, MIN_REQUESTS, P99_BUDGET_MS, readGateAnswer, type SqlAnswer } from "./gate";

const NEW = "6c1a5c0e-6f3b-4d43-9a8e-1f2b3c4d5e6f";
const OLD = "0b9e2f41-2d4c-4a6b-8c1d-9e8f7a6b5c4d";

/** An answer as the SQL API sends it for the gate's query. */
const recorded = (rows: { version: string; requests: number; errors: number; p99_ms: number }[]): SqlAnswer =>
	JSON.parse(
		JSON.stringify({
			meta: [
				{ name: "version", type: "String" },
				{ name: "requests", type: "UInt64" },
				{ name: "errors", type: "UInt64" },
				{ name: "p99_ms", type: "Float64" },
			],
			data: rows.map((row) => ({ ...row, requests: String(row.requests), errors: String(row.errors) })),
			rows: rows.length,
		}),
	);

const decide = (worker: "api" | "menu-edge", answer: SqlAnswer, extendedSoak = false) => {
	const { candidate, baseline } = readGateAnswer(answer, NEW, OLD);
	return decideGate({
		worker,
		candidate: candidate ?? { requests: 0, errors: 0, p99Ms: 0 },
		baseline,
		extendedSoak,
	});
};

describe("the release gate", () => {
	it("passes a version as healthy as the running one", () => {
		const answer = recorded([
			{ version: NEW, requests: 1240, errors: 3, p99_ms: 212.4 },
			{ version: OLD, requests: 11180, errors: 31, p99_ms: 198 },
		]);
		expect(decide("api", answer)).toMatchObject({ verdict: "pass" });
	});

	it("fails an error rate above 1% when the running version's is low", () => {
		const answer = recorded([
			{ version: NEW, requests: 800, errors: 20, p99_ms: 40 },
			{ version: OLD, requests: 7200, errors: 29, p99_ms: 41 },
		]);
		const decision = decide("menu-edge", answer);
		expect(decision.verdict).toBe("fail");
		expect(decision.verdict === "fail" && decision.reasons.join()).toMatch(
			/error rate 2\.50% \(20\/800\) is above 1\.00%/,
		);
	});

	it("allows up to twice the running version's error rate when that is above 1%, and no more", () => {
		const running = { version: OLD, requests: 5000, errors: 150, p99_ms: 300 }; // 3%
		const within = recorded([{ version: NEW, requests: 1000, errors: 55, p99_ms: 310 }, running]); // 5.5%
		const beyond = recorded([{ version: NEW, requests: 1000, errors: 65, p99_ms: 310 }, running]); // 6.5%
		expect(decide("api", within).verdict).toBe("pass");
		expect(decide("api", beyond)).toMatchObject({ verdict: "fail" });
	});

	it("fails a p99 over the worker's budget even when the running version is as slow", () => {
		const answer = recorded([
			{ version: NEW, requests: 900, errors: 0, p99_ms: P99_BUDGET_MS["menu-edge"] + 40 },
			{ version: OLD, requests: 8000, errors: 0, p99_ms: P99_BUDGET_MS["menu-edge"] + 30 },
		]);
		const decision = decide("menu-edge", answer);
		expect(decision.verdict === "fail" && decision.reasons).toEqual([
			"p99 140 ms is over the menu-edge budget of 100 ms",
		]);
	});

	it("fails a p99 clearly worse than the running version's while still within budget", () => {
		const answer = recorded([
			{ version: NEW, requests: 900, errors: 1, p99_ms: 420 },
			{ version: OLD, requests: 8000, errors: 9, p99_ms: 180 },
		]);
		const decision = decide("api", answer);
		expect(decision.verdict === "fail" && decision.reasons).toEqual([
			"p99 420 ms is clearly worse than the running version's 180 ms",
		]);
	});

	it("does not call a few milliseconds of jitter on fast reads a regression", () => {
		const answer = recorded([
			{ version: NEW, requests: 900, errors: 0, p99_ms: 9 },
			{ version: OLD, requests: 8000, errors: 0, p99_ms: 4 },
		]);
		expect(decide("menu-edge", answer).verdict).toBe("pass");
	});

	it("waits one more soak period on too little traffic, then passes with a warning", () => {
		const quiet = recorded([
			{ version: NEW, requests: MIN_REQUESTS - 38, errors: 1, p99_ms: 900 },
			{ version: OLD, requests: 95, errors: 0, p99_ms: 120 },
		]);
		expect(decide("api", quiet)).toEqual({
			verdict: "wait",
			notes: ["12 request(s) on the new version, fewer than 50: waiting one more soak period"],
		});
		const stillQuiet = decide("api", quiet, true);
		expect(stillQuiet.verdict).toBe("pass");
		expect(stillQuiet.notes.join()).toMatch(/^WARNING: 12 request\(s\).*passing without evidence/);
	});

	it("treats a version missing from the answer as no traffic", () => {
		expect(decide("api", recorded([{ version: OLD, requests: 300, errors: 0, p99_ms: 100 }])).verdict).toBe("wait");
	});

	it("at 100%, where the running version serves nothing, judges by the absolute thresholds and says so", () => {
		const answer = recorded([{ version: NEW, requests: 5000, errors: 20, p99_ms: 250 }]);
		const decision = decide("api", answer);
		expect(decision.verdict).toBe("pass");
		expect(decision.notes[0]).toBe("the running version served 0 request(s) in the window: absolute thresholds only");
	});
});

describe("the gate's query", () => {
	it("weighs by _sample_interval with the dialect's conditional sum and weighted quantile", () => {
		const sql = gateSql({
			dataset: "goodfood_requests_staging",
			worker: "menu-edge",
			candidateVersion: NEW,
			baselineVersion: OLD,
			windowSeconds: 301.2,
		});
		expect(sql).toContain("sumIf(_sample_interval, double1 >= 500) AS errors");
		expect(sql).toContain("quantileExactWeighted(0.99)(double2, _sample_interval) AS p99_ms");
		expect(sql).toContain("FROM goodfood_requests_staging");
		expect(sql).toContain(`(blob8 = '${NEW}' OR blob8 = '${OLD}')`);
		expect(sql).toContain("INTERVAL '302' SECOND");
		// The edge's relays are the api's requests, gated with the api.
		expect(sql).toContain("WHERE blob1 = 'menu-edge' AND blob3 != '/*'");
	});

	it("refuses a version id that is not one, rather than pasting it into SQL", () => {
		expect(() =>
			gateSql({
				dataset: "goodfood_requests",
				worker: "api",
				candidateVersion: "x' OR 1=1 --",
				baselineVersion: OLD,
				windowSeconds: 60,
			}),
		).toThrow(/not a Worker version id/);
	});
});
