/**
 * The pickup and delivery slots of a location's local date, with what each
 * has left of the location's capacity: the slots come from opening hours,
 * the bookings from the location's kitchen object, which takes them at
 * checkout. Public, like the menu reads.
 */

import { createRouter } from "@goodfood/platform/app";
import { ApiError } from "@goodfood/platform/errors";
import { errorResponses, jsonContent } from "@goodfood/platform/openapi";
import { objectIn } from "@goodfood/platform/regions";
import { createRoute, z } from "@hono/zod-openapi";
import { MAX_DAYS_AHEAD, MIN_LEAD_MINUTES } from "../cart/domain/checkout";
import { currentRegionOf } from "../cart/location-region";
import { database } from "../db/client";
import { addDays, isIsoDate } from "../intelligence/domain/calendar";
import { invalid } from "../intelligence/invalid";
import { localClock } from "../menu/domain/availability";
import { closureOn } from "../menu/domain/closures";
import { findLocation, toLocationSummary } from "../menu/repository";
import { SlotCapacitySchema, SlugParam } from "../menu/schemas";
import { bookableSlots, SLOT_MINUTES, type SlotLoad, slotsOfDate } from "./domain/slots";

const SlotsQuery = z.object({
	date: z
		.string()
		.refine(isIsoDate, "must be a calendar date, YYYY-MM-DD")
		.openapi({ description: "The location's local date", example: "2026-12-08" }),
});

const SlotRoomSchema = z
	.object({ orders: z.number().int().nullable(), units: z.number().int().nullable() })
	.openapi("SlotRoom", { description: "Orders and item units the slot still takes; null is no limit" });

const SlotListSchema = z
	.object({
		location: z.string(),
		date: z.string(),
		timeZone: z.string(),
		slotMinutes: z.number().int(),
		capacity: SlotCapacitySchema,
		open: z.boolean().openapi({ description: "Whether the location opens at all on this date" }),
		note: z
			.string()
			.nullable()
			.openapi({ description: "Why the list is empty: closed that day, or every slot too soon to order for" }),
		slots: z.array(
			z.object({
				start: z.string().openapi({ example: "2026-12-08T12:00:00.000Z" }),
				end: z.string().openapi({ example: "2026-12-08T12:15:00.000Z" }),
				remaining: SlotRoomSchema,
				full: z.boolean(),
			}),
		),
	})
	.openapi("SlotList");

export const slotRoutes = createRouter().openapi(
	createRoute({
		method: "get",
		path: "/locations/{slug}/slots",
		tags: ["Menu"],
		summary: "The date's 15-minute slots a checkout can ask for, with the room each has left",
		description: `Slots within opening hours on the location's local date (a range past midnight gives the next date its small hours), from ${MIN_LEAD_MINUTES} minutes ahead up to ${MAX_DAYS_AHEAD} days ahead; earlier slots are left out. \`remaining\` is null where the location sets no limit; a \`full\` slot is refused at checkout with slot_full. A date the location is closed, by its weekly hours or a closure (whose reason the note gives), answers an empty list with \`open: false\`.`,
		request: { params: SlugParam, query: SlotsQuery },
		responses: { 200: jsonContent(SlotListSchema, "The date's slots"), ...errorResponses(400, 404) },
	}),
	async (c) => {
		const { slug } = c.req.valid("param");
		const { date } = c.req.valid("query");
		const row = await findLocation(database(c.var.d1), slug);
		if (!row) throw ApiError.notFound("Location");
		const location = toLocationSummary(row);
		const now = new Date();
		const today = localClock(now, location.timeZone).date;
		if (date < today) throw invalid("date", `is in the past; today is ${today} at ${location.name}`);
		const lastDate = addDays(today, MAX_DAYS_AHEAD);
		if (date > lastDate) throw invalid("date", `must be at most ${MAX_DAYS_AHEAD} days ahead (${lastDate})`);

		const daySlots = slotsOfDate(location, date);
		const capacity = location.slotCapacity;
		const bookings = new Map<string, SlotLoad>();
		const limited = capacity.orders !== null || capacity.units !== null;
		if (daySlots.length > 0 && limited) {
			// Bookings live in the kitchen of the location's current region, where its new carts reserve.
			const region = await currentRegionOf(c.env, c.var.d1, slug);
			const booked = await objectIn(c.env.LOCATION_KITCHENS, region, slug).slotBookings(
				daySlots[0].start,
				daySlots.at(-1)?.end ?? "",
			);
			for (const { start, orders, units } of booked) bookings.set(new Date(start).toISOString(), { orders, units });
		}
		const slots = bookableSlots(daySlots, capacity, bookings, now, {
			minLeadMinutes: MIN_LEAD_MINUTES,
			maxDaysAhead: MAX_DAYS_AHEAD,
		});
		const closure = closureOn(location.closures, date);
		const note =
			daySlots.length === 0
				? `${location.name} is closed on ${date}${closure ? ` (${closure.reason})` : ""}`
				: slots.length === 0
					? `No slot left on ${date} that is at least ${MIN_LEAD_MINUTES} minutes away`
					: null;
		c.header("cache-control", "no-store");
		return c.json(
			{
				location: slug,
				date,
				timeZone: location.timeZone,
				slotMinutes: SLOT_MINUTES,
				capacity,
				open: daySlots.length > 0,
				note,
				slots,
			},
			200,
		);
	},
);
