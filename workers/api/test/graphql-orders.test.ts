/**
 * Carts and orders through GraphQL: the same scenarios as the REST tests
 * (carts.test.ts, orders.test.ts), answered by the same functions, so the same
 * totals, idempotency, access and refusals (their REST code in extensions.code).
 */
import { describe, expect, it } from "vitest";
import {
	bearer,
	CONTACT,
	call,
	LONDON_ORDERS,
	londonLunchTomorrow,
	NEARBY_ADDRESS,
	PAY_BY_CARD,
	PRINCIPALS,
	registerCustomer,
	STAFF,
} from "./helpers";

interface GraphError {
	message: string;
	extensions?: { code?: string; details?: unknown };
}
interface GraphAnswer<T> {
	data?: T | null;
	errors?: GraphError[];
}

async function graphql<T = Record<string, never>>(
	query: string,
	variables: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): Promise<GraphAnswer<T> & { status: number; bookmark: string | null }> {
	const response = await call("/api/v1/graphql", {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify({ query, variables }),
	});
	const answer = (await response.json()) as GraphAnswer<T>;
	return { ...answer, status: response.status, bookmark: response.headers.get("x-d1-bookmark") };
}

/** The data of an answer that must have succeeded. */
async function ok<T>(answer: Promise<GraphAnswer<T>>): Promise<T> {
	const { data, errors } = await answer;
	expect(errors).toBeUndefined();
	return data as T;
}

/** The REST code of an answer's first error. */
async function codeOf(answer: Promise<GraphAnswer<unknown>>): Promise<string | undefined> {
	const { errors } = await answer;
	return errors?.[0]?.extensions?.code;
}

const MONEY = "{ amount currency }";
const CART_FIELDS = `id status orderId itemCount location { slug name currency }
	lines { id itemId quantity unitPrice ${MONEY} options { optionId name } note lineTotal ${MONEY} }
	totals { subtotal ${MONEY} total ${MONEY} }`;
const ORDER_FIELDS = `id status fulfilment estimatedReadyAt location { slug }
	contact { name email phone } lines { itemId quantity } totals { total ${MONEY} }
	timeline { sequence status occurredAt estimatedReadyAt reason } allowedNext`;

interface Money {
	amount: number;
	currency: string;
}
interface Cart {
	id: string;
	status: string;
	orderId: string | null;
	itemCount: number;
	location: { slug: string; name: string; currency: string };
	lines: { id: string; itemId: string; quantity: number; unitPrice: Money; note: string | null; lineTotal: Money }[];
	totals: { subtotal: Money; total: Money };
}
interface Order {
	id: string;
	status: string;
	fulfilment: string;
	estimatedReadyAt: string | null;
	location: { slug: string };
	contact: { name: string; email: string | null; phone: string | null };
	timeline: { sequence: number; status: string; reason: string | null }[];
	allowedNext: string[];
}
interface Payment {
	method: string | null;
	status: string;
	amount: Money;
	captured: Money;
	refunded: Money;
	refunds: unknown[];
	failure: { code: string; message: string } | null;
	nextAction: { type: string; url: string } | null;
}
interface Placed {
	orderId: string;
	status: string;
	trackingToken: string;
	payment: Payment;
}

const FLAT_WHITE = "itm-ldn-flat-white";
const OAT_MILK = "opt-ldn-flat-white-milk-oat";
const CARD = { ...PAY_BY_CARD, method: "CARD" };
const PICKUP_INPUT = () => ({
	fulfilment: "PICKUP",
	contact: CONTACT,
	requestedTime: londonLunchTomorrow(),
	payment: CARD,
});
const PAYMENT_FIELDS = `method status amount ${MONEY} captured ${MONEY} refunded ${MONEY}
	refunds { id amount ${MONEY} reason occurredAt } failure { code message } nextAction { type url }`;

