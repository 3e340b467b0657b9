/**
 * Known good values for the fuzzers, made through the API itself: the seeded
 * locations and menu ids, open carts with a line, and a placed order with its
 * tracking token. Valid requests then reach real carts and orders instead of
 * stopping at 404.
 */
import type { Hints } from "./arbitraries";

/** Sends one request to the platform: a Worker's fetch handler in tests, HTTP in the fuzz script. */
export type Send = (request: {
	method: string;
	url: string;
	headers?: Record<string, string>;
	body?: string;
}) => Promise<Response>;

const LOCATION = "london-soho";
/** A line the seeded catalogue serves at lunch every day (scripts/seed/demo-catalogue.ts). */
const FLAT_WHITE = { itemId: "itm-ldn-flat-white", quantity: 1, options: ["opt-ldn-flat-white-milk-oat"] };
const CONTACT = { name: "Fuzz Tester", email: "fuzz@example.com", phone: "+44 20 7946 0000" };
/** The simulator's card that authorises at once, so the order goes to the kitchen. */
const SUCCESS_CARD = { method: "card", paymentMethod: "pm_sim_4242424242424242" };

async function sendJson<T>(send: Send, method: string, url: string, body?: unknown, headers = {}): Promise<T> {
	const response = await send({
		method,
		url,
		headers: { "content-type": "application/json", ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	if (!response.ok) throw new Error(`corpus: ${method} ${url} answered ${response.status} ${await response.text()}`);
	return (await response.json()) as T;
}

interface Menu {
	categories: {
		id: string;
		items: {
			id: string;
			availability: unknown[];
			modifierGroups: { id: string; minSelections: number; options: { id: string }[] }[];
		}[];
	}[];
}

/** The menu's item, category, group and option ids. */
async function menuIds(send: Send, slug: string) {
	const menu = await sendJson<Menu>(send, "GET", `/api/v1/locations/${slug}/menu`);
	const items = menu.categories.flatMap((category) => category.items);
	const groups = items.flatMap((item) => item.modifierGroups);
	return {
		categoryIds: menu.categories.map((category) => category.id),
		itemIds: items.map((item) => item.id),
		groupIds: groups.map((group) => group.id),
		optionIds: groups.flatMap((group) => group.options.map((option) => option.id)),
	};
}

/** Today's date in UTC, or a day `daysAhead` from it. */
function today(daysAhead = 0): string {
	return new Date(Date.now() + daysAhead * 24 * 3600_000).toISOString().slice(0, 10);
}

/** Tomorrow at 12:00 UTC, when the London location is open. */
function lunchTomorrow(): string {
	return `${today(1)}T12:00:00Z`;
}

/** Makes carts and an order through `send`, and returns the hints the request arbitraries use. */
export async function buildCorpus(send: Send, cartCount = 3): Promise<Hints> {
	const { locations } = await sendJson<{ locations: { slug: string }[] }>(send, "GET", "/api/v1/locations");
	const slugs = locations.map((location) => location.slug);
	const menu = await menuIds(send, LOCATION);

	const cartIds: string[] = [];
	const lineIds: string[] = [];
	for (let index = 0; index < cartCount; index++) {
		const cart = await sendJson<{ id: string }>(send, "POST", "/api/v1/carts", { locationSlug: LOCATION });
		const added = await sendJson<{ lineId: string }>(send, "POST", `/api/v1/carts/${cart.id}/items`, FLAT_WHITE);
		cartIds.push(cart.id);
		lineIds.push(added.lineId);
	}
	// The last cart is checked out, so its order and token are real and the cart answers as checked out.
	const placed = await sendJson<{ orderId: string; trackingToken: string }>(
		send,
		"POST",
		`/api/v1/carts/${cartIds[cartIds.length - 1]}/checkout`,
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: lunchTomorrow(), payment: SUCCESS_CARD },
		{ "idempotency-key": crypto.randomUUID() },
	);

	return {
		slug: slugs,
		locationSlug: slugs,
		location: slugs,
		categoryId: menu.categoryIds,
		itemId: menu.itemIds,
		groupId: menu.groupIds,
		options: menu.optionIds,
		optionId: menu.optionIds,
		cartId: cartIds,
		lineId: lineIds,
		orderId: [placed.orderId],
		token: [placed.trackingToken],
		trackingToken: [placed.trackingToken],
		requestedTime: ["asap", lunchTomorrow()],
		// The success card, so generated checkouts get past payment and place orders.
		paymentMethod: [SUCCESS_CARD.paymentMethod],
		// Query parameters of search, recommendations and forecasts.
		q: ["flat white", "cake", "pad"],
		category: menu.categoryIds,
		cart: cartIds,
		date: [today(), today(1)],
		avoid: ["peanuts", "milk,gluten"],
		email: [CONTACT.email, "customer@goodfood.local"],
		"idempotency-key": [crypto.randomUUID(), crypto.randomUUID()],
	};
}
