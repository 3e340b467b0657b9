/**
 * The nightly prep-time job against real regional D1: a location's past
 * orders (a simulated kitchen's, planted as the projections leave them) are
 * read from its region, learned from, and the model handed to its kitchen.
 */
import { env } from "cloudflare:workers";
import { spanLogger } from "@goodfood/platform/log";
import { continueTrace } from "@goodfood/platform/trace";
import { describe, expect, it } from "vitest";
import { database } from "../src/db/client";
import * as schema from "../src/db/schema";
import { simulateKitchenDays } from "../src/intelligence/domain/kitchen-day";
import { type PrepTimeModel, predictReadyAt, unitMinutes } from "../src/kitchen/domain/eta";
import { median } from "../src/kitchen/domain/prep-times";
import { learnPrepTimesNightly, loadPastOrders } from "../src/kitchen/prep-times-job";
import { WEEKDAYS } from "../src/menu/domain/availability";
import { orderId, quietLogs } from "./notifications-helpers";

const RUN = crypto.randomUUID().slice(0, 8);
const SLUG = `eta-${RUN}`;
const DAY = 86_400_000;
const orders = database(env.ORDERS_EU);

const allDay = Object.fromEntries(WEEKDAYS.map((day) => [day, [{ opens: "00:00", closes: "24:00" }]])) as Record<
	(typeof WEEKDAYS)[number],
	{ opens: string; closes: string }[]
>;

/** Three simulated days, moved to end yesterday, planted in ORDERS_EU; returns the menu's true item times and how many orders were not scheduled. */
async function plantHistory(): Promise<{ truth: Map<string, number>; unscheduled: number }> {
	const { menu, days } = simulateKitchenDays({ seed: 7, days: 3 });
	const shift = Math.floor(Date.now() / DAY) * DAY - (days[days.length - 1].midnight + DAY);
	const statements = days.flatMap((day) =>
		day.orders.flatMap((order, index) => {
			const id = orderId("eu");
			const iso = (at: number) => new Date(at + shift).toISOString();
			return [
				orders.insert(schema.orders).values({
					id,
					locationSlug: SLUG,
					status: "ready",
					fulfilment: "pickup",
					contactName: "Ada Lovelace",
					contactEmail: "ada@example.com",
					contactPhone: "+44 20 7946 0000",
					// One in ten was scheduled for later: its wait is not the kitchen's, so it must not be learned from.
					requestedFor: index % 10 === 9 ? iso(order.readyAt + 60 * 60_000) : null,
					currency: "GBP",
					subtotalMinor: 1000,
					taxMinor: 167,
					taxIncluded: true,
					deliveryFeeMinor: 0,
					tipMinor: 0,
					totalMinor: 1000,
					placedAt: iso(order.placedAt),
					businessDate: iso(order.placedAt).slice(0, 10),
					confirmedAt: iso(order.confirmedAt),
					readyAt: iso(order.readyAt),
					lastSequence: 3,
					updatedAt: new Date().toISOString(),
				}),
				...order.lines.map((line, position) =>
					orders.insert(schema.orderLines).values({
						orderId: id,
						lineId: `line-${position}`,
						position,
						itemId: line.itemId,
						name: line.itemId,
						categoryId: line.categoryId,
						quantity: line.quantity,
						unitPriceMinor: 500,
						lineTotalMinor: 500 * line.quantity,
						options: [],
					}),
				),
			];
		}),
	);
	for (let start = 0; start < statements.length; start += 200) {
		const chunk = statements.slice(start, start + 200);
		await orders.batch(chunk as [(typeof chunk)[number], ...typeof chunk]);
	}
	const planted = days.reduce((sum, day) => sum + day.orders.length, 0);
	const scheduled = days.reduce((sum, day) => sum + day.orders.filter((_, index) => index % 10 === 9).length, 0);
	return { truth: new Map(menu.map((item) => [item.id, item.trueMinutes])), unscheduled: planted - scheduled };
}

describe("the nightly prep-time job", () => {
	it("learns a location's prep times from its region's history and hands them to its kitchen", async () => {
		quietLogs();
		await database(env.DB)
			.insert(schema.locations)
			.values({
				slug: SLUG,
				name: `GoodFood ${SLUG}`,
				addressLine: "1 Test Street",
				city: "London",
				postcode: "W1 1AA",
				country: "GB",
				latitude: 51.5,
				longitude: -0.12,
				timeZone: "UTC",
				region: "eu",
				currency: "GBP",
				taxRateBps: 2000,
				pricesIncludeTax: true,
				openingHours: allDay,
			});
		const { truth, unscheduled } = await plantHistory();
		const now = new Date();

		const past = await loadPastOrders(orders, SLUG, new Date(now.getTime() - 28 * DAY).toISOString(), "UTC");
		expect(past.length).toBeGreaterThan(300);
		expect(past).toHaveLength(unscheduled);
		expect(past.every((order) => order.lines.length > 0 && order.readyAt > order.confirmedAt)).toBe(true);

		const pushed = new Map<string, PrepTimeModel>();
		const summary = await learnPrepTimesNightly(
			env,
			now,
			spanLogger(continueTrace(undefined)),
			async (region, slug, model) => {
				expect(region).toBe("eu");
				pushed.set(slug, model);
			},
		);
		expect(summary.failures).toEqual([]);
		const model = pushed.get(SLUG);
		if (!model) throw new Error("no model pushed for the location");
		// Learned item times near the kitchen's true ones.
		const errors = [...truth]
			.filter(([id]) => model.items[id] !== undefined)
			.map(([id, minutes]) => Math.abs(unitMinutes(model, { itemId: id, categoryId: "", quantity: 1 }) - minutes));
		expect(errors.length).toBeGreaterThan(10);
		expect(median(errors)).toBeLessThan(3);
		// And the kitchen object takes it: a checkout there is predicted with it.
		const placedAt = Date.now();
		const mains = { orderId: "o", placedAt, lines: [{ itemId: "mains-1", categoryId: "cat-mains", quantity: 1 }] };
		const alone = predictReadyAt({ order: mains, ahead: [], model, now: placedAt, localHour: 12 });
		const busy = predictReadyAt({
			order: mains,
			ahead: Array.from({ length: 12 }, (_, index) => ({
				...mains,
				orderId: `a${index}`,
				placedAt: placedAt - index * 60_000,
			})),
			model,
			now: placedAt,
			localHour: 12,
		});
		expect(busy).toBeGreaterThan(alone);
	});

	it("pushes the model to the location's kitchen object over RPC", async () => {
		quietLogs();
		const summary = await learnPrepTimesNightly(env, new Date(), spanLogger(continueTrace(undefined)));
		expect(summary.failures).toEqual([]);
		expect(summary.locations).toBeGreaterThanOrEqual(1);
	});
});