const CREATE_CART = `mutation($location: ID!) { createCart(location: $location) { ${CART_FIELDS} } }`;
const ADD_ITEM = `mutation($cart: ID!, $item: ID!, $quantity: Int, $options: [ID!], $note: String) {
	addCartItem(cart: $cart, item: $item, quantity: $quantity, options: $options, note: $note) {
		line { id quantity } cart { ${CART_FIELDS} }
	}
}`;
const CHECKOUT = `mutation($cart: ID!, $key: String!, $input: CheckoutInput!) {
	checkout(cart: $cart, idempotencyKey: $key, input: $input) { orderId status trackingToken payment { ${PAYMENT_FIELDS} } }
}`;
const PLACE_ORDER = `mutation($key: String!, $input: PlaceOrderInput!) {
	placeOrder(idempotencyKey: $key, input: $input) {
		orderId status trackingToken payment { method status amount ${MONEY} } order { ${ORDER_FIELDS} }
	}
}`;
const READ_ORDER = `query($id: ID!, $token: String) { order(id: $id, token: $token) { ${ORDER_FIELDS} } }`;
const CHANGE_STATUS = `mutation($order: ID!, $status: OrderStatus!, $eta: Int, $reason: String) {
	changeOrderStatus(order: $order, status: $status, etaMinutes: $eta, reason: $reason) { ${ORDER_FIELDS} }
}`;
const CANCEL = `mutation($order: ID!, $token: String, $reason: String) {
	cancelOrder(order: $order, token: $token, reason: $reason) { ${ORDER_FIELDS} }
}`;

async function cartWithFlatWhite(headers: Record<string, string> = {}): Promise<Cart> {
	const { createCart } = await ok(graphql<{ createCart: Cart }>(CREATE_CART, { location: "london-soho" }, headers));
	const { addCartItem } = await ok(
		graphql<{ addCartItem: { cart: Cart } }>(
			ADD_ITEM,
			{ cart: createCart.id, item: FLAT_WHITE, quantity: 2, options: [OAT_MILK] },
			headers,
		),
	);
	return addCartItem.cart;
}

async function placedOrder(headers: Record<string, string> = {}): Promise<Placed> {
	const cart = await cartWithFlatWhite(headers);
	const { checkout } = await ok(
		graphql<{ checkout: Placed }>(
			CHECKOUT,
			{ cart: cart.id, key: crypto.randomUUID(), input: PICKUP_INPUT() },
			headers,
		),
	);
	return checkout;
}

function changeStatus(
	order: string,
	status: string,
	extra: { eta?: number; reason?: string } = {},
	headers: Record<string, string> = STAFF,
) {
	return graphql<{ changeOrderStatus: Order }>(CHANGE_STATUS, { order, status, ...extra }, headers);
}

describe("a cart through GraphQL", () => {
	it("starts empty at its location and prices what is added, changed and removed", async () => {
		const { createCart: cart } = await ok(graphql<{ createCart: Cart }>(CREATE_CART, { location: "london-soho" }));
		expect(cart).toMatchObject({ status: "OPEN", itemCount: 0, lines: [], location: { slug: "london-soho" } });
		expect(cart.location.name).toBeTruthy();

		const added = await ok(
			graphql<{ addCartItem: { line: { id: string; quantity: number }; cart: Cart } }>(ADD_ITEM, {
				cart: cart.id,
				item: FLAT_WHITE,
				quantity: 2,
				options: [OAT_MILK],
				note: "extra hot",
			}),
		);
		const { line, cart: withLine } = added.addCartItem;
		expect(line.quantity).toBe(2);
		const [only] = withLine.lines;
		expect(only).toMatchObject({ id: line.id, itemId: FLAT_WHITE, quantity: 2, note: "extra hot" });
		expect(only.lineTotal.amount).toBe(only.unitPrice.amount * 2);
		expect(withLine.totals.subtotal).toEqual(only.lineTotal);
		expect(withLine.itemCount).toBe(2);

		const { updateCartItem } = await ok(
			graphql<{ updateCartItem: Cart }>(
				`mutation($cart: ID!, $line: ID!) { updateCartItem(cart: $cart, line: $line, quantity: 3, note: null) { ${CART_FIELDS} } }`,
				{ cart: cart.id, line: line.id },
			),
		);
		expect(updateCartItem.lines[0]).toMatchObject({ quantity: 3, note: null });
		expect(updateCartItem.totals.subtotal.amount).toBe(only.unitPrice.amount * 3);

		const { removeCartItem } = await ok(
			graphql<{ removeCartItem: Cart }>(
				`mutation($cart: ID!, $line: ID!) { removeCartItem(cart: $cart, line: $line) { ${CART_FIELDS} } }`,
				{ cart: cart.id, line: line.id },
			),
		);
		expect(removeCartItem).toMatchObject({ lines: [], itemCount: 0, totals: { subtotal: { amount: 0 } } });

		const { cart: read } = await ok(
			graphql<{ cart: Cart }>(`query($id: ID!) { cart(id: $id) { ${CART_FIELDS} } }`, { id: cart.id }),
		);
		expect(read.id).toBe(cart.id);
	});

	it("refuses bad input with the REST codes, naming the argument", async () => {
		const { createCart: cart } = await ok(graphql<{ createCart: Cart }>(CREATE_CART, { location: "london-soho" }));
		const tooMany = await graphql(ADD_ITEM, { cart: cart.id, item: FLAT_WHITE, quantity: 1000 });
		expect(tooMany.errors?.[0]?.extensions).toMatchObject({
			code: "quantity_out_of_range",
			details: [{ field: "quantity" }],
		});
		const badCart = await graphql(ADD_ITEM, { cart: "not-a-cart", item: FLAT_WHITE });
		expect(badCart.errors?.[0]?.extensions).toMatchObject({ code: "validation_failed", details: [{ field: "cart" }] });
		expect(await codeOf(graphql(CREATE_CART, { location: "nowhere" }))).toBe("not_found");
		const noAddress = await graphql(CHECKOUT, {
			cart: cart.id,
			key: crypto.randomUUID(),
			input: { ...PICKUP_INPUT(), fulfilment: "DELIVERY" },
		});
		expect(noAddress.errors?.[0]?.extensions).toMatchObject({
			code: "delivery_address_required",
			details: [{ field: "input.deliveryAddress" }],
		});
		const badEmail = await graphql(CHECKOUT, {
			cart: cart.id,
			key: crypto.randomUUID(),
			input: { ...PICKUP_INPUT(), contact: { ...CONTACT, email: "nope" } },
		});
		expect(badEmail.errors?.[0]?.extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "input.contact.email" }],
		});
	});
});

