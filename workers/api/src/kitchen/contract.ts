/**
 * What the per-location kitchen object (`durable-objects/src/location-kitchen.ts`,
 * one per location, binding LOCATION_KITCHENS) answers over RPC. It keeps the
 * location's stock, its slot bookings and the orders in its kitchen, so a
 * checkout's reservation is one atomic step on one object, never a D1
 * read-modify-write.
 */
import type { SlotCapacity } from "../menu/domain/document";
import type { PrepTimeModel } from "./domain/eta";

/** A line of the order as the kitchen counts it: units of an item, and of each option chosen. */
export interface KitchenLine {
	lineId: string;
	itemId: string;
	categoryId: string;
	optionIds: string[];
	quantity: number;
}

export interface ReservationRequest {
	orderId: string;
	lines: KitchenLine[];
	/** When the order was placed (ISO). */
	placedAt: string;
	/** The time asked for, or null for as soon as possible (ISO). */
	requestedFor: string | null;
	/** The location's time zone: the ETA depends on the local time of day, opening stock on the local date. */
	timeZone: string;
	/** The 15-minute slot the order is made in (its start, ISO) and the location's capacity per slot. */
	slot: { start: string; capacity: SlotCapacity };
	/** Slots to offer instead when this one is full, in order of preference (ISO starts). */
	alternatives: string[];
}

export interface ShortLine {
	lineId: string;
	itemId: string;
	/** The option that ran out, or null for the item itself. */
	optionId: string | null;
	/** Units left, fewer than the line needs. */
	available: number;
}

export type ReservationAnswer =
	| {
			ok: true;
			/** When the kitchen is predicted to have it ready (ISO), from the orders ahead of it. */
			predictedReadyAt: string;
			/** Orders in the kitchen ahead of this one. */
			ordersAhead: number;
	  }
	| { ok: false; code: "out_of_stock"; lines: ShortLine[] }
	| { ok: false; code: "slot_full"; freeSlots: string[] };

/** Where an order is in the kitchen: it leaves the queue when ready, and gives its stock back only when it never will be. */
export type KitchenProgress = "confirmed" | "preparing" | "ready" | "handed_over";

export interface StockLevel {
	itemId: string;
	/** Null for the item itself. */
	optionId: string | null;
	/** Units on hand, reservations taken off. */
	onHand: number;
	/** Units held by orders placed today and not yet released. */
	reserved: number;
}

export interface StockEntry {
	itemId: string;
	optionId: string | null;
	/** Units; null stops tracking the item (untracked is unlimited). */
	count: number | null;
}

export interface SlotBooking {
	/** The slot's start (ISO). */
	start: string;
	orders: number;
	units: number;
}

/** The RPC surface of LocationKitchen. */
export interface LocationKitchenRpc {
	/** Reserves stock and a slot for the order, all or nothing; the same order again replaces its reservation. */
	reserve(request: ReservationRequest): Promise<ReservationAnswer>;
	/** Gives back the order's stock and slot and takes it off the queue (rejected, cancelled, never paid); idempotent. */
	release(orderId: string): Promise<boolean>;
	/** Moves the order along the kitchen's queue. */
	progress(orderId: string, progress: KitchenProgress, at: string): Promise<void>;
	stock(): Promise<StockLevel[]>;
	/** Sets counts now (a recount or a restock to a number). */
	setStock(entries: StockEntry[]): Promise<StockLevel[]>;
	/** Adds units to tracked counts (a delivery came in). */
	restock(entries: { itemId: string; optionId: string | null; add: number }[]): Promise<StockLevel[]>;
	/** The counts the location opens with on a local date; applied at that day's first touch. */
	setOpeningStock(date: string, entries: StockEntry[]): Promise<void>;
	/** Bookings of the slots starting in [from, to). */
	slotBookings(from: string, to: string): Promise<SlotBooking[]>;
	/** The nightly job's learned preparation times. */
	setPrepTimes(model: PrepTimeModel): Promise<void>;
}
