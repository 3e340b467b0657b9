/** Every alert links to a subsection of docs/operations.md that exists. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ALERTS, runbookUrl } from "./catalogue";
import { OBJECTIVES } from "./objectives";

const operations = readFileSync(new URL("../../../../docs/operations.md", import.meta.url), "utf8");

/** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
const anchorOf = (heading: string) =>
	heading
		.trim()
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, "")
		.replace(/\s/g, "-");

const headings = operations
	.split("\n")
	.filter((line) => /^#{1,6} /.test(line))
	.map((line) => anchorOf(line.replace(/^#+ /, "")));

describe("the alert catalogue", () => {
	it.each(Object.values(ALERTS))("links $id to a heading of docs/operations.md", (alert) => {
		expect(headings).toContain(alert.anchor);
	});

	it("has one alert per objective, and every anchor once", () => {
		for (const objective of OBJECTIVES) expect(ALERTS[`slo:${objective.id}`]).toBeDefined();
		const anchors = Object.values(ALERTS).map((alert) => alert.anchor);
		expect(new Set(anchors).size).toBe(anchors.length);
	});

	it("builds the runbook link from OPERATIONS_DOCS_URL", () => {
		expect(runbookUrl("https://docs.example/operations.md", "dead_letters")).toBe(
			"https://docs.example/operations.md#dead-letters-pending",
		);
	});
});
