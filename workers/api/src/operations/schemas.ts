/** Request and response schemas of the operations context. */
import { z } from "@hono/zod-openapi";
import { isIsoDate } from "../intelligence/domain/calendar";
import { ORDER_STATUSES } from "../ordering/domain/order";
import { MAX_DAILY_RANGE_DAYS } from "./domain/daily";

export const StatsQuery = z.object({
	location: z
		.string()
		.regex(/^[a-z0-9-]{1,64}$/, "must be lower-case letters, digits and dashes")
		.optional()
		.openapi({
			description: "One location's figures; all locations (admins only) when absent",
			example: "london-soho",
		}),
	top: z.coerce.number().int().min(1).max(50).default(5).openapi({ description: "How many top items to list" }),
});

const Count = z.number().int().min(0);

export const OperationalStatsSchema = z
	.object({
		location: z.string().nullable().openapi({ description: "The location, or null for all of them" }),
		window: z
			.object({ from: z.string(), to: z.string() })
			.openapi({ description: "The last day: orders placed in it, and orders that became ready in it" }),
		orders: Count.openapi({ description: "Orders placed in the window" }),
		ordersByStatus: z
			.object(
				Object.fromEntries(ORDER_STATUSES.map((status) => [status, Count])) as Record<
					(typeof ORDER_STATUSES)[number],
					typeof Count
				>,
			)
			.openapi({ description: "Orders placed in the window, by their current status" }),
		placedToReady: z
			.object({
				orders: Count,
				medianSeconds: z.number().int().nullable(),
				p90Seconds: z.number().int().nullable(),
			})
			.openapi({ description: "Time from placement to ready of the orders that became ready in the window" }),
		cancellationRate: z.number().min(0).max(1).nullable().openapi({
			description: "Share of the window's orders that were cancelled (rejected ones not counted); null without orders",
		}),
		rejectionRate: z
			.number()
			.min(0)
			.max(1)
			.nullable()
			.openapi({ description: "Share of the window's orders that the location rejected; null without orders" }),
		topItems: z
			.array(z.object({ itemId: z.string(), name: z.string(), quantity: Count, orders: Count }))
			.openapi({ description: "Most ordered items by quantity, cancelled and rejected orders left out" }),
		regions: z.array(z.object({ region: z.string().openapi({ example: "eu" }), orders: Count })).openapi({
			description:
				"Orders placed in the window by region, for each region whose order database was read: the location's region, or every region when all locations are asked for. The other figures cover these regions together",
		}),
	})
	.openapi("OperationalStats");
export type OperationalStats = z.infer<typeof OperationalStatsSchema>;

const isoDate = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD");

export const DailyStatsQuery = z.object({
	location: StatsQuery.shape.location.openapi({
		description: "One location's days; every location (admins only) when absent",
		example: "london-soho",
	}),
	from: isoDate.optional().openapi({
		description: "First local date; default 13 days before to",
		example: "2026-12-01",
	}),
	to: isoDate.optional().openapi({
		description: `Last local date, at most ${MAX_DAILY_RANGE_DAYS} days from from; default today (or 13 days after from)`,
		example: "2026-12-14",
	}),
});

/** A sum of money in minor units; unbounded, unlike a price. */
const Amount = z.object({ amount: z.number().int(), currency: z.string().regex(/^[A-Z]{3}$/) });

const Share = z.number().min(0).max(1).nullable();

const DailyFiguresSchema = z
	.object({
		date: z.string().openapi({ description: "The location's local date", example: "2026-12-01" }),
		orders: Count.openapi({ description: "Orders placed that day, in any status" }),
		revenue: Amount.openapi({
			description: "Subtotals of the day's orders that were neither cancelled nor rejected (no delivery fees or tips)",
		}),
		averageBasket: Amount.nullable().openapi({
			description: "Revenue over the orders it comes from; null when there were none",
		}),
		cancellationRate: Share.openapi({ description: "Share of the day's orders cancelled; null without orders" }),
		rejectionRate: Share.openapi({
			description: "Share of the day's orders the location rejected; null without orders",
		}),
		prepTime: z
			.object({
				orders: Count,
				p50Seconds: z.number().int().nullable(),
				p90Seconds: z.number().int().nullable(),
				p95Seconds: z.number().int().nullable(),
			})
			.openapi({
				description:
					"Placement to ready (the status history's first ready) of the day's orders that became ready; null percentiles without any",
			}),
		etaAccuracy: z
			.object({
				orders: Count,
				withinFiveMinutes: Share,
				meanAbsoluteErrorSeconds: z.number().int().nullable(),
			})
			.openapi({
				description:
					"How close the ready time came to the ready time the customer was last promised (the kitchen's ETA once it confirmed, else the prediction at placement), over the day's orders that had one and became ready: the share within five minutes either way, and the mean miss",
			}),
	})
	.openapi("DailyFigures");

export const DailyStatsSchema = z
	.object({
		from: z.string(),
		to: z.string(),
		locations: z.array(
			z.object({
				location: z.string(),
				name: z.string(),
				currency: z.string(),
				days: z.array(DailyFiguresSchema).openapi({ description: "Every local date from from to to, oldest first" }),
			}),
		),
	})
	.openapi("DailyStats");
export type DailyStats = z.infer<typeof DailyStatsSchema>;

export const DEAD_LETTER_STATES = ["pending", "replayed", "all"] as const;
export type DeadLetterState = (typeof DEAD_LETTER_STATES)[number];

export const DeadLettersQuery = z.object({
	state: z.enum(DEAD_LETTER_STATES).default("pending").openapi({
		description: "pending: not replayed yet; replayed: sent back already; all: both",
	}),
	limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const DeadLetterSchema = z
	.object({
		region: z.string().openapi({ example: "eu" }),
		queue: z
			.string()
			.openapi({ description: "The dead-letter queue that recorded it", example: "goodfood-order-events-dlq" }),
		messageId: z.string(),
		eventId: z.string().nullable().openapi({ description: "Null for a message that was no order event at all" }),
		eventType: z.string().nullable(),
		orderId: z.string().nullable(),
		reason: z.string(),
		attempts: Count,
		deadAt: z.string(),
		replayedAt: z.string().nullable(),
	})
	.openapi("DeadLetter");

export const DeadLetterListSchema = z
	.object({ deadLetters: z.array(DeadLetterSchema).openapi({ description: "Newest first, from every region" }) })
	.openapi("DeadLetterList");

const token = z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "must be letters, digits, dashes and underscores");

export const DeadLetterParams = z.object({
	region: z
		.string()
		.regex(/^[a-z0-9-]{1,32}$/, "must be lower-case letters, digits and dashes")
		.openapi({ param: { name: "region", in: "path" }, example: "eu" }),
	queue: token.openapi({ param: { name: "queue", in: "path" }, example: "goodfood-order-events-dlq" }),
	messageId: token.openapi({ param: { name: "messageId", in: "path" }, example: "a1b2c3d4e5f60718293a4b5c6d7e8f90" }),
});

export const ReplayResultSchema = z
	.object({
		replayed: z.boolean().openapi({ description: "False when it had been replayed already: nothing is sent twice" }),
		replayedAt: z.string().openapi({ description: "When it was sent back (by this call or the earlier one)" }),
	})
	.openapi("DeadLetterReplay");

export const ReplayAllResultSchema = z
	.object({
		replayed: Count.openapi({ description: "Dead letters sent back by this call" }),
		alreadyReplayed: Count.openapi({
			description: "Pending when this call looked, but replayed by another call before this one could",
		}),
	})
	.openapi("DeadLetterReplayAll");
