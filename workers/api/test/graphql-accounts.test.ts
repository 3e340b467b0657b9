/**
 * Accounts in the graph: `me` answers what GET /customers/me and GET
 * /customers/me/orders answer (the same functions behind both), `updateMe`
 * refuses what PATCH /customers/me refuses, with the same codes and field
 * names, and a history of 20 orders with their lines costs a bounded number
 * of D1 statements and no Durable Object call.
 */
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ACCOUNT_QUERY, type AccountAnswer } from "../../../web/src/api/account-query";
import { customerRefOf } from "../src/ordering/projections";
import { verifyEmailOf } from "./accounts-helpers";
import { countInPlace, countingD1, d1Counter } from "./d1-counting";
import { bearer, CONTACT, call, json, ORDERABLE, PAY_BY_CARD, PRINCIPALS, registerCustomer, send } from "./helpers";

interface GraphAnswer<T> {
	data?: T;
	errors?: { message: string; path?: string[]; extensions?: { code?: string; details?: unknown } }[];
}

async function graphql<T>(
	query: string,
	variables: Record<string, unknown> = {},
	headers: Record<string, string> = {},
): Promise<GraphAnswer<T>> {
	const response = await call("/api/v1/graphql", {
		method: "POST",
		headers: { "content-type": "application/json", ...headers },
		body: JSON.stringify({ query, variables }),
	});
	return json<GraphAnswer<T>>(response);
}

const PROFILE_FIELDS = `
	id email role name phone locations
	addresses { label line1 line2 city postcode latitude longitude }
	dietaryPreferences avoidAllergens favouriteLocation
	notificationPreferences { orderUpdates marketing }
	language
	emailVerified
	createdAt
`;

const ME = `query { me { ${PROFILE_FIELDS} } }`;

const HISTORY = `query History($limit: Int) {
	me {
		id
		orders(limit: $limit) {
			id locationSlug placedAt status total { amount currency }
			lines { id itemId name quantity unitPrice { amount currency } lineTotal { amount currency } options { name priceDelta { amount currency } } note }
		}
	}
}`;

interface HistoryOrder {
	id: string;
	locationSlug: string;
	placedAt: string;
	status: string;
	total: { amount: number; currency: string };
	lines: { itemId: string; name: string; quantity: number; options: { name: string }[] }[];
}

/** An order through the public API, as the customer: cart, one line, checkout. */
async function placeOrder(headers: Record<string, string>, location: keyof typeof ORDERABLE): Promise<string> {
	const cart = await json<{ id: string }>(await send("POST", "/api/v1/carts", { locationSlug: location }, headers));
	expect((await send("POST", `/api/v1/carts/${cart.id}/items`, ORDERABLE[location].line, headers)).status).toBe(201);
	const checkout = await send(
		"POST",
		`/api/v1/carts/${cart.id}/checkout`,
		{
			fulfilment: "pickup",
			contact: CONTACT,
			requestedTime: ORDERABLE[location].requestedTime(),
			payment: PAY_BY_CARD,
		},
		{ ...headers, "idempotency-key": crypto.randomUUID() },
	);
	expect(checkout.status).toBe(201);
	return (await json<{ orderId: string }>(checkout)).orderId;
}

