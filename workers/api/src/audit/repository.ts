/**
 * The audit log's reads: one page of entries, newest first, with each
 * actor's e-mail while the account exists. The log is only ever inserted
 * into (record.ts); its triggers refuse any change.
 */
import { and, desc, eq, gte, inArray, lt, lte, type SQL, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import * as schema from "../db/schema";
import { notAtSyntheticLocation, notBySyntheticAccount } from "../db/synthetic";
import { type ActorFilter, cursorTime } from "./domain/query";

export interface AuditFilters {
	actor?: ActorFilter;
	/** Part of the action, any case. */
	action?: string;
	location?: string;
	/** The half-open range [from, to) of `at`, ISO. */
	from?: string;
	to?: string;
	/** The id of the last entry of the previous page. */
	cursor?: string;
}

export interface AuditRow {
	id: string;
	at: string;
	actorId: string;
	actorRole: string;
	actorEmail: string | null;
	action: string;
	target: string;
	locationSlug: string | null;
	status: number;
	before: unknown;
	after: unknown;
}

/** Up to `limit` entries matching the filters, newest first. */
export async function readEntries(db: Database, filters: AuditFilters, limit: number): Promise<AuditRow[]> {
	const { auditLog, accounts } = schema;
	// The synthetic probe's kitchen moves are staff writes too, but no one's work to review.
	const conditions: (SQL | undefined)[] = [
		notBySyntheticAccount(db, auditLog.actorId),
		notAtSyntheticLocation(db, auditLog.locationSlug),
	];
	if (filters.actor && "id" in filters.actor) conditions.push(eq(auditLog.actorId, filters.actor.id));
	if (filters.actor && "email" in filters.actor) {
		const holder = db.select({ id: accounts.id }).from(accounts).where(eq(accounts.email, filters.actor.email));
		conditions.push(inArray(auditLog.actorId, holder));
	}
	// instr rather than LIKE: what an admin types is matched as it is, `_` and `%` included.
	if (filters.action) conditions.push(sql`instr(lower(${auditLog.action}), ${filters.action.toLowerCase()}) > 0`);
	if (filters.location) conditions.push(eq(auditLog.locationSlug, filters.location));
	if (filters.from) conditions.push(gte(auditLog.at, filters.from));
	if (filters.to) conditions.push(lt(auditLog.at, filters.to));
	if (filters.cursor) {
		// The id alone decides the page; the time lets the indexes on `at` skip the newer entries.
		conditions.push(lt(auditLog.id, filters.cursor), lte(auditLog.at, cursorTime(filters.cursor)));
	}
	return db
		.select({
			id: auditLog.id,
			at: auditLog.at,
			actorId: auditLog.actorId,
			actorRole: auditLog.actorRole,
			actorEmail: accounts.email,
			action: auditLog.action,
			target: auditLog.target,
			locationSlug: auditLog.locationSlug,
			status: auditLog.status,
			before: auditLog.before,
			after: auditLog.after,
		})
		.from(auditLog)
		.leftJoin(accounts, eq(accounts.id, auditLog.actorId))
		.where(and(...conditions))
		.orderBy(desc(auditLog.at), desc(auditLog.id))
		.limit(limit);
}
