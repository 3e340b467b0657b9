/** Checkout's refusals for a paused location and on a closure day. */
import { describe, expect, it } from "vitest";
import type { LocationSummary } from "../../menu/domain/document";
import { checkFulfilment, resolveFulfilmentTime } from "./checkout";
import { NOW, refusal, soho } from "./fixtures";

const pausedSoho: LocationSummary = {
	...soho,
	ordering: { paused: true, reason: "Kitchen overwhelmed", since: "2026-07-01T11:30:00.000Z" },
};
/** NOW is Wednesday 1 July 2026 in London. */
const closedToday: LocationSummary = {
	...soho,
	closures: [{ id: "clo-1", from: "2026-07-01", to: "2026-07-01", reason: "Staff training" }],
};

describe("a paused location", () => {
	it("refuses every checkout with location_paused and the staff's reason", () => {
		const refused = refusal(() => checkFulfilment(pausedSoho, "pickup", null));
		expect(refused.code).toBe("location_paused");
		expect(refused.details).toEqual({ reason: "Kitchen overwhelmed" });
		expect(refused.message).toContain("Kitchen overwhelmed");
	});

	it("takes orders again once resumed", () => {
		expect(() => checkFulfilment(soho, "pickup", null)).not.toThrow();
	});
});

describe("a closure day", () => {
	it("refuses an order for now with location_closed, giving the reason, within the weekly hours", () => {
		const refused = refusal(() => resolveFulfilmentTime(closedToday, "asap", NOW));
		expect(refused.code).toBe("location_closed");
		expect(refused.message).toContain("Staff training");
		expect(resolveFulfilmentTime(soho, "asap", NOW).requestedFor).toBeNull();
	});

	it("refuses a time on a closure day with location_closed naming requestedTime, and takes the next day", () => {
		const laterToday = new Date(NOW.getTime() + 3 * 3600_000).toISOString();
		const refused = refusal(() => resolveFulfilmentTime(closedToday, laterToday, NOW));
		expect(refused.code).toBe("location_closed");
		expect(refused.details).toEqual([expect.objectContaining({ field: "requestedTime" })]);
		const tomorrow = new Date(NOW.getTime() + 24 * 3600_000).toISOString();
		expect(resolveFulfilmentTime(closedToday, tomorrow, NOW).requestedFor).toBe(tomorrow);
	});
});
