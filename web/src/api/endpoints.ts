/** The API routes the app calls, one function each (see /api/v1/openapi.json). */
import { menuLanguage } from "../i18n";
import { ACCOUNT_QUERY, type AccountAnswer } from "./account-query";
import { ApiFailure, graphql, request, V1 } from "./http";
import type {
	AddedLine,
	Cart,
	CategoryInput,
	CategoryPatch,
	CheckoutInput,
	Fulfilment,
	ItemInput,
	ItemPatch,
	LineChange,
	LocationList,
	LocationRefunds,
	Menu,
	MenuWriteResult,
	NewLine,
	Order,
	PaymentsConfig,
	PlacedOrder,
	Profile,
	ProfilePatch,
	RefundInput,
	RefundOutcome,
	Registered,
	Registration,
	SimulatorAuthentication,
	SimulatorIntent,
	SlotList,
	SoldOutResult,
	StaffOrderList,
	StatusChange,
	Tokens,
} from "./types";

export type { NewLine };

const enc = encodeURIComponent;

export function listLocations(near?: { latitude: number; longitude: number }): Promise<LocationList> {
	const query = near ? `?lat=${near.latitude}&lng=${near.longitude}` : "";
	return request(`${V1}/locations${query}`, { authenticated: false });
}

/**
 * A location's menu from the edge's caches; the browser revalidates it with its
 * ETag. In the language chosen with the switcher (`&lang=`), else in the one
 * the browser's Accept-Language prefers; the answer names the language it is
 * in, and a location that does not offer it answers in its default.
 */
export function fetchMenu(slug: string, language: string | undefined = menuLanguage()): Promise<Menu> {
	const lang = language ? `&lang=${enc(language)}` : "";
	return request(`/menu?location=${enc(slug)}${lang}`, { authenticated: false });
}

/** The same menu from the origin, for staff screens that must see their own writes. */
export function fetchMenuFromOrigin(slug: string): Promise<Menu> {
	return request(`${V1}/locations/${enc(slug)}/menu`);
}

/** The slots of the location's local date a checkout can ask for, with the room each has left. */
export function fetchSlots(slug: string, date: string): Promise<SlotList> {
	return request(`${V1}/locations/${enc(slug)}/slots?date=${enc(date)}`, { authenticated: false });
}

export function createCart(locationSlug: string): Promise<Cart> {
	return request(`${V1}/carts`, { method: "POST", body: { locationSlug } });
}

export function getCart(cartId: string, fulfilment: Fulfilment = "pickup", tipMinor = 0): Promise<Cart> {
	return request(`${V1}/carts/${enc(cartId)}?fulfilment=${fulfilment}&tip=${tipMinor}`);
}

export function addLine(cartId: string, line: NewLine): Promise<AddedLine> {
	return request(`${V1}/carts/${enc(cartId)}/items`, { method: "POST", body: line });
}

export function updateLine(cartId: string, lineId: string, change: LineChange): Promise<Cart> {
	return request(`${V1}/carts/${enc(cartId)}/items/${enc(lineId)}`, { method: "PATCH", body: change });
}

export function removeLine(cartId: string, lineId: string): Promise<Cart> {
	return request(`${V1}/carts/${enc(cartId)}/items/${enc(lineId)}`, { method: "DELETE" });
}

export function checkout(cartId: string, input: CheckoutInput, idempotencyKey: string): Promise<PlacedOrder> {
	return request(`${V1}/carts/${enc(cartId)}/checkout`, {
		method: "POST",
		body: input,
		headers: { "idempotency-key": idempotencyKey },
	});
}

function tokenQuery(token: string | undefined): string {
	return token ? `?token=${enc(token)}` : "";
}

export function getOrder(orderId: string, trackingToken?: string): Promise<Order> {
	return request(`${V1}/orders/${enc(orderId)}${tokenQuery(trackingToken)}`);
}

export function cancelOrder(orderId: string, trackingToken?: string): Promise<Order> {
	return request(`${V1}/orders/${enc(orderId)}/cancel${tokenQuery(trackingToken)}`, { method: "POST", body: {} });
}

/** The WebSocket that follows an order; `after` resumes after the last event seen. */
export function liveOrderUrl(orderId: string, trackingToken: string, after?: number): string {
	const url = new URL(`${V1}/orders/${enc(orderId)}/live`, window.location.href);
	url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
	url.searchParams.set("token", trackingToken);
	if (after !== undefined) url.searchParams.set("after", String(after));
	return url.toString();
}

/** The application protocol of the kitchen feed; the 101 names it back. */
export const KITCHEN_FEED_PROTOCOL = "goodfood.v1";

/**
 * The kitchen feed's WebSocket and the subprotocols to offer: a browser cannot
 * set Authorization on a WebSocket, so the access token rides as
 * `bearer.<token>` (never in the URL, which ends up in logs).
 */
export function kitchenFeed(slug: string, accessToken: string): { url: string; protocols: string[] } {
	const url = new URL(`${V1}/locations/${enc(slug)}/orders/live`, window.location.href);
	url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
	return { url: url.toString(), protocols: [KITCHEN_FEED_PROTOCOL, `bearer.${accessToken}`] };
}

export function login(email: string, password: string): Promise<Tokens> {
	return request(`${V1}/auth/login`, { method: "POST", body: { email, password }, authenticated: false });
}

export function register(input: Registration): Promise<Registered> {
	return request(`${V1}/auth/register`, { method: "POST", body: input, authenticated: false });
}

