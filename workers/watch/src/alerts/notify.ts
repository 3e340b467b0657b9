/**
 * Telling people: one message per incident and status, by webhook (a JSON
 * POST to ALERT_WEBHOOK_URL) and by e-mail to ALERT_EMAIL_TO, through Resend
 * or, in development, the api's e-mail sink (a `dev_outbox` row, read at
 * GET /api/v1/dev/emails). A channel that is not configured is skipped with
 * a log line; one that fails makes the whole notification owed again.
 */
import type { Logger } from "@goodfood/platform/log";
import { database } from "../../../api/src/db/client";
import { escapeHtml } from "../../../api/src/notifications/domain/templates";
import {
	developmentSink,
	type EmailMessage,
	type EmailSender,
	resendSender,
} from "../../../api/src/notifications/email";
import { ALERTS, type AlertDefinition, runbookUrl } from "./catalogue";
import type { Incident } from "./incidents";

const WEBHOOK_TIMEOUT_MS = 5_000;

export type AlertStatus = "firing" | "resolved";

/** What the webhook receives. */
export interface AlertPayload {
	alert: string;
	incident: string;
	status: AlertStatus;
	severity: AlertDefinition["severity"];
	environment: string;
	title: string;
	summary: string;
	firstLook: string;
	runbook: string;
	openedAt: string;
	resolvedAt: string | null;
}

export function alertPayload(
	incident: Incident,
	env: Pick<WatchEnv, "ENVIRONMENT" | "OPERATIONS_DOCS_URL">,
): AlertPayload {
	const definition = ALERTS[incident.alert];
	return {
		alert: incident.alert,
		incident: incident.id,
		status: incident.resolvedAt ? "resolved" : "firing",
		severity: definition.severity,
		environment: env.ENVIRONMENT,
		title: definition.title,
		summary: incident.summary,
		firstLook: definition.firstLook,
		runbook: runbookUrl(env.OPERATIONS_DOCS_URL, incident.alert),
		openedAt: incident.openedAt,
		resolvedAt: incident.resolvedAt,
	};
}

/** An alert e-mail, to ALERT_EMAIL_TO; its idempotency key is one per incident and status, so a retry is not e-mailed twice. */
export type AlertEmail = Omit<EmailMessage, "to">;

export function alertEmail(payload: AlertPayload): AlertEmail {
	const status = payload.status === "firing" ? "FIRING" : "RESOLVED";
	const lines: [string, string][] = [
		["What", payload.summary],
		["Look first at", payload.firstLook],
		["What to do", payload.runbook],
		["Opened", payload.openedAt],
		...(payload.resolvedAt ? ([["Resolved", payload.resolvedAt]] as [string, string][]) : []),
		["Incident", payload.incident],
	];
	return {
		subject: `[${status}] [${payload.environment}] ${payload.title}`,
		text: `${payload.title} (${payload.severity}, ${payload.environment})\n\n${lines.map(([label, value]) => `${label}: ${value}`).join("\n")}\n`,
		html: `<p><strong>${escapeHtml(payload.title)}</strong> (${payload.severity}, ${escapeHtml(payload.environment)})</p>\n${lines
			.map(([label, value]) =>
				label === "What to do"
					? `<p>${label}: <a href="${escapeHtml(value)}">${escapeHtml(value)}</a></p>`
					: `<p>${label}: ${escapeHtml(value)}</p>`,
			)
			.join("\n")}`,
		idempotencyKey: `alert:${payload.incident}:${payload.status}`,
	};
}

async function postWebhook(url: string, payload: AlertPayload): Promise<void> {
	const response = await fetch(url, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify(payload),
		signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
		redirect: "manual",
	});
	if (!response.ok) throw new Error(`the alert webhook answered ${response.status}`);
}

/**
 * The api's own senders (Resend, or locally the `dev_outbox` sink that GET /api/v1/dev/emails reads), so an
 * alert e-mail goes out exactly as a customer's does, and the provider's rules live in one place.
 */
function alertSender(env: WatchEnv): EmailSender {
	const provider: string = env.EMAIL_PROVIDER;
	if (provider === "resend") {
		if (!env.RESEND_API_KEY) throw new Error("EMAIL_PROVIDER is resend but the RESEND_API_KEY secret is not set");
		return resendSender({ apiKey: env.RESEND_API_KEY, from: env.EMAIL_FROM, baseUrl: env.RESEND_API_URL });
	}
	if (provider === "sink") {
		const environment: string = env.ENVIRONMENT;
		if (environment !== "development")
			throw new Error(`The e-mail sink only runs in development, not in ${environment}`);
		return developmentSink(database(env.DB), env.EMAIL_FROM);
	}
	throw new Error(`Unknown EMAIL_PROVIDER ${provider}; expected sink or resend`);
}

async function sendEmail(env: WatchEnv, email: AlertEmail): Promise<void> {
	await alertSender(env).send({ to: env.ALERT_EMAIL_TO, ...email });
}

/**
 * Sends an incident's latest news on every configured channel; answers
 * whether all of them took it. Each channel's failure is logged apart.
 */
export async function notify(env: WatchEnv, incident: Incident, log: Logger): Promise<boolean> {
	const payload = alertPayload(incident, env);
	const fields = { alert: payload.alert, incident: payload.incident, status: payload.status };
	const channels: Promise<void>[] = [];
	if (env.ALERT_WEBHOOK_URL) channels.push(postWebhook(env.ALERT_WEBHOOK_URL, payload));
	else log.warn("alert webhook skipped: ALERT_WEBHOOK_URL is not set", fields);
	const to: string = env.ALERT_EMAIL_TO;
	if (to) channels.push(sendEmail(env, alertEmail(payload)));
	else log.warn("alert e-mail skipped: ALERT_EMAIL_TO is empty", fields);
	const outcomes = await Promise.allSettled(channels);
	const failures = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
	for (const failure of failures) {
		log.error("alert notification failed; retried next minute", {
			...fields,
			error: failure instanceof Error ? failure.message : String(failure),
		});
	}
	return failures.length === 0;
}
