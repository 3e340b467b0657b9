/**
 * The authorization matrix: every protected route against every kind of
 * caller. Customers reach only their own carts and orders (another customer's
 * answers 404, not 403), staff only their locations, admins everything.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../src/platform/app";
import { bearer, CONTACT, call, json, londonLunchTomorrow, PRINCIPALS, STAFF, send } from "./helpers";

const CALLERS = ["anonymous", "customer", "anotherCustomer", "otherKitchen", "kitchen", "manager", "admin"] as const;
type Caller = (typeof CALLERS)[number];

const principals: Record<Exclude<Caller, "anonymous">, Principal> = {
	customer: PRINCIPALS.customer,
	anotherCustomer: { id: "acc-someone-else", role: "customer", locations: [] },
	otherKitchen: PRINCIPALS.otherKitchen,
	kitchen: PRINCIPALS.kitchen,
	manager: PRINCIPALS.manager,
	admin: PRINCIPALS.admin,
};

let headers: Record<Caller, Record<string, string>>;

beforeAll(async () => {
	const entries = await Promise.all(
		Object.entries(principals).map(async ([caller, principal]) => [caller, await bearer(principal)] as const),
	);
	headers = { anonymous: {}, ...Object.fromEntries(entries) } as typeof headers;
});

/** A cart owned by the demo customer, holding one flat white. */
async function customersCart(): Promise<string> {
	const owner = headers.customer;
	const { id } = await json<{ id: string }>(
		await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, owner),
	);
	await send(
		"POST",
		`/api/v1/carts/${id}/items`,
		{ itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"] },
		owner,
	);
	return id;
}

/** An order the demo customer placed at London Soho. */
async function customersOrder(): Promise<string> {
	const cartId = await customersCart();
	const response = await send(
		"POST",
		`/api/v1/carts/${cartId}/checkout`,
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow() },
		{ ...headers.customer, "idempotency-key": crypto.randomUUID() },
	);
	return (await json<{ orderId: string }>(response)).orderId;
}

async function newItem(): Promise<string> {
	const response = await send(
		"POST",
		"/api/v1/locations/london-soho/items",
		{ categoryId: "cat-ldn-drinks", name: `Test tea ${crypto.randomUUID()}`, price: { amount: 250, currency: "GBP" } },
		STAFF,
	);
	return (await json<{ id: string }>(response)).id;
}

async function newGroup(): Promise<string> {
	const itemId = await newItem();
	const response = await send(
		"POST",
		`/api/v1/locations/london-soho/items/${itemId}/modifier-groups`,
		{ name: "Sweetener", minSelections: 0, maxSelections: 1, options: [{ name: "Honey" }] },
		STAFF,
	);
	return (await json<{ id: string }>(response)).id;
}

async function newCategory(): Promise<string> {
	const response = await send(
		"POST",
		"/api/v1/locations/london-soho/categories",
		{ name: `Specials ${crypto.randomUUID()}` },
		STAFF,
	);
	return (await json<{ id: string }>(response)).id;
}

interface Case {
	route: string;
	/** Builds a fresh request for one caller; resources are made per call so callers do not disturb each other. */
	request: (as: Record<string, string>) => Promise<Response>;
	expect: Record<Caller, number>;
}

const staffOnly = (ok: number, kitchen: number) => ({
	anonymous: 401,
	customer: 403,
	anotherCustomer: 403,
	otherKitchen: 403,
	kitchen,
	manager: ok,
	admin: ok,
});
const ownerOnly = (ok: number) => ({
	anonymous: 404,
	customer: ok,
	anotherCustomer: 404,
	otherKitchen: 404,
	kitchen: 404,
	manager: 404,
	admin: 404,
});
const orderReaders = (ok: number) => ({
	anonymous: 404,
	customer: ok,
	anotherCustomer: 404,
	otherKitchen: 404,
	kitchen: ok,
	manager: ok,
	admin: ok,
});
const signedIn = {
	anonymous: 401,
	customer: 200,
	anotherCustomer: 401,
	otherKitchen: 200,
	kitchen: 200,
	manager: 200,
	admin: 200,
};

