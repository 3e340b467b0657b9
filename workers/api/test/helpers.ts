/** Calls into the api worker exactly as a client would, through its fetch handler. */
import { env, exports } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import type { Principal } from "@goodfood/platform/app";
import { regionsOf } from "@goodfood/platform/regions";
import type { CartDurableObject } from "../../../durable-objects/src/cart";
import { cartObject } from "../src/cart/carts";
import { regionOfId } from "../src/cart/identity";

/** A bearer header for a principal, signed as the login route would sign it. */
export async function bearer(principal: Principal): Promise<{ authorization: string }> {
	return { authorization: `Bearer ${await issueAccessToken(env, principal)}` };
}

/** The seeded demo accounts, one per role (see scripts/seed/staff.ts). */
export const PRINCIPALS = {
	admin: { id: "acc-demo-admin", role: "admin", locations: [] },
	manager: { id: "acc-demo-manager-soho", role: "manager", locations: ["london-soho"] },
	kitchen: { id: "acc-demo-kitchen-soho", role: "kitchen", locations: ["london-soho"] },
	otherKitchen: { id: "acc-demo-kitchen-chelsea", role: "kitchen", locations: ["new-york-chelsea"] },
	customer: { id: "acc-demo-customer", role: "customer", locations: [] },
} satisfies Record<string, Principal>;

/** Staff who may do everything: the admin. */
export const STAFF = await bearer(PRINCIPALS.admin);

export function call(path: string, init: RequestInit = {}): Promise<Response> {
	return exports.default.fetch(new Request(`https://goodfood.test${path}`, init));
}

