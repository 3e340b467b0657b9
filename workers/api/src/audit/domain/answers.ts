/**
 * Changes read from what a route answers, for routes that answer with the
 * state they left and its history: an order's answer is the order after the
 * change, and its timeline's entry before the last is the status it was in.
 * The status and cancel routes hand it to the log, so it gets before and
 * after without another read of the order.
 */
import type { AuditChange } from "@goodfood/platform/app";

interface OrderAnswer {
	status?: unknown;
	locationSlug?: unknown;
	timeline?: { status?: unknown; reason?: unknown; estimatedReadyAt?: unknown }[];
}

/** A status change from the order it left: the status before and after, with the reason or time promised. */
export function orderStatusChange(answer: unknown): AuditChange | undefined {
	const order = answer as OrderAnswer | null;
	const timeline = Array.isArray(order?.timeline) ? order.timeline : [];
	const last = timeline.at(-1);
	if (typeof order?.status !== "string" || last?.status !== order.status) return undefined;
	const previous = timeline.at(-2)?.status;
	return {
		before: typeof previous === "string" ? { status: previous } : undefined,
		after: {
			status: order.status,
			...(typeof last.reason === "string" ? { reason: last.reason } : {}),
			...(typeof last.estimatedReadyAt === "string" ? { estimatedReadyAt: last.estimatedReadyAt } : {}),
		},
		locationSlug: typeof order.locationSlug === "string" ? order.locationSlug : undefined,
	};
}
