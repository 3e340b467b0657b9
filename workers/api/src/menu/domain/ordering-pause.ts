/**
 * Pausing ordering: staff stop new orders for a while ("kitchen overwhelmed")
 * without touching the opening hours, and resume later. Pure: no storage, no HTTP.
 */

/** Whether the location takes orders now, and if not, why and since when. */
export interface OrderingState {
	paused: boolean;
	reason: string | null;
	/** When ordering was paused (ISO), null while it runs. */
	since: string | null;
}

export const ORDERING_RUNS: OrderingState = { paused: false, reason: null, since: null };

/** The state as stored: the pause's start and reason, both null while ordering runs. */
export function orderingState(pausedAt: string | null, reason: string | null): OrderingState {
	return pausedAt === null ? ORDERING_RUNS : { paused: true, reason, since: pausedAt };
}

/**
 * The state after a pause. Pausing a paused location keeps when it started (it
 * has been paused all along) and takes the new reason; the same reason again
 * changes nothing, so a retried request writes nothing.
 */
export function paused(current: OrderingState, reason: string, now: Date): OrderingState {
	return { paused: true, reason, since: current.since ?? now.toISOString() };
}

export function sameOrdering(a: OrderingState, b: OrderingState): boolean {
	return a.paused === b.paused && a.reason === b.reason && a.since === b.since;
}
