/**
 * Accounts: registration, sign-in, token expiry and refresh rotation with reuse
 * detection, the profile, order history, export and deletion. Security first:
 * nothing here may say whether an email exists.
 */
import { env } from "cloudflare:workers";
import { issueAccessToken } from "@goodfood/platform/access-token";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { verifyEmailOf } from "./accounts-helpers";
import { bearer, CONTACT, call, errorOf, json, londonLunchTomorrow, PAY_BY_CARD, STAFF, send } from "./helpers";

interface Tokens {
	accessToken: string;
	refreshToken: string;
	expiresIn: number;
	account?: { id: string; email: string; role: string };
}

let ipCounter = 0;
/** Each test signs in from its own address, so the sign-in limit of one does not touch another. */
function fromNewIp() {
	ipCounter += 1;
	return { "cf-connecting-ip": `198.51.100.${ipCounter}` };
}

async function register(email = `${crypto.randomUUID()}@example.com`, password = "correct horse 42") {
	const response = await send("POST", "/api/v1/auth/register", { email, password, name: "Grace Hopper" }, fromNewIp());
	expect(response.status).toBe(201);
	return { email, password, ...(await json<Tokens>(response)) };
}

function login(email: string, password: string, headers = fromNewIp()) {
	return send("POST", "/api/v1/auth/login", { email, password }, headers);
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe("registration", () => {
	it("creates a customer account and signs it in", async () => {
		const account = await register();
		expect(account.account).toMatchObject({ role: "customer" });
		expect(account.expiresIn).toBe(900);
		const me = await call("/api/v1/customers/me", { headers: auth(account.accessToken) });
		expect(await json<{ email: string }>(me)).toMatchObject({ email: account.email, name: "Grace Hopper" });
	});

	it("refuses a taken email with 409, whatever its case", async () => {
		const { email } = await register();
		const response = await send("POST", "/api/v1/auth/register", {
			email: email.toUpperCase(),
			password: "another pass 77",
			name: "X",
		});
		expect(response.status).toBe(409);
		expect((await errorOf(response)).code).toBe("email_taken");
	});

	it.each([["short1"], ["onlyletterslong"], ["1111111111111"]])(
		"refuses the weak password %s with 400 naming password",
		async (password) => {
			const response = await send("POST", "/api/v1/auth/register", {
				email: `${crypto.randomUUID()}@example.com`,
				password,
				name: "X",
			});
			expect(response.status).toBe(400);
			expect((await errorOf(response)).details?.[0].field).toBe("password");
		},
	);
});

describe("sign-in", () => {
	it("answers tokens for the right password, and the same 401 for a wrong password or an unknown email", async () => {
		const { email, password } = await register();
		expect((await login(email, password)).status).toBe(200);
		const wrong = await login(email, "wrong password 1");
		const unknown = await login(`nobody-${crypto.randomUUID()}@example.com`, "wrong password 1");
		expect([wrong.status, unknown.status]).toEqual([401, 401]);
		expect((await errorOf(wrong)).message).toBe((await errorOf(unknown)).message);
	});

	it("signs in staff with their role and locations", async () => {
		const response = await login("kitchen.soho@goodfood.local", "kitchen-local-only-1");
		const { accessToken } = await json<Tokens>(response);
		const me = await json<{ role: string; locations: string[] }>(
			await call("/api/v1/customers/me", { headers: auth(accessToken) }),
		);
		expect(me).toMatchObject({ role: "kitchen", locations: ["london-soho"] });
	});

	it("answers 429 with Retry-After after repeated failed sign-ins", async () => {
		const { email } = await register();
		const ip = fromNewIp();
		const statuses: number[] = [];
		for (let attempt = 0; attempt < 6; attempt++) statuses.push((await login(email, "wrong password 1", ip)).status);
		expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
		const limited = await login(email, "wrong password 1", ip);
		expect(limited.status).toBe(429);
		expect(limited.headers.get("retry-after")).toBe("60");
		expect((await errorOf(limited)).code).toBe("rate_limited");
	});
});

describe("access tokens", () => {
	it("refuses an expired token with 401", async () => {
		const expired = await issueAccessToken(
			env,
			{ id: "acc-demo-customer", role: "customer", locations: [] },
			{ now: new Date(Date.now() - 3600_000) },
		);
		expect((await call("/api/v1/customers/me", { headers: auth(expired) })).status).toBe(401);
	});

	it("refuses a token signed with another key, or claiming another role, with 401", async () => {
		const forged = await new SignJWT({ role: "admin", locations: [] })
			.setProtectedHeader({ alg: "HS256" })
			.setSubject("acc-demo-customer")
			.setIssuer("goodfood")
			.setAudience("goodfood-api")
			.setIssuedAt()
			.setExpirationTime("10m")
			.sign(new TextEncoder().encode("not-the-secret-not-the-secret-not-the-secret"));
		expect((await call("/api/v1/staff", { headers: auth(forged) })).status).toBe(401);
		expect((await call("/api/v1/customers/me", { headers: auth("not.a.jwt") })).status).toBe(401);
		const unsigned = `${btoa(JSON.stringify({ alg: "none" }))}.${btoa(JSON.stringify({ sub: "acc-demo-admin", role: "admin" }))}.`;
		expect((await call("/api/v1/staff", { headers: auth(unsigned) })).status).toBe(401);
	});
});

describe("refresh tokens", () => {
	it("rotate: each works once and yields a new pair", async () => {
		const first = await register();
		const refreshed = await send("POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
		expect(refreshed.status).toBe(200);
		const second = await json<Tokens>(refreshed);
		expect(second.refreshToken).not.toBe(first.refreshToken);
		expect((await call("/api/v1/customers/me", { headers: auth(second.accessToken) })).status).toBe(200);
	});

	it("revoke the whole family when a used token comes back", async () => {
		const first = await register();
		const second = await json<Tokens>(await send("POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken }));
		const reuse = await send("POST", "/api/v1/auth/refresh", { refreshToken: first.refreshToken });
		expect(reuse.status).toBe(401);
		// The thief's reuse also signs out the legitimate holder of the newer token.
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: second.refreshToken })).status).toBe(401);
	});

	it("stop working after sign-out", async () => {
		const account = await register();
		expect((await send("POST", "/api/v1/auth/logout", { refreshToken: account.refreshToken })).status).toBe(204);
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: account.refreshToken })).status).toBe(401);
	});

	it("refuse a made-up token with 401", async () => {
		expect((await send("POST", "/api/v1/auth/refresh", { refreshToken: "made-up" })).status).toBe(401);
	});
});