describe("checkout through GraphQL", () => {
	it("places the order once per key: the same key and input answer the same order, another input is refused", async () => {
		const cart = await cartWithFlatWhite();
		const key = crypto.randomUUID();
		const input = PICKUP_INPUT();
		const first = await ok(graphql<{ checkout: Placed }>(CHECKOUT, { cart: cart.id, key, input }));
		expect(first.checkout).toMatchObject({ status: "PLACED", orderId: expect.stringMatching(/^ord_eu_/) });
		const again = await ok(graphql<{ checkout: Placed }>(CHECKOUT, { cart: cart.id, key, input }));
		expect(again.checkout).toEqual(first.checkout);

		const other = graphql(CHECKOUT, { cart: cart.id, key, input: { ...input, contact: { ...CONTACT, name: "Bob" } } });
		// The code REST answers (422) for a key reused with another body.
		expect(await codeOf(other)).toBe("idempotency_key_reused");

		const { cart: closed } = await ok(
			graphql<{ cart: Cart }>(`query($id: ID!) { cart(id: $id) { status orderId } }`, { id: cart.id }),
		);
		expect(closed).toEqual({ status: "CHECKED_OUT", orderId: first.checkout.orderId });
	});

	it("needs the idempotency key: the graph refuses an operation without it before it runs", async () => {
		const cart = await cartWithFlatWhite();
		const missing = await graphql(
			`mutation($cart: ID!, $input: CheckoutInput!) { checkout(cart: $cart, input: $input) { orderId } }`,
			{ cart: cart.id, input: PICKUP_INPUT() },
		);
		expect(missing.data).toBeUndefined();
		expect(missing.errors?.[0]?.message).toMatch(/idempotencyKey/);
		const { cart: stillOpen } = await ok(
			graphql<{ cart: Cart }>(`query($id: ID!) { cart(id: $id) { status } }`, { id: cart.id }),
		);
		expect(stillOpen.status).toBe("OPEN");
	});

	it("projects the order in the request, so the staff list read with the response's bookmark shows it", async () => {
		const cart = await cartWithFlatWhite();
		const placed = await graphql<{ checkout: Placed }>(CHECKOUT, {
			cart: cart.id,
			key: crypto.randomUUID(),
			input: PICKUP_INPUT(),
		});
		const orderId = placed.data?.checkout.orderId;
		const row = await LONDON_ORDERS.prepare("SELECT status FROM orders WHERE id = ?").bind(orderId).first();
		expect(row).toEqual({ status: "placed" });
		const { locationOrders } = await ok(
			graphql<{
				locationOrders: {
					id: string;
					status: string;
					contactName: string;
					payment: { method: string; status: string };
				}[];
			}>(
				`{ locationOrders(location: "london-soho", status: [PLACED], limit: 200) { id status contactName payment { method status } } }`,
				{},
				{ ...STAFF, ...(placed.bookmark ? { "x-d1-bookmark": placed.bookmark } : {}) },
			),
		);
		expect(locationOrders).toContainEqual({
			id: orderId,
			status: "PLACED",
			contactName: CONTACT.name,
			payment: { method: "CARD", status: "AUTHORISED" },
		});
	});
});

