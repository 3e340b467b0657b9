/**
 * The back office's operations calls: webhooks and their deliveries, dead
 * letters, daily figures, demand forecasts and the audit log. Every shape is
 * inferred from the api worker's route declarations, as in types.ts, so a
 * changed route fails `npm run typecheck:web` here.
 */
import type { InferRequestType } from "hono/client";
import { request, V1 } from "./http";
import type { Answer, Body, Routes } from "./types";

type Webhooks = Routes["locations"][":slug"]["webhooks"];

// Webhooks
export type WebhookList = Answer<Webhooks["$get"]>;
export type Webhook = WebhookList["webhooks"][number];
export type WebhookInput = Body<Webhooks["$post"]>;
/** A registered webhook with its signing secret, which is shown only in this answer. */
export type WebhookCreated = Answer<Webhooks["$post"]>;
export type WebhookEventType = Exclude<Webhook["events"], "all">[number];

/** A webhook's latest deliveries, newest first. */
export type WebhookDeliveries = Answer<Webhooks[":id"]["deliveries"]["$get"]>;
export type WebhookDelivery = WebhookDeliveries["deliveries"][number];
export type DeliveryStatus = WebhookDelivery["status"];
/** A signed ping's outcome: the receiver's HTTP status, or why it was not reached. */
export type WebhookTestResult = Answer<Webhooks[":id"]["test"]["$post"]>;

// Dead letters
export type DeadLetterState = NonNullable<InferRequestType<Routes["admin"]["dead-letters"]["$get"]>["query"]["state"]>;

type DeadLetters = Routes["admin"]["dead-letters"];
/** Dead letters from every region, newest first. */
export type DeadLetterList = Answer<DeadLetters["$get"]>;
export type DeadLetter = DeadLetterList["deadLetters"][number];
/** `replayed: false` when it had been replayed before: nothing is sent twice. */
export type ReplayOutcome = Answer<DeadLetters[":region"][":queue"][":messageId"]["replay"]["$post"]>;
export type ReplayAllOutcome = Answer<DeadLetters["replay"]["$post"]>;

// Figures
/** Daily figures per location and local day; shares are 0..1, or null without data. */
export type DailyStats = Answer<Routes["admin"]["stats"]["daily"]["$get"]>;
export type LocationFigures = DailyStats["locations"][number];
export type DailyFigures = LocationFigures["days"][number];

/** A location's demand forecasts by date and category, with 80% and 95% intervals. */
export type ForecastList = Answer<Routes["locations"][":slug"]["forecasts"]["$get"]>;
export type Forecast = ForecastList["forecasts"][number];

// Audit log
/** A page of the audit log, newest first, and the cursor of the older entries after it. */
export type AuditPage = Answer<Routes["admin"]["audit"]["$get"]>;
export type AuditEntry = AuditPage["entries"][number];
/** What the audit log can be narrowed to: actor (id or e-mail), part of the action, location, and dates. */
export type AuditFilter = Omit<InferRequestType<Routes["admin"]["audit"]["$get"]>["query"], "cursor" | "limit">;

const enc = encodeURIComponent;
const webhooksPath = (slug: string) => `${V1}/locations/${enc(slug)}/webhooks`;

/** `?a=1&b=2` from the values that are set, or nothing when none is. */
function queryOf(values: Record<string, string | number | undefined>): string {
	const query = new URLSearchParams();
	for (const [name, value] of Object.entries(values)) {
		if (value !== undefined && value !== "") query.set(name, String(value));
	}
	const text = query.toString();
	return text ? `?${text}` : "";
}

export function listWebhooks(slug: string): Promise<WebhookList> {
	return request(webhooksPath(slug));
}

export function registerWebhook(slug: string, input: WebhookInput): Promise<WebhookCreated> {
	return request(webhooksPath(slug), { method: "POST", body: input });
}

export function removeWebhook(slug: string, id: string): Promise<void> {
	return request(`${webhooksPath(slug)}/${enc(id)}`, { method: "DELETE" });
}

/** Sends the webhook a signed `ping` now and answers how the receiver took it. */
export function testWebhook(slug: string, id: string): Promise<WebhookTestResult> {
	return request(`${webhooksPath(slug)}/${enc(id)}/test`, { method: "POST" });
}

export function webhookDeliveries(slug: string, id: string, limit = 10): Promise<WebhookDeliveries> {
	return request(`${webhooksPath(slug)}/${enc(id)}/deliveries${queryOf({ limit })}`);
}

export function listDeadLetters(state: DeadLetterState, limit = 100): Promise<DeadLetterList> {
	return request(`${V1}/admin/dead-letters${queryOf({ state, limit })}`);
}

export function replayDeadLetter(letter: Pick<DeadLetter, "region" | "queue" | "messageId">): Promise<ReplayOutcome> {
	const path = `${V1}/admin/dead-letters/${enc(letter.region)}/${enc(letter.queue)}/${enc(letter.messageId)}/replay`;
	return request(path, { method: "POST" });
}

/** Replays every pending dead letter; ones replayed meanwhile are counted, not sent again. */
export function replayAllDeadLetters(): Promise<ReplayAllOutcome> {
	return request(`${V1}/admin/dead-letters/replay`, { method: "POST" });
}

/** Daily figures from `from` to `to` (local dates, inclusive); every location the caller may see when `location` is left out. */
export function dailyStats(range: { location?: string; from: string; to: string }): Promise<DailyStats> {
	return request(`${V1}/admin/stats/daily${queryOf(range)}`);
}

export function forecasts(slug: string, from: string, to: string): Promise<ForecastList> {
	return request(`${V1}/locations/${enc(slug)}/forecasts${queryOf({ from, to })}`);
}

/** A page of the audit log, newest first; pass the previous page's `nextCursor` for the next. */
export function auditEntries(filter: AuditFilter, cursor?: string, limit = 50): Promise<AuditPage> {
	return request(`${V1}/admin/audit${queryOf({ ...filter, cursor, limit })}`);
}