describe("the profile", () => {
	it("keeps addresses, dietary preferences, allergens to avoid, a favourite location and notification choices", async () => {
		const { accessToken, email } = await register();
		// Saved addresses wait for a confirmed address (accounts-recovery.test.ts).
		await verifyEmailOf(email);
		const patch = {
			phone: "+44 7700 900123",
			addresses: [
				{
					label: "Home",
					line1: "1 Dean Street",
					city: "London",
					postcode: "W1D 3RB",
					latitude: 51.514,
					longitude: -0.132,
				},
			],
			dietaryPreferences: ["vegetarian"],
			avoidAllergens: ["peanuts", "sesame"],
			favouriteLocation: "london-soho",
			notificationPreferences: { orderUpdates: true, marketing: false },
		};
		const response = await send("PATCH", "/api/v1/customers/me", patch, auth(accessToken));
		expect(response.status).toBe(200);
		expect(await json(response)).toMatchObject(patch);
	});

	it("answers 400 naming an unknown allergen and 404 for an unknown favourite location", async () => {
		const { accessToken } = await register();
		const bad = await send("PATCH", "/api/v1/customers/me", { avoidAllergens: ["gluten"] }, auth(accessToken));
		expect(bad.status).toBe(400);
		expect((await errorOf(bad)).details?.[0].field).toBe("avoidAllergens.0");
		expect(
			(await send("PATCH", "/api/v1/customers/me", { favouriteLocation: "atlantis" }, auth(accessToken))).status,
		).toBe(404);
	});
});