describe("paying through GraphQL", () => {
	const READ_PAYMENT = `query($id: ID!, $token: String) { order(id: $id, token: $token) { payment { ${PAYMENT_FIELDS} } } }`;

	it("authorises the success card at checkout: the answer and the order carry the payment of the order's total", async () => {
		const cart = await cartWithFlatWhite();
		const { checkout } = await ok(
			graphql<{ checkout: Placed }>(CHECKOUT, { cart: cart.id, key: crypto.randomUUID(), input: PICKUP_INPUT() }),
		);
		const nothing = { amount: 0, currency: "GBP" };
		const authorised = {
			method: "CARD",
			status: "AUTHORISED",
			amount: { amount: 760, currency: "GBP" },
			captured: nothing,
			refunded: nothing,
			refunds: [],
			failure: null,
			nextAction: null,
		};
		expect(checkout).toMatchObject({ status: "PLACED", payment: authorised });

		const { order } = await ok(
			graphql<{ order: { payment: Payment } }>(READ_PAYMENT, { id: checkout.orderId, token: checkout.trackingToken }),
		);
		expect(order.payment).toEqual(authorised);
	});

	it("refuses a declined card with payment_declined, and the cart stays open", async () => {
		const cart = await cartWithFlatWhite();
		const declined = await graphql(CHECKOUT, {
			cart: cart.id,
			key: crypto.randomUUID(),
			input: { ...PICKUP_INPUT(), payment: { ...CARD, paymentMethod: "pm_sim_4000000000009995" } },
		});
		// The decline is shown next to the card field, as REST shows it.
		expect(declined.errors?.[0]?.extensions).toMatchObject({
			code: "payment_declined",
			details: [{ field: "payment.paymentMethod", code: "insufficient_funds" }],
		});
		const { cart: open } = await ok(
			graphql<{ cart: Cart }>(`query($id: ID!) { cart(id: $id) { status orderId } }`, { id: cart.id }),
		);
		expect(open.status).toBe("OPEN");
	});

	it("refuses a payment input as REST does, naming the field under input.payment, and places nothing", async () => {
		const cart = await cartWithFlatWhite();
		const attempt = (input: Record<string, unknown>) =>
			graphql(CHECKOUT, { cart: cart.id, key: crypto.randomUUID(), input: { ...PICKUP_INPUT(), ...input } });

		const noCard = await attempt({ payment: { method: "CARD" } });
		expect(noCard.errors?.[0]?.extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "input.payment.paymentMethod" }],
		});
		const atCounterDelivered = await attempt({
			fulfilment: "DELIVERY",
			deliveryAddress: NEARBY_ADDRESS,
			payment: { method: "PAY_AT_PICKUP" },
		});
		expect(atCounterDelivered.errors?.[0]?.extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "input.payment.method" }],
		});
		const wrongTotal = await attempt({ payment: { ...CARD, amount: { amount: 1, currency: "GBP" } } });
		expect(wrongTotal.errors?.[0]?.extensions?.code).toBe("payment_amount_mismatch");

		// Without a payment the operation is refused before it runs.
		const unpaid = await attempt({ payment: undefined });
		expect(unpaid.data).toBeUndefined();
		expect(unpaid.errors?.[0]).toMatchObject({
			message: expect.stringMatching(/payment/),
			extensions: { code: "validation_failed" },
		});

		const { cart: open } = await ok(
			graphql<{ cart: Cart }>(`query($id: ID!) { cart(id: $id) { status } }`, { id: cart.id }),
		);
		expect(open.status).toBe("OPEN");
	});
});

