/** Burn rates and the paging decision, from recorded Analytics Engine SQL answers (fixtures/). */
import { describe, expect, it } from "vitest";
import { numberColumn, sqlRows, windowCountsOf, windowCountsQuery } from "./analytics";
import { addCounts, BURN_RULES, burnRate, evaluateBurn } from "./burn-rate";
import edgeLatencyNoTraffic from "./fixtures/edge-latency-no-traffic.json";
import menuFastBurn from "./fixtures/menu-availability-fast-burn.json";
import checkoutsRecovering from "./fixtures/order-placement-checkouts-recovering.json";
import probeRuns from "./fixtures/order-placement-probe-runs.json";
import projectionSlowBurn from "./fixtures/projection-lag-slow-burn.json";
import { OBJECTIVES } from "./objectives";

const target = (id: string) => {
	const objective = OBJECTIVES.find((candidate) => candidate.id === id);
	if (!objective) throw new Error(`no objective ${id}`);
	return objective.target;
};

describe("burn rate", () => {
	it("is the bad share over the error budget", () => {
		expect(burnRate({ total: 1000, bad: 1 }, 0.999)).toBeCloseTo(1);
		expect(burnRate({ total: 1000, bad: 20 }, 0.99)).toBeCloseTo(2);
	});

	it("is 0, not NaN, with no traffic", () => {
		expect(burnRate({ total: 0, bad: 0 }, 0.9999)).toBe(0);
	});
});

describe("the paging rules on recorded answers", () => {
	it("pages on a fast burn of menu availability: above 14.4 over both 1 h and 5 min", () => {
		const decision = evaluateBurn(windowCountsOf(sqlRows(menuFastBurn)), target("menu_availability"));
		expect(decision.rates["5m"]).toBeCloseTo(25, 5);
		expect(decision.rates["1h"]).toBeCloseTo(18.06, 2);
		expect(decision.rates["6h"]).toBeCloseTo(3.47, 2);
		expect(decision.firing?.name).toBe("fast burn");
		expect(decision.summary).toBe("burn rate 18.1 over 1h and 25.0 over 5m (fast burn, above 14.4)");
	});

	it("pages on a slow burn of projection lag: above 6 over both 6 h and 30 min, while the hour stays under 14.4", () => {
		const decision = evaluateBurn(windowCountsOf(sqlRows(projectionSlowBurn)), target("projection_lag"));
		expect(decision.rates["6h"]).toBeCloseTo(7, 5);
		expect(decision.rates["30m"]).toBeCloseTo(7.78, 2);
		expect(decision.rates["1h"]).toBeCloseTo(8.82, 2);
		expect(decision.firing?.name).toBe("slow burn");
	});

	it("does not page once the short window is clean, though the hour still burns (order placement, checkouts and probe runs added)", () => {
		const counts = addCounts([windowCountsOf(sqlRows(checkoutsRecovering)), windowCountsOf(sqlRows(probeRuns))]);
		expect(counts["1h"]).toEqual({ total: 6012, bad: 121 });
		const decision = evaluateBurn(counts, target("order_placement"));
		expect(decision.rates["1h"]).toBeCloseTo(20.13, 2);
		expect(decision.rates["5m"]).toBe(0);
		expect(decision.firing).toBeUndefined();
	});

	it("reads quiet windows as rate 0 and no page, whether the answer has a zero row or none", () => {
		for (const rows of [sqlRows(edgeLatencyNoTraffic), []]) {
			const decision = evaluateBurn(windowCountsOf(rows), target("edge_latency"));
			expect(Object.values(decision.rates)).toEqual([0, 0, 0, 0]);
			expect(decision.firing).toBeUndefined();
		}
	});

	it("needs both windows above the threshold", () => {
		const [fast] = BURN_RULES;
		const quiet = { total: 100_000, bad: 0 };
		const burning = { total: 100_000, bad: 2_000 }; // 2% of a 0.1% budget: 20
		const longOnly = { "5m": quiet, "30m": quiet, "1h": burning, "6h": quiet };
		const shortOnly = { "5m": burning, "30m": quiet, "1h": quiet, "6h": quiet };
		expect(evaluateBurn(longOnly, 0.999).firing).toBeUndefined();
		expect(evaluateBurn(shortOnly, 0.999).firing).toBeUndefined();
		expect(evaluateBurn({ ...longOnly, "5m": burning }, 0.999).firing).toBe(fast);
	});
});

describe("the SQL", () => {
	it("asks each window's events and bad events, weighted by the sample interval, over the longest window", () => {
		const [menu] = OBJECTIVES;
		const sql = windowCountsQuery(menu.sources[0], "goodfood_requests_production");
		expect(sql).toContain("sumIf(_sample_interval, timestamp > NOW() - INTERVAL '5' MINUTE) AS total_5m");
		expect(sql).toContain(
			"sumIf(_sample_interval, timestamp > NOW() - INTERVAL '360' MINUTE AND (double1 >= 500)) AS bad_6h",
		);
		expect(sql).toContain("FROM goodfood_requests_production");
		expect(sql).toContain(
			"WHERE timestamp > NOW() - INTERVAL '360' MINUTE AND (blob1 = 'menu-edge' AND blob3 IN ('/menu', '/api/menu/:slug'))",
		);
	});

	it("refuses an answer that is not the SQL API's shape, rather than reading it as zero", () => {
		expect(() => sqlRows({ errors: [{ message: "bad token" }] })).toThrow(/without a data array/);
		expect(() => numberColumn({ total_5m: "many" }, "total_5m")).toThrow(/not a number/);
	});
});
