/**
 * What a client reads in `extensions.code`: a domain refusal's own REST code,
 * a request error's REST twin, and internal_error (with nothing of the bug in
 * it) for anything else; only bugs are logged.
 */
import { ApiError } from "@goodfood/platform/errors";
import { violation } from "@goodfood/platform/rule-violation";
import { GraphQLError, GraphQLInt, locatedError } from "graphql";
import { afterEach, describe, expect, it, vi } from "vitest";
import { graphLog, maskError } from "./errors";

afterEach(() => vi.restoreAllMocks());

/** As graphql-js wraps what a resolver throws: located at its field. */
function thrownAt(error: unknown, path = ["order", "lines"]): GraphQLError {
	return locatedError(error, undefined, path);
}

function extensionsOf(error: Error) {
	return (error as GraphQLError).extensions;
}

describe("maskError", () => {
	it("keeps an ApiError's code, message, details and path", () => {
		const masked = maskError(
			thrownAt(new ApiError("validation_failed", "Invalid quantity", [{ field: "quantity", message: "too big" }])),
		) as GraphQLError;
		expect(masked.message).toBe("Invalid quantity");
		expect(masked.path).toEqual(["order", "lines"]);
		expect(masked.extensions).toEqual({
			code: "validation_failed",
			details: [{ field: "quantity", message: "too big" }],
		});
	});

	it("gives a rule broken inside a Durable Object the code REST gives it", () => {
		const masked = maskError(thrownAt(violation("cart_checked_out", "The cart is checked out")));
		expect(extensionsOf(masked)).toEqual({ code: "cart_checked_out" });
		expect(masked.message).toBe("The cart is checked out");
	});

	it("masks a bug as internal_error, saying nothing of it", () => {
		const masked = maskError(thrownAt(new TypeError("cannot read properties of undefined (reading 'secret')")));
		expect(masked.message).toBe("Unexpected error");
		expect(extensionsOf(masked)).toEqual({ code: "internal_error" });
		expect(JSON.stringify(masked)).not.toContain("secret");
	});

	it("gives a variable graphql-js could not coerce validation_failed, keeping its message", () => {
		let scalarError: unknown;
		try {
			GraphQLInt.parseValue("twelve");
		} catch (error) {
			scalarError = error;
		}
		const coercion = new GraphQLError(`Variable "$quantity" got invalid value "twelve"`, {
			originalError: scalarError as Error,
		});
		const masked = maskError(coercion);
		expect(extensionsOf(masked)).toMatchObject({ code: "validation_failed" });
		expect(masked.message).toContain("$quantity");
	});

	it("gives yoga's own refusals their REST twins", () => {
		const cases: [Record<string, unknown>, string][] = [
			[{ code: "GRAPHQL_PARSE_FAILED" }, "bad_request"],
			[{ code: "BAD_REQUEST", http: { status: 405 } }, "method_not_allowed"],
			[{ code: "REQUEST_ENTITY_TOO_LARGE", http: { status: 413 } }, "payload_too_large"],
			[{ code: "SOMETHING_NEW" }, "bad_request"],
			[{ code: "too_many_operations" }, "too_many_operations"],
		];
		for (const [extensions, code] of cases) {
			expect(extensionsOf(maskError(new GraphQLError("refused", { extensions }))).code).toBe(code);
		}
	});
});

describe("graphLog", () => {
	it("logs a bug as an error line, and a refusal not at all", () => {
		const error = vi.spyOn(console, "error").mockImplementation(() => {});
		graphLog.error(thrownAt(ApiError.notFound("Order")));
		graphLog.error(new GraphQLError("Syntax Error: Expected Name"));
		expect(error).not.toHaveBeenCalled();

		graphLog.error(thrownAt(new TypeError("boom")));
		expect(error).toHaveBeenCalledOnce();
		expect(JSON.parse(String(error.mock.calls[0][0]))).toMatchObject({
			level: "error",
			message: "unhandled graphql error",
			error: "boom",
			path: "order.lines",
		});
	});
});