async function orderAsCustomer(accessToken: string) {
	const cart = await json<{ id: string }>(
		await send("POST", "/api/v1/carts", { locationSlug: "london-soho" }, auth(accessToken)),
	);
	await send(
		"POST",
		`/api/v1/carts/${cart.id}/items`,
		{ itemId: "itm-ldn-flat-white", options: ["opt-ldn-flat-white-milk-oat"] },
		auth(accessToken),
	);
	const checkout = await send(
		"POST",
		`/api/v1/carts/${cart.id}/checkout`,
		{ fulfilment: "pickup", contact: CONTACT, requestedTime: londonLunchTomorrow(), payment: PAY_BY_CARD },
		{ ...auth(accessToken), "idempotency-key": crypto.randomUUID() },
	);
	expect(checkout.status).toBe(201);
	return json<{ orderId: string }>(checkout);
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
	let value = await read();
	for (let attempt = 0; attempt < 50 && !done(value); attempt++) {
		await new Promise((resolve) => setTimeout(resolve, 100));
		value = await read();
	}
	return value;
}

describe("order history, export and deletion", () => {
	it("lists the customer's orders and reads them without a tracking token", async () => {
		const { accessToken } = await register();
		const { orderId } = await orderAsCustomer(accessToken);
		expect((await call(`/api/v1/orders/${orderId}`, { headers: auth(accessToken) })).status).toBe(200);
		const history = await eventually(
			async () =>
				json<{ orders: { orderId: string }[] }>(
					await call("/api/v1/customers/me/orders", { headers: auth(accessToken) }),
				),
			(body) => body.orders.length > 0,
		);
		expect(history.orders.map((order) => order.orderId)).toEqual([orderId]);
	});

	it("exports the account and its orders", async () => {
		const { accessToken, email } = await register();
		const { orderId } = await orderAsCustomer(accessToken);
		const exported = await eventually(
			async () =>
				json<{ account: { email: string }; orders: { id: string; lines: unknown[] }[] }>(
					await call("/api/v1/customers/me/export", { headers: auth(accessToken) }),
				),
			(body) => body.orders.length > 0,
		);
		expect(exported.account.email).toBe(email);
		expect(exported.orders[0]).toMatchObject({ id: orderId });
		expect(exported.orders[0].lines).toHaveLength(1);
	});

	it("deletes the account but keeps its orders, anonymised", async () => {
		const account = await register();
		const { orderId } = await orderAsCustomer(account.accessToken);
		await eventually(
			async () =>
				json<{ orders: unknown[] }>(await call("/api/v1/customers/me/orders", { headers: auth(account.accessToken) })),
			(body) => body.orders.length > 0,
		);
		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(account.accessToken))).status).toBe(204);

		expect((await login(account.email, account.password)).status).toBe(401);
		expect((await call("/api/v1/customers/me", { headers: auth(account.accessToken) })).status).toBe(401);
		const order = await json<{ contact: { name: string; email: string } }>(
			await call(`/api/v1/orders/${orderId}`, { headers: STAFF }),
		);
		expect(order.contact).toMatchObject({ name: "Deleted customer" });
		const row = await env.ORDERS_EU.prepare("SELECT contact_name, contact_email, customer_ref FROM orders WHERE id = ?")
			.bind(orderId)
			.first();
		expect(row).toEqual({
			contact_name: "Deleted customer",
			contact_email: "deleted@invalid.example",
			customer_ref: null,
		});
	});
});

