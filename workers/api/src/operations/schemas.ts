/** Request and response schemas of the operations context. */
import { z } from "@hono/zod-openapi";
import { ORDER_STATUSES } from "../ordering/domain/order";

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