describe("placeOrder (one shot) through GraphQL", () => {
	it("places an order from its items, replays it for a retry, and shows the customer their order", async () => {
		const customer = await registerCustomer();
		const key = crypto.randomUUID();
		const input = {
			...PICKUP_INPUT(),
			location: "london-soho",
			items: [{ item: FLAT_WHITE, quantity: 1, options: [OAT_MILK] }],
		};
		const { placeOrder } = await ok(
			graphql<{ placeOrder: Placed & { order: Order } }>(PLACE_ORDER, { key, input }, customer.headers),
		);
		expect(placeOrder.order).toMatchObject({ id: placeOrder.orderId, status: "PLACED", contact: CONTACT });
		expect(placeOrder.payment).toEqual({
			method: "CARD",
			status: "AUTHORISED",
			amount: { amount: 380, currency: "GBP" },
		});
		const retry = await ok(graphql<{ placeOrder: Placed }>(PLACE_ORDER, { key, input }, customer.headers));
		expect(retry.placeOrder.orderId).toBe(placeOrder.orderId);

		const badLine = await graphql(PLACE_ORDER, {
			key: crypto.randomUUID(),
			input: { ...input, items: [{ item: FLAT_WHITE, quantity: 0 }] },
		});
		expect(badLine.errors?.[0]?.extensions).toMatchObject({
			code: "quantity_out_of_range",
			details: [{ field: "input.items.0.quantity" }],
		});
	});
});

describe("reading an order through GraphQL", () => {
	it("shows contact details to its staff and its owner, a name to its tracking token, and nothing to others", async () => {
		const owner = await registerCustomer();
		const { orderId, trackingToken } = await placedOrder(owner.headers);

		const asOwner = await ok(graphql<{ order: Order }>(READ_ORDER, { id: orderId }, owner.headers));
		expect(asOwner.order.contact).toEqual(CONTACT);
		const asStaff = await ok(graphql<{ order: Order }>(READ_ORDER, { id: orderId }, await bearer(PRINCIPALS.kitchen)));
		expect(asStaff.order.contact).toEqual(CONTACT);
		const asGuest = await ok(graphql<{ order: Order }>(READ_ORDER, { id: orderId, token: trackingToken }));
		expect(asGuest.order.contact).toEqual({ name: CONTACT.name, email: null, phone: null });

		const stranger = await registerCustomer();
		expect(await codeOf(graphql(READ_ORDER, { id: orderId }, stranger.headers))).toBe("not_found");
		expect(await codeOf(graphql(READ_ORDER, { id: orderId }, await bearer(PRINCIPALS.otherKitchen)))).toBe("not_found");
		expect(await codeOf(graphql(READ_ORDER, { id: orderId }))).toBe("not_found");
		expect(await codeOf(graphql(READ_ORDER, { id: orderId, token: "wrong" }))).toBe("not_found");
	});

	it("gives its events and timeline, the events without contact details for a tracking token", async () => {
		const { orderId, trackingToken } = await placedOrder();
		await ok(changeStatus(orderId, "CONFIRMED", { eta: 20 }));
		const query = `query($id: ID!, $token: String) { order(id: $id, token: $token) {
			timeline { sequence status } events { sequence type payload }
		} }`;
		const tracked = await ok(
			graphql<{ order: { timeline: unknown[]; events: { sequence: number; type: string; payload: string }[] } }>(
				query,
				{ id: orderId, token: trackingToken },
			),
		);
		// Paid by card: placed once the card is authorised, in the same checkout.
		expect(tracked.order.timeline).toEqual([
			{ sequence: 1, status: "AWAITING_PAYMENT" },
			{ sequence: 2, status: "PLACED" },
			{ sequence: 3, status: "CONFIRMED" },
		]);
		expect(tracked.order.events.map((event) => [event.sequence, event.type])).toEqual([
			[1, "OrderPlaced"],
			[2, "PaymentAuthorised"],
			[3, "OrderConfirmed"],
		]);
		expect(tracked.order.events[0].payload).not.toContain(CONTACT.email);
		const staffEvents = await ok(graphql<{ order: { events: { payload: string }[] } }>(query, { id: orderId }, STAFF));
		expect(JSON.parse(staffEvents.order.events[0].payload)).toMatchObject({ contact: CONTACT });
	});

	it("resolves an Order entity for a router, with the caller's access", async () => {
		const { orderId } = await placedOrder();
		const entities = `query($representations: [_Any!]!) { _entities(representations: $representations) {
			... on Order { id status contact { email } }
		} }`;
		const asStaff = await ok(
			graphql<{ _entities: unknown[] }>(entities, { representations: [{ __typename: "Order", id: orderId }] }, STAFF),
		);
		expect(asStaff._entities).toEqual([{ id: orderId, status: "PLACED", contact: { email: CONTACT.email } }]);
	});
});

