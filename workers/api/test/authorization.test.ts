/**
 * The authorization matrix: every protected route against every kind of
 * caller. Customers reach only their own carts and orders (another customer's
 * answers 404, not 403), staff only their locations, admins everything. A 403
 * says why in its details: the caller's role, or a location its account does
 * not work at. The last test fails when the app registers a route that is
 * neither in the matrix nor on the explicit list of public routes. The graph
 * (/api/v1/graphql) has its own matrix by root field, with REST's codes, and
 * the same completeness check over the served schema's roots.
 */
import { env } from "cloudflare:workers";
import type { Principal } from "@goodfood/platform/app";
import type { ForbiddenDetails } from "@goodfood/platform/auth";
import { ERROR_CODES } from "@goodfood/platform/errors";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { API_PREFIX, app } from "../src/app";
import { graphSchema } from "../src/graph/schema";
import { PNG_320x240 } from "../src/menu/images/domain/fixtures";
import {
	bearer,
	CONTACT,
	call,
	json,
	locationInput,
	londonLunchTomorrow,
	PAY_BY_CARD,
	PRINCIPALS,
	registerCustomer,
	STAFF,
	send,
} from "./helpers";

const CALLERS = ["anonymous", "customer", "anotherCustomer", "otherKitchen", "kitchen", "manager", "admin"] as const;
type Caller = (typeof CALLERS)[number];
type StaffCaller = Exclude<Caller, "anonymous" | "customer" | "anotherCustomer">;

const staffPrincipals: Record<StaffCaller, Principal> = {
	otherKitchen: PRINCIPALS.otherKitchen,
	kitchen: PRINCIPALS.kitchen,
	manager: PRINCIPALS.manager,
	admin: PRINCIPALS.admin,
};

let headers: Record<Caller, Record<string, string>>;

beforeAll(async () => {
	headers = {
		anonymous: {},
		customer: await bearer(PRINCIPALS.customer),
		// A second real customer: registered and signed in through the API, so an account exists behind the token.
		anotherCustomer: (await registerCustomer()).headers,
		otherKitchen: await bearer(staffPrincipals.otherKitchen),
		kitchen: await bearer(staffPrincipals.kitchen),
		manager: await bearer(staffPrincipals.manager),
		admin: await bearer(staffPrincipals.admin),
	};
});

/**
 * A throwaway account of the caller's kind, for routes that destroy the
 * caller's own account: customers register, staff are created by the admin
 * with the same role and locations as the caller they stand for.
 */
async function disposable(caller: Caller): Promise<Record<string, string>> {
	if (caller === "anonymous") return {};
	if (caller === "customer" || caller === "anotherCustomer") return (await registerCustomer()).headers;
	const { role, locations } = staffPrincipals[caller];
	const response = await send(
		"POST",
		"/api/v1/staff",
		{ email: `d-${crypto.randomUUID()}@goodfood.local`, password: "staff pass 123", name: "D", role, locations },
		STAFF,
	);
	if (response.status !== 201) throw new Error(`staff not created: ${response.status} ${await response.text()}`);
	const { id } = await json<{ id: string }>(response);
	return bearer({ id, role, locations });
}

/** The password each kind of throwaway account has (see `disposable` and `registerCustomer`). */
const DISPOSABLE_PASSWORDS: Record<Caller, string> = {
	anonymous: "no account, no password",
	customer: "correct horse 42",
	anotherCustomer: "correct horse 42",
	otherKitchen: "staff pass 123",
	kitchen: "staff pass 123",
	manager: "staff pass 123",
	admin: "staff pass 123",
};

/** A kitchen account at London Soho, created by the admin, for the routes that change or remove staff. */
async function newStaffMember(): Promise<string> {
	const response = await send(
		"POST",
		"/api/v1/staff",
		{
			email: `m-${crypto.randomUUID()}@goodfood.local`,
			password: "staff pass 123",
			name: "M",
			role: "kitchen",
			locations: ["london-soho"],
		},
		STAFF,
	);
	return (await json<{ id: string }>(response)).id;
}

/** An invitation for a new kitchen account at London Soho, to a fresh address. */
function kitchenInvitation() {
	return { email: `i-${crypto.randomUUID()}@goodfood.local`, name: "I", role: "kitchen", locations: ["london-soho"] };
}

/** A closure years ahead of any order the matrix places, so it never closes the day a case orders for. */
function farClosure() {
	return { from: "2099-12-25", reason: "Matrix holiday" };
}

async function removeClosure(id: string): Promise<void> {
	await send("DELETE", `/api/v1/locations/london-soho/closures/${id}`, undefined, STAFF);
}

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
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow(), payment: PAY_BY_CARD },
		{ ...headers.customer, "idempotency-key": crypto.randomUUID() },
	);
	return (await json<{ orderId: string }>(response)).orderId;
}