export function refresh(refreshToken: string): Promise<Tokens> {
	return request(`${V1}/auth/refresh`, { method: "POST", body: { refreshToken }, authenticated: false });
}

export function logout(refreshToken: string): Promise<void> {
	return request(`${V1}/auth/logout`, { method: "POST", body: { refreshToken } });
}

export function getProfile(): Promise<Profile> {
	return request(`${V1}/customers/me`);
}

export function updateProfile(patch: ProfilePatch): Promise<Profile> {
	return request(`${V1}/customers/me`, { method: "PATCH", body: patch });
}

/** The signed-in account's profile and order history with every order's lines, in one GraphQL request. */
export async function myAccount(): Promise<NonNullable<AccountAnswer["me"]>> {
	const { me } = await graphql<AccountAnswer>(ACCOUNT_QUERY);
	if (!me) throw new ApiFailure(401, "unauthorized", "Sign in again to see your account.");
	return me;
}

export const ACTIVE_STATUSES = "placed,confirmed,preparing,ready,out_for_delivery";
/** Orders handed over: the ones a manager may refund. */
export const HANDED_OVER_STATUSES = "picked_up,delivered";

export function staffOrders(slug: string, statuses = ACTIVE_STATUSES, limit = 100): Promise<StaffOrderList> {
	return request(`${V1}/locations/${enc(slug)}/orders?status=${statuses}&limit=${limit}`);
}

/** The latest refunds given at a location, newest first, for its managers. */
export function locationRefunds(slug: string, limit = 100): Promise<LocationRefunds> {
	return request(`${V1}/locations/${enc(slug)}/refunds?limit=${limit}`);
}

/** Refunds part or (without an amount) the rest of a handed-over order; a retry reuses its Idempotency-Key. */
export function refundOrder(orderId: string, input: RefundInput, idempotencyKey: string): Promise<RefundOutcome> {
	return request(`${V1}/orders/${enc(orderId)}/refunds`, {
		method: "POST",
		body: input,
		headers: { "idempotency-key": idempotencyKey },
	});
}

/** The payment simulator's intent, for its 3-D Secure page (local and test deployments only). */
let paymentsConfig: Promise<PaymentsConfig> | null = null;

/** Which provider takes cards, asked once per page load (a failure is asked again next time). */
export function fetchPaymentsConfig(): Promise<PaymentsConfig> {
	paymentsConfig ??= request<PaymentsConfig>(`${V1}/payments/config`, { authenticated: false }).catch((failure) => {
		paymentsConfig = null;
		throw failure;
	});
	return paymentsConfig;
}

export function simulatorIntent(intentId: string): Promise<SimulatorIntent> {
	return request(`${V1}/payments/simulator/intents/${enc(intentId)}`, { authenticated: false });
}

/** Completes or fails the simulated bank's second step; the outcome reaches the order by webhook. */
export function authenticateSimulatorIntent(
	intentId: string,
	outcome: SimulatorAuthentication["outcome"],
): Promise<unknown> {
	return request(`${V1}/payments/simulator/intents/${enc(intentId)}/authenticate`, {
		method: "POST",
		body: { outcome },
		authenticated: false,
	});
}

export function changeStatus(orderId: string, change: StatusChange): Promise<Order> {
	return request(`${V1}/orders/${enc(orderId)}/status`, { method: "POST", body: change });
}

export function setSoldOut(slug: string, itemId: string, soldOut: boolean): Promise<SoldOutResult> {
	return request(`${V1}/locations/${enc(slug)}/items/${enc(itemId)}/sold-out`, { method: "PUT", body: { soldOut } });
}

export function createItem(slug: string, item: ItemInput): Promise<MenuWriteResult> {
	return request(`${V1}/locations/${enc(slug)}/items`, { method: "POST", body: item });
}

export function updateItem(slug: string, itemId: string, patch: ItemPatch): Promise<MenuWriteResult> {
	return request(`${V1}/locations/${enc(slug)}/items/${enc(itemId)}`, { method: "PATCH", body: patch });
}

export function deleteItem(slug: string, itemId: string): Promise<void> {
	return request(`${V1}/locations/${enc(slug)}/items/${enc(itemId)}`, { method: "DELETE" });
}

export function createCategory(slug: string, category: CategoryInput): Promise<MenuWriteResult> {
	return request(`${V1}/locations/${enc(slug)}/categories`, { method: "POST", body: category });
}

export function updateCategory(slug: string, categoryId: string, patch: CategoryPatch): Promise<MenuWriteResult> {
	return request(`${V1}/locations/${enc(slug)}/categories/${enc(categoryId)}`, { method: "PATCH", body: patch });
}

/** Deletes the category and every item in it. */
export function deleteCategory(slug: string, categoryId: string): Promise<MenuWriteResult> {
	return request(`${V1}/locations/${enc(slug)}/categories/${enc(categoryId)}`, { method: "DELETE" });
}

/**
 * Items that go well with a cart (its own items, sold-out or unsafe ones never
 * among them); `avoid` adds allergens to those on a signed-in customer's profile.
 */
export function goesWellWith(
	slug: string,
	cartId: string,
	avoid: readonly string[],
	count = 4,
): Promise<import("./types").Recommendations> {
	const query = `location=${enc(slug)}&cart=${enc(cartId)}&count=${count}${avoid.length > 0 ? `&avoid=${avoid.map(enc).join(",")}` : ""}`;
	return request(`${V1}/recommendations?${query}`);
}
