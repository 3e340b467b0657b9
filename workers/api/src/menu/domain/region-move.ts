/**
 * Moving a location to another region. An order stays, for good, in the region
 * its cart was opened in (its id names it), so after a move the location's old
 * orders are still served from the old region while new carts open in the new
 * one. A kitchen screen reads the location's current region, so a move is
 * refused while the old region still holds an order the kitchen has to finish:
 * it would vanish from the screen mid-service.
 */
import type { OrderStatus } from "../../ordering/domain/order";

/** Statuses after which the kitchen has nothing more to do with an order. */
export const FINISHED_ORDER_STATUSES = [
	"picked_up",
	"delivered",
	"rejected",
	"cancelled",
] as const satisfies readonly OrderStatus[];

export type RegionMove =
	| { kind: "none" }
	| { kind: "allowed"; from: string; to: string }
	| { kind: "refused"; from: string; to: string; openOrders: number };

/** Whether a location in `from` may move to `to`, given the orders not yet finished in `from`. */
export function decideRegionMove(from: string, to: string, openOrdersInOldRegion: number): RegionMove {
	if (from === to) return { kind: "none" };
	if (openOrdersInOldRegion > 0) return { kind: "refused", from, to, openOrders: openOrdersInOldRegion };
	return { kind: "allowed", from, to };
}
