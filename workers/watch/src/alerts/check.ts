import type { Logger } from "@goodfood/platform/log";
import { parseRegions } from "@goodfood/platform/regions";
import {
	type AnalyticsSettings,
	analyticsSettings,
	querySql,
	signalsOf,
	signalsQuery,
	windowCountsOf,
	windowCountsQuery,
} from "./analytics";
import { addCounts, type BurnDecision, evaluateBurn } from "./burn-rate";
import { ALERTS, type AlertId } from "./catalogue";
import { markNotified, markSeen, openIncident, openIncidents, owedNotifications, resolveIncident } from "./incidents";
import { notify } from "./notify";
import { OBJECTIVES } from "./objectives";
import { analyticsReadVerdict, deadLetterVerdict, objectiveVerdict, signalVerdicts, type Verdict } from "./verdicts";

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The alerts read from Analytics Engine: unknown where there is no account to ask. */
const ANALYTICS_ALERTS = (Object.keys(ALERTS) as AlertId[]).filter(
	(alert) => alert !== "dead_letters" && alert !== "analytics_unreadable",
);

async function objectiveVerdicts(settings: AnalyticsSettings, log: Logger): Promise<Verdict[]> {
	const rates: Record<string, BurnDecision["rates"]> = {};
	const verdicts = await Promise.all(
		OBJECTIVES.map(async (objective): Promise<Verdict> => {
			try {
				const parts = await Promise.all(
					objective.sources.map(async (source) =>
						windowCountsOf(await querySql(settings, windowCountsQuery(source, settings.datasets[source.dataset]))),
					),
				);
				const decision = evaluateBurn(addCounts(parts), objective.target);
				rates[objective.id] = decision.rates;
				return objectiveVerdict(objective, decision);
			} catch (error) {
				log.error("objective check failed", { objective: objective.id, error: errorText(error) });
				return { alert: `slo:${objective.id}`, state: "unknown", reason: errorText(error) };
			}
		}),
	);
	// One line a minute with every burn rate, to see how close to paging each objective is.
	log.info("service levels checked", { burnRates: rates });
	return verdicts;
}

async function analyticsSignalVerdicts(settings: AnalyticsSettings, log: Logger): Promise<Verdict[]> {
	try {
		return signalVerdicts(signalsOf(await querySql(settings, signalsQuery(settings.datasets.orderEvents))));
	} catch (error) {
		log.error("signal check failed", { error: errorText(error) });
		return (["payment_capture", "outbox_stale", "probe_failing"] as const).map((alert) => ({
			alert,
			state: "unknown",
			reason: errorText(error),
		}));
	}
}

/** Pending (never replayed) dead letters in each region's order database: the regions of `[vars.REGIONS]`, as the api's. */
async function deadLettersVerdict(env: WatchEnv, log: Logger): Promise<Verdict> {
	const regions = parseRegions(env.REGIONS, env as unknown as Record<string, unknown>).all;
	const pending: Record<string, number> = {};
	const unreadable: string[] = [];
	await Promise.all(
		regions.map(async ({ name: region, orders: db }) => {
			try {
				const row = await db
					.prepare("SELECT count(*) AS pending FROM dead_letters WHERE replayed_at IS NULL")
					.first<{ pending: number }>();
				pending[region] = row?.pending ?? 0;
			} catch (error) {
				unreadable.push(region);
				log.error("dead letters check failed", { region, error: errorText(error) });
			}
		}),
	);
	const verdict = deadLetterVerdict(pending);
	// Letters found anywhere are worth an alert; none found while a region is unreadable proves nothing.
	if (verdict.state === "ok" && unreadable.length > 0) {
		return { alert: "dead_letters", state: "unknown", reason: `unreadable: ${unreadable.join(", ")}` };
	}
	return verdict;
}

/** Opens, keeps or resolves each alert's incident by its verdict. */
async function applyVerdicts(db: D1Database, verdicts: Verdict[], now: Date, log: Logger): Promise<void> {
	const open = new Map((await openIncidents(db)).map((incident) => [incident.alert, incident]));
	for (const verdict of verdicts) {
		const incident = open.get(verdict.alert);
		if (verdict.state === "firing") {
			if (incident) await markSeen(db, incident.id, now);
			else if (await openIncident(db, verdict.alert, verdict.summary, now)) {
				log.warn("alert incident opened", { alert: verdict.alert, summary: verdict.summary });
			}
		} else if (verdict.state === "ok" && incident) {
			if (await resolveIncident(db, incident.id, now)) {
				log.info("alert incident resolved", { alert: verdict.alert, incident: incident.id });
			}
		}
	}
}

/**
 * Checks every objective and alert condition once (docs/operations.md#alerts):
 * reads, decides each alert's verdict, moves its incident, then sends every
 * notification still owed (new, resolved, or failed last minute).
 */
export async function checkServiceLevels(env: WatchEnv, now: Date, log: Logger): Promise<void> {
	const settings = analyticsSettings(env);
	const verdicts: Verdict[] = [await deadLettersVerdict(env, log)];
	if (settings) {
		const read = [...(await objectiveVerdicts(settings, log)), ...(await analyticsSignalVerdicts(settings, log))];
		const failedReads = read.flatMap((verdict) => (verdict.state === "unknown" ? [verdict.reason] : []));
		verdicts.push(...read, analyticsReadVerdict(failedReads, true));
	} else {
		log.info("analytics checks skipped: CLOUDFLARE_ACCOUNT_ID is empty", { skipped: ANALYTICS_ALERTS });
		// Only development runs without an account; a deployed watch without one would be blind, and says so.
		if (env.ENVIRONMENT !== "development") verdicts.push(analyticsReadVerdict([], false));
	}
	await applyVerdicts(env.DB, verdicts, now, log);
	for (const incident of await owedNotifications(env.DB, now)) {
		if (await notify(env, incident, log)) await markNotified(env.DB, incident.id, now);
	}
}
