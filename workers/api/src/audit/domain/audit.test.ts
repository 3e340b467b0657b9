import { describe, expect, it } from "vitest";
import { orderStatusChange } from "./answers";
import { patchChange } from "./change";
import { auditId, REDACTED, redacted } from "./entry";
import { graphWrite, mutationsOf } from "./graph";
import { actorFilterOf, nextCursorOf, rangeOf } from "./query";

describe("redacted", () => {
	it("hides passwords, tokens and secrets at any depth, in lists too", () => {
		const body = { name: "Ada", input: { password: "p", nested: [{ secret: "s", refreshToken: "r" }] }, token: "t" };
		expect(redacted(body)).toEqual({
			name: "Ada",
			input: { password: REDACTED, nested: [{ secret: REDACTED, refreshToken: REDACTED }] },
			token: REDACTED,
		});
	});
});

describe("patchChange", () => {
	it("keeps before to the fields the patch names, leaving out what the old state does not carry", () => {
		const found = { name: "Tea", price: { amount: 250, currency: "GBP" }, soldOut: false };
		const patch = { price: { amount: 300, currency: "GBP" }, modifierGroups: [] };
		expect(patchChange(found, patch)).toEqual({ before: { price: { amount: 250, currency: "GBP" } }, after: patch });
	});
});

describe("orderStatusChange", () => {
	const order = (statuses: string[], extra: Record<string, unknown> = {}) => ({
		status: statuses.at(-1),
		locationSlug: "london-soho",
		timeline: statuses.map((status, index) => ({
			sequence: index + 1,
			status,
			...(index === statuses.length - 1 ? extra : {}),
		})),
	});

	it("reads the status before from the timeline's entry before the last", () => {
		expect(orderStatusChange(order(["placed", "rejected"], { reason: "closing early" }))).toEqual({
			before: { status: "placed" },
			after: { status: "rejected", reason: "closing early" },
			locationSlug: "london-soho",
		});
	});

	it("says nothing of an answer that is not an order", () => {
		expect(orderStatusChange({ error: { code: "conflict" } })).toBeUndefined();
		expect(orderStatusChange(undefined)).toBeUndefined();
	});
});

describe("GraphQL writes", () => {
	const MOVE = "mutation Move($o: ID!) { moved: changeOrderStatus(order: $o, status: READY) { status } }";

	it("names the mutation fields of the operation that runs; queries write nothing", () => {
		expect(mutationsOf({ query: MOVE })).toEqual([{ field: "changeOrderStatus", responseKey: "moved" }]);
		expect(mutationsOf({ query: `query A { locations { slug } } ${MOVE}`, operationName: "A" })).toEqual([]);
		expect(mutationsOf({ query: `query A { x } ${MOVE}` })).toEqual([]);
		expect(mutationsOf({ query: "mutation {" })).toEqual([]);
	});

	it("records only the mutations whose result came back, with their variables", () => {
		const body = { query: MOVE, variables: { o: "ord_1" } };
		expect(graphWrite(body, { data: { moved: { status: "READY" } } })).toEqual({
			action: "graphql mutation changeOrderStatus",
			after: { o: "ord_1" },
		});
		expect(graphWrite(body, { data: null, errors: [{ message: "no" }] })).toBeUndefined();
		expect(graphWrite(body, undefined)?.action).toBe("graphql mutation changeOrderStatus");
		expect(graphWrite({ query: "{ locations { slug } }" }, { data: { locations: [] } })).toBeUndefined();
	});

	it("records each operation of a batch that wrote", () => {
		const batch = [{ query: "{ me { name } }" }, { query: MOVE, variables: { o: "ord_2" } }];
		expect(graphWrite(batch, [{ data: { me: null } }, { data: { moved: { status: "READY" } } }])).toEqual({
			action: "graphql mutation changeOrderStatus",
			after: [{ o: "ord_2" }],
		});
	});
});

describe("the audit query", () => {
	it("takes a date as its whole UTC day and an instant as it is", () => {
		expect(rangeOf("2030-07-01", "2030-07-01")).toEqual({
			from: "2030-07-01T00:00:00.000Z",
			to: "2030-07-02T00:00:00.000Z",
		});
		expect(rangeOf("2030-07-01T10:00:00+02:00", undefined)).toEqual({ from: "2030-07-01T08:00:00.000Z" });
	});

	it("gives the last entry shown as the cursor only when more are left", () => {
		const ids = [auditId(3, "c"), auditId(2, "b"), auditId(1, "a")];
		expect(nextCursorOf(ids, 2)).toBe(ids[1]);
		expect(nextCursorOf(ids.slice(0, 2), 2)).toBeNull();
	});

	it("names an actor by e-mail when it has an @, whatever its case", () => {
		expect(actorFilterOf("Admin@GoodFood.local")).toEqual({ email: "admin@goodfood.local" });
		expect(actorFilterOf("acc-demo-admin")).toEqual({ id: "acc-demo-admin" });
	});
});
