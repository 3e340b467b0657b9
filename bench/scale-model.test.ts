/**
 * scripts/scale-model.ts's arithmetic: the tables follow the counters, and the
 * document is rewritten only between its markers. Run with
 * `npx tsx --test bench/scale-model.test.ts`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { blocksFor, type Counters, costLines, fillBlocks, PEAK, PRICES, peakRates } from "../scripts/scale-model";

const recorded = JSON.parse(readFileSync(path.join(import.meta.dirname, "results/counters.json"), "utf8")) as Counters;

/** The recorded counters with one operation's counters changed. */
function withCounters(
	operation: string,
	change: (counters: Counters["operations"][string]["counters"]) => void,
): Counters {
	const copy = structuredClone(recorded);
	change(copy.operations[operation].counters);
	return copy;
}

describe("the peak", () => {
	it("splits the roadmap's requests a second by the mix, every cart checked out once", () => {
		const rates = peakRates();
		const total = rates.menuView + rates.cartOpened + rates.addToCart + rates.checkout;
		assert.equal(Math.round(total), PEAK.requestsPerSecond);
		assert.equal(rates.cartOpened, rates.checkout);
		assert.equal(rates.addToCart, rates.cartOpened * PEAK.addsPerCart);
	});
});

describe("the tables follow the counters", () => {
	it("moves the global database's saturation point when an add reads its primary twice as often", () => {
		const before = blocksFor(recorded).bottlenecks;
		const after = blocksFor(
			withCounters("addToCart", (counters) => {
				counters.d1PrimaryStatements.global *= 2;
			}),
		).bottlenecks;
		assert.notEqual(before, after);
		const at = (text: string) =>
			Number(/global D1 database's primary: at ([\d,]+)/.exec(text)?.[1].replaceAll(",", "") ?? Number.NaN);
		assert.ok(at(after) < at(before), `${at(after)} should be below ${at(before)}`);
	});

	it("prices D1 rows written at a dollar a million beyond the allowance", () => {
		const extra = 1_000_000;
		const rowsWritten = (counters: Counters) =>
			costLines(counters).find((line) => line.product === "D1" && line.item.startsWith("rows written"))?.units ?? 0;
		const more = withCounters("checkout", (counters) => {
			counters.d1RowsWritten.regional += 1;
		});
		// One more row written an order is a million more rows over a million orders.
		assert.equal(Math.round(rowsWritten(more) - rowsWritten(recorded)), extra);
		assert.equal(PRICES.d1.rowsWritten.price, 1);
	});
});

describe("the document", () => {
	it("rewrites only what lies between a block's markers", () => {
		const document = [
			"intro",
			"<!-- scale-model:begin peak -->",
			"old table",
			"<!-- scale-model:end peak -->",
			"outro",
		].join("\n");
		const filled = fillBlocks(document, { peak: "new table" });
		assert.equal(
			filled,
			["intro", "<!-- scale-model:begin peak -->", "new table", "<!-- scale-model:end peak -->", "outro"].join("\n"),
		);
		assert.equal(fillBlocks(filled, { peak: "new table" }), filled);
	});

	it("refuses a document without a block's markers rather than losing a table", () => {
		assert.throws(() => fillBlocks("no markers here", { cost: "table" }), /scale-model:begin cost/);
	});
});
