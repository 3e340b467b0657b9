import { describe, expect, it } from "vitest";
import { decideRegionMove } from "./region-move";

describe("moving a location to another region", () => {
	it("is no move when the region stays, whatever orders are open", () => {
		expect(decideRegionMove("eu", "eu", 3)).toEqual({ kind: "none" });
	});

	it("is refused while the old region holds an unfinished order", () => {
		expect(decideRegionMove("eu", "us", 1)).toEqual({ kind: "refused", from: "eu", to: "us", openOrders: 1 });
	});

	it("is allowed once every order in the old region is finished", () => {
		expect(decideRegionMove("eu", "us", 0)).toEqual({ kind: "allowed", from: "eu", to: "us" });
	});
});
