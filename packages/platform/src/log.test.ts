/** The structured logger: one JSON line, its fields in order, at the console method of its level. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { errorText, logger, spanLogger } from "./log";
import { SAMPLE_TRACE } from "./trace-fixture";

const TRACE = SAMPLE_TRACE;

afterEach(() => {
	vi.restoreAllMocks();
});

describe("structured logs", () => {
	it("puts level and message first, then the trace, then the fields, at the console method of the level", () => {
		const calls: [string, string][] = [];
		for (const method of ["log", "warn", "error", "debug"] as const) {
			vi.spyOn(console, method).mockImplementation((line: string) => calls.push([method, line]));
		}
		const log = spanLogger(TRACE, "req-1").with({ orderId: "ord_1" });
		log.info("hello", { n: 1 });
		log.warn("careful");
		log.error("broken");
		log.debug("detail");
		logger({}).info("bare");

		expect(calls.map(([method]) => method)).toEqual(["log", "warn", "error", "debug", "log"]);
		expect(calls[0][1]).toBe(
			`{"level":"info","message":"hello","traceId":"${TRACE.traceId}","spanId":"${TRACE.spanId}","requestId":"req-1","orderId":"ord_1","n":1}`,
		);
		expect(calls[4][1]).toBe('{"level":"info","message":"bare"}');
	});

	it("spells out an error with its causes", () => {
		expect(errorText(new Error("outer", { cause: new Error("inner") }))).toBe("outer: inner");
		expect(errorText("plain")).toBe("plain");
	});
});