const cases: Case[] = [
	{
		route: "GET /carts/{id}",
		request: async (as) => call(`/api/v1/carts/${await customersCart()}`, { headers: as }),
		expect: ownerOnly(200),
	},
	{
		route: "POST /carts/{id}/items",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/carts/${await customersCart()}/items`,
				{ itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-whole"] },
				as,
			),
		expect: ownerOnly(201),
	},
	{
		route: "PATCH /carts/{id}/items/{lineId}",
		request: async (as) => {
			const cartId = await customersCart();
			const { lines } = await json<{ lines: { lineId: string }[] }>(
				await call(`/api/v1/carts/${cartId}`, { headers: headers.customer }),
			);
			return send("PATCH", `/api/v1/carts/${cartId}/items/${lines[0].lineId}`, { quantity: 2 }, as);
		},
		expect: ownerOnly(200),
	},
	{
		route: "DELETE /carts/{id}/items/{lineId}",
		request: async (as) => {
			const cartId = await customersCart();
			const { lines } = await json<{ lines: { lineId: string }[] }>(
				await call(`/api/v1/carts/${cartId}`, { headers: headers.customer }),
			);
			return send("DELETE", `/api/v1/carts/${cartId}/items/${lines[0].lineId}`, undefined, as);
		},
		expect: ownerOnly(200),
	},
	{
		route: "POST /carts/{id}/checkout",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/carts/${await customersCart()}/checkout`,
				{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow() },
				{ ...as, "idempotency-key": crypto.randomUUID() },
			),
		expect: ownerOnly(201),
	},
	{
		route: "GET /orders/{id}",
		request: async (as) => call(`/api/v1/orders/${await customersOrder()}`, { headers: as }),
		expect: orderReaders(200),
	},
	{
		route: "GET /orders/{id}/events",
		request: async (as) => call(`/api/v1/orders/${await customersOrder()}/events`, { headers: as }),
		expect: orderReaders(200),
	},
	{
		route: "POST /orders/{id}/status",
		request: async (as) =>
			send("POST", `/api/v1/orders/${await customersOrder()}/status`, { status: "confirmed", etaMinutes: 10 }, as),
		expect: {
			anonymous: 401,
			customer: 403,
			anotherCustomer: 403,
			otherKitchen: 404,
			kitchen: 200,
			manager: 200,
			admin: 200,
		},
	},
	{
		route: "POST /orders/{id}/cancel",
		request: async (as) => send("POST", `/api/v1/orders/${await customersOrder()}/cancel`, {}, as),
		expect: orderReaders(200),
	},
	{
		route: "GET /locations/{slug}/orders",
		request: (as) => call("/api/v1/locations/london-soho/orders", { headers: as }),
		expect: staffOnly(200, 200),
	},
	{
		route: "POST /locations/{slug}/categories",
		request: (as) => send("POST", "/api/v1/locations/london-soho/categories", { name: "Late bites" }, as),
		expect: staffOnly(201, 403),
	},
	{
		route: "PATCH /locations/{slug}/categories/{id}",
		request: async (as) =>
			send("PATCH", `/api/v1/locations/london-soho/categories/${await newCategory()}`, { name: "Renamed" }, as),
		expect: staffOnly(200, 403),
	},
	{
		route: "DELETE /locations/{slug}/categories/{id}",
		request: async (as) =>
			send("DELETE", `/api/v1/locations/london-soho/categories/${await newCategory()}`, undefined, as),
		expect: staffOnly(200, 403),
	},
	{
		route: "POST /locations/{slug}/items",
		request: (as) =>
			send(
				"POST",
				"/api/v1/locations/london-soho/items",
				{ categoryId: "cat-ldn-drinks", name: "Matcha", price: { amount: 300, currency: "GBP" } },
				as,
			),
		expect: staffOnly(201, 403),
	},
	{
		route: "PATCH /locations/{slug}/items/{id}",
		request: async (as) =>
			send("PATCH", `/api/v1/locations/london-soho/items/${await newItem()}`, { name: "Renamed" }, as),
		expect: staffOnly(200, 403),
	},
	{
		route: "DELETE /locations/{slug}/items/{id}",
		request: async (as) => send("DELETE", `/api/v1/locations/london-soho/items/${await newItem()}`, undefined, as),
		expect: staffOnly(200, 403),
	},
	{
		route: "PUT /locations/{slug}/items/{id}/sold-out",
		request: async (as) =>
			send("PUT", `/api/v1/locations/london-soho/items/${await newItem()}/sold-out`, { soldOut: true }, as),
		expect: staffOnly(200, 200),
	},
	{
		route: "POST /locations/{slug}/items/{id}/modifier-groups",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/locations/london-soho/items/${await newItem()}/modifier-groups`,
				{ name: "Size", minSelections: 1, maxSelections: 1, options: [{ name: "Small" }] },
				as,
			),
		expect: staffOnly(201, 403),
	},
	{
		route: "PUT /locations/{slug}/modifier-groups/{id}",
		request: async (as) =>
			send(
				"PUT",
				`/api/v1/locations/london-soho/modifier-groups/${await newGroup()}`,
				{ name: "Sweetener", minSelections: 0, maxSelections: 1, options: [{ name: "Maple" }] },
				as,
			),
		expect: staffOnly(200, 403),
	},
	{
		route: "DELETE /locations/{slug}/modifier-groups/{id}",
		request: async (as) =>
			send("DELETE", `/api/v1/locations/london-soho/modifier-groups/${await newGroup()}`, undefined, as),
		expect: staffOnly(200, 403),
	},
	{
		route: "POST /staff",
		request: (as) =>
			send(
				"POST",
				"/api/v1/staff",
				{
					email: `s-${crypto.randomUUID()}@goodfood.local`,
					password: "staff pass 123",
					name: "S",
					role: "kitchen",
					locations: ["london-soho"],
				},
				as,
			),
		expect: { ...staffOnly(403, 403), admin: 201 },
	},
	{
		route: "GET /staff",
		request: (as) => call("/api/v1/staff", { headers: as }),
		expect: { ...staffOnly(403, 403), admin: 200 },
	},
	// The other customer has a valid token but no account: the profile routes say so with 401.
	{
		route: "GET /customers/me",
		request: (as) => call("/api/v1/customers/me", { headers: as }),
		expect: { ...signedIn, otherKitchen: 200 },
	},
	{
		route: "PATCH /customers/me",
		request: (as) => send("PATCH", "/api/v1/customers/me", { dietaryPreferences: [] }, as),
		expect: signedIn,
	},
	{
		route: "GET /customers/me/orders",
		request: (as) => call("/api/v1/customers/me/orders", { headers: as }),
		expect: signedIn,
	},
	{
		route: "GET /customers/me/export",
		request: (as) => call("/api/v1/customers/me/export", { headers: as }),
		expect: signedIn,
	},
];

describe.each(cases)("$route", ({ request, expect: expected }) => {
	it.each(CALLERS)("as %s", async (caller) => {
		const response = await request(headers[caller]);
		expect(response.status).toBe(expected[caller]);
	});
});
