/**
 * What each check concludes from what it read: firing (with a summary for
 * the alert), ok, or unknown when it could not read (an unknown leaves an
 * open incident open: the watch does not resolve what it cannot see).
 * Pure, apart from the data it is given.
 */
import type { Signals } from "./analytics";
import type { BurnDecision } from "./burn-rate";
import type { AlertId } from "./catalogue";
import type { Objective } from "./objectives";

export type Verdict =
	| { alert: AlertId; state: "firing"; summary: string }
	| { alert: AlertId; state: "ok" }
	| { alert: AlertId; state: "unknown"; reason: string };

/** Two failed runs in the window: one can be a blip, two in fifteen minutes is a pattern. */
export const PROBE_FAILURES_TO_ALERT = 2;

export function objectiveVerdict(objective: Objective, decision: BurnDecision): Verdict {
	const alert = `slo:${objective.id}` as const;
	if (!decision.firing) return { alert, state: "ok" };
	return { alert, state: "firing", summary: `${objective.name} (${objective.target * 100}%): ${decision.summary}` };
}

export function signalVerdicts(signals: Signals): Verdict[] {
	const verdicts: Verdict[] = [];
	verdicts.push(
		signals.captureFailing > 0
			? {
					alert: "payment_capture",
					state: "firing",
					summary: `${signals.captureFailing} payment_capture_failing point(s) in the last 15 minutes`,
				}
			: { alert: "payment_capture", state: "ok" },
	);
	verdicts.push(
		signals.outboxStale > 0
			? {
					alert: "outbox_stale",
					state: "firing",
					summary: `${signals.outboxStale} outbox_stale or outbox_reconcile_gave_up point(s) in the last 10 minutes`,
				}
			: { alert: "outbox_stale", state: "ok" },
	);
	if (signals.probeRuns === 0) {
		verdicts.push({
			alert: "probe_failing",
			state: "firing",
			summary: "no synthetic probe run in the last 15 minutes",
		});
	} else if (signals.probeFailed >= PROBE_FAILURES_TO_ALERT) {
		verdicts.push({
			alert: "probe_failing",
			state: "firing",
			summary: `${signals.probeFailed} of ${signals.probeRuns} synthetic probe runs failed in the last 15 minutes`,
		});
	} else {
		verdicts.push({ alert: "probe_failing", state: "ok" });
	}
	return verdicts;
}

/** Pending dead letters per region, as read. */
export function deadLetterVerdict(pendingByRegion: Record<string, number>): Verdict {
	const regions = Object.entries(pendingByRegion).filter(([, pending]) => pending > 0);
	if (regions.length === 0) return { alert: "dead_letters", state: "ok" };
	return {
		alert: "dead_letters",
		state: "firing",
		summary: `pending dead letters: ${regions.map(([region, pending]) => `${pending} in ${region}`).join(", ")}`,
	};
}

/**
 * Whether the watch could read Analytics Engine this run. Every alert read from it stays as it was while it
 * cannot (unknown is not ok), so a lasting failure — an expired token, a changed answer — would otherwise
 * silence them all without a word. `reasons` are the failed reads; `configured` is false where no account
 * is set, which only development may be.
 */
export function analyticsReadVerdict(reasons: string[], configured: boolean): Verdict {
	if (!configured) {
		return {
			alert: "analytics_unreadable",
			state: "firing",
			summary: "CLOUDFLARE_ACCOUNT_ID is empty outside development: no objective is being checked",
		};
	}
	if (reasons.length === 0) return { alert: "analytics_unreadable", state: "ok" };
	return {
		alert: "analytics_unreadable",
		state: "firing",
		summary: `${reasons.length} Analytics Engine read(s) failed: ${[...new Set(reasons)].join("; ")}`,
	};
}
