/**
 * Parts add root fields with `extend type Mutation` / `extend type Subscription`
 * and need no base definition nor any order among themselves.
 */
import { parse } from "graphql";
import { createSchema } from "graphql-yoga";
import { describe, expect, it } from "vitest";
import { withOperationRoots } from "./schema";

const query = parse("type Query { apiVersion: String! }");
const cart = parse("extend type Mutation { createCart: ID! }");
const orders = parse("extend type Mutation { placeOrder: ID! } extend type Subscription { orderUpdated: ID! }");

function rootsOf(documents: ReturnType<typeof parse>[]) {
	const schema = createSchema({ typeDefs: withOperationRoots(documents) });
	return {
		mutation: Object.keys(schema.getMutationType()?.getFields() ?? {}),
		subscription: Object.keys(schema.getSubscriptionType()?.getFields() ?? {}),
	};
}

describe("withOperationRoots", () => {
	it("makes Mutation and Subscription from parts' extensions alone, whatever their order", () => {
		expect(rootsOf([query, cart, orders])).toEqual({
			mutation: ["createCart", "placeOrder"],
			subscription: ["orderUpdated"],
		});
		expect(rootsOf([orders, query, cart])).toEqual({
			mutation: ["placeOrder", "createCart"],
			subscription: ["orderUpdated"],
		});
	});

	it("adds no root no part extends", () => {
		const schema = createSchema({ typeDefs: withOperationRoots([query]) });
		expect(schema.getMutationType()).toBeFalsy();
		expect(schema.getSubscriptionType()).toBeFalsy();
	});

	it("leaves a root that is defined alone, and still refuses an extension of any other undefined type", () => {
		const defined = parse("type Mutation { signIn: ID! }");
		expect(rootsOf([query, defined, cart]).mutation).toEqual(["signIn", "createCart"]);
		expect(() =>
			createSchema({ typeDefs: withOperationRoots([query, parse("extend type Order { id: ID }")]) }),
		).toThrow(/Order/);
	});
});