describe("me", () => {
	it("is null for an anonymous caller, without an error", async () => {
		expect(await graphql(ME)).toEqual({ data: { me: null } });
	});

	it("is the profile GET /customers/me answers, for a customer and for staff (their own account)", async () => {
		const customer = await registerCustomer();
		for (const headers of [customer.headers, await bearer(PRINCIPALS.manager)]) {
			const rest = await json<Record<string, unknown>>(await call("/api/v1/customers/me", { headers }));
			const { data } = await graphql<{ me: Record<string, unknown> }>(ME, {}, headers);
			expect(data?.me).toEqual(rest);
		}
	});

	it("lists the orders of every region newest first, as GET /customers/me/orders does, with their lines", async () => {
		const customer = await registerCustomer();
		const london = await placeOrder(customer.headers, "london-soho");
		const newYork = await placeOrder(customer.headers, "new-york-chelsea");
		const rest = await json<{ orders: { orderId: string; locationSlug: string; status: string }[] }>(
			await call("/api/v1/customers/me/orders", { headers: customer.headers }),
		);
		expect(new Set(rest.orders.map((order) => order.orderId))).toEqual(new Set([london, newYork]));

		const { data, errors } = await graphql<{ me: { orders: HistoryOrder[] } }>(HISTORY, {}, customer.headers);
		expect(errors).toBeUndefined();
		const orders = data?.me.orders ?? [];
		expect(orders.map((order) => order.id)).toEqual(rest.orders.map((order) => order.orderId));
		expect(orders.map((order) => order.locationSlug)).toEqual(rest.orders.map((order) => order.locationSlug));
		const byId = new Map(orders.map((order) => [order.id, order]));
		expect(byId.get(london)?.lines).toMatchObject([
			{ itemId: "itm-ldn-flat-white", quantity: 1, options: [{ name: expect.any(String) }] },
		]);
		expect(byId.get(newYork)?.lines).toMatchObject([{ itemId: "itm-nyc-cold-brew", quantity: 1 }]);
		expect(byId.get(newYork)?.total.currency).toBe("USD");

		expect(orders.map((order) => order.status)).toEqual(rest.orders.map((order) => order.status.toUpperCase()));

		// The newest only, with the full order as GET /orders/{id} answers it.
		const newest = await graphql<{
			me: { orders: { id: string; order: { id: string; contact: { name: string } } }[] };
		}>("query { me { orders(limit: 1) { id order { id contact { name } } } } }", {}, customer.headers);
		expect(newest.data?.me.orders).toEqual([
			{ id: rest.orders[0].orderId, order: { id: rest.orders[0].orderId, contact: { name: CONTACT.name } } },
		]);
	});

	it("answers the web app's account page in one request: the profile GET /customers/me answers, the orders with their lines", async () => {
		const customer = await registerCustomer();
		const orderId = await placeOrder(customer.headers, "london-soho");
		const { data, errors } = await graphql<AccountAnswer>(ACCOUNT_QUERY, {}, customer.headers);
		expect(errors).toBeUndefined();
		const { orders, ...profile } = data?.me ?? { orders: [] };
		expect(profile).toEqual(await json(await call("/api/v1/customers/me", { headers: customer.headers })));
		expect(orders).toMatchObject([
			{ id: orderId, locationSlug: "london-soho", status: "PLACED", lines: [{ itemId: "itm-ldn-flat-white" }] },
		]);
	});

	it("refuses a limit outside 1–200 with validation_failed naming limit", async () => {
		const customer = await registerCustomer();
		for (const limit of [0, 201]) {
			const { errors } = await graphql(HISTORY, { limit }, customer.headers);
			expect(errors?.[0].extensions).toMatchObject({
				code: "validation_failed",
				details: [{ field: "limit", message: expect.any(String) }],
			});
		}
	});

	it("resolves a Customer reference only for the caller's own account", async () => {
		const customer = await registerCustomer();
		const other = await registerCustomer();
		const query = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { id email } } }`;
		const representations = [
			{ __typename: "Customer", id: customer.id },
			{ __typename: "Customer", id: other.id },
		];
		const { data } = await graphql<{ _entities: unknown[] }>(query, { representations }, customer.headers);
		expect(data?._entities).toEqual([{ id: customer.id, email: customer.email }, null]);
	});
});

const UPDATE_ME = `mutation Update($input: ProfilePatchInput!) { updateMe(input: $input) { ${PROFILE_FIELDS} } }`;

describe("updateMe", () => {
	it("changes the profile as PATCH /customers/me does, and GET /customers/me then shows it", async () => {
		const customer = await registerCustomer();
		// Saved addresses wait for a verified address, as in REST.
		await verifyEmailOf(customer.email);
		const input = {
			name: "Grace Hopper",
			phone: "+44 20 7946 0001",
			avoidAllergens: ["peanuts"],
			addresses: [
				{
					label: "Home",
					line1: "12 Greek Street",
					city: "London",
					postcode: "W1D 4DL",
					latitude: 51.5142,
					longitude: -0.1318,
				},
			],
			favouriteLocation: "london-soho",
		};
		const { data, errors } = await graphql<{ updateMe: Record<string, unknown> }>(
			UPDATE_ME,
			{ input },
			customer.headers,
		);
		expect(errors).toBeUndefined();
		const rest = await json<{ addresses: Record<string, unknown>[] }>(
			await call("/api/v1/customers/me", { headers: customer.headers }),
		);
		// The graph names every field of its type; REST leaves out an address's absent second line.
		expect(data?.updateMe).toEqual({
			...rest,
			addresses: rest.addresses.map((address) => ({ line2: null, ...address })),
		});
		expect(rest).toMatchObject({ name: "Grace Hopper", avoidAllergens: ["peanuts"], favouriteLocation: "london-soho" });

		const cleared = await graphql<{ updateMe: { phone: string | null } }>(
			UPDATE_ME,
			{ input: { phone: null } },
			customer.headers,
		);
		expect(cleared.data?.updateMe.phone).toBeNull();
	});

	it("refuses what REST refuses, with validation_failed naming each field", async () => {
		const customer = await registerCustomer();
		const input = {
			phone: "not a phone",
			dietaryPreferences: ["carnivore"],
			addresses: [{ label: "Work", line1: "1 Road", city: "London", latitude: 51.5, longitude: -0.1 }],
		};
		const rest = await send("PATCH", "/api/v1/customers/me", input, customer.headers);
		const restError = (await json<{ error: { code: string; details: { field: string }[] } }>(rest)).error;
		const { data, errors } = await graphql<{ updateMe: unknown }>(UPDATE_ME, { input }, customer.headers);
		expect(data?.updateMe ?? null).toBeNull();
		expect(errors?.[0].extensions?.code).toBe("validation_failed");
		const fields = ((errors?.[0].extensions?.details ?? []) as { field: string }[]).map((issue) => issue.field);
		expect(fields).toEqual(expect.arrayContaining(["phone", "dietaryPreferences.0", "addresses.0.postcode"]));
		expect(fields.sort()).toEqual(restError.details.map((issue) => issue.field).sort());
	});

	it("sets and clears the preferred language as PATCH /customers/me does, refusing one menus are not offered in", async () => {
		const customer = await registerCustomer();
		const set = await graphql<{ updateMe: { language: string | null } }>(
			UPDATE_ME,
			{ input: { language: "ja" } },
			customer.headers,
		);
		expect(set.data?.updateMe.language).toBe("ja");
		expect(await json(await call("/api/v1/customers/me", { headers: customer.headers }))).toMatchObject({
			language: "ja",
		});

		const refused = await graphql(UPDATE_ME, { input: { language: "fr" } }, customer.headers);
		expect(refused.errors?.[0].extensions).toMatchObject({
			code: "validation_failed",
			details: [{ field: "language", message: expect.any(String) }],
		});

		const cleared = await graphql<{ updateMe: { language: string | null } }>(
			UPDATE_ME,
			{ input: { language: null } },
			customer.headers,
		);
		expect(cleared.data?.updateMe.language).toBeNull();
	});

	it("answers not_found for a favourite location that does not exist, and unauthorized when anonymous", async () => {
		const customer = await registerCustomer();
		const unknown = await graphql(UPDATE_ME, { input: { favouriteLocation: "atlantis" } }, customer.headers);
		expect(unknown.errors?.[0].extensions?.code).toBe("not_found");
		const anonymous = await graphql(UPDATE_ME, { input: { name: "Nobody" } });
		expect(anonymous.errors?.[0].extensions?.code).toBe("unauthorized");
	});
});

describe("the history's cost", () => {
	const bindings = env as unknown as Record<string, unknown>;
	const undo: (() => void)[] = [];

	afterEach(() => {
		for (const restore of undo.splice(0)) restore();
		vi.restoreAllMocks();
	});

	/** Twenty orders of two lines each in the history read models: 14 in London's region, 6 in New York's. */
	async function seedTwentyOrders(account: { id: string; email: string }): Promise<void> {
		const customerRef = customerRefOf(account.id, account.email);
		for (let index = 0; index < 20; index++) {
			const [region, database, slug, currency] =
				index < 14
					? (["eu", env.ORDERS_EU, "london-soho", "GBP"] as const)
					: (["us", env.ORDERS_US, "new-york-chelsea", "USD"] as const);
			const orderId = `ord_${region}_${crypto.randomUUID().replaceAll("-", "")}`;
			const placedAt = new Date(Date.UTC(2026, 0, 1, 12, index)).toISOString();
			await database.batch([
				database
					.prepare(
						"INSERT INTO customer_order_history (customer_ref, order_id, location_slug, placed_at, status, total_minor, currency) VALUES (?, ?, ?, ?, 'delivered', 700, ?)",
					)
					.bind(customerRef, orderId, slug, placedAt, currency),
				...[1, 2].map((position) =>
					database
						.prepare(
							"INSERT INTO order_lines (order_id, line_id, position, item_id, category_id, name, quantity, unit_price_minor, line_total_minor, options, note) VALUES (?, ?, ?, 'itm-x', 'cat-x', ?, 1, 350, 350, '[]', NULL)",
						)
						.bind(orderId, `line-${position}`, position, `Dish ${position}`),
				),
			]);
		}
	}

	it("reads 20 orders with their lines and locations in a statement per region and location, reaching no order object", async () => {
		const customer = await registerCustomer();
		await seedTwentyOrders(customer);

		const counter = d1Counter("history");
		const saved = bindings.DB;
		bindings.DB = countingD1(env.DB, counter);
		undo.push(() => {
			bindings.DB = saved;
		});
		for (const orders of [env.ORDERS_EU, env.ORDERS_US, env.ORDERS_APAC]) undo.push(countInPlace(orders, counter));
		const objectCalls = [vi.spyOn(env.CARTS, "get"), vi.spyOn(env.CARTS, "jurisdiction")];

		const { data, errors } = await graphql<{ me: { orders: HistoryOrder[] } }>(
			HISTORY.replace("locationSlug", "locationSlug location { name }"),
			{},
			customer.headers,
		);
		expect(errors).toBeUndefined();
		const orders = data?.me.orders ?? [];
		expect(orders).toHaveLength(20);
		expect(orders.every((order) => order.lines.length === 2)).toBe(true);
		expect(orders.map((order) => order.placedAt)).toEqual(
			orders
				.map((order) => order.placedAt)
				.sort()
				.reverse(),
		);

		// The account and the two locations (global), the history of each of the three regions, and the
		// lines of the two regions holding orders: the same for 20 orders as for 2.
		const statements = counter.sqlOf("history");
		expect(statements.filter((sql) => /from "?order_lines/i.test(sql))).toHaveLength(2);
		expect(statements.filter((sql) => /from "?customer_order_history/i.test(sql))).toHaveLength(3);
		expect(statements.length, statements.join("\n")).toBe(1 + 2 + 3 + 2);
		for (const spy of objectCalls) expect(spy).not.toHaveBeenCalled();
	});
});