export function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
	return call(path, {
		method,
		headers: { "content-type": "application/json", ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
}

export interface ErrorEnvelope {
	error: { code: string; message: string; details?: { field: string; message: string }[]; requestId: string };
}

/** The fields an error response names, from its details. */
export async function errorOf(response: Response): Promise<ErrorEnvelope["error"]> {
	const body = (await response.json()) as ErrorEnvelope;
	return body.error;
}

export const CONTACT = { name: "Ada Lovelace", email: "ada@example.com", phone: "+44 20 7946 0000" };

/** Soho, well inside the London location's delivery radius. */
export const NEARBY_ADDRESS = {
	line1: "12 Greek Street",
	city: "London",
	postcode: "W1D 4DL",
	latitude: 51.5142,
	longitude: -0.1318,
};

export async function json<T>(response: Response): Promise<T> {
	return (await response.json()) as T;
}

export interface CartBody {
	id: string;
	status: string;
	orderId: string | null;
	lines: {
		lineId: string;
		itemId: string;
		quantity: number;
		unitPrice: { amount: number; currency: string };
		options: { optionId: string }[];
	}[];
	itemCount: number;
	totals: Record<string, { amount: number; currency: string } | boolean>;
}

export async function newCart(locationSlug = "london-soho"): Promise<CartBody> {
	const response = await send("POST", "/api/v1/carts", { locationSlug });
	if (response.status !== 201) throw new Error(`cart not created: ${response.status} ${await response.text()}`);
	return json<CartBody>(response);
}

export async function addItem(cartId: string, line: Record<string, unknown>) {
	return send("POST", `/api/v1/carts/${cartId}/items`, line);
}

/** A cart holding one flat white with oat milk, ready to check out. */
export async function cartWithFlatWhite(): Promise<CartBody> {
	const cart = await newCart();
	const added = await addItem(cart.id, {
		itemId: "itm-ldn-flat-white",
		quantity: 2,
		options: ["opt-ldn-flat-white-milk-oat"],
	});
	if (added.status !== 201) throw new Error(`line not added: ${added.status} ${await added.text()}`);
	return cart;
}

export function checkout(cartId: string, body: Record<string, unknown>, key = crypto.randomUUID()) {
	return send("POST", `/api/v1/carts/${cartId}/checkout`, body, { "idempotency-key": key });
}

/** The simulator's card that authorises at once (docs/payments.md), so the order goes straight to the kitchen. */
export const PAY_BY_CARD = { method: "card", paymentMethod: "pm_sim_4242424242424242" };

export const PICKUP = { fulfilment: "pickup", contact: CONTACT, requestedTime: "asap", payment: PAY_BY_CARD };

/** Tomorrow at 12:00 UTC: 12:00 or 13:00 in London, when it is open every day of the week. */
export function londonLunchTomorrow(): string {
	const tomorrow = new Date(Date.now() + 24 * 3600_000);
	return `${tomorrow.toISOString().slice(0, 10)}T12:00:00Z`;
}

export const PICKUP_TOMORROW = () => ({ ...PICKUP, requestedTime: londonLunchTomorrow() });

/** Registers a new customer account through the API, signed in: its id and a bearer header for its access token. */
export async function registerCustomer(
	email = `${crypto.randomUUID()}@example.com`,
): Promise<{ id: string; email: string; headers: { authorization: string } }> {
	const response = await send("POST", "/api/v1/auth/register", { email, password: "correct horse 42", name: "Grace" });
	if (response.status !== 201) throw new Error(`customer not registered: ${response.status} ${await response.text()}`);
	const { accessToken, account } = await json<{ accessToken: string; account: { id: string } }>(response);
	return { id: account.id, email, headers: { authorization: `Bearer ${accessToken}` } };
}

/** The order database of the region an order or cart id names (`ord_eu_…` → ORDERS_EU). */
export function orderDatabaseOf(id: string): D1Database {
	return regionsOf(env).get(regionOfId(id))?.orders ?? assertNever(`no region for ${id}`);
}

function assertNever(message: string): never {
	throw new Error(message);
}

/** The London test location's region's order database, where its orders' rows live. */
export const LONDON_ORDERS = env.ORDERS_EU;

/** An order's Cart object, in its region (the eu one inside its jurisdiction), as the worker reaches it. */
export function cartStub(orderId: string): DurableObjectStub<CartDurableObject> {
	return cartObject(env, orderId) as DurableObjectStub<CartDurableObject>;
}

/** A fresh order id of a region, as a cart opened there would name its order. */
export function newOrderId(region = "eu"): string {
	return `ord_${region}_${crypto.randomUUID().replaceAll("-", "")}`;
}

/** The body of PUT /locations/{slug}: a London location open on weekdays, with what a test changes. */
export function locationInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		name: "GoodFood Shoreditch",
		address: { line: "1 Curtain Road", city: "London", postcode: "EC2A 3AA", country: "GB" },
		coordinates: { latitude: 51.523, longitude: -0.079 },
		timeZone: "Europe/London",
		region: "eu",
		currency: "GBP",
		taxRateBps: 2000,
		pricesIncludeTax: true,
		openingHours: {
			mon: [{ opens: "08:00", closes: "22:00" }],
			tue: [{ opens: "08:00", closes: "22:00" }],
			wed: [{ opens: "08:00", closes: "22:00" }],
			thu: [{ opens: "08:00", closes: "22:00" }],
			fri: [{ opens: "08:00", closes: "23:00" }],
			sat: [],
			sun: [],
		},
		fulfilment: { pickup: true, delivery: { radiusMeters: 3000, fee: { amount: 299, currency: "GBP" } } },
		...overrides,
	};
}

/** An item without required choices at two locations in different regions, and a time each is open tomorrow. */
export const ORDERABLE = {
	"london-soho": {
		line: { itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"] },
		requestedTime: londonLunchTomorrow,
	},
	"new-york-chelsea": {
		line: { itemId: "itm-nyc-cold-brew", options: ["opt-nyc-cold-brew-size-regular"] },
		// 17:00 UTC: noon or 1 pm in New York, open every day.
		requestedTime: () => `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T17:00:00Z`,
	},
} as const;
