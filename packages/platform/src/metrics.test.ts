/** The Analytics Engine data points: their layouts, and writes that never fail a request. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { orderEventDataPoint, reconciliationDataPoint, requestDataPoint, writeDataPoint } from "./metrics";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

afterEach(() => {
	vi.restoreAllMocks();
});

describe("Analytics Engine data points", () => {
	it("lays a request out as docs/operations.md documents", () => {
		expect(
			requestDataPoint({
				worker: "menu-edge",
				method: "GET",
				route: "/menu",
				status: 200,
				durationMs: 12,
				cacheLayer: "kv",
				location: "london-soho",
				colo: "LHR",
				traceId: TRACE_ID,
				versionId: "a1b2c3d4-version",
			}),
		).toEqual({
			indexes: ["menu-edge"],
			blobs: ["menu-edge", "GET", "/menu", "kv", "london-soho", "LHR", TRACE_ID, "a1b2c3d4-version"],
			doubles: [200, 12],
		});
		expect(
			requestDataPoint({ worker: "api", method: "POST", route: "/x", status: 500, durationMs: 1, traceId: "t" }).blobs,
		).toEqual(["api", "POST", "/x", "", "", "", "t", ""]);
	});

	it("lays an order event out as docs/operations.md documents", () => {
		expect(
			orderEventDataPoint({
				type: "OrderReady",
				locationSlug: "london-soho",
				orderId: "ord_1",
				sequence: 4,
				secondsSincePlaced: 840,
				projectionLagSeconds: 1.5,
				traceId: TRACE_ID,
			}),
		).toEqual({
			indexes: ["london-soho"],
			blobs: ["OrderReady", "london-soho", "ord_1", TRACE_ID],
			doubles: [4, 840, 1.5],
		});
	});

	it("lays a reconciliation repair out as docs/operations.md documents", () => {
		const repair = {
			eventType: "OrderPlaced",
			orderId: "ord_1",
			sequence: 1,
			resends: 2,
			missing: "email,webhook:whk_1",
			traceId: TRACE_ID,
		};
		expect(reconciliationDataPoint({ ...repair, outcome: "resent" })).toEqual({
			indexes: ["outbox"],
			blobs: ["outbox_resent", "OrderPlaced", "ord_1", TRACE_ID, "email,webhook:whk_1"],
			doubles: [1, 2],
		});
		expect(reconciliationDataPoint({ ...repair, outcome: "gave_up" }).blobs?.[0]).toBe("outbox_reconcile_gave_up");
	});

	it("never lets a failing write escape, and skips a missing binding", () => {
		const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
		const broken = {
			writeDataPoint: () => {
				throw new Error("too many blobs");
			},
		} as AnalyticsEngineDataset;
		expect(() => writeDataPoint(broken, { blobs: [] })).not.toThrow();
		expect(() => writeDataPoint(undefined, { blobs: [] })).not.toThrow();
		expect(JSON.parse(String(warn.mock.calls[0][0]))).toMatchObject({ message: "metrics write failed" });
	});
});
