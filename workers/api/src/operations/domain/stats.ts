/**
 * Operational figures from the order read models: how many orders are in each
 * status, how long the kitchen takes from placement to ready, how many orders
 * are cancelled and how many rejected, and what sells. Pure: rows in, figures out.
 */
import { ORDER_STATUSES, type OrderStatus } from "../../ordering/domain/order";

/** Statuses of orders that will not be fulfilled. */
export const UNFULFILLED: OrderStatus[] = ["cancelled", "rejected"];

/**
 * The `p`-th percentile (0–100) of ascending `sorted` values, interpolating
 * linearly between the two nearest ranks, so the 50th of an even count is the
 * mean of the middle two; null for no values.
 */
export function percentile(sorted: number[], p: number): number | null {
	if (sorted.length === 0) return null;
	const rank = (p / 100) * (sorted.length - 1);
	const lower = Math.floor(rank);
	const upper = Math.ceil(rank);
	return sorted[lower] + (sorted[upper] - sorted[lower]) * (rank - lower);
}

/** Seconds from placement to ready for each order that has both, ascending. */
export function placedToReadySeconds(orders: { placedAt: string; readyAt: string | null }[]): number[] {
	return orders
		.filter((order): order is { placedAt: string; readyAt: string } => order.readyAt !== null)
		.map((order) => (Date.parse(order.readyAt) - Date.parse(order.placedAt)) / 1000)
		.filter((seconds) => Number.isFinite(seconds) && seconds >= 0)
		.sort((a, b) => a - b);
}

/** Counts per status, every status present (zero when none). */
export function countByStatus(rows: { status: OrderStatus; count: number }[]): Record<OrderStatus, number> {
	const counts = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
	for (const row of rows) counts[row.status] += row.count;
	return counts;
}

/**
 * The share of all orders that ended in `status`, rounded to four places; null
 * when there were no orders.
 */
export function statusRate(byStatus: Record<OrderStatus, number>, status: OrderStatus): number | null {
	const total = Object.values(byStatus).reduce((sum, count) => sum + count, 0);
	if (total === 0) return null;
	return Math.round((byStatus[status] / total) * 10_000) / 10_000;
}

/** The share of orders the customer or staff cancelled (rejections not included); null without orders. */
export function cancellationRate(byStatus: Record<OrderStatus, number>): number | null {
	return statusRate(byStatus, "cancelled");
}

/** The share of orders the location rejected; null without orders. */
export function rejectionRate(byStatus: Record<OrderStatus, number>): number | null {
	return statusRate(byStatus, "rejected");
}

export interface PlacedToReady {
	orders: number;
	medianSeconds: number | null;
	p90Seconds: number | null;
}

/** Median and 90th percentile of placed-to-ready times, to the second. */
export function placedToReady(sortedSeconds: number[]): PlacedToReady {
	const round = (value: number | null) => (value === null ? null : Math.round(value));
	return {
		orders: sortedSeconds.length,
		medianSeconds: round(percentile(sortedSeconds, 50)),
		p90Seconds: round(percentile(sortedSeconds, 90)),
	};
}

export interface RegionStatsRows {
	byStatus: { status: OrderStatus; count: number }[];
	readyTimes: { placedAt: string; readyAt: string | null }[];
	topItems: TopItem[];
}

export interface TopItem {
	itemId: string;
	name: string;
	quantity: number;
	orders: number;
}

/**
 * One set of rows from several regions' figures: counts per status summed,
 * ready times pooled (percentiles need every time, not each region's), and
 * items summed by id then ranked by quantity (ties by id) to the `top`. An
 * order lives in one region, so its item counts are never counted twice.
 */
export function mergeRegionStats(regions: readonly RegionStatsRows[], top: number): RegionStatsRows {
	const byStatus = new Map<OrderStatus, number>();
	const items = new Map<string, TopItem>();
	for (const region of regions) {
		for (const row of region.byStatus) byStatus.set(row.status, (byStatus.get(row.status) ?? 0) + row.count);
		for (const item of region.topItems) {
			const seen = items.get(item.itemId);
			items.set(
				item.itemId,
				seen ? { ...seen, quantity: seen.quantity + item.quantity, orders: seen.orders + item.orders } : { ...item },
			);
		}
	}
	return {
		byStatus: [...byStatus].map(([status, count]) => ({ status, count })),
		readyTimes: regions.flatMap((region) => region.readyTimes),
		topItems: [...items.values()]
			.sort((a, b) => b.quantity - a.quantity || (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))
			.slice(0, top),
	};
}
