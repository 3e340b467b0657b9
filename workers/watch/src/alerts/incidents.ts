/**
 * Incidents in the global database's `alert_incidents`: one open row per
 * alert (a unique index on `alert` where `resolved_at IS NULL`), so an alert
 * fires once per incident however many minutes it lasts.
 *
 * `notified_at` is when the incident's latest news went out on every channel:
 * an open incident is owed its "firing" message while it is null, a resolved
 * one its "resolved" message while it is null or older than `resolved_at`.
 * Whatever is owed is sent by the next run, so a failed send is retried.
 */
import type { AlertId } from "./catalogue";

export interface Incident {
	id: string;
	alert: AlertId;
	openedAt: string;
	lastSeenAt: string;
	resolvedAt: string | null;
	summary: string;
	notifiedAt: string | null;
}

const COLUMNS = `id, alert, opened_at AS openedAt, last_seen_at AS lastSeenAt, resolved_at AS resolvedAt,
	summary, notified_at AS notifiedAt`;

/** How long a resolved incident's message is retried; after a day nobody needs to hear it ended. */
const RESOLVED_RETRY_HOURS = 24;

export async function openIncidents(db: D1Database): Promise<Incident[]> {
	const { results } = await db
		.prepare(`SELECT ${COLUMNS} FROM alert_incidents WHERE resolved_at IS NULL`)
		.all<Incident>();
	return results;
}

/**
 * Opens an incident unless one is open for the alert; answers whether this
 * call opened it. The unique index makes a concurrent second open a no-op.
 */
export async function openIncident(db: D1Database, alert: AlertId, summary: string, now: Date): Promise<boolean> {
	const at = now.toISOString();
	const opened = await db
		.prepare(
			`INSERT INTO alert_incidents (id, alert, opened_at, last_seen_at, summary) VALUES (?1, ?2, ?3, ?3, ?4)
ON CONFLICT DO NOTHING RETURNING id`,
		)
		.bind(`inc_${crypto.randomUUID()}`, alert, at, summary)
		.first<{ id: string }>();
	return opened !== null;
}

export async function markSeen(db: D1Database, id: string, now: Date): Promise<void> {
	await db.prepare("UPDATE alert_incidents SET last_seen_at = ?2 WHERE id = ?1").bind(id, now.toISOString()).run();
}

/** Resolves an open incident; answers false when it was resolved already (by a concurrent run). */
export async function resolveIncident(db: D1Database, id: string, now: Date): Promise<boolean> {
	const resolved = await db
		.prepare(
			"UPDATE alert_incidents SET resolved_at = ?2, last_seen_at = ?2 WHERE id = ?1 AND resolved_at IS NULL RETURNING id",
		)
		.bind(id, now.toISOString())
		.first<{ id: string }>();
	return resolved !== null;
}

/** Incidents whose latest news has not gone out yet: new, newly resolved, or a send that failed. */
export async function owedNotifications(db: D1Database, now: Date): Promise<Incident[]> {
	const oldestResolution = new Date(now.getTime() - RESOLVED_RETRY_HOURS * 3_600_000).toISOString();
	const { results } = await db
		.prepare(
			`SELECT ${COLUMNS} FROM alert_incidents
WHERE (resolved_at IS NULL AND notified_at IS NULL)
	OR (resolved_at >= ?1 AND (notified_at IS NULL OR notified_at < resolved_at))
ORDER BY opened_at`,
		)
		.bind(oldestResolution)
		.all<Incident>();
	return results;
}

export async function markNotified(db: D1Database, id: string, now: Date): Promise<void> {
	await db.prepare("UPDATE alert_incidents SET notified_at = ?2 WHERE id = ?1").bind(id, now.toISOString()).run();
}
