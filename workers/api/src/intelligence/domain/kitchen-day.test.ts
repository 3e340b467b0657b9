import { describe, expect, it } from "vitest";
import { simulateKitchenDays } from "./kitchen-day";

const MINUTE = 60_000;

describe("simulateKitchenDays", () => {
	const { days } = simulateKitchenDays({ seed: 11, days: 14 });
	const orders = days.flatMap((day) => day.orders);

	it("is repeatable from its seed", () => {
		expect(simulateKitchenDays({ seed: 11, days: 2 }).days).toEqual(days.slice(0, 2));
	});

	it("has every order placed in opening hours, confirmed, started and ready in that order", () => {
		for (const order of orders) {
			expect(order.localHour).toBeGreaterThanOrEqual(11);
			expect(order.localHour).toBeLessThan(22);
			expect(order.confirmedAt).toBeGreaterThan(order.placedAt);
			expect(order.startedAt).toBeGreaterThanOrEqual(order.confirmedAt);
			expect(order.readyAt).toBeGreaterThan(order.startedAt);
		}
	});

	it("is busier at lunch and dinner than mid-afternoon, and waits longer then", () => {
		const at = (hour: number) => orders.filter((order) => order.localHour === hour);
		const meanWait = (hour: number) =>
			at(hour).reduce((sum, order) => sum + (order.startedAt - order.confirmedAt), 0) / at(hour).length / MINUTE;
		expect(at(19).length).toBeGreaterThan(2 * at(15).length);
		expect(at(12).length).toBeGreaterThan(2 * at(15).length);
		expect(meanWait(19)).toBeGreaterThan(meanWait(11));
	});

	it("has the cook type whole fives of minutes, from 10 to 60", () => {
		for (const order of orders) {
			const typed = (order.typedReadyAt - order.confirmedAt) / MINUTE;
			expect(typed % 5).toBeCloseTo(0);
			expect(typed).toBeGreaterThanOrEqual(10);
			expect(typed).toBeLessThanOrEqual(60);
		}
	});
});
