/**
 * Rules a checkout must pass besides pricing: whether the location takes
 * orders at all (not paused), how the order is fulfilled, when (within opening
 * hours, on a day no closure covers), and whether every item can be made at
 * that time. Pure.
 */

import { violation } from "@goodfood/platform/rule-violation";
import { isOpenAt, isWithinWindows, localClock } from "../../menu/domain/availability";
import { closureOn } from "../../menu/domain/closures";
import type { LocationSummary } from "../../menu/domain/document";
import { distanceMeters } from "../../menu/domain/geo";
import type { DeliveryAddress, Fulfilment } from "../../ordering/events";
import type { CatalogueItem } from "./pricing";

/** A slot must leave the kitchen this long, and may be booked this far ahead. */
export const MIN_LEAD_MINUTES = 15;
export const MAX_DAYS_AHEAD = 7;

/**
 * A paused location takes no order, for now or for later, until staff resume
 * it (409 location_paused with their reason): the pause is about the kitchen
 * today, and a scheduled order accepted now could not be taken back cleanly.
 */
export function checkTakingOrders(location: LocationSummary): void {
	if (!location.ordering.paused) return;
	const reason = location.ordering.reason;
	throw violation(
		"location_paused",
		`${location.name} has paused ordering${reason ? `: ${reason}` : ""}; try again later`,
		{ reason },
	);
}

/** How the order is handed over; checked first in a placement, so a paused location says so before anything else. */
export function checkFulfilment(
	location: LocationSummary,
	fulfilment: Fulfilment,
	address: DeliveryAddress | null | undefined,
): void {
	checkTakingOrders(location);
	if (fulfilment === "pickup") {
		if (!location.fulfilment.pickup) throw violation("pickup_not_offered", `${location.name} does not offer pickup`);
		return;
	}
	const delivery = location.fulfilment.delivery;
	if (!delivery) throw violation("delivery_not_offered", `${location.name} does not deliver`);
	if (!address) {
		throw violation("validation_failed", "A delivery needs an address", [
			{ field: "deliveryAddress", message: "is required for delivery" },
		]);
	}
	const distance = Math.round(distanceMeters(location.coordinates, address));
	if (distance > delivery.radiusMeters) {
		throw violation(
			"outside_delivery_radius",
			`${location.name} delivers within ${delivery.radiusMeters} m; this address is ${distance} m away`,
			[{ field: "deliveryAddress", message: "is outside the delivery radius" }],
		);
	}
}

/** When the order is to be made: now for ASAP, else the requested slot, which must fall in opening hours. */
export function resolveFulfilmentTime(
	location: LocationSummary,
	requestedTime: "asap" | string,
	now: Date,
): { at: Date; requestedFor: string | null } {
	if (requestedTime === "asap") {
		const clock = localClock(now, location.timeZone);
		const closure = closureOn(location.closures, clock.date);
		if (closure) {
			throw violation("location_closed", `${location.name} is closed today (${closure.reason}); choose another day`);
		}
		if (!isOpenAt(location.openingHours, clock)) {
			throw violation("location_closed", `${location.name} is closed now; choose a time within its opening hours`);
		}
		return { at: now, requestedFor: null };
	}
	const at = new Date(requestedTime);
	const earliest = now.getTime() + MIN_LEAD_MINUTES * 60_000;
	const latest = now.getTime() + MAX_DAYS_AHEAD * 24 * 3600_000;
	if (at.getTime() < earliest || at.getTime() > latest) {
		throw violation(
			"slot_unavailable",
			`Choose a time between ${MIN_LEAD_MINUTES} minutes and ${MAX_DAYS_AHEAD} days from now`,
			[{ field: "requestedTime", message: "is too soon or too far ahead" }],
		);
	}
	const clock = localClock(at, location.timeZone);
	const closure = closureOn(location.closures, clock.date);
	if (closure) {
		throw violation("location_closed", `${location.name} is closed on ${clock.date} (${closure.reason})`, [
			{ field: "requestedTime", message: `falls on a closure: ${closure.reason}` },
		]);
	}
	if (!isOpenAt(location.openingHours, clock)) {
		throw violation("slot_unavailable", `${location.name} is closed at the requested time`, [
			{ field: "requestedTime", message: "is outside opening hours" },
		]);
	}
	return { at, requestedFor: at.toISOString() };
}

export interface LineToCheck {
	lineId: string;
	item: CatalogueItem | undefined;
}

/** Refuses the checkout naming every line whose item is gone, sold out, or not served at that time. */
export function checkOrderable(location: LocationSummary, lines: LineToCheck[], at: Date): void {
	const clock = localClock(at, location.timeZone);
	const soldOut = lines.filter((line) => !line.item || line.item.soldOut).map((line) => line.lineId);
	if (soldOut.length > 0) {
		throw violation("item_sold_out", "Some items are sold out; remove them to check out", { lines: soldOut });
	}
	const unavailable = lines
		.filter(
			(line) =>
				line.item &&
				(!isWithinWindows(line.item.categoryAvailability, clock) || !isWithinWindows(line.item.availability, clock)),
		)
		.map((line) => line.lineId);
	if (unavailable.length > 0) {
		throw violation("item_unavailable", "Some items are not served at the requested time", { lines: unavailable });
	}
}