describe("deletion and the notification log", () => {
	async function logRow(eventId: string, channel: string, recipient: string, orderId: string) {
		await env.ORDERS_EU.prepare(
			"INSERT INTO notification_log (event_id, channel, recipient, order_id, event_type, status) VALUES (?, ?, ?, ?, 'OrderPlaced', 'sent')",
		)
			.bind(eventId, channel, recipient, orderId)
			.run();
	}

	function recipientOf(eventId: string, channel = "email") {
		return env.ORDERS_EU.prepare("SELECT recipient FROM notification_log WHERE event_id = ? AND channel = ?")
			.bind(eventId, channel)
			.all<{ recipient: string }>()
			.then((result) => result.results.map((row) => row.recipient));
	}

	it("scrubs the customer's e-mail address from the log, and only theirs", async () => {
		const account = await register();
		const { orderId } = await orderAsCustomer(account.accessToken);
		await eventually(
			async () =>
				json<{ orders: unknown[] }>(await call("/api/v1/customers/me/orders", { headers: auth(account.accessToken) })),
			(body) => body.orders.length > 0,
		);
		const ids = { ofOrder: crypto.randomUUID(), toAddress: crypto.randomUUID(), other: crypto.randomUUID() };
		const webhook = crypto.randomUUID();
		const alreadyScrubbed = crypto.randomUUID();
		await logRow(ids.ofOrder, "email", "checkout-contact@example.com", orderId);
		await logRow(ids.toAddress, "email", account.email.toUpperCase(), "ord_eu_elsewhere");
		await logRow(ids.other, "email", "someone-else@example.com", "ord_eu_elsewhere");
		await logRow(webhook, "webhook", "wh_kitchen", orderId);
		// A row for the same event already holding the placeholder must not fail the deletion.
		await logRow(alreadyScrubbed, "email", "deleted@invalid.example", orderId);
		await logRow(alreadyScrubbed, "email", "checkout-contact@example.com", orderId);

		expect((await send("DELETE", "/api/v1/customers/me", undefined, auth(account.accessToken))).status).toBe(204);

		expect(await recipientOf(ids.ofOrder)).toEqual(["deleted@invalid.example"]);
		expect(await recipientOf(ids.toAddress)).toEqual(["deleted@invalid.example"]);
		expect(await recipientOf(alreadyScrubbed)).toEqual(["deleted@invalid.example"]);
		expect(await recipientOf(ids.other)).toEqual(["someone-else@example.com"]);
		expect(await recipientOf(webhook, "webhook")).toEqual(["wh_kitchen"]);
		const left = await env.ORDERS_EU.prepare(
			"SELECT count(*) AS n FROM notification_log WHERE lower(recipient) = ? OR (order_id = ? AND channel = 'email' AND recipient <> 'deleted@invalid.example')",
		)
			.bind(account.email.toLowerCase(), orderId)
			.first<{ n: number }>();
		expect(left?.n).toBe(0);
	});
});

describe("staff accounts", () => {
	it("are created by admins for their locations", async () => {
		const email = `cook-${crypto.randomUUID()}@goodfood.local`;
		const response = await send(
			"POST",
			"/api/v1/staff",
			{ email, password: "kitchen pass 99", name: "Cook", role: "kitchen", locations: ["tokyo-shibuya"] },
			STAFF,
		);
		expect(response.status).toBe(201);
		const { accessToken } = await json<Tokens>(await login(email, "kitchen pass 99"));
		const list = await call("/api/v1/locations/tokyo-shibuya/orders", { headers: auth(accessToken) });
		expect(list.status).toBe(200);
		expect((await call("/api/v1/locations/london-soho/orders", { headers: auth(accessToken) })).status).toBe(403);
	});

	it("need a location unless they are admins", async () => {
		const response = await send(
			"POST",
			"/api/v1/staff",
			{ email: "x@goodfood.local", password: "kitchen pass 99", name: "X", role: "manager" },
			STAFF,
		);
		expect(response.status).toBe(400);
		expect((await errorOf(response)).details?.[0].field).toBe("locations");
	});

	it("cannot be created by a manager", async () => {
		const manager = await bearer({ id: "acc-demo-manager-soho", role: "manager", locations: ["london-soho"] });
		const response = await send(
			"POST",
			"/api/v1/staff",
			{ email: "y@goodfood.local", password: "kitchen pass 99", name: "Y", role: "admin" },
			manager,
		);
		expect(response.status).toBe(403);
	});
});