/** The customer's order, handed over and its card captured: what a refund needs. */
async function customersCapturedOrder(): Promise<string> {
	const orderId = await customersOrder();
	for (const status of ["confirmed", "preparing", "ready", "picked_up"]) {
		await send("POST", `/api/v1/orders/${orderId}/status`, { status, etaMinutes: 10 }, STAFF);
	}
	await vi.waitFor(
		async () => {
			const order = await json<{ payment: { status: string } }>(
				await call(`/api/v1/orders/${orderId}`, { headers: STAFF }),
			);
			expect(order.payment.status).toBe("captured");
		},
		{ timeout: 5_000, interval: 50 },
	);
	return orderId;
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

async function newWebhook(): Promise<string> {
	const response = await send("POST", "/api/v1/locations/london-soho/webhooks", { url: WEBHOOK_URL }, STAFF);
	if (response.status !== 201) throw new Error(`webhook not registered: ${response.status} ${await response.text()}`);
	return (await json<{ id: string }>(response)).id;
}

/** A location holds at most ten webhooks, so every webhook the matrix makes is removed again. */
async function removeWebhook(id: string): Promise<void> {
	await send("DELETE", `/api/v1/locations/london-soho/webhooks/${id}`, undefined, STAFF);
}

const WEBHOOK_URL = "https://hooks.example.test/authorization";

/** The development e-mail sink as the production worker would answer it. */
function inProduction(path: string, init: RequestInit): Promise<Response> {
	const production = { ...env, ENVIRONMENT: "production" } as unknown as Env;
	return Promise.resolve(app.fetch(new Request(`https://goodfood.test${path}`, init), production));
}

/** A 403 `forbidden` and its `details.reason`: the caller's role may not, or its account does not work at the location. */
const FORBIDDEN_ROLE = "403 role";
const FORBIDDEN_LOCATION = "403 location";
/** A status; a 403 is always expected with its reason. */
type Expected = number | typeof FORBIDDEN_ROLE | typeof FORBIDDEN_LOCATION;

interface Case {
	/** The route as the app registers it, `METHOD /path/{param}` under /api/v1; the completeness test matches on it. */
	route: string;
	/** Tells apart two cases of one route (a query, a transport, an environment). */
	variant?: string;
	/** Builds a fresh request for one caller; resources are made per call so callers do not disturb each other. */
	request: (as: Record<string, string>, caller: Caller) => Promise<Response>;
	expect: Record<Caller, Expected>;
}

/**
 * Staff of London Soho: customers are refused for their role; the kitchen of
 * another location for its role when kitchens may not do this, else for the location.
 */
const staffOnly = (ok: Expected, kitchen: Expected): Record<Caller, Expected> => ({
	anonymous: 401,
	customer: FORBIDDEN_ROLE,
	anotherCustomer: FORBIDDEN_ROLE,
	otherKitchen: kitchen === FORBIDDEN_ROLE ? FORBIDDEN_ROLE : FORBIDDEN_LOCATION,
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
	anotherCustomer: 200,
	otherKitchen: 200,
	kitchen: 200,
	manager: 200,
	admin: 200,
};

/** A route open to every caller, signed in or not. */
const everyone = (status: number): Record<Caller, number> => ({
	anonymous: status,
	customer: status,
	anotherCustomer: status,
	otherKitchen: status,
	kitchen: status,
	manager: status,
	admin: status,
});

const cases: Case[] = [
	{
		route: "GET /carts/{cartId}",
		request: async (as) => call(`/api/v1/carts/${await customersCart()}`, { headers: as }),
		expect: ownerOnly(200),
	},
	{
		route: "POST /carts/{cartId}/items",
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
		route: "PATCH /carts/{cartId}/items/{lineId}",
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
		route: "DELETE /carts/{cartId}/items/{lineId}",
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
		route: "POST /carts/{cartId}/checkout",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/carts/${await customersCart()}/checkout`,
				{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow(), payment: PAY_BY_CARD },
				{ ...as, "idempotency-key": crypto.randomUUID() },
			),
		expect: ownerOnly(201),
	},
	{
		route: "GET /orders/{orderId}",
		request: async (as) => call(`/api/v1/orders/${await customersOrder()}`, { headers: as }),
		expect: orderReaders(200),
	},
	{
		route: "GET /orders/{orderId}/events",
		request: async (as) => call(`/api/v1/orders/${await customersOrder()}/events`, { headers: as }),
		expect: orderReaders(200),
	},
	{
		route: "POST /orders/{orderId}/status",
		request: async (as) =>
			send("POST", `/api/v1/orders/${await customersOrder()}/status`, { status: "confirmed", etaMinutes: 10 }, as),
		expect: {
			anonymous: 401,
			customer: FORBIDDEN_ROLE,
			anotherCustomer: FORBIDDEN_ROLE,
			otherKitchen: 404,
			kitchen: 200,
			manager: 200,
			admin: 200,
		},
	},
	{
		route: "POST /orders/{orderId}/cancel",
		request: async (as) => send("POST", `/api/v1/orders/${await customersOrder()}/cancel`, {}, as),
		expect: orderReaders(200),
	},
	{
		route: "GET /locations/{slug}/orders",
		request: (as) => call("/api/v1/locations/london-soho/orders", { headers: as }),
		expect: staffOnly(200, 200),
	},
	{
		// Refunding is the manager's business, not the kitchen's: the role is refused before the location.
		route: "POST /orders/{orderId}/refunds",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/orders/${await customersCapturedOrder()}/refunds`,
				{ amount: 100, reason: "Cold coffee" },
				{ ...as, "idempotency-key": crypto.randomUUID() },
			),
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		// Money back is the manager's business, not the kitchen's.
		route: "GET /locations/{slug}/refunds",
		request: (as) => call("/api/v1/locations/london-soho/refunds", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "POST /locations/{slug}/categories",
		request: (as) => send("POST", "/api/v1/locations/london-soho/categories", { name: "Late bites" }, as),
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "PATCH /locations/{slug}/categories/{categoryId}",
		request: async (as) =>
			send("PATCH", `/api/v1/locations/london-soho/categories/${await newCategory()}`, { name: "Renamed" }, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/categories/{categoryId}",
		request: async (as) =>
			send("DELETE", `/api/v1/locations/london-soho/categories/${await newCategory()}`, undefined, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
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
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "PATCH /locations/{slug}/items/{itemId}",
		request: async (as) =>
			send("PATCH", `/api/v1/locations/london-soho/items/${await newItem()}`, { name: "Renamed" }, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/items/{itemId}",
		request: async (as) => send("DELETE", `/api/v1/locations/london-soho/items/${await newItem()}`, undefined, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "PUT /locations/{slug}/items/{itemId}/sold-out",
		request: async (as) =>
			send("PUT", `/api/v1/locations/london-soho/items/${await newItem()}/sold-out`, { soldOut: true }, as),
		expect: staffOnly(200, 200),
	},
	{
		route: "PUT /locations/{slug}/items/{itemId}/image",
		request: async (as) =>
			call(`/api/v1/locations/london-soho/items/${await newItem()}/image`, {
				method: "PUT",
				headers: as,
				body: PNG_320x240,
			}),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/items/{itemId}/image",
		request: async (as) =>
			call(`/api/v1/locations/london-soho/items/${await newItem()}/image`, { method: "DELETE", headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "GET /locations/{slug}/stock",
		request: (as) => call("/api/v1/locations/london-soho/stock", { headers: as }),
		expect: staffOnly(200, 200),
	},
	{
		route: "PUT /locations/{slug}/stock",
		request: async (as) =>
			send("PUT", "/api/v1/locations/london-soho/stock", { entries: [{ itemId: await newItem(), count: 5 }] }, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "POST /locations/{slug}/stock/restock",
		request: async (as) =>
			send(
				"POST",
				"/api/v1/locations/london-soho/stock/restock",
				{ entries: [{ itemId: await newItem(), add: 5 }] },
				as,
			),
		expect: staffOnly(200, 200),
	},
	{
		route: "PUT /locations/{slug}/stock/opening/{date}",
		request: (as) =>
			send(
				"PUT",
				`/api/v1/locations/london-soho/stock/opening/${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`,
				{ entries: [] },
				as,
			),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "POST /locations/{slug}/items/{itemId}/modifier-groups",
		request: async (as) =>
			send(
				"POST",
				`/api/v1/locations/london-soho/items/${await newItem()}/modifier-groups`,
				{ name: "Size", minSelections: 1, maxSelections: 1, options: [{ name: "Small" }] },
				as,
			),
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "PUT /locations/{slug}/modifier-groups/{groupId}",
		request: async (as) =>
			send(
				"PUT",
				`/api/v1/locations/london-soho/modifier-groups/${await newGroup()}`,
				{ name: "Sweetener", minSelections: 0, maxSelections: 1, options: [{ name: "Maple" }] },
				as,
			),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/modifier-groups/{groupId}",
		request: async (as) =>
			send("DELETE", `/api/v1/locations/london-soho/modifier-groups/${await newGroup()}`, undefined, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		// Only admins open a location or move it to another region; a new slug each call, so the admin's creates it.
		route: "PUT /locations/{slug}",
		request: (as) => send("PUT", `/api/v1/locations/test-${crypto.randomUUID().slice(0, 8)}`, locationInput(), as),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 201 },
	},
	{
		route: "POST /locations",
		request: (as) =>
			send("POST", "/api/v1/locations", { slug: `new-${crypto.randomUUID().slice(0, 8)}`, ...locationInput() }, as),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 201 },
	},
	{
		route: "PUT /locations/{slug}/opening-hours",
		request: async (as) => {
			const { openingHours } = await json<{ openingHours: unknown }>(await call("/api/v1/locations/london-soho"));
			return send("PUT", "/api/v1/locations/london-soho/opening-hours", { openingHours }, as);
		},
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "GET /locations/{slug}/closures",
		request: (as) => call("/api/v1/locations/london-soho/closures", { headers: as }),
		expect: staffOnly(200, 200),
	},
	{
		route: "POST /locations/{slug}/closures",
		request: async (as) => {
			const response = await send("POST", "/api/v1/locations/london-soho/closures", farClosure(), as);
			if (response.status === 201) await removeClosure((await json<{ id: string }>(response.clone())).id);
			return response;
		},
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/closures/{closureId}",
		request: async (as) => {
			const { id } = await json<{ id: string }>(
				await send("POST", "/api/v1/locations/london-soho/closures", farClosure(), STAFF),
			);
			const response = await send("DELETE", `/api/v1/locations/london-soho/closures/${id}`, undefined, as);
			if (response.status !== 204) await removeClosure(id);
			return response;
		},
		expect: staffOnly(204, FORBIDDEN_ROLE),
	},
	// Paused only for as long as the call: every pause is resumed at once, so no other case finds Soho paused.
	{
		route: "POST /locations/{slug}/pause",
		request: async (as) => {
			const response = await send("POST", "/api/v1/locations/london-soho/pause", { reason: "Matrix" }, as);
			await send("POST", "/api/v1/locations/london-soho/resume", undefined, STAFF);
			return response;
		},
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "POST /locations/{slug}/resume",
		request: (as) => send("POST", "/api/v1/locations/london-soho/resume", undefined, as),
		expect: staffOnly(200, FORBIDDEN_ROLE),
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
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 201 },
	},
	{
		// A manager sees the kitchen accounts of their own locations; an admin sees every staff account.
		route: "GET /staff",
		request: (as) => call("/api/v1/staff", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "PATCH /staff/{accountId}",
		request: async (as) =>
			send("PATCH", `/api/v1/staff/${await newStaffMember()}`, { role: "manager", locations: ["london-soho"] }, as),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		// The fixture is a Soho kitchen account: Soho's manager may remove it.
		route: "DELETE /staff/{accountId}",
		request: async (as) => send("DELETE", `/api/v1/staff/${await newStaffMember()}`, undefined, as),
		expect: staffOnly(204, FORBIDDEN_ROLE),
	},
	{
		route: "POST /staff/invitations",
		request: (as) => send("POST", "/api/v1/staff/invitations", kitchenInvitation(), as),
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "GET /staff/invitations",
		request: (as) => call("/api/v1/staff/invitations", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /staff/invitations/{invitationId}",
		request: async (as) => {
			const { id } = await json<{ id: string }>(
				await send("POST", "/api/v1/staff/invitations", kitchenInvitation(), STAFF),
			);
			return send("DELETE", `/api/v1/staff/invitations/${id}`, undefined, as);
		},
		expect: staffOnly(204, FORBIDDEN_ROLE),
	},
	{
		// The demo accounts are verified already; a customer who just registered is not, and gets a new link.
		route: "POST /customers/me/verification",
		request: (as) => send("POST", "/api/v1/customers/me/verification", undefined, as),
		expect: {
			anonymous: 401,
			customer: 409,
			anotherCustomer: 202,
			otherKitchen: 409,
			kitchen: 409,
			manager: 409,
			admin: 409,
		},
	},
	{
		route: "GET /customers/me",
		request: (as) => call("/api/v1/customers/me", { headers: as }),
		expect: signedIn,
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

/** The order the demo customer placed, followed live over SSE or a WebSocket. */
function followOrder(transport: Record<string, string>): Case["request"] {
	return async (as) => call(`/api/v1/orders/${await customersOrder()}/live`, { headers: { ...transport, ...as } });
}

cases.push(
	// Public: guest carts and guest orders are how anonymous callers buy; a signed-in customer's become theirs.
	{
		route: "POST /carts",
		request: (as) => send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, as),
		expect: everyone(201),
	},
	{
		route: "POST /orders",
		request: (as) =>
			send(
				"POST",
				"/api/v1/orders",
				{
					fulfilment: "pickup",
					contact: CONTACT,
					requestedTime: londonLunchTomorrow(),
					payment: PAY_BY_CARD,
					locationSlug: "london-soho",
					items: [{ itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-whole"] }],
				},
				{ ...as, "idempotency-key": crypto.randomUUID() },
			),
		expect: everyone(201),
	},
	{
		route: "GET /orders/{orderId}/live",
		variant: "Server-Sent Events",
		request: followOrder({ accept: "text/event-stream" }),
		expect: orderReaders(200),
	},
	{
		route: "GET /orders/{orderId}/live",
		variant: "WebSocket",
		request: followOrder({ upgrade: "websocket" }),
		expect: orderReaders(101),
	},
	{
		route: "GET /locations/{slug}/orders/live",
		request: (as) => call("/api/v1/locations/london-soho/orders/live", { headers: { upgrade: "websocket", ...as } }),
		expect: staffOnly(101, 101),
	},
	{
		route: "POST /locations/{slug}/webhooks",
		request: async (as) => {
			const response = await send("POST", "/api/v1/locations/london-soho/webhooks", { url: WEBHOOK_URL }, as);
			if (response.status === 201) await removeWebhook((await json<{ id: string }>(response.clone())).id);
			return response;
		},
		expect: staffOnly(201, FORBIDDEN_ROLE),
	},
	{
		route: "GET /locations/{slug}/webhooks",
		request: (as) => call("/api/v1/locations/london-soho/webhooks", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "DELETE /locations/{slug}/webhooks/{id}",
		request: async (as) => {
			const id = await newWebhook();
			const response = await send("DELETE", `/api/v1/locations/london-soho/webhooks/${id}`, undefined, as);
			if (response.status !== 204) await removeWebhook(id);
			return response;
		},
		expect: staffOnly(204, FORBIDDEN_ROLE),
	},
	{
		route: "GET /locations/{slug}/webhooks/{id}/deliveries",
		request: async (as) => {
			const id = await newWebhook();
			const response = await call(`/api/v1/locations/london-soho/webhooks/${id}/deliveries`, { headers: as });
			await removeWebhook(id);
			return response;
		},
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "POST /locations/{slug}/webhooks/{id}/test",
		request: async (as) => {
			const id = await newWebhook();
			const response = await call(`/api/v1/locations/london-soho/webhooks/${id}/test`, { method: "POST", headers: as });
			await removeWebhook(id);
			return response;
		},
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	// A letter no queue recorded: a caller who passes the checks is told it is not there.
	{
		route: "POST /admin/dead-letters/{region}/{queue}/{messageId}/replay",
		request: (as) =>
			call("/api/v1/admin/dead-letters/eu/goodfood-order-events-dlq/no-such-message/replay", {
				method: "POST",
				headers: as,
			}),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 404 },
	},
	{
		route: "GET /admin/dead-letters",
		request: (as) => call("/api/v1/admin/dead-letters", { headers: as }),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		route: "POST /admin/dead-letters/replay",
		request: (as) => call("/api/v1/admin/dead-letters/replay", { method: "POST", headers: as }),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		route: "GET /admin/stats/daily",
		variant: "every location",
		request: (as) => call("/api/v1/admin/stats/daily", { headers: as }),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		route: "GET /admin/stats/daily",
		variant: "one location",
		request: (as) => call("/api/v1/admin/stats/daily?location=london-soho", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "GET /admin/audit",
		request: (as) => call("/api/v1/admin/audit", { headers: as }),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		route: "GET /admin/stats",
		variant: "every location",
		request: (as) => call("/api/v1/admin/stats", { headers: as }),
		expect: { ...staffOnly(FORBIDDEN_ROLE, FORBIDDEN_ROLE), admin: 200 },
	},
	{
		route: "GET /admin/stats",
		variant: "one location",
		request: (as) => call("/api/v1/admin/stats?location=london-soho", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	// The test database has no sales history, so a caller who passes the checks gets 422 (nothing to forecast from).
	{
		route: "GET /forecasts/demand",
		request: async (as) => {
			const today = new Date().toISOString().slice(0, 10);
			return call(`/api/v1/forecasts/demand?location=london-soho&category=cat-ldn-drinks&date=${today}`, {
				headers: as,
			});
		},
		expect: staffOnly(422, 422),
	},
	{
		route: "GET /locations/{slug}/menu/editable",
		request: (as) => call("/api/v1/locations/london-soho/menu/editable", { headers: as }),
		expect: staffOnly(200, FORBIDDEN_ROLE),
	},
	{
		route: "GET /locations/{slug}/forecasts",
		request: (as) => call("/api/v1/locations/london-soho/forecasts", { headers: as }),
		expect: staffOnly(200, 200),
	},
	{
		route: "GET /locations/{slug}/prep-list",
		request: (as) => call("/api/v1/locations/london-soho/prep-list", { headers: as }),
		expect: staffOnly(200, 200),
	},
	// Public without ?cart=; with the demo customer's cart, only that customer may name it.
	{
		route: "GET /recommendations",
		variant: "for the demo customer's cart",
		request: async (as) =>
			call(`/api/v1/recommendations?location=london-soho&cart=${await customersCart()}`, { headers: as }),
		expect: ownerOnly(200),
	},
	{
		route: "GET /recommendations",
		variant: "popular",
		request: (as) => call("/api/v1/recommendations?location=london-soho", { headers: as }),
		expect: everyone(200),
	},
	// The e-mail sink has no sign-in: it exists only in development and tests, and elsewhere answers as if absent.
	{
		route: "GET /dev/emails",
		variant: "development",
		request: (as) => call("/api/v1/dev/emails?limit=1", { headers: as }),
		expect: everyone(200),
	},
	{
		route: "GET /dev/emails",
		variant: "production",
		request: (as) => inProduction("/api/v1/dev/emails?limit=1", { headers: as }),
		expect: everyone(404),
	},
	// Ends every session of the caller's own account, so each caller gets a throwaway one of its kind.
	{
		route: "POST /customers/me/password",
		request: async (_as, caller) =>
			send(
				"POST",
				"/api/v1/customers/me/password",
				{ currentPassword: DISPOSABLE_PASSWORDS[caller], newPassword: "a fresh pass 4567" },
				await disposable(caller),
			),
		expect: signedIn,
	},
	// Deletes the caller's own account, so each caller gets a throwaway one of its kind.
	{
		route: "DELETE /customers/me",
		request: async (_as, caller) => send("DELETE", "/api/v1/customers/me", undefined, await disposable(caller)),
		expect: {
			...signedIn,
			customer: 204,
			anotherCustomer: 204,
			otherKitchen: FORBIDDEN_ROLE,
			kitchen: FORBIDDEN_ROLE,
			manager: FORBIDDEN_ROLE,
			admin: FORBIDDEN_ROLE,
		},
	},
);

/** Lets go of a WebSocket or a stream the request opened, so nothing outlives its test. */
async function release(response: Response): Promise<void> {
	if (response.webSocket) {
		response.webSocket.accept();
		response.webSocket.close();
	} else {
		await response.body?.cancel();
	}
}

/** The response's status, and for a 403 `forbidden` its reason too; lets go of the response. */
async function outcome(response: Response): Promise<Expected> {
	if (response.status !== 403) {
		const status = response.status;
		await release(response);
		return status;
	}
	const { error } = await json<{ error: { code: string; details?: ForbiddenDetails } }>(response);
	expect(error.code).toBe("forbidden");
	return `403 ${error.details?.reason}` as Expected;
}

describe.each(
	cases.map((entry) => ({ ...entry, name: entry.variant ? `${entry.route} (${entry.variant})` : entry.route })),
)("$name", ({ request, expect: expected }) => {
	it.each(CALLERS)("as %s", async (caller) => {
		const response = await request(headers[caller], caller);
		expect(await outcome(response)).toBe(expected[caller]);
	});
});

/** A 403's error, checked to be one. */
async function forbidden(response: Response): Promise<{ code: string; message: string; details: ForbiddenDetails }> {
	expect(response.status).toBe(403);
	return (await json<{ error: { code: string; message: string; details: ForbiddenDetails } }>(response)).error;
}

describe("a 403 says why", () => {
	it("names the caller's role and the roles allowed when the role may not: London Soho's kitchen editing an item", async () => {
		const itemId = await newItem();
		const response = await send(
			"PATCH",
			`/api/v1/locations/london-soho/items/${itemId}`,
			{ name: "R" },
			headers.kitchen,
		);
		expect(await forbidden(response)).toMatchObject({
			code: "forbidden",
			details: { reason: "role", role: "kitchen", allowed: ["manager", "admin"] },
		});
	});

	it("names the role, not the location, when both would refuse: another location's kitchen editing an item", async () => {
		const itemId = await newItem();
		const response = await send(
			"PATCH",
			`/api/v1/locations/london-soho/items/${itemId}`,
			{ name: "R" },
			headers.otherKitchen,
		);
		expect((await forbidden(response)).details).toEqual({
			reason: "role",
			role: "kitchen",
			allowed: ["manager", "admin"],
		});
	});

	it("names the location when the role may but the account works elsewhere", async () => {
		const response = await call("/api/v1/locations/london-soho/orders", { headers: headers.otherKitchen });
		expect(await forbidden(response)).toMatchObject({
			code: "forbidden",
			details: { reason: "location", locationSlug: "london-soho" },
		});
	});

	it("names the role on routes that check it themselves: a manager asking for every location's figures", async () => {
		const response = await call("/api/v1/admin/stats", { headers: headers.manager });
		expect((await forbidden(response)).details).toEqual({ reason: "role", role: "manager", allowed: ["admin"] });
	});
});

// The graph: every root field of /api/v1/graphql against the same callers, with REST's codes.

/** A field that answers null to this caller, without an error (`me` for nobody signed in). */
const ANSWERS_NULL = "null";
type GraphExpected = Expected | typeof ANSWERS_NULL;

interface GraphResult {
	data?: Record<string, unknown> | null;
	errors?: { message: string; extensions?: { code?: string; details?: unknown } }[];
}

interface GraphCase {
	/** The root field, `Query.cart`, `Mutation.checkout`, `Subscription.orderUpdated`; the completeness test matches on it. */
	field: string;
	variant?: string;
	request: (as: Record<string, string>, caller: Caller) => Promise<GraphResult>;
	/** A success is 200 (whatever REST answers), a refusal the status of its code; 403s with their reason. */
	expect: Record<Caller, GraphExpected>;
}

async function graph(
	query: string,
	variables: Record<string, unknown>,
	as: Record<string, string>,
): Promise<GraphResult> {
	const response = await send("POST", "/api/v1/graphql", { query, variables }, as);
	return json<GraphResult>(response);
}

/**
 * The first result of a subscription over Server-Sent Events, then lets go of
 * it; `meanwhile` runs once the stream is open (yoga answers once the source
 * is subscribed), for feeds that say nothing until something happens.
 */
async function firstResult(
	query: string,
	variables: Record<string, unknown>,
	as: Record<string, string>,
	meanwhile?: () => Promise<unknown>,
): Promise<GraphResult> {
	const response = await call("/api/v1/graphql", {
		method: "POST",
		headers: { "content-type": "application/json", accept: "text/event-stream", ...as },
		body: JSON.stringify({ query, variables }),
	});
	if (!response.body) throw new Error(`no stream: ${response.status}`);
	const reader = response.body.getReader();
	const decoder = new TextDecoder();
	let buffered = "";
	const reading = (async () => {
		for (;;) {
			const frames = buffered.split("\n\n");
			const next = frames.slice(0, -1).find((frame) => /^event: ?next$/m.test(frame));
			if (next) {
				const data = next
					.split("\n")
					.filter((line) => line.startsWith("data:"))
					.map((line) => line.slice(5).trim())
					.join("\n");
				return JSON.parse(data) as GraphResult;
			}
			const { value, done } = await reader.read();
			if (done) throw new Error(`the stream ended without a result: ${buffered}`);
			buffered += decoder.decode(value, { stream: true });
		}
	})();
	try {
		await meanwhile?.();
		return await Promise.race([
			reading,
			new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no result within 5 s")), 5000)),
		]);
	} finally {
		await reader.cancel();
	}
}

/** What a graph answer means for the matrix: 200, null, or the refusal's status (a 403 with its reason). */
function graphOutcome(result: GraphResult, field: string): GraphExpected | string {
	const error = result.errors?.[0];
	if (error) {
		const code = error.extensions?.code ?? "no code";
		if (code === "forbidden") return `403 ${(error.extensions?.details as ForbiddenDetails | undefined)?.reason}`;
		return ERROR_CODES[code as keyof typeof ERROR_CODES] ?? code;
	}
	const name = field.split(".")[1];
	return result.data?.[name] === null ? ANSWERS_NULL : 200;
}

async function firstLineOf(cartId: string): Promise<string> {
	const { lines } = await json<{ lines: { lineId: string }[] }>(
		await call(`/api/v1/carts/${cartId}`, { headers: headers.customer }),
	);
	return lines[0].lineId;
}

const PICKUP_INPUT = () => ({
	fulfilment: "PICKUP",
	contact: CONTACT,
	requestedTime: londonLunchTomorrow(),
	payment: { ...PAY_BY_CARD, method: "CARD" },
});

const graphCases: GraphCase[] = [
	{
		field: "Query.me",
		request: (as) => graph("{ me { id } }", {}, as),
		expect: { ...signedIn, anonymous: ANSWERS_NULL },
	},
	{
		field: "Mutation.updateMe",
		request: (as) => graph("mutation { updateMe(input: { dietaryPreferences: [] }) { id } }", {}, as),
		expect: signedIn,
	},
	{
		field: "Query.cart",
		request: async (as) => graph("query ($id: ID!) { cart(id: $id) { id } }", { id: await customersCart() }, as),
		expect: ownerOnly(200),
	},
	{
		field: "Mutation.createCart",
		request: (as) => graph('mutation { createCart(location: "london-soho") { id } }', {}, as),
		expect: everyone(200),
	},
	{
		field: "Mutation.addCartItem",
		request: async (as) =>
			graph(
				'mutation ($cart: ID!) { addCartItem(cart: $cart, item: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-whole"]) { __typename } }',
				{ cart: await customersCart() },
				as,
			),
		expect: ownerOnly(200),
	},
	{
		field: "Mutation.updateCartItem",
		request: async (as) => {
			const cart = await customersCart();
			return graph(
				"mutation ($cart: ID!, $line: ID!) { updateCartItem(cart: $cart, line: $line, quantity: 2) { id } }",
				{ cart, line: await firstLineOf(cart) },
				as,
			);
		},
		expect: ownerOnly(200),
	},
	{
		field: "Mutation.removeCartItem",
		request: async (as) => {
			const cart = await customersCart();
			return graph(
				"mutation ($cart: ID!, $line: ID!) { removeCartItem(cart: $cart, line: $line) { id } }",
				{ cart, line: await firstLineOf(cart) },
				as,
			);
		},
		expect: ownerOnly(200),
	},
	{
		field: "Mutation.checkout",
		request: async (as) =>
			graph(
				"mutation ($cart: ID!, $key: String!, $input: CheckoutInput!) { checkout(cart: $cart, idempotencyKey: $key, input: $input) { orderId } }",
				{ cart: await customersCart(), key: crypto.randomUUID(), input: PICKUP_INPUT() },
				as,
			),
		expect: ownerOnly(200),
	},
	{
		field: "Mutation.placeOrder",
		request: (as) =>
			graph(
				"mutation ($key: String!, $input: PlaceOrderInput!) { placeOrder(idempotencyKey: $key, input: $input) { orderId } }",
				{
					key: crypto.randomUUID(),
					input: {
						...PICKUP_INPUT(),
						location: "london-soho",
						items: [{ item: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-whole"] }],
					},
				},
				as,
			),
		expect: everyone(200),
	},
	{
		field: "Query.order",
		request: async (as) => graph("query ($id: ID!) { order(id: $id) { id } }", { id: await customersOrder() }, as),
		expect: orderReaders(200),
	},
	{
		field: "Mutation.changeOrderStatus",
		request: async (as) =>
			graph(
				"mutation ($order: ID!) { changeOrderStatus(order: $order, status: CONFIRMED, etaMinutes: 10) { id } }",
				{ order: await customersOrder() },
				as,
			),
		expect: {
			anonymous: 401,
			customer: FORBIDDEN_ROLE,
			anotherCustomer: FORBIDDEN_ROLE,
			otherKitchen: 404,
			kitchen: 200,
			manager: 200,
			admin: 200,
		},
	},
	{
		field: "Mutation.cancelOrder",
		request: async (as) =>
			graph("mutation ($order: ID!) { cancelOrder(order: $order) { id } }", { order: await customersOrder() }, as),
		expect: orderReaders(200),
	},
	{
		field: "Query.locationOrders",
		request: (as) => graph('{ locationOrders(location: "london-soho") { id } }', {}, as),
		expect: staffOnly(200, 200),
	},
	{
		field: "Subscription.orderUpdated",
		request: async (as) =>
			firstResult(
				"subscription ($id: ID!) { orderUpdated(orderId: $id) { sequence } }",
				{ id: await customersOrder() },
				as,
			),
		expect: orderReaders(200),
	},
	{
		field: "Subscription.kitchenOrders",
		// The feed says nothing until an order arrives, so one is placed once the subscription is open.
		request: (as) =>
			firstResult('subscription { kitchenOrders(location: "london-soho") { orderId } }', {}, as, customersOrder),
		expect: staffOnly(200, 200),
	},
	{
		field: "Query.recommendations",
		variant: "for the demo customer's cart",
		request: async (as) =>
			graph(
				'query ($cart: ID!) { recommendations(location: "london-soho", cart: $cart) { score } }',
				{ cart: await customersCart() },
				as,
			),
		expect: ownerOnly(200),
	},
	{
		field: "Query.recommendations",
		variant: "popular",
		request: (as) => graph('{ recommendations(location: "london-soho") { score } }', {}, as),
		expect: everyone(200),
	},
	// As over REST: the test database has no sales history, so a caller who passes the checks gets 422.
	{
		field: "Query.demandForecast",
		request: (as) =>
			graph(
				'query ($date: String!) { demandForecast(location: "london-soho", category: "cat-ldn-drinks", date: $date) { date } }',
				{ date: new Date().toISOString().slice(0, 10) },
				as,
			),
		expect: staffOnly(422, 422),
	},
];

describe.each(
	graphCases.map((entry) => ({
		...entry,
		name: `GraphQL ${entry.field}${entry.variant ? ` (${entry.variant})` : ""}`,
	})),
)("$name", ({ field, request, expect: expected }) => {
	it.each(CALLERS)("as %s", async (caller) => {
		expect(graphOutcome(await request(headers[caller], caller), field)).toBe(expected[caller]);
	});
});

/**
 * Root fields anyone may ask for without an account, exempt from the graph's
 * matrix, each with its reason, as PUBLIC_ROUTES is for REST.
 */
const PUBLIC_GRAPH_FIELDS = new Set([
	// The graph's own version.
	"Query.apiVersion",
	// The published menus of every location (GET /locations, /locations/{slug}, /locations/{slug}/menu, /menu/search).
	"Query.locations",
	"Query.location",
	"Query.menu",
	"Query.searchMenu",
	// Federation: the subgraph's schema, and references resolved by each entity's own rules (a Customer only for itself).
	"Query._service",
	"Query._entities",
]);

/** Every root field of the served schema, as `Query.name`, `Mutation.name`, `Subscription.name`. */
function graphRootFields(): Set<string> {
	const roots = [graphSchema().getQueryType(), graphSchema().getMutationType(), graphSchema().getSubscriptionType()];
	return new Set(
		roots.flatMap((root) => (root ? Object.keys(root.getFields()).map((name) => `${root.name}.${name}`) : [])),
	);
}

describe("the graph's matrix's completeness", () => {
	it("covers every root field that is not on the public list", () => {
		const fields = graphRootFields();
		const covered = new Set(graphCases.map((entry) => entry.field));
		expect(fields.size).toBeGreaterThan(20);
		expect([...fields].filter((field) => !covered.has(field) && !PUBLIC_GRAPH_FIELDS.has(field))).toEqual([]);
	});

	it("names only fields that exist, and none both in the matrix and on the public list", () => {
		const fields = graphRootFields();
		const named = [...graphCases.map((entry) => entry.field), ...PUBLIC_GRAPH_FIELDS];
		expect(named.filter((field) => !fields.has(field))).toEqual([]);
		expect(graphCases.map((entry) => entry.field).filter((field) => PUBLIC_GRAPH_FIELDS.has(field))).toEqual([]);
	});

	it("serves the schema it checks: _service's SDL names every root field", async () => {
		const { data } = await graph("{ _service { sdl } }", {}, {});
		const sdl = (data?._service as { sdl: string } | undefined)?.sdl ?? "";
		for (const field of graphRootFields()) {
			if (field.startsWith("Query._")) continue;
			expect(sdl).toMatch(new RegExp(`\\b${field.split(".")[1]}\\b`));
		}
	});
});

/**
 * Routes anyone may call without an account, exempt from the matrix. Each is
 * here on purpose; a new route must join the matrix or this list, with a reason.
 */
const PUBLIC_ROUTES = new Set([
	// Probes for the load balancer and deploys, outside /api/v1.
	"GET /health",
	"GET /ready",
	// Signing up and signing in: there is no principal yet, or the refresh token is the credential.
	"POST /auth/register",
	"POST /auth/login",
	"POST /auth/refresh",
	"POST /auth/logout",
	// E-mailed links: the single-use token in the body is the credential (accounts-recovery.test.ts,
	// staff-invitations.test.ts); asking for a reset answers the same whether or not the address has an account.
	"POST /auth/password-reset",
	"POST /auth/password-reset/complete",
	"POST /auth/verify-email",
	"POST /auth/invitations/accept",
	// The published menus of every location.
	"GET /locations",
	"GET /locations/{slug}",
	"GET /locations/{slug}/menu",
	"GET /menu/search",
	// Which pickup slots still have room: what the storefront's time picker shows before anyone signs in.
	"GET /locations/{slug}/slots",
	// The API's own description and its reference page.
	"GET /openapi.json",
	"GET /docs",
	// The graph's front door: each of its root fields is authorized on its own, in the graph's matrix.
	"GET /graphql",
	"POST /graphql",
	// Payment providers' webhooks: the provider's signature over the body is the credential (payments-webhooks.test.ts).
	"POST /payments/webhooks/{provider}",
	// How the storefront takes a card, before anyone signs in: the provider and Stripe's publishable key,
	// which is public by design (payments-config.test.ts).
	"GET /payments/config",
	// The payment simulator stands in for a provider's own pages and tools: served only while it is the
	// provider, never in production (payments-simulator.test.ts); an intent's id is its capability.
	"GET /payments/simulator/intents/{intentId}",
	"POST /payments/simulator/intents/{intentId}/authenticate",
	"POST /payments/simulator/intents/{intentId}/delivery",
]);

/** Every route the app registered, as `METHOD /path/{param}` with the /api/v1 prefix dropped. */
function registeredRoutes(): Set<string> {
	return new Set(
		app.routes
			.filter((route) => route.method !== "ALL")
			.map((route) => {
				const path = route.path.startsWith(`${API_PREFIX}/`) ? route.path.slice(API_PREFIX.length) : route.path;
				return `${route.method} ${path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}")}`;
			}),
	);
}

describe("the matrix's completeness", () => {
	it("covers every registered route that is not on the public list", () => {
		const registered = registeredRoutes();
		const covered = new Set(cases.map((entry) => entry.route));
		expect(registered.size).toBeGreaterThan(40);
		expect([...registered].filter((route) => !covered.has(route) && !PUBLIC_ROUTES.has(route))).toEqual([]);
	});

	it("names only routes that exist, and none both in the matrix and on the public list", () => {
		const registered = registeredRoutes();
		const named = [...cases.map((entry) => entry.route), ...PUBLIC_ROUTES];
		expect(named.filter((route) => !registered.has(route))).toEqual([]);
		expect(cases.map((entry) => entry.route).filter((route) => PUBLIC_ROUTES.has(route))).toEqual([]);
	});
});