describe("the order through the kitchen, through GraphQL", () => {
	it("moves placed → confirmed with an ETA → preparing → ready for staff of its location", async () => {
		const { orderId } = await placedOrder();
		const kitchen = await bearer(PRINCIPALS.kitchen);
		const confirmed = (await ok(changeStatus(orderId, "CONFIRMED", { eta: 20 }, kitchen))).changeOrderStatus;
		expect(confirmed.status).toBe("CONFIRMED");
		expect(Date.parse(confirmed.estimatedReadyAt ?? "") - Date.now()).toBeGreaterThan(19 * 60_000);
		expect((await ok(changeStatus(orderId, "PREPARING", {}, kitchen))).changeOrderStatus.status).toBe("PREPARING");
		const ready = (await ok(changeStatus(orderId, "READY", {}, kitchen))).changeOrderStatus;
		expect(ready.status).toBe("READY");
		expect(ready.allowedNext).toContain("PICKED_UP");
		expect(ready.timeline.map((entry) => entry.status)).toEqual([
			"AWAITING_PAYMENT",
			"PLACED",
			"CONFIRMED",
			"PREPARING",
			"READY",
		]);
	});

	it("refuses a customer (forbidden), anonymous callers, staff of another location, a missing ETA and an illegal move", async () => {
		const customer = await registerCustomer();
		const { orderId } = await placedOrder(customer.headers);
		const asCustomer = await changeStatus(orderId, "CONFIRMED", { eta: 5 }, customer.headers);
		expect(asCustomer.errors?.[0]?.extensions).toMatchObject({ code: "forbidden", details: { reason: "role" } });
		expect(await codeOf(changeStatus(orderId, "CONFIRMED", { eta: 5 }, {}))).toBe("unauthorized");
		const otherKitchen = await bearer(PRINCIPALS.otherKitchen);
		expect(await codeOf(changeStatus(orderId, "CONFIRMED", { eta: 5 }, otherKitchen))).toBe("not_found");
		const noEta = await changeStatus(orderId, "CONFIRMED");
		expect(noEta.errors?.[0]?.extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "etaMinutes" }],
		});
		expect(await codeOf(changeStatus(orderId, "READY"))).toBe("illegal_transition");
	});

	it("lists a location's orders only for its staff", async () => {
		const list = `{ locationOrders(location: "london-soho") { id } }`;
		expect(await codeOf(graphql(list, {}, await bearer(PRINCIPALS.otherKitchen)))).toBe("forbidden");
		expect(await codeOf(graphql(list, {}, (await registerCustomer()).headers))).toBe("forbidden");
		expect(await codeOf(graphql(list))).toBe("unauthorized");
		const badLimit = await graphql(`{ locationOrders(location: "london-soho", limit: 0) { id } }`, {}, STAFF);
		expect(badLimit.errors?.[0]?.extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "limit" }],
		});
	});
});

describe("cancelling through GraphQL", () => {
	it("lets the guest cancel with the token before confirmation, but not after", async () => {
		const early = await placedOrder();
		const { cancelOrder } = await ok(
			graphql<{ cancelOrder: Order }>(CANCEL, {
				order: early.orderId,
				token: early.trackingToken,
				reason: "Changed my mind",
			}),
		);
		expect(cancelOrder.status).toBe("CANCELLED");
		expect(cancelOrder.timeline.at(-1)).toMatchObject({ status: "CANCELLED", reason: "Changed my mind" });

		const late = await placedOrder();
		await ok(changeStatus(late.orderId, "CONFIRMED", { eta: 15 }));
		expect(await codeOf(graphql(CANCEL, { order: late.orderId, token: late.trackingToken }))).toBe(
			"illegal_transition",
		);
		expect(await codeOf(graphql(CANCEL, { order: late.orderId }))).toBe("not_found");
	});

	it("lets staff cancel until the order is ready", async () => {
		const { orderId } = await placedOrder();
		await ok(changeStatus(orderId, "CONFIRMED", { eta: 15 }));
		const { cancelOrder } = await ok(
			graphql<{ cancelOrder: Order }>(CANCEL, { order: orderId, reason: "Out of oat milk" }, STAFF),
		);
		expect(cancelOrder.status).toBe("CANCELLED");
	});
});
