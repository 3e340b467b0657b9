/**
 * Multiwindow, multi-burn-rate alerting, as in Google's SRE workbook
 * ("Alerting on SLOs"): the burn rate is how fast the error budget goes,
 * 1 meaning exactly on budget over the objective's window. A rule fires when
 * the rate is above its threshold over both a long window (the budget really
 * is going) and a short one (it is still going now, so the alert resolves
 * soon after the problem does). Pure: counts in, decision out.
 */

/** The windows the rules read, in minutes. */
export const BURN_WINDOWS = { "5m": 5, "30m": 30, "1h": 60, "6h": 360 } as const;
export type WindowName = keyof typeof BURN_WINDOWS;
export const WINDOW_NAMES = Object.keys(BURN_WINDOWS) as WindowName[];

/** Events and bad events over one window, weighted by the sample interval. */
export interface Counts {
	total: number;
	bad: number;
}
export type WindowCounts = Record<WindowName, Counts>;

export interface BurnRule {
	name: string;
	severity: "page" | "ticket";
	threshold: number;
	long: WindowName;
	short: WindowName;
}

/**
 * 14.4 over an hour spends 2% of a 30-day budget; 6 over six hours spends 5%.
 * Both page: at those rates the budget is gone in about two and five days.
 */
export const BURN_RULES: readonly BurnRule[] = [
	{ name: "fast burn", severity: "page", threshold: 14.4, long: "1h", short: "5m" },
	{ name: "slow burn", severity: "page", threshold: 6, long: "6h", short: "30m" },
];

/** (bad / total) / (1 − target); 0 with no events, since nothing failed. */
export function burnRate(counts: Counts, target: number): number {
	if (counts.total <= 0) return 0;
	return counts.bad / counts.total / (1 - target);
}

export interface BurnDecision {
	rates: Record<WindowName, number>;
	/** The first rule above its threshold over both its windows; undefined while the budget is safe. */
	firing: BurnRule | undefined;
	/** A sentence for the alert, e.g. "burn rate 20.0 over 1h and 18.3 over 5m (fast burn, above 14.4)". */
	summary: string;
}

export function evaluateBurn(counts: WindowCounts, target: number): BurnDecision {
	const rates = Object.fromEntries(WINDOW_NAMES.map((window) => [window, burnRate(counts[window], target)])) as Record<
		WindowName,
		number
	>;
	const firing = BURN_RULES.find((rule) => rates[rule.long] > rule.threshold && rates[rule.short] > rule.threshold);
	const summary = firing
		? `burn rate ${rates[firing.long].toFixed(1)} over ${firing.long} and ${rates[firing.short].toFixed(1)} over ${firing.short} (${firing.name}, above ${firing.threshold})`
		: `burn rate ${rates["1h"].toFixed(1)} over 1h, ${rates["6h"].toFixed(1)} over 6h`;
	return { rates, firing, summary };
}

/** The counts of several sources of one objective, added window by window. */
export function addCounts(parts: readonly WindowCounts[]): WindowCounts {
	return Object.fromEntries(
		WINDOW_NAMES.map((window) => [
			window,
			{
				total: parts.reduce((sum, part) => sum + part[window].total, 0),
				bad: parts.reduce((sum, part) => sum + part[window].bad, 0),
			},
		]),
	) as WindowCounts;
}
